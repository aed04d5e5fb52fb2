/**
 * Errors a query can make, each naming what is wrong. They reach clients as `{ errors: [{ message }] }`
 * with HTTP 400; anything else is an internal error and reaches clients without details.
 */
import { GraphQLError } from "graphql/index.js";

/** A query the API refuses: a bad argument, a value of the wrong form, a block not indexed yet. */
export class QueryError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: "BAD_QUERY" } });
    this.name = "QueryError";
  }
}
