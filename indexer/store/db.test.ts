import { describe, expect, it } from "vitest";

import { openPglite } from "./db.ts";

describe("openPglite", () => {
  it("reads int8 as bigint and rolls a failed transaction back", async () => {
    const db = await openPglite();
    await db.exec("CREATE TABLE t (n int8)");
    const { rows } = await db.query<{ n: bigint }>("SELECT 9007199254740993::int8 AS n");
    expect(rows[0]!.n).toBe(9_007_199_254_740_993n);
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO t VALUES (1)");
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await db.query("SELECT * FROM t")).rows).toHaveLength(0);
    await db.close();
  });

  it("joins the open transaction when a transaction handle starts one", async () => {
    const db = await openPglite();
    await db.exec("CREATE TABLE t (n int4)");
    const joined = db.transaction(async (tx) => {
      await tx.query("INSERT INTO t VALUES (1)");
      return tx.transaction(async (inner) => {
        await inner.query("INSERT INTO t VALUES (2)");
        return (await inner.query<{ n: number }>("SELECT n FROM t ORDER BY n")).rows.map((row) => row.n);
      });
    });
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("the nested transaction waits forever")), 3_000));
    await expect(Promise.race([joined, timeout])).resolves.toEqual([1, 2]);
    // One transaction: a throw in the nested work rolls back the outer writes too.
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO t VALUES (3)");
        await tx.transaction(async () => {
          throw new Error("boom");
        });
      }),
    ).rejects.toThrow("boom");
    expect((await db.query<{ n: number }>("SELECT n FROM t ORDER BY n")).rows.map((row) => row.n)).toEqual([1, 2]);
    await db.close();
  });
});
