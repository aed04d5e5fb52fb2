/**
 * A built subgraph (the folder `graph build` writes): its manifest `subgraph.yaml`, schema, ABIs and WASM,
 * read and checked before anything runs, so that a manifest this indexer cannot honour fails at start with a
 * `ManifestError` that says what and where, instead of silently indexing nothing.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

import { type Abi, type AbiEvent, type AbiFunction, keccak256, toEventSelector, toHex } from "viem";
import { parse as parseYaml } from "yaml";

import { apiVersionAtLeast } from "./host/context.ts";
import { unavailableImports, type HostServices } from "./host/imports.ts";
import { parseSchema, SchemaError, type SchemaModel } from "./schema.ts";

/** One event handler of a data source, matched by its log's first topic. */
export interface EventHandlerSpec {
  /** The signature as the manifest writes it, `Transfer(indexed address,indexed address,uint256)`. */
  signature: string;
  handler: string;
  /** keccak256 of the signature without `indexed`: the log's topic0. */
  topic0: `0x${string}`;
  /**
   * `topic1`, `topic2`, `topic3` (specVersion 1.2.0 on): for each, null (any value) or the 32-byte values
   * (lowercase hex, left-padded with zeros as graph-node pads them) one of which the log's topic must be.
   */
  topics: readonly [TopicFilter, TopicFilter, TopicFilter];
  /** `receipt: true` (apiVersion 0.0.7 on): the handler's `event.receipt` is the transaction's receipt. */
  receipt: boolean;
  abiEvent: AbiEvent;
}

/** The values a log's topic may have, or null for any. */
export type TopicFilter = readonly `0x${string}`[] | null;

/**
 * One call handler: runs on each successful call to the data source's address whose input starts with the
 * selector of `function` (as graph-node: the first four bytes of keccak256 of the signature as written).
 */
export interface CallHandlerSpec {
  /** The signature as the manifest writes it, `transfer(address,uint256)`. */
  signature: string;
  handler: string;
  /** The 4-byte selector, lowercase hex. */
  selector: `0x${string}`;
  abiFunction: AbiFunction;
}

/**
 * One block handler: on every block from the data source's start block, on every `every`-th one (`polling`,
 * counted from the start block), on the start block alone (`once`), or on each block with a call to the data
 * source's address that took effect (`call`, from the node's call traces), as graph-node runs them.
 */
export interface BlockHandlerSpec {
  handler: string;
  kind: "every" | "polling" | "once" | "call";
  /** For `polling`: the interval in blocks. */
  every?: number;
}

/**
 * One `ethereum/contract` data source, or a template (`templates:`), which has no address and no start block of
 * its own: `dataSource.create` makes data sources of it, each with an address and its creating block.
 */
export interface DataSourceSpec {
  /** `ethereum/contract`, or a file data source template (`file/ipfs`), whose one handler gets the file's content. */
  kind: "ethereum" | "file/ipfs";
  name: string;
  network: string;
  /** Lowercase address, or null for a data source that listens to every contract (and for a template). */
  address: string | null;
  startBlock: number;
  apiVersion: string;
  abi: Abi;
  /** Every ABI of `mapping.abis` by its name (the source's among them), for `ethereum.call`. */
  abis: ReadonlyMap<string, Abi>;
  wasmPath: string;
  eventHandlers: EventHandlerSpec[];
  blockHandlers: BlockHandlerSpec[];
  callHandlers: CallHandlerSpec[];
  /** A file data source's handler (`mapping.handler`); null for an `ethereum/contract` one. */
  fileHandler: string | null;
  /** `mapping.entities`: for a file data source, the only entity types it may write (immutable ones). */
  entities: string[];
}

export interface SubgraphBuild {
  directory: string;
  specVersion: string;
  description?: string;
  schema: SchemaModel;
  dataSources: DataSourceSpec[];
  /** The manifest's `templates`, by which mappings create data sources (`dataSource.create`). */
  templates: DataSourceSpec[];
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

/**
 * Reads and checks the build in `directory` (a folder holding `subgraph.yaml`, or the manifest's own path).
 * `services` says what the indexer was given beside the chain: without an IPFS node, a mapping that calls
 * `ipfs.cat` or a `file/ipfs` template is refused.
 */
export function loadSubgraph(directory: string, services: HostServices = { ipfs: false }): SubgraphBuild {
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
    const spec = readDataSource(source ?? {}, `dataSources[${index}] (${source?.name ?? "unnamed"})`, { root, read, refuse, services, schema, specVersion: String(manifest.specVersion) });
    if (spec) dataSources.push(spec);
  }

