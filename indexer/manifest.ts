/**
 * A built subgraph (the folder `graph build` writes): its manifest `subgraph.yaml`, schema, ABIs and WASM,
 * read and checked before anything runs, so that a manifest this indexer cannot honour fails at start with a
 * `ManifestError` that says what and where, instead of silently indexing nothing.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

import { type Abi, type AbiEvent, toEventSelector } from "viem";
import { parse as parseYaml } from "yaml";

import { apiVersionAtLeast } from "./host/context.ts";
import { unavailableImports } from "./host/imports.ts";
import { parseSchema, SchemaError, type SchemaModel } from "./schema.ts";

/** One event handler of a data source, matched by its log's first topic. */
export interface EventHandlerSpec {
  /** The signature as the manifest writes it, `Transfer(indexed address,indexed address,uint256)`. */
  signature: string;
  handler: string;
  /** keccak256 of the signature without `indexed`: the log's topic0. */
  topic0: `0x${string}`;
  abiEvent: AbiEvent;
}

/** One `ethereum/contract` data source. */
export interface DataSourceSpec {
  name: string;
  network: string;
  /** Lowercase address, or null for a data source that listens to every contract. */
  address: string | null;
  startBlock: number;
  apiVersion: string;
  abi: Abi;
  wasmPath: string;
  eventHandlers: EventHandlerSpec[];
}

export interface SubgraphBuild {
  directory: string;
  specVersion: string;
  description?: string;
  schema: SchemaModel;
  dataSources: DataSourceSpec[];
  /** A content hash of the manifest, schema, ABIs and WASM in IPFS's CIDv0 form (`Qm…`): what changes when the build changes. */
  deployment: string;
}

/**
 * A build this indexer cannot run. `problems` lists every reason found (the manifest, the schema and the WASM
 * modules' imports are all checked before it is thrown), so one start says everything that needs changing.
 */
export class ManifestError extends Error {
  override name = "ManifestError";
  readonly problems: string[];

  constructor(problems: string | string[]) {
    const list = typeof problems === "string" ? [problems] : problems;
    super(list.length === 1 ? list[0]! : `this subgraph uses ${list.length} things the indexer cannot honour:\n${list.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = list;
  }
}

const SUPPORTED_API_VERSIONS = new Set(["0.0.5", "0.0.6", "0.0.7", "0.0.8", "0.0.9"]);

/** Reads and checks the build in `directory` (a folder holding `subgraph.yaml`, or the manifest's own path). */
export function loadSubgraph(directory: string): SubgraphBuild {
  const manifestPath = directory.endsWith(".yaml") ? resolve(directory) : resolve(directory, "subgraph.yaml");
  const root = dirname(manifestPath);
  if (!existsSync(manifestPath)) {
    throw new ManifestError(`${manifestPath} does not exist: point the indexer at the folder \`graph build\` wrote (e.g. subgraph/build)`);
  }
  const problems: string[] = [];
  const refuse = (problem: string) => void problems.push(problem);
  const hash = createHash("sha256");
  const read = (file: string, what: string): Buffer | null => {
    const path = join(root, file);
    if (!existsSync(path)) {
      refuse(`${what}: ${path} does not exist`);
      return null;
    }
    const bytes = readFileSync(path);
    hash.update(file).update(bytes);
    return bytes;
  };

  const manifestText = read("subgraph.yaml", "manifest")!.toString("utf8");
  let manifest: any;
  try {
    manifest = parseYaml(manifestText);
  } catch (error) {
    throw new ManifestError(`${manifestPath} is not valid YAML: ${(error as Error).message}`);
  }
  if (!manifest || typeof manifest !== "object") throw new ManifestError(`${manifestPath} is empty`);
  if (manifest.templates?.length) refuse("data source templates are not supported by this indexer yet");
  if (manifest.graft) refuse("grafting (graft:) is not supported by this indexer");
  if (Array.isArray(manifest.features) && manifest.features.length) {
    refuse(`features ${manifest.features.join(", ")} are not supported by this indexer yet`);
  }
  let schema: SchemaModel | undefined;
  if (!manifest.schema?.file) refuse("the manifest names no schema file (schema.file)");
  else {
    const text = read(manifest.schema.file, "schema");
    if (text) {
      try {
        schema = parseSchema(text.toString("utf8"));
      } catch (error) {
        if (!(error instanceof SchemaError)) throw error;
        refuse(error.message);
      }
    }
  }
  if (!Array.isArray(manifest.dataSources) || manifest.dataSources.length === 0) refuse("the manifest has no dataSources");

  const dataSources: DataSourceSpec[] = [];
  for (const [index, source] of (Array.isArray(manifest.dataSources) ? manifest.dataSources : []).entries()) {
    const spec = readDataSource(source ?? {}, `dataSources[${index}] (${source?.name ?? "unnamed"})`, root, read, refuse);
    if (spec) dataSources.push(spec);
  }

  const names = dataSources.map((s) => s.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated) refuse(`two data sources are named ${repeated}: names must be unique`);
  const networks = new Set(dataSources.map((s) => s.network));
  if (networks.size > 1) refuse(`the data sources name several networks (${[...networks].join(", ")}); one indexer follows one chain`);

  if (problems.length > 0) throw new ManifestError(problems);
  return {
    directory: root,
    specVersion: String(manifest.specVersion),
    description: manifest.description,
    schema: schema!,
    dataSources,
    deployment: cidV0(hash.digest()),
  };
}

