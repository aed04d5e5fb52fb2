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
});