  const templates: DataSourceSpec[] = [];
  for (const [index, source] of (Array.isArray(manifest.templates) ? manifest.templates : []).entries()) {
    const spec = readDataSource(source ?? {}, `templates[${index}] (${source?.name ?? "unnamed"})`, { root, read, refuse, services, schema, specVersion: String(manifest.specVersion) }, true);
    if (spec) templates.push(spec);
  }

  // As graph-node: a data source with topic filters needs specVersion 1.2.0 (templates are not checked).
  const specVersion = String(manifest.specVersion);
  for (const source of dataSources) {
    if (source.eventHandlers.some((h) => h.topics.some((t) => t !== null && t.length > 0)) && !apiVersionAtLeast(specVersion, "1.2.0")) {
      refuse(`the manifest's specVersion is ${specVersion}, but data source ${source.name} has topic filters (topic1, topic2, topic3), which need specVersion 1.2.0 or later`);
    }
  }

  const names = [...dataSources, ...templates].map((s) => s.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated) refuse(`two data sources or templates are named ${repeated}: names must be unique`);
  const networks = new Set([...dataSources, ...templates].filter((s) => s.kind === "ethereum").map((s) => s.network));
  if (networks.size > 1) refuse(`the data sources name several networks (${[...networks].join(", ")}); one indexer follows one chain`);

  if (problems.length > 0) throw new ManifestError(problems);
  return {
    directory: root,
    specVersion: String(manifest.specVersion),
    description: manifest.description,
    schema: schema!,
    dataSources,
    templates,
    deployment: cidV0(hash.digest()),
  };
}

/** What reading a data source needs: the build folder, the readers, what the indexer was given, the schema. */
interface ReadContext {
  root: string;
  read: (file: string, what: string) => Buffer | null;
  refuse: (problem: string) => void;
  services: HostServices;
  schema: SchemaModel | undefined;
  specVersion: string;
}

