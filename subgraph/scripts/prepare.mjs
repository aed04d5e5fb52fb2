#!/usr/bin/env node
// Prepares the subgraph for one network, from the repository's own records and nothing typed by hand:
//   1. copies each contract's ABI from the Hardhat artifacts into subgraph/abis/ (generated, gitignored),
//   2. writes subgraph/networks.json (graph-cli's convention) from every deployments/<network>.json present:
//      address = the proxy, startBlock = its deploymentBlock,
//   3. writes subgraph/subgraph.yaml for `--network <name>`, with each handler's event signature taken
//      from the ABI, so a changed event fails here instead of silently matching nothing,
//   4. writes subgraph/mappings.ts, the one module every data source's mapping points at: it re-exports each
//      data source's handlers under the names the manifest gives them, so that `graph build` compiles the
//      AssemblyScript once (it compiles a mapping file shared by data sources once) instead of once a data
//      source, each time with graph-ts and the schema's types (a third of the CPU, one WASM file).
// Plain Node ESM; reads JSON files only (never imports deploy/).
//
// Usage: node subgraph/scripts/prepare.mjs --network <name>
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const subgraphDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const root = join(subgraphDir, "..");
// DCRM_DEPLOYMENTS_DIR: where `hardhat deploy` wrote its records when not in deployments/ (as deploy/ reads it).
const deploymentsDir = process.env.DCRM_DEPLOYMENTS_DIR ?? join(root, "deployments");

/** The data sources: contract, its artifact, its mapping file and the events it handles. */
export const dataSources = [
  {
    name: "RewardToken",
    artifact: "contracts/reward/RewardToken.sol/RewardToken.json",
    mapping: "rewardToken",
    events: [
      "Transfer",
      "PointsIssued",
      "PointsIssuedInBatch",
      "PointsIssuedForOrderRange",
      "PointsRedeemed",
      "PointsPending",
      "PointsReleased",
      "PendingPointsVoided",
      "PointsClawedBack",
      "PointsExpired",
      "IssuanceCapSet",
      "StorefrontPolicySet",
      "TransfersLockedSet",
      "SupplyCapSet",
      "ExpiryPeriodSet",
      "Paused",
      "Unpaused",
      "IssuerKeySet",
    ],
    entities: ["Transfer", "Issuance", "Release", "PendingVoid", "Clawback", "Expiry", "Redemption", "Storefront", "Shopper", "Program", "IssuerKey"],
  },
  {
    name: "ReferralEscrow",
    artifact: "contracts/referral/ReferralEscrow.sol/ReferralEscrow.json",
    mapping: "referralEscrow",
    events: [
      "PartnerRegistered",
      "PayoutAddressChanged",
      "PartnerEnrolled",
      "PartnerRemoved",
      "HoldPeriodSet",
      "ReferralCapSet",
      "ProgramPausedSet",
      "BudgetFunded",
      "BudgetWithdrawn",
      "ReferralRecorded",
      "ReferralRefunded",
      "ReferralVoided",
      "ReferralReleasedEarly",
      "CommissionsClaimed",
      "CommissionsClaimedFrom",
      "ClaimSkipped",
      "MaxCommissionRateSet",
      "IssuerKeySet",
    ],
    entities: ["Partner", "PartnerBalance", "Enrolment", "Referral", "ReferralChange", "Payout", "Budget", "Storefront", "IssuerKey"],
  },
  {
    name: "ConsentRegistry",
    artifact: "contracts/consent/ConsentRegistry.sol/ConsentRegistry.json",
    mapping: "consentRegistry",
    events: ["ConsentGranted", "ConsentRevoked", "DataRecordAnchored", "DataRecordErased"],
    entities: ["Consent", "ConsentScope", "ShopperScope", "ConsentChange", "DataRecordAnchor", "DataRecordErasure", "Shopper"],
  },
  {
    name: "DataAccessPayments",
    artifact: "contracts/dataAccess/DataAccessPayments.sol/DataAccessPayments.json",
    mapping: "dataAccessPayments",
    events: [
      "Deposited",
      "DepositWithdrawn",
      "AccessRecorded",
      "DataAccessed",
      "AccessesRecorded",
      "EarningsWithdrawn",
      "FeeSet",
      "Paused",
      "Unpaused",
    ],
    entities: ["DataAccess", "DataAccessedLog", "DataConsumer", "Shopper", "Program"],
  },
];

