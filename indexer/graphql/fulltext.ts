/**
 * `@fulltext` searches: the root field `<name>(text, first, skip, where, block)` answers the entities whose
 * search document (the `to_tsvector` of each included String field, joined) matches `to_tsquery(text)` in the
 * search's language, ordered by rank (`ts_rank`, or `ts_rank_cd` for `proximityRank`) then id. graph-node
 * keeps the document in a column; here it is computed in the query, so nothing is stored for it.
 */
import type { FulltextModel } from "../schema.ts";
import { filterSql } from "./filters.ts";
import { context, pageOf, toEntity, type CollectionArgs, type EntityRow, type PlannerSource } from "./planner.ts";
import { blockCondition, col, qualifiedTable, SqlParams } from "./sql.ts";

/** The search document of rows aliased `alias`: each field's vector, concatenated; a null field adds nothing. */
function documentSql(search: FulltextModel, alias: string): string {
  const config = `'${search.config}'::regconfig`;
  return search.fields.map((field) => `to_tsvector(${config}, coalesce(${col(alias, field)}, ''))`).join(" || ");
}

/** A page of the entities matching `text` at `block`. */
export async function querySearch(source: PlannerSource, search: FulltextModel, block: number | null, text: string, args: CollectionArgs): Promise<EntityRow[]> {
  const { first, skip } = pageOf(args);
  const entity = source.schema.entities.get(search.entity)!;
  const params = new SqlParams();
  const ctx = context(source, params, block);
  const document = documentSql(search, "c");
  const query = `to_tsquery('${search.config}'::regconfig, ${params.add(text, "text")})`;
  const rank = search.algorithm === "rank" ? "ts_rank" : "ts_rank_cd";
  const where = filterSql(ctx, entity, "c", args.where);
  // graph-node orders a search by rank in its default direction, ascending, then by id.
  const sql = `SELECT c.* FROM ${qualifiedTable(source.namespace, { entity })} c WHERE ${blockCondition(params, "c", block)} AND (${document}) @@ ${query} AND ${where} ORDER BY ${rank}(${document}, ${query}) ASC, c.id ASC LIMIT ${params.add(first, "int4")} OFFSET ${params.add(skip, "int4")}`;
  const { rows } = await source.db.query(sql, params.values);
  return rows.map((row) => toEntity(entity, row, block));
}
