/**
 * The options several commands share, so each means the same thing everywhere, and their checks.
 */
import { isAbsolute, join } from "node:path";

import { UsageError, type OptionSpec, type OptionValues } from "./command.ts";
import { root } from "./paths.ts";

export const dataDirOption: OptionSpec = {
  type: "string",
  value: "<dir>",
  env: "DCRM_DATA_DIR",
  default: ".dcrm",
  description: "where the chain's state (chain.json) and the index (indexer/) are kept across starts",
};

export const portOption: OptionSpec = {
  type: "string",
  value: "<port>",
  env: "DCRM_PORT",
  default: "8545",
  description: "the local node's JSON-RPC port on 127.0.0.1",
};

export const graphqlPortOption: OptionSpec = {
  type: "string",
  value: "<port>",
  env: "DCRM_GRAPHQL_PORT",
  default: "8000",
  description: "the GraphQL endpoint's port on 127.0.0.1",
};

export const rpcOption: OptionSpec = {
  type: "string",
  value: "<url>",
  env: "DCRM_RPC_URL",
  description: "the chain's JSON-RPC endpoint (default: the local node at --port)",
};

export const demoSeedOption: OptionSpec = {
  type: "string",
  value: "<value>",
  env: "DCRM_DEMO_SEED",
  default: "dcrm",
  description: "the demo data's seed: the same value writes the same history",
};

/** A TCP port from an option, or a usage error naming the option. */
export function portValue(values: OptionValues, name: string): number {
  const text = String(values[name]);
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65_535) throw new UsageError(`--${name} must be a port number (1–65535), got ${JSON.stringify(text)}`);
  return port;
}

/** The data directory, absolute (relative paths are from the repository's root). */
export function dataDirValue(values: OptionValues): string {
  const dir = String(values["data-dir"] ?? ".dcrm");
  return isAbsolute(dir) ? dir : join(root, dir);
}

/** The JSON-RPC endpoint: --rpc, or the local node at --port. */
export function rpcValue(values: OptionValues): string {
  if (typeof values.rpc === "string") {
    if (!/^https?:\/\/\S+$/.test(values.rpc)) throw new UsageError(`--rpc must be an http(s) URL, got ${JSON.stringify(values.rpc)}`);
    return values.rpc;
  }
  return `http://127.0.0.1:${portValue(values, "port")}`;
}

export const demoDaysOption: OptionSpec = {
  type: "string",
  value: "<days>",
  env: "DCRM_DEMO_DAYS",
  default: "28",
  description: "how many days of demo history to write, ending now",
};

/** The demo history's length in days, from --demo-days. */
export function demoDaysValue(values: OptionValues): number {
  const text = String(values["demo-days"]);
  const days = Number(text);
  if (!/^\d+$/.test(text) || days < 1 || days > 365) throw new UsageError(`--demo-days must be a number of days (1–365), got ${JSON.stringify(text)}`);
  return days;
}