export class PrepareError extends Error {}

/** Reads every deployments/<network>.json; returns { name: record }. */
export function readDeployments() {
  if (!existsSync(deploymentsDir)) return {};
  const result = {};
  for (const file of readdirSync(deploymentsDir).sort()) {
    if (!file.endsWith(".json")) continue;
    const path = join(deploymentsDir, file);
    let record;
    try {
      record = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw new PrepareError(`${relative(root, path)} is not valid JSON: ${error.message}`);
    }
    result[file.slice(0, -".json".length)] = record;
  }
  return result;
}

/** The contracts of a deployment record the subgraph needs but the record lacks. */
export function missingContracts(record) {
  return dataSources.map((source) => source.name).filter((name) => !record?.contracts?.[name]?.proxy);
}

/** networks.json: { network: { Contract: { address, startBlock } } }, for every deployment with contracts. */
export function networksFrom(deployments) {
  const networks = {};
  for (const [network, record] of Object.entries(deployments)) {
    const entry = {};
    for (const source of dataSources) {
      const contract = record?.contracts?.[source.name];
      if (!contract?.proxy) continue;
      entry[source.name] = { address: contract.proxy, startBlock: Number(contract.deploymentBlock ?? 0) };
    }
    if (Object.keys(entry).length > 0) networks[network] = entry;
  }
  return networks;
}

function canonicalType(input) {
  if (!input.type.startsWith("tuple")) return input.type;
  return `(${input.components.map(canonicalType).join(",")})${input.type.slice("tuple".length)}`;
}

/** graph-cli's event signature: `Name(indexed address,uint256,(address,uint256)[])`. */
export function eventSignature(event) {
  const params = event.inputs.map((input) => `${input.indexed ? "indexed " : ""}${canonicalType(input)}`);
  return `${event.name}(${params.join(",")})`;
}

function copyAbis() {
  const abisDir = join(subgraphDir, "abis");
  mkdirSync(abisDir, { recursive: true });
  const abis = {};
  for (const source of dataSources) {
    const path = join(root, "artifacts", source.artifact);
    if (!existsSync(path)) {
      throw new PrepareError(
        `the artifact ${relative(root, path)} is missing: compile the contracts first (npx hardhat build)`,
      );
    }
    const { abi } = JSON.parse(readFileSync(path, "utf8"));
    writeFileSync(join(abisDir, `${source.name}.json`), JSON.stringify(abi, null, 2) + "\n");
    abis[source.name] = abi;
  }
  return abis;
}

/** Where the manifest's data sources find their handlers: one module for all of them. */
export const MAPPINGS_FILE = "mappings.ts";

/**
 * The name the manifest and the shared module give `event`'s handler in `source`: `handle<Event>`, or
 * `handle<DataSource><Event>` when an earlier data source handles an event of the same name (Paused).
 */
export function handlerNames() {
  const taken = new Set();
  return dataSources.map((source) =>
    Object.fromEntries(
      source.events.map((event) => {
        const plain = `handle${event}`;
        const name = taken.has(plain) ? `handle${source.name}${event}` : plain;
        taken.add(name);
        return [event, name];
      }),
    ),
  );
}