/** One data source of the manifest, or null when it has problems (each one refused). */
function readDataSource(source: any, where: string, reading: ReadContext, template = false): DataSourceSpec | null {
  const { root, read, refuse, services } = reading;
  let ok = true;
  const problem = (text: string) => {
    ok = false;
    refuse(`${where}: ${text}`);
  };
  if (source.kind === "file/ipfs") return readFileTemplate(source, where, reading, template);
  if (source.kind !== "ethereum/contract" && source.kind !== "ethereum") {
    problem(`kind ${source.kind} is not supported (ethereum/contract, and file/ipfs for templates)`);
    return null;
  }
  const mapping = source.mapping ?? {};
  if (!SUPPORTED_API_VERSIONS.has(String(mapping.apiVersion))) {
    problem(`apiVersion ${mapping.apiVersion} is not supported (${[...SUPPORTED_API_VERSIONS].join(", ")})`);
  }
  const blockHandlers: BlockHandlerSpec[] = [];
  for (const entry of mapping.blockHandlers ?? []) {
    const kind = entry?.filter?.kind;
    if (typeof entry?.handler !== "string") problem("a block handler has no handler");
    else if (kind === undefined) blockHandlers.push({ handler: entry.handler, kind: "every" });
    else if (kind === "once") blockHandlers.push({ handler: entry.handler, kind: "once" });
    else if (kind === "polling") {
      const every = Number(entry.filter.every);
      if (!Number.isSafeInteger(every) || every < 1) problem(`block handler ${entry.handler}: polling every ${entry.filter.every} is not a number of blocks`);
      else blockHandlers.push({ handler: entry.handler, kind: "polling", every });
    } else if (kind === "call") blockHandlers.push({ handler: entry.handler, kind: "call" });
    else problem(`block handler ${entry.handler}: filter kind ${kind} is not one of polling, once or call`);
  }
  // As graph-node: at most one block handler of each kind per data source.
  for (const kind of ["every", "polling", "once", "call"] as const) {
    if (blockHandlers.filter((h) => h.kind === kind).length > 1) problem("data source has duplicated block handlers");
  }
  // As graph-node: an every-block handler may sit beside a call-filtered one, not beside a polling or once one.
  if (blockHandlers.some((h) => h.kind === "every") && blockHandlers.some((h) => h.kind === "polling" || h.kind === "once")) {
    problem("data source has a combination of filtered and non-filtered block handlers that is not allowed (an every-block handler with a polling or once one)");
  }
  // Every ABI the mapping names: the source's decodes its events, any of them can be called (ethereum.call).
  const abis = new Map<string, Abi>();
  for (const entry of mapping.abis ?? []) {
    const bytes = entry?.file ? read(entry.file, `${where} ABI ${entry.name}`) : null;
    if (!entry?.file) problem(`mapping.abis entry ${entry?.name ?? "unnamed"} names no file`);
    if (!bytes) continue;
    try {
      const parsed = JSON.parse(bytes.toString("utf8"));
      if (Array.isArray(parsed)) abis.set(String(entry.name), parsed);
      else problem(`ABI ${entry.file} is not an array`);
    } catch {
      problem(`ABI ${entry.file} is not JSON`);
    }
  }
  const abiName = source.source?.abi;
  const abi = abis.get(abiName) ?? null;
  if (!(mapping.abis ?? []).some((a: any) => a?.name === abiName)) problem(`source.abi ${abiName} is not among mapping.abis`);
  if (!mapping.file) problem("mapping.file (the WASM) is missing");
  else {
    const wasm = read(mapping.file, `${where} WASM`);
    if (wasm) for (const text of unavailableImports(wasm, services)) problem(text);
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
    }
    // graph-node matches such a handler by this topic0 instead of the signature's hash; not done here yet.
    const ownTopic0 = entry.topic0 === undefined || entry.topic0 === null ? undefined : String(entry.topic0).toLowerCase().replace(/^(0x)?/, "0x");
    if (ownTopic0 !== undefined && ownTopic0 !== topic0) problem(`${signature}: topic0 (a topic0 other than the signature's hash) is not supported by this indexer yet`);
    const topics = ([1, 2, 3] as const).map((n) => topicFilter(entry[`topic${n}`], (text) => problem(`${signature}: topic${n} ${text}`)));
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
    eventHandlers.push({ signature, handler: entry.handler, topic0, topics: [topics[0]!, topics[1]!, topics[2]!], receipt: entry.receipt === true, abiEvent });
  }
  const callHandlers: CallHandlerSpec[] = [];
  for (const entry of mapping.callHandlers ?? []) {
    const signature = String(entry?.function ?? "");
    if (typeof entry?.handler !== "string") problem(`call handler ${signature}: no handler`);
    else if (!/^[A-Za-z_$][\w$]*\(.*\)$/.test(signature)) problem(`call handler ${entry.handler}: function ${signature} is not a function signature`);
    else if (abi) {
      // As graph-node: the ABI function whose `name(types)` is the signature exactly.
      const abiFunction = abi.find((item): item is AbiFunction => item.type === "function" && functionSignature(item) === signature);
      if (!abiFunction) problem(`the ABI ${abiName} has no function ${signature} (call handler ${entry.handler})`);
      else callHandlers.push({ signature, handler: entry.handler, selector: keccak256(toHex(signature)).slice(0, 10) as `0x${string}`, abiFunction });
    }
  }
  if ((mapping.eventHandlers ?? []).length === 0 && (mapping.blockHandlers ?? []).length === 0 && (mapping.callHandlers ?? []).length === 0) {
    problem("no eventHandlers, callHandlers nor blockHandlers");
  }
  const address = template ? undefined : source.source?.address;
  if (template && (source.source?.address !== undefined || source.source?.startBlock !== undefined)) {
    problem("a template has no source.address nor source.startBlock: dataSource.create gives them");
  }
  if (address !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(String(address))) problem(`source.address ${address} is not an address`);
  if (source.source?.endBlock !== undefined) problem("source.endBlock is not supported by this indexer yet");
  const startBlock = Number(source.source?.startBlock ?? 0);
  if (!Number.isSafeInteger(startBlock) || startBlock < 0) problem(`startBlock ${source.source?.startBlock} is not a block number`);
  if (!ok || !abi) return null;
  return {
    kind: "ethereum",
    name: String(source.name),
    network: String(source.network),
    address: address ? String(address).toLowerCase() : null,
    startBlock,
    apiVersion: String(mapping.apiVersion),
    abi,
    abis,
    wasmPath: join(root, mapping.file),
    eventHandlers,
    blockHandlers,
    callHandlers,
    fileHandler: null,
    entities: Array.isArray(mapping.entities) ? mapping.entities.map(String) : [],
  };
}

