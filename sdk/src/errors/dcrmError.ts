/**
 * The base of every error the SDK throws. `name` tells the kind; `shortMessage` is the message without the
 * details that follow it.
 *
 * @example
 * try {
 *   await dcrm.checkout({ orderId, shopper, points });
 * } catch (error) {
 *   if (!(error instanceof DcrmError)) throw error; // not the SDK's: a network error, a bug
 *   console.error(error.name, error.shortMessage); // e.g. "IssuanceCapExceededError", then the details
 * }
 */
export class DcrmError extends Error {
  override name = "DcrmError";
  readonly shortMessage: string;

  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(options.details ? `${shortMessage}\n\n${options.details}` : shortMessage, { cause: options.cause });
    this.shortMessage = shortMessage;
  }
}
