/** A store operation that cannot be done: the message names the entity type, id or block and what is wrong. */
export class StoreError extends Error {
  override name = "StoreError";
}

/** The database did not answer a read the handlers needed: a failure of the store, not of the handler. */
export class StoreReadError extends Error {
  override name = "StoreReadError";
}