/** One data source of the manifest, or null when it has problems (each one refused). */
function readDataSource(
  source: any,
  where: string,
  root: string,
  read: (file: string, what: string) => Buffer | null,
  refuse: (problem: string) => void,
): DataSourceSpec | null {
  let ok = true;
  const problem = (text: string) => {
    ok = false;
    refuse(`${where}: ${text}`);
  };
  if (source.kind !== "ethereum/contract" && source.kind !== "ethereum") {
    problem(`kind ${source.kind} is not supported (only ethereum/contract)`);
    return null;
  }
  const mapping = source.mapping ?? {};
  if (!SUPPORTED_API_VERSIONS.has(String(mapping.apiVersion))) {
    problem(`apiVersion ${mapping.apiVersion} is not supported (${[...SUPPORTED_API_VERSIONS].join(", ")})`);
  }
  if (mapping.blockHandlers?.length || mapping.callHandlers?.length) {
    problem("block and call handlers are not supported by this indexer yet (event handlers are)");
  }
  const abiName = source.source?.abi;
  const abiFile = (mapping.abis ?? []).find((a: any) => a.name === abiName)?.file;
  let abi: Abi | null = null;
  if (!abiFile) problem(`source.abi ${abiName} is not among mapping.abis`);
  else {
    const bytes = read(abiFile, `${where} ABI`);
    if (bytes) {
      try {
        abi = JSON.parse(bytes.toString("utf8"));
        if (!Array.isArray(abi)) {
          abi = null;
          problem(`ABI ${abiFile} is not an array`);
        }
      } catch {
        problem(`ABI ${abiFile} is not JSON`);
      }
    }
  }
  if (!mapping.file) problem("mapping.file (the WASM) is missing");
  else {
    const wasm = read(mapping.file, `${where} WASM`);
    if (wasm) for (const text of unavailableImports(wasm)) problem(text);
  }

  const eventHandlers: EventHandlerSpec[] = [];
  for (const entry of mapping.eventHandlers ?? []) {
    const signature = String(entry.event).replace(/\s+/g, " ").trim();
    const plain = signature.replace(/indexed /g, "").replace(/ /g, "");
    const name = plain.slice(0, plain.indexOf("("));
    let topic0: `0x${string}`;
    try {
      topic0 = toEventSelector(plain);
    } catch {
      problem(`${signature} is not an event signature`);
      continue;
    }
    if (entry.receipt === true && !apiVersionAtLeast(String(mapping.apiVersion), "0.0.7")) {
      problem(`${signature} asks for the transaction receipt (receipt: true), which graph-node passes only from apiVersion 0.0.7 on`);
    } else if (entry.receipt === true) problem(`${signature} asks for the transaction receipt (receipt: true), which this indexer does not pass yet`);
    if (entry.topic1 || entry.topic2 || entry.topic3) problem(`topic filters on ${signature} are not supported by this indexer yet`);
    if (typeof entry.handler !== "string") problem(`${signature} has no handler`);
    if (!abi) continue;
    const sameName = abi.filter((item): item is AbiEvent => item.type === "event" && item.name === name);
    // As graph-node: the exact signature, or without `indexed` when the ABI has one event of that name.
    const abiEvent =
      sameName.find((item) => manifestSignature(item) === signature.replace(/, /g, ",")) ??
      (sameName.length === 1 && !signature.includes("indexed ") && toEventSelector(sameName[0]!) === topic0 ? sameName[0] : undefined);
    if (!abiEvent) {
      problem(`the ABI has no event ${signature} (the manifest must say which parameters are indexed, as the ABI does)`);
      continue;
    }
    eventHandlers.push({ signature, handler: entry.handler, topic0, abiEvent });
  }
  if ((mapping.eventHandlers ?? []).length === 0) problem("no eventHandlers");
  const address = source.source?.address;
  if (address !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(String(address))) problem(`source.address ${address} is not an address`);
  if (source.source?.endBlock !== undefined) problem("source.endBlock is not supported by this indexer yet");
  const startBlock = Number(source.source?.startBlock ?? 0);
  if (!Number.isSafeInteger(startBlock) || startBlock < 0) problem(`startBlock ${source.source?.startBlock} is not a block number`);
  if (!ok || !abi) return null;
  return {
    name: String(source.name),
    network: String(source.network),
    address: address ? String(address).toLowerCase() : null,
    startBlock,
    apiVersion: String(mapping.apiVersion),
    abi,
    wasmPath: join(root, mapping.file),
    eventHandlers,
  };
}

/** An ABI event written as manifests write it: `Name(indexed address,uint256,(uint8,bytes)[])`. */
function manifestSignature(event: AbiEvent): string {
  const type = (parameter: { type: string; components?: readonly any[] }): string =>
    parameter.type.startsWith("tuple") ? `(${parameter.components!.map(type).join(",")})${parameter.type.slice(5)}` : parameter.type;
  return `${event.name}(${event.inputs.map((input) => `${input.indexed ? "indexed " : ""}${type(input)}`).join(",")})`;
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** A sha2-256 digest as an IPFS CIDv0 string. */
function cidV0(digest: Buffer): string {
  const bytes = Buffer.concat([Buffer.from([0x12, 0x20]), digest]);
  let value = BigInt(`0x${bytes.toString("hex")}`);
  let out = "";
  while (value > 0n) {
    out = BASE58[Number(value % 58n)] + out;
    value /= 58n;
  }
  return out;
}
