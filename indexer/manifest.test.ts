import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";
import { keccak256, toHex } from "viem";

import { loadSubgraph, ManifestError } from "./manifest.ts";

const fixture = join(dirname(fileURLToPath(import.meta.url)), "testing", "ping-subgraph");
const ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

/** A WASM module that imports the functions `names` (no arguments, no result) from `env`, as bytes in a string. */
function wasmImporting(names: string[]): string {
  const vec = (items: number[][]) => [items.length, ...items.flat()];
  const name = (text: string) => [text.length, ...Buffer.from(text)];
  const section = (id: number, body: number[]) => [id, body.length, ...body];
  const bytes = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  if (names.length) {
    bytes.push(...section(1, vec([[0x60, 0, 0]])), ...section(2, vec(names.map((n) => [...name("env"), ...name(n), 0, 0]))));
  }
  return String.fromCharCode(...bytes);
}
const EMPTY_WASM = wasmImporting([]);

/** A build folder as `graph build` lays it out, with `edit` applied to the manifest text. */
function buildFolder(edit: (manifest: string) => string = (m) => m, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "manifest-test-"));
  const manifest = readFileSync(join(fixture, "subgraph.template.yaml"), "utf8")
    .replace("{{address}}", ADDRESS)
    .replace("{{startBlock}}", "7")
    .replace("./abis/Pinger.json", "Pinger/Pinger.json")
    .replace("./src/mapping.ts", "Pinger/Pinger.wasm")
    .replace("./schema.graphql", "schema.graphql");
  const all: Record<string, string> = {
    "subgraph.yaml": edit(manifest),
    "schema.graphql": readFileSync(join(fixture, "schema.graphql"), "utf8"),
    "Pinger/Pinger.json": readFileSync(join(fixture, "abis", "Pinger.json"), "utf8"),
    "Pinger/Pinger.wasm": EMPTY_WASM,
    ...files,
  };
  for (const [name, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe("loadSubgraph", () => {
  it("reads data sources, handlers by topic0 and the schema", () => {
    const build = loadSubgraph(buildFolder());
    expect(build.specVersion).toBe("1.1.0");
    expect(build.dataSources).toHaveLength(1);
    const [source] = build.dataSources;
    expect(source).toMatchObject({ name: "Pinger", network: "anvil", address: ADDRESS.toLowerCase(), startBlock: 7, apiVersion: "0.0.9" });
    expect(source!.eventHandlers).toEqual([
      expect.objectContaining({ handler: "handlePing", topic0: keccak256(toHex("Ping(address,uint256)")), signature: "Ping(indexed address,uint256)" }),
    ]);
    expect(source!.wasmPath.endsWith(join("Pinger", "Pinger.wasm"))).toBe(true);
    expect([...build.schema.entities.keys()]).toEqual(["Sender", "PingEvent", "PingPoint", "PingStat"]);
    expect(build.deployment).toMatch(/^Qm[1-9A-HJ-NP-Za-km-z]{44}$/);
  });

  it("reads topic filters as graph-node does: values left-padded to 32 bytes, with or without 0x", () => {
    const build = loadSubgraph(
      buildFolder((m) =>
        m.replace("specVersion: 1.1.0", "specVersion: 1.2.0").replace("          handler: handlePing", `          handler: handlePing\n          topic1: ['${ADDRESS}', '0xFF', '${"ab".repeat(32)}']\n          topic3: []`),
      ),
    );
    expect(build.dataSources[0]!.eventHandlers[0]!.topics).toEqual([
      [`0x${ADDRESS.slice(2).toLowerCase().padStart(64, "0")}`, `0x${"ff".padStart(64, "0")}`, `0x${"ab".repeat(32)}`],
      null,
      [],
    ]);
  });

  it("gives a new deployment id when any file of the build changes, and the same one otherwise", () => {
    const a = loadSubgraph(buildFolder()).deployment;
    expect(loadSubgraph(buildFolder()).deployment).toBe(a);
    expect(loadSubgraph(buildFolder((m) => m, { "Pinger/Pinger.wasm": wasmImporting([]) + "\0\u0002\u0001x" })).deployment).not.toBe(a);
    expect(loadSubgraph(buildFolder((m) => m.replace("startBlock: 7", "startBlock: 8"))).deployment).not.toBe(a);
  });

  it.each([
    ["a missing folder", () => join(tmpdir(), "no-such-build"), /does not exist/],
    ["an event the ABI lacks", () => buildFolder((m) => m.replace("Ping(indexed address,uint256)", "Pong(indexed address,uint256)")), /no event Pong/],
    ["indexed-ness that differs from the ABI's", () => buildFolder((m) => m.replace("Ping(indexed address,uint256)", "Ping(address,indexed uint256)")), /no event Ping\(address,indexed uint256\)/],
    [
      "a receipt handler below apiVersion 0.0.7",
      () => buildFolder((m) => m.replace("apiVersion: 0.0.9", "apiVersion: 0.0.6").replace("          handler: handlePing", "          handler: handlePing\n          receipt: true")),
      /only from apiVersion 0\.0\.7 on/,
    ],
    [
      "topic filters below specVersion 1.2.0",
      () => buildFolder((m) => m.replace("          handler: handlePing", "          handler: handlePing\n          topic1: ['0x01']")),
      /the manifest's specVersion is 1\.1\.0, but data source Pinger has topic filters \(topic1, topic2, topic3\), which need specVersion 1\.2\.0 or later/,
    ],
    [
      "a topic filter value that is not 32-byte hex",
      () => buildFolder((m) => m.replace("specVersion: 1.1.0", "specVersion: 1.2.0").replace("          handler: handlePing", `          handler: handlePing\n          topic2: ['0x${"1".repeat(66)}', zz]`)),
      /Ping\(indexed address,uint256\): topic2 value 0x1{66} is not a hex value of at most 32 bytes/,
    ],
    [
      "an explicit topic0",
      () => buildFolder((m) => m.replace("          handler: handlePing", `          handler: handlePing\n          topic0: '0x${"ab".repeat(32)}'`)),
      /Ping\(indexed address,uint256\): topic0 \(a topic0 other than the signature's hash\) is not supported by this indexer yet/,
    ],
    ["an end block", () => buildFolder((m) => m.replace("startBlock: 7", "startBlock: 7\n      endBlock: 9")), /endBlock/],
    ["grafting", () => buildFolder((m) => `${m}graft:\n  base: Qm\n  block: 1\n`), /graft/],
    ["features", () => buildFolder((m) => `features:\n  - nonFatalErrors\n${m}`), /nonFatalErrors/],
    ["two data sources of one name", () => buildFolder((m) => m.replace("dataSources:\n", "dataSources:\n" + m.slice(m.indexOf("  - kind:")))), /two data sources or templates are named Pinger/],
    ["an unsupported apiVersion", () => buildFolder((m) => m.replace("apiVersion: 0.0.9", "apiVersion: 0.0.4")), /apiVersion 0\.0\.4/],
    [
      "a call handler whose function the ABI lacks",
      () => buildFolder((m) => m.replace("      eventHandlers:", "      callHandlers:\n        - function: f(uint256)\n          handler: handleCall\n      eventHandlers:")),
      /dataSources\[0\] \(Pinger\): the ABI Pinger has no function f\(uint256\) \(call handler handleCall\)/,
    ],
    [
      "a call handler without a signature",
      () => buildFolder((m) => m.replace("      eventHandlers:", "      callHandlers:\n        - function: f\n          handler: handleCall\n      eventHandlers:")),
      /function f is not a function signature/,
    ],
    [
      "two call-filtered block handlers",
      () =>
        buildFolder((m) =>
          m.replace("      eventHandlers:", "      blockHandlers:\n        - handler: a\n          filter:\n            kind: call\n        - handler: b\n          filter:\n            kind: call\n      eventHandlers:"),
        ),
      /duplicated block handlers/,
    ],
    [
      "two block handlers of one kind",
      () => buildFolder((m) => m.replace("      eventHandlers:", "      blockHandlers:\n        - handler: a\n        - handler: b\n      eventHandlers:")),
      /duplicated block handlers/,
    ],
    [
      "a template with an address",
      () => buildFolder((m) => `${m}templates:\n${m.slice(m.indexOf("  - kind:")).replace("name: Pinger", "name: T")}`),
      /templates\[0\] \(T\): a template has no source\.address nor source\.startBlock/,
    ],
    ["a missing WASM file", () => buildFolder((m) => m.replace("Pinger/Pinger.wasm", "Pinger/Missing.wasm")), /Missing\.wasm does not exist/],
    ["a bad address", () => buildFolder((m) => m.replace(ADDRESS, "0x1234")), /0x1234 is not an address/],
    ["invalid YAML", () => buildFolder(() => "dataSources: [\n"), /not valid YAML/],
    ["a schema that does not parse", () => buildFolder((m) => m, { "schema.graphql": "type {" }), /does not parse/],
  ])("refuses %s with a ManifestError or SchemaError that says what", (_, folder, message) => {
    expect(() => loadSubgraph(folder())).toThrow(message);
    try {
      loadSubgraph(folder());
    } catch (error) {
      expect((error as Error).name).toMatch(/ManifestError|SchemaError/);
    }
  });

  it("lists every problem of the manifest, the schema and the WASM imports in one refusal", () => {
    const folder = buildFolder(
      (m) =>
        `${m.replace("apiVersion: 0.0.9", "apiVersion: 0.0.3").replace("Ping(indexed address,uint256)", "Pong(indexed address,uint256)")}graft:\n  base: Qm\n  block: 1\n`,
      {
        "schema.graphql": "type Thing @entity { name: String! }",
        "Pinger/Pinger.wasm": wasmImporting(["store.set", "ipfs.cat", "notAHostFunction"]),
      },
    );
    let refusal: ManifestError | undefined;
    try {
      loadSubgraph(folder);
    } catch (error) {
      refusal = error as ManifestError;
    }
    expect(refusal).toBeInstanceOf(ManifestError);
    expect(refusal!.problems).toEqual([
      "grafting (graft:) is not supported by this indexer",
      "type Thing: needs a non-null field id",
      "dataSources[0] (Pinger): apiVersion 0.0.3 is not supported (0.0.5, 0.0.6, 0.0.7, 0.0.8, 0.0.9)",
      "dataSources[0] (Pinger): the mapping calls `ipfs.cat`, which needs an IPFS node: start the indexer with --ipfs <url>",
      "dataSources[0] (Pinger): the mapping imports the host function `notAHostFunction`, which this indexer does not provide",
      "dataSources[0] (Pinger): the ABI has no event Pong(indexed address,uint256) (the manifest must say which parameters are indexed, as the ABI does)",
    ]);
    expect(refusal!.message.split("\n")).toEqual(["this subgraph uses 6 things the indexer cannot honour:", ...refusal!.problems.map((p) => `  - ${p}`)]);
  });

  it.each(["0.0.5", "0.0.6"])("accepts apiVersion %s, which graph-cli writes when it migrates an older manifest", (apiVersion) => {
    expect(loadSubgraph(buildFolder((m) => m.replace("apiVersion: 0.0.9", `apiVersion: ${apiVersion}`))).dataSources[0]!.apiVersion).toBe(apiVersion);
  });

  it("reads block handlers: polling, once and call together; every block with call", () => {
    const read = (handlers: string) =>
      loadSubgraph(buildFolder((m) => m.replace("      eventHandlers:", `      blockHandlers:\n${handlers}      eventHandlers:`))).dataSources[0]!.blockHandlers;
    const call = "        - handler: d\n          filter:\n            kind: call\n";
    expect(read(`        - handler: b\n          filter:\n            kind: polling\n            every: 4\n        - handler: c\n          filter:\n            kind: once\n${call}`)).toEqual([
      { handler: "b", kind: "polling", every: 4 },
      { handler: "c", kind: "once" },
      { handler: "d", kind: "call" },
    ]);
    expect(read(`        - handler: a\n${call}`)).toEqual([
      { handler: "a", kind: "every" },
      { handler: "d", kind: "call" },
    ]);
  });

  it.each([
    ["polling", "          filter:\n            kind: polling\n            every: 4\n"],
    ["once", "          filter:\n            kind: once\n"],
  ])("refuses an every-block handler beside a %s handler in one data source, as graph-node does", (_, filter) => {
    const folder = buildFolder((m) => m.replace("      eventHandlers:", `      blockHandlers:\n        - handler: a\n        - handler: b\n${filter}      eventHandlers:`));
    expect(() => loadSubgraph(folder)).toThrow(ManifestError);
    expect(() => loadSubgraph(folder)).toThrow(
      "dataSources[0] (Pinger): data source has a combination of filtered and non-filtered block handlers that is not allowed (an every-block handler with a polling or once one)",
    );
  });

  it("accepts a topic0 equal to the signature's hash, and topic filters below specVersion 1.2.0 in templates", () => {
    const hash = keccak256(toHex("Ping(address,uint256)"));
    const build = loadSubgraph(
      buildFolder((m) => {
        const own = m.replace("          handler: handlePing", `          handler: handlePing\n          topic0: '${hash.toUpperCase().replace("0X", "0x")}'`);
        const template = m.slice(m.indexOf("  - kind:")).replace("name: Pinger", "name: T").replace(/      address: .*\n/, "").replace(/      startBlock: .*\n/, "").replace("          handler: handlePing", "          handler: handlePing\n          topic1: ['0x01']");
        return `${own}templates:\n${template}`;
      }),
    );
    expect(build.dataSources[0]!.eventHandlers[0]!.topic0).toBe(hash);
    expect(build.templates[0]!.eventHandlers[0]!.topics[0]).toEqual([`0x${"1".padStart(64, "0")}`]);
  });

  it("accepts a signature without `indexed` when the ABI has one event of that name, as graph-node does", () => {
    const build = loadSubgraph(buildFolder((m) => m.replace("Ping(indexed address,uint256)", "Ping(address,uint256)")));
    expect(build.dataSources[0]!.eventHandlers[0]!.abiEvent.inputs[0]!.indexed).toBe(true);
  });

  describe("file/ipfs templates", () => {
    const fileTemplate = (entities: string, kind = "file/ipfs") =>
      `templates:\n  - kind: ${kind}\n    name: Notes\n    mapping:\n      kind: ethereum/events\n      apiVersion: 0.0.9\n      language: wasm/assemblyscript\n      file: Pinger/Pinger.wasm\n      handler: handleNotes\n      entities:\n${entities}`;
    const refusal = (edit: (m: string) => string, services?: { ipfs: boolean }) => {
      try {
        loadSubgraph(buildFolder(edit), services);
      } catch (error) {
        return (error as ManifestError).problems;
      }
      return [];
    };

    it("reads one with its handler and entities when the indexer has an IPFS node", () => {
      const build = loadSubgraph(buildFolder((m) => m + fileTemplate("        - PingEvent\n")), { ipfs: true });
      expect(build.templates[0]).toMatchObject({ kind: "file/ipfs", name: "Notes", fileHandler: "handleNotes", entities: ["PingEvent"], eventHandlers: [] });
    });

    it("is refused without an IPFS node, with mutable or unknown entities, and outside templates", () => {
      expect(refusal((m) => m + fileTemplate("        - PingEvent\n"))).toEqual([
        "templates[0] (Notes): a file/ipfs template needs an IPFS node: start the indexer with --ipfs <url>",
      ]);
      expect(refusal((m) => m + fileTemplate("        - Sender\n        - Nothing\n        - PingPoint\n"), { ipfs: true })).toEqual([
        "templates[0] (Notes): mapping.entities names Sender, which is mutable: a file data source writes only immutable entities (@entity(immutable: true))",
        "templates[0] (Notes): mapping.entities names Nothing, which is not an @entity type of the schema",
        "templates[0] (Notes): mapping.entities names PingPoint, which is not an @entity type of the schema",
      ]);
      expect(refusal((m) => m + fileTemplate("        - PingEvent\n", "file/arweave"), { ipfs: true })).toEqual([
        "templates[0] (Notes): kind file/arweave is not supported (ethereum/contract, and file/ipfs for templates)",
      ]);
    });

    it("refuses `ipfs.cat`, `ipfs.getBlock` and `ipfs.map` only without an IPFS node", () => {
      const files = { "Pinger/Pinger.wasm": wasmImporting(["ipfs.cat", "ipfs.getBlock", "ipfs.map"]) };
      const problems = (services?: { ipfs: boolean }) => {
        try {
          loadSubgraph(buildFolder((m) => m, files), services);
        } catch (error) {
          return (error as ManifestError).problems;
        }
        return [];
      };
      expect(problems({ ipfs: true })).toEqual([]);
      expect(problems()).toEqual(
        ["ipfs.cat", "ipfs.getBlock", "ipfs.map"].map((name) => `dataSources[0] (Pinger): the mapping calls \`${name}\`, which needs an IPFS node: start the indexer with --ipfs <url>`),
      );
    });
  });

  it("is a ManifestError class users can catch", () => {
    expect(() => loadSubgraph(buildFolder((m) => m.replace("kind: ethereum/contract", "kind: near")))).toThrow(ManifestError);
  });
});
