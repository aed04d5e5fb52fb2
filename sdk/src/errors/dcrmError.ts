/**
 * The base of every error the SDK throws. `name` tells the kind; `shortMessage` is the message without the
 * details that follow it.
 */
export class DcrmError extends Error {
  override name = "DcrmError";
  readonly shortMessage: string;

  constructor(shortMessage: string, options: { details?: string; cause?: unknown } = {}) {
    super(options.details ? `${shortMessage}\n\n${options.details}` : shortMessage, { cause: options.cause });
    this.shortMessage = shortMessage;
  }
}
