/**
 * Several statements over tables of different entity types as one: each is a branch of a UNION ALL whose
 * rows carry the branch's number, the extra columns every branch has, and the entity's stored columns in
 * slots shared by type (a branch's n-th column of a type goes in that type's n-th slot, the other branches'
 * slots NULL), so the union is as wide as its widest branch per type. One round trip and one plan instead
 * of one per statement, on a database that runs one statement at a time (PGlite).
 */
import { storedFields, type EntityModel, type FieldModel } from "../schema.ts";
import type { Db } from "../store/db.ts";
import { columnType, quote } from "../store/layout.ts";
import type { SqlParams } from "./sql.ts";

/** One statement of the union: rows of `entity`'s table (all its stored columns, and the extra ones). */
export interface UnionBranch {
  entity: EntityModel;
  statement: string;
}

/**
 * Runs `branches` (whose parameters are in `params`) as one statement; answers each branch's rows, with its
 * stored columns under their field names and the `extra` columns, in `order` (SQL over the extra columns)
 * within a branch.
 */
export async function readUnion(db: Db, params: SqlParams, branches: UnionBranch[], extra: string[], order?: string): Promise<Record<string, unknown>[][]> {
  const widths = new Map<string, number>();
  const columns = branches.map(({ entity }) => {
    const used = new Map<string, number>();
    return storedFields(entity).map((stored): { stored: FieldModel; slot: string } => {
      const type = columnType(stored);
      const index = used.get(type) ?? 0;
      used.set(type, index + 1);
      widths.set(type, Math.max(widths.get(type) ?? 0, index + 1));
      return { stored, slot: `${type}#${index}` };
    });
  });
  const slots = [...widths].flatMap(([type, width]) => Array.from({ length: width }, (_, index) => ({ type, slot: `${type}#${index}` })));
  const selects = branches.map(({ statement }, branch) => {
    const own = new Map(columns[branch]!.map(({ stored, slot }) => [slot, stored]));
    const values = [
      ...extra.map((name) => `s.${quote(name)}`),
      ...slots.map(({ type, slot }) => {
        const stored = own.get(slot);
        return `${stored ? `s.${quote(stored.name)}` : `NULL::${type}`} AS ${quote(slot)}`;
      }),
    ];
    return `SELECT ${branch} AS "__branch", ${values.join(", ")} FROM (${statement}) s`;
  });
  const sql = `${selects.join(" UNION ALL ")} ORDER BY "__branch"${order ? `, ${order}` : ""}`;
  const { rows } = await db.query(sql, params.values);
  const perBranch: Record<string, unknown>[][] = branches.map(() => []);
  for (const row of rows) {
    const branch = Number(row.__branch);
    const out: Record<string, unknown> = {};
    for (const name of extra) out[name] = row[name];
    for (const { stored, slot } of columns[branch]!) out[stored.name] = row[slot];
    perBranch[branch]!.push(out);
  }
  return perBranch;
}
