/** A store operation that cannot be done: the message names the entity type, id or block and what is wrong. */
export class StoreError extends Error {
  override name = "StoreError";
}
