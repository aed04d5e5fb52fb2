/**
 * Indexes for the GraphQL planner's reads. A query reads the versions that hold at a block B:
 * `block_start <= B AND coalesce(block_end, OPEN_END) > B` (`graphql/sql.ts`). The index on `id` and that
 * end lets a lookup by id go straight to the versions that end after B (at the head: the current one)
 * instead of reading every version the id ever had, which for an entity updated every block (a storefront,
 * the program's totals) is one per block.
 */
/** The end of a version that has not ended, as the planner's condition and the index spell it. */
export const OPEN_END = 2_147_483_647;

/** `coalesce(block_end, OPEN_END)` of `alias` (no alias: the column itself, as in an index). */
export function versionEnd(alias?: string): string {
  return `coalesce(${alias ? `${alias}.` : ""}block_end, ${OPEN_END})`;
}

/**
 * The planner's indexes on a table (name qualified and quoted) whose versions end: a mutable entity's.
 * Immutable entities and timeseries never end a version, and need none.
 */
export function queryIndexesSql(qualifiedTable: string, quotedIndexName: string): string[] {
  return [`CREATE INDEX IF NOT EXISTS ${quotedIndexName} ON ${qualifiedTable} (id, (${versionEnd()}));`];
}
