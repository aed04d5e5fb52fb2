/**
 * The `block` argument (`{ number }`, `{ hash }`, `{ number_gte }`) as the block number a query reads at,
 * checked against what the indexer has committed, and the `subgraphError` policy.
 */
import { REVERTIBLE_BLOCKS } from "../store/meta.ts";
import { QueryError } from "./errors.ts";
import { readBlock, readMeta, type MetaState, type PlannerSource } from "./planner.ts";

/** The `Block_height` input. */
export interface BlockHeight {
  number?: number | null;
  hash?: string | null;
  number_gte?: number | null;
}

/** Where a query reads: the block number (null before anything was indexed) and the deployment's state. */
export interface ReadPoint {
  block: number | null;
  meta: MetaState | null;
}

function notYetIndexed(meta: MetaState | null, wanted: number): QueryError {
  const head = meta?.headNumber;
  const name = meta?.deployment ?? "the subgraph";
  return new QueryError(
    head === null || head === undefined
      ? `subgraph ${name} has not indexed any block yet, so data for block number ${wanted} is not yet available`
      : `subgraph ${name} has only indexed up to block number ${head} and data for block number ${wanted} is therefore not yet available`,
  );
}

/**
 * What a request's GraphQL context may carry: the store's `_meta` as the server read it for the request, so
 * that every field of the request reads at the same head, and the state its answer is kept under is the
 * state it was computed in.
 */
export interface RequestContext {
  storeMeta?: MetaState | null;
}

/** The `_meta` the server read for this request, or undefined when it read none. */
export function storeMetaOf(context: unknown): MetaState | null | undefined {
  return context !== null && typeof context === "object" ? (context as RequestContext).storeMeta : undefined;
}

/**
 * The block a query with this `block` argument reads at; refuses blocks not indexed yet or unknown hashes.
 * `known` is `_meta` as read already for the request (undefined: read it now).
 */
export async function resolveReadPoint(
  source: Pick<PlannerSource, "db" | "namespace">,
  height: BlockHeight | null | undefined,
  errorPolicy?: string | null,
  known?: MetaState | null,
): Promise<ReadPoint> {
  const meta = known !== undefined ? known : await readMeta(source);
  if (meta?.hasErrors && errorPolicy !== "allow") {
    throw new QueryError("indexing_error: the subgraph has indexing errors; query with `subgraphError: allow` to read its data anyway");
  }
  const head = meta?.headNumber ?? null;
  if (height?.hash !== undefined && height.hash !== null) {
    const found = await readBlock(source, { hash: height.hash });
    if (!found) {
      // `_blocks` keeps only the blocks a reorg can still revert: an older block's hash is not known.
      throw new QueryError(
        `no block with hash ${height.hash} is known to the subgraph: only the last ${REVERTIBLE_BLOCKS} blocks it indexed can be looked up by hash; query an older block by number instead`,
      );
    }
    return { block: found.number, meta };
  }
  if (height?.number !== undefined && height.number !== null) {
    if (height.number < 0) throw new QueryError(`block number ${height.number} is negative`);
    if (head === null || height.number > head) throw notYetIndexed(meta, height.number);
    if (meta?.earliestBlock !== null && meta?.earliestBlock !== undefined && height.number < meta.earliestBlock) {
      throw new QueryError(
        `subgraph ${meta.deployment} has no data for block number ${height.number}: its earliest indexed block is ${meta.earliestBlock}`,
      );
    }
    return { block: height.number, meta };
  }
  if (height?.number_gte !== undefined && height.number_gte !== null) {
    if (head === null || head < height.number_gte) throw notYetIndexed(meta, height.number_gte);
  }
  return { block: head, meta };
}
