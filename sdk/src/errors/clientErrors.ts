import { DcrmError } from "./dcrmError.js";

/**
 * The node (or the wallet) is on another chain than the deployment.
 *
 * @example
 * try {
 *   dcrm = await createDcrmClient({ publicClient, walletClient, deployment });
 * } catch (error) {
 *   if (!(error instanceof ChainMismatchError)) throw error;
 *   await walletClient.switchChain({ id: error.expectedChainId }); // then create the client again
 * }
 */
export class ChainMismatchError extends DcrmError {
  override name = "ChainMismatchError";
  readonly expectedChainId: number;
  readonly actualChainId: number;
  readonly client: "public" | "wallet";

  constructor(expectedChainId: number, actualChainId: number, client: "public" | "wallet") {
    super(`The ${client} client is on chain ${actualChainId}, but the deployment is on chain ${expectedChainId}.`, {
      details: "Connect the client to the deployment's chain, or pass the deployment of the chain it is on.",
    });
    this.expectedChainId = expectedChainId;
    this.actualChainId = actualChainId;
    this.client = client;
  }
}

/**
 * A contract of the deployment has no code at its recorded address on the connected chain.
 *
 * @example
 * try {
 *   dcrm = await createDcrmClient({ publicClient, walletClient, deployment });
 * } catch (error) {
 *   if (!(error instanceof ContractNotDeployedError)) throw error;
 *   console.error(`${error.contract} is missing at ${error.address} on chain ${error.chainId}`);
 * }
 */
export class ContractNotDeployedError extends DcrmError {
  override name = "ContractNotDeployedError";
  readonly contract: string;
  readonly address: string;
  readonly chainId: number;

  constructor(contract: string, address: string, chainId: number) {
    super(`${contract} has no code at ${address} on chain ${chainId}.`, {
      details: "The deployment record does not match this chain: deploy (npm run deploy) or use the right record.",
    });
    this.contract = contract;
    this.address = address;
    this.chainId = chainId;
  }
}

/**
 * The deployment record is not one: a field is missing or malformed.
 *
 * @example
 * try {
 *   dcrm = await createDcrmClient({ publicClient, deployment: await readFile(path, "utf8") });
 * } catch (error) {
 *   if (!(error instanceof InvalidDeploymentError)) throw error;
 *   for (const problem of error.problems) console.error(problem);
 * }
 */
export class InvalidDeploymentError extends DcrmError {
  override name = "InvalidDeploymentError";
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid deployment record: ${problems.join("; ")}.`);
    this.problems = problems;
  }
}

/**
 * A parameter is invalid; nothing was sent.
 *
 * @example
 * try {
 *   await dcrm.issuePoints({ shopper, orderId, points: 0n });
 * } catch (error) {
 *   if (!(error instanceof InvalidParameterError)) throw error;
 *   return { status: 400, field: error.parameter, expected: error.expected }; // "points", "an integer from 1 to …"
 * }
 */
export class InvalidParameterError extends DcrmError {
  override name = "InvalidParameterError";
  readonly parameter: string;
  readonly value: unknown;
  readonly expected: string;

  constructor(parameter: string, value: unknown, expected: string) {
    super(`Invalid ${parameter}: ${typeof value === "bigint" ? value.toString() : JSON.stringify(value) ?? String(value)} (expected ${expected}).`);
    this.parameter = parameter;
    this.value = value;
    this.expected = expected;
  }
}

/**
 * The action sends a transaction or signs, and the client has no wallet account.
 *
 * @example
 * try {
 *   await dcrm.redeemPoints({ points: 100n });
 * } catch (error) {
 *   if (!(error instanceof AccountRequiredError)) throw error;
 *   await connectWallet(); // then create the client again with the wallet client
 * }
 */
export class AccountRequiredError extends DcrmError {
  override name = "AccountRequiredError";
  readonly action: string;

  constructor(action: string) {
    super(`${action} needs a wallet client with an account: pass walletClient (with account) to createDcrmClient.`);
    this.action = action;
  }
}

/**
 * A transaction was mined but reverted (a revert the simulation did not foresee, e.g. a race).
 *
 * @example
 * try {
 *   await dcrm.claimCommissions({ partnerId });
 * } catch (error) {
 *   if (!(error instanceof TransactionRevertedError)) throw error;
 *   console.error(`${error.contract}.${error.functionName} reverted in ${error.hash}`);
 * }
 */
export class TransactionRevertedError extends DcrmError {
  override name = "TransactionRevertedError";
  readonly hash: string;
  readonly contract: string;
  readonly functionName: string;

  constructor(hash: string, contract: string, functionName: string) {
    super(`${contract}.${functionName} reverted on-chain in transaction ${hash}.`);
    this.hash = hash;
    this.contract = contract;
    this.functionName = functionName;
  }
}
