import { DcrmError } from "./dcrmError.js";

/** The node (or the wallet) is on another chain than the deployment. */
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

/** A contract of the deployment has no code at its recorded address on the connected chain. */
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

/** The deployment record is not one: a field is missing or malformed. */
export class InvalidDeploymentError extends DcrmError {
  override name = "InvalidDeploymentError";
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid deployment record: ${problems.join("; ")}.`);
    this.problems = problems;
  }
}

/** A parameter is invalid; nothing was sent. */
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

/** The action sends a transaction or signs, and the client has no wallet account. */
export class AccountRequiredError extends DcrmError {
  override name = "AccountRequiredError";
  readonly action: string;

  constructor(action: string) {
    super(`${action} needs a wallet client with an account: pass walletClient (with account) to createDcrmClient.`);
    this.action = action;
  }
}

/** A transaction was mined but reverted (a revert the simulation did not foresee, e.g. a race). */
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