/**
 * A `file/ipfs` template, as graph-node reads one: a data source made by `dataSource.create(name, [cid])` whose
 * one handler (`mapping.handler`) gets the file's content once it is found, and may write only the entity types
 * of `mapping.entities`, each immutable.
 */
function readFileTemplate(source: any, where: string, reading: ReadContext, template: boolean): DataSourceSpec | null {
  const { root, read, refuse, services, schema } = reading;
  const problems: string[] = [];
  const problem = (text: string) => void problems.push(text);
  if (!template) problem("a file/ipfs data source can only be a template, created by dataSource.create with a CID");
  if (!services.ipfs) problem("a file/ipfs template needs an IPFS node: start the indexer with --ipfs <url>");
  const mapping = source.mapping ?? {};
  if (!SUPPORTED_API_VERSIONS.has(String(mapping.apiVersion))) {
    problem(`apiVersion ${mapping.apiVersion} is not supported (${[...SUPPORTED_API_VERSIONS].join(", ")})`);
  }
  if (!apiVersionAtLeast(reading.specVersion, "0.0.7")) problem(`file data sources need specVersion 0.0.7 or later, not ${reading.specVersion}`);
  if (typeof mapping.handler !== "string") problem("mapping.handler (the handler the file's content is given to) is missing");
  const entities: string[] = Array.isArray(mapping.entities) ? mapping.entities.map(String) : [];
  if (entities.length === 0) problem("mapping.entities is empty: a file data source writes only the entity types it lists");
  for (const name of entities) {
    const model = schema?.entities.get(name);
    if (!schema) continue;
    if (!model || model.kind !== "entity") problem(`mapping.entities names ${name}, which is not an @entity type of the schema`);
    else if (!model.immutable) problem(`mapping.entities names ${name}, which is mutable: a file data source writes only immutable entities (@entity(immutable: true))`);
  }
  const abis = new Map<string, Abi>();
  for (const entry of mapping.abis ?? []) {
    const bytes = entry?.file ? read(entry.file, `${where} ABI ${entry.name}`) : null;
    if (!bytes) continue;
    try {
      abis.set(String(entry.name), JSON.parse(bytes.toString("utf8")));
    } catch {
      problem(`ABI ${entry.file} is not JSON`);
    }
  }
  if (!mapping.file) problem("mapping.file (the WASM) is missing");
  else {
    const wasm = read(mapping.file, `${where} WASM`);
    if (wasm) for (const text of unavailableImports(wasm, services)) problem(text);
  }
  for (const text of problems) refuse(`${where}: ${text}`);
  if (problems.length > 0) return null;
  return {
    kind: "file/ipfs",
    name: String(source.name),
    network: String(source.network ?? ""),
    address: null,
    startBlock: 0,
    apiVersion: String(mapping.apiVersion),
    abi: [],
    abis,
    wasmPath: join(root, mapping.file),
    eventHandlers: [],
    blockHandlers: [],
    callHandlers: [],
    fileHandler: mapping.handler,
    entities,
  };
}

/**
 * A handler's `topicN` as graph-node reads it: absent is null (any value); else a list of hex strings, each
 * with or without `0x`, left-padded with zeros to 32 bytes (an address can be written as it is).
 */
function topicFilter(value: unknown, problem: (text: string) => void): TopicFilter {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) {
    problem("must be a list of 32-byte hex values");
    return null;
  }
  const out: `0x${string}`[] = [];
  for (const item of value) {
    const digits = String(item).replace(/^0x/i, "");
    if (typeof item !== "string" || !/^[0-9a-fA-F]{0,64}$/.test(digits)) problem(`value ${item} is not a hex value of at most 32 bytes`);
    else out.push(`0x${digits.toLowerCase().padStart(64, "0")}`);
  }
  return out;
}

/** An ABI function as graph-node names it for call handlers: `name(type,type)`, tuples as `(type,type)`. */
function functionSignature(fn: AbiFunction): string {
  return `${fn.name}(${fn.inputs.map(parameterType).join(",")})`;
}

const parameterType = (parameter: { type: string; components?: readonly any[] }): string =>
  parameter.type.startsWith("tuple") ? `(${parameter.components!.map(parameterType).join(",")})${parameter.type.slice(5)}` : parameter.type;

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