/** subgraph/mappings.ts: every data source's handlers, each under its manifest name. */
export function mappingsModule() {
  const lines = ["// Generated by subgraph/scripts/prepare.mjs from its data sources: do not edit.", "// Every data source's handlers in one module, compiled once by `graph build`."];
  const names = handlerNames();
  for (const [i, source] of dataSources.entries()) {
    const exports = source.events.map((event) => (names[i][event] === `handle${event}` ? `handle${event}` : `handle${event} as ${names[i][event]}`));
    lines.push(`export {\n${exports.map((name) => `  ${name},`).join("\n")}\n} from "./src/mappings/${source.mapping}";`);
  }
  return lines.join("\n") + "\n";
}

function manifest(network, networks, abis) {
  const names = handlerNames();
  const lines = [
    "# Generated by subgraph/scripts/prepare.mjs from deployments/*.json and the Hardhat artifacts: do not edit.",
    "specVersion: 1.1.0",
    "description: dCRM loyalty points, referral escrow, consent and data-access payments",
    "schema:",
    "  file: ./schema.graphql",
    "dataSources:",
  ];
  for (const [i, source] of dataSources.entries()) {
    const { address, startBlock } = networks[network][source.name];
    const events = abis[source.name].filter((item) => item.type === "event");
    lines.push(
      "  - kind: ethereum/contract",
      `    name: ${source.name}`,
      `    network: ${network}`,
      "    source:",
      `      address: "${address}"`,
      `      abi: ${source.name}`,
      `      startBlock: ${startBlock}`,
      "    mapping:",
      "      kind: ethereum/events",
      "      apiVersion: 0.0.9",
      "      language: wasm/assemblyscript",
      "      entities:",
      ...source.entities.map((entity) => `        - ${entity}`),
      "      abis:",
      `        - name: ${source.name}`,
      `          file: ./abis/${source.name}.json`,
      "      eventHandlers:",
    );
    for (const name of source.events) {
      const matches = events.filter((event) => event.name === name);
      if (matches.length !== 1) {
        throw new PrepareError(
          `${source.name}'s ABI has ${matches.length} events named ${name} (expected 1): recompile, or update prepare.mjs and the mapping`,
        );
      }
      lines.push(`        - event: ${eventSignature(matches[0])}`, `          handler: ${names[i][name]}`);
    }
    lines.push(`      file: ./${MAPPINGS_FILE}`);
  }
  return lines.join("\n") + "\n";
}

/** Writes abis/, networks.json, subgraph.yaml and mappings.ts for `network`. Throws PrepareError with a clear message. */
export function prepare(network) {
  const deployments = readDeployments();
  const record = deployments[network];
  if (!record) {
    const known = Object.keys(deployments);
    throw new PrepareError(
      `deployments/${network}.json does not exist (present: ${known.length ? known.join(", ") : "none"}); deploy first (npm run deploy -- --network ${network})`,
    );
  }
  const missing = missingContracts(record);
  if (missing.length > 0) {
    throw new PrepareError(`deployments/${network}.json lacks ${missing.join(", ")}: redeploy (npm run deploy -- --network ${network})`);
  }
  const abis = copyAbis();
  const networks = networksFrom(deployments);
  writeFileSync(join(subgraphDir, "networks.json"), JSON.stringify(networks, null, 2) + "\n");
  writeFileSync(join(subgraphDir, MAPPINGS_FILE), mappingsModule());
  writeFileSync(join(subgraphDir, "subgraph.yaml"), manifest(network, networks, abis));
  return { record, networks };
}

function argValue(args, flag) {
  const index = args.indexOf(flag);
  if (index !== -1) return args[index + 1];
  const inline = args.find((arg) => arg.startsWith(`${flag}=`));
  return inline?.slice(flag.length + 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const network = argValue(process.argv.slice(2), "--network");
  if (!network) {
    console.error("usage: node subgraph/scripts/prepare.mjs --network <name>");
    process.exit(2);
  }
  try {
    prepare(network);
    console.log(`subgraph: prepared abis/, networks.json, subgraph.yaml and mappings.ts for ${network}`);
  } catch (error) {
    if (!(error instanceof PrepareError)) throw error;
    console.error(`subgraph: ${error.message}`);
    process.exit(1);
  }
}

export { argValue };
