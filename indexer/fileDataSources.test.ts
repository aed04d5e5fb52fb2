/**
 * IPFS on a real chain, with a real HTTP server standing in for the IPFS node: `ipfs.cat` and `ipfs.getBlock`
 * from a chain handler (found, missing, too slow, too large), `ipfs.map` over a file of JSON lines, a file data source created from an event that
 * runs once when its file is found, its entity queried over GraphQL, the isolation between file and chain
 * handlers, a restart, and the refusal at start without an IPFS node.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestClient, createWalletClient, http, publicActions, type Hex } from "viem";
import { foundry } from "viem/chains";

import { fileBlock } from "./ipfs/cid.ts";
import { ManifestError } from "./manifest.ts";
import { startLocalIndexer, type LocalIndexer } from "./service.ts";
import { type Anvil, anvilAccount, startAnvil } from "./testing/anvil.ts";
import { buildSubgraph } from "./testing/buildSubgraph.ts";
import { startIpfsServer, type IpfsTestServer } from "./testing/ipfsServer.ts";
import { compileSolidity, deploy, type CompiledContract } from "./testing/solidity.ts";

const FIXTURE = join(import.meta.dirname, "testing", "ipfs-subgraph");

interface Post {
  cid: string;
  title: string;
  catFound: boolean;
  catText: string | null;
  blockSize: number | null;
  sawNote: boolean;
}
interface Note {
  id: string;
  text: string;
  title: string;
  sawTally: boolean;
  sawOwn: boolean;
}

describe("IPFS files", () => {
  let anvil: Anvil;
  let ipfs: IpfsTestServer;
  let notes: { address: Hex; block: number };
  let contract: CompiledContract;
  let build: string;
  let database: string;
  let local: LocalIndexer | undefined;
  const lines: string[] = [];
  const cids: Record<string, string> = {};

  const wallet = () => createWalletClient({ account: anvilAccount(0), chain: foundry, transport: http(anvil.url) }).extend(publicActions);
  async function publish(cid: string, title: string) {
    const hash = await wallet().writeContract({ address: notes.address, abi: contract.abi, functionName: "publish", args: [cid, title] } as never);
    return wallet().waitForTransactionReceipt({ hash });
  }
  async function start() {
    local = await startLocalIndexer({
      subgraph: build,
      rpcUrl: anvil.url,
      database,
      subgraphName: "test/notes",
      port: 0,
      pollInterval: 20,
      ipfs: { url: ipfs.gatewayUrl, timeoutMs: 1_000, maxFileBytes: 64 },
      log: (line) => lines.push(line),
    });
  }
  async function synced() {
    const head = Number(await wallet().getBlockNumber({ cacheTime: 0 }));
    await local!.waitForBlock(head).catch((error) => {
      throw new Error(`${error.message}\n${lines.join("\n")}`);
    });
  }
  async function query<T>(text: string): Promise<T> {
    const response = await fetch(local!.server.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: text }) });
    const body = (await response.json()) as { data: T; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }
  const posts = async () => (await query<{ posts: Post[] }>("{ posts(first: 100) { cid title catFound catText blockSize sawNote } }")).posts;
  const allNotes = async () => (await query<{ notes: Note[] }>("{ notes(first: 100, orderBy: title) { id text title sawTally sawOwn } }")).notes;
  /** Mines blocks until the note of `cid` is indexed (a file's handler runs in a block indexed after it is found). */
  async function noteOf(cid: string): Promise<Note> {
    const test = createTestClient({ mode: "anvil", chain: foundry, transport: http(anvil.url) });
    for (let attempt = 0; attempt < 150; attempt++) {
      await test.mine({ blocks: 1 });
      await synced();
      const note = (await allNotes()).find((n) => n.id === cid);
      if (note) return note;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the note of ${cid} was not indexed\n${lines.join("\n")}`);
  }

  beforeAll(async () => {
    [anvil, ipfs] = await Promise.all([startAnvil(), startIpfsServer()]);
    contract = compileSolidity(readFileSync(join(FIXTURE, "Notes.sol"), "utf8")).Notes!;
    notes = await deploy(wallet() as never, contract);
    build = buildSubgraph(FIXTURE, { address: notes.address, startBlock: notes.block }, { "abis/Notes.json": JSON.stringify(contract.abi) });
    database = mkdtempSync(join(tmpdir(), "ipfs-db-"));
  }, 180_000);

  afterAll(async () => {
    await local?.close();
    await Promise.all([anvil?.stop(), ipfs?.close()]);
    if (database) rmSync(database, { recursive: true, force: true });
  });

  it("refuses at start, in one message, a subgraph that reads IPFS when no IPFS node is given", async () => {
    const refusal = await startLocalIndexer({ subgraph: build, rpcUrl: anvil.url, subgraphName: "test/notes", port: 0 }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ManifestError);
    expect((refusal as ManifestError).problems).toEqual([
      "dataSources[0] (Notes): the mapping calls `ipfs.cat`, which needs an IPFS node: start the indexer with --ipfs <url>",
      "dataSources[0] (Notes): the mapping calls `ipfs.getBlock`, which needs an IPFS node: start the indexer with --ipfs <url>",
      "dataSources[0] (Notes): the mapping calls `ipfs.map`, which needs an IPFS node: start the indexer with --ipfs <url>",
      "templates[0] (NoteFile): a file/ipfs template needs an IPFS node: start the indexer with --ipfs <url>",
    ]);
  });

  it("reads files with ipfs.cat in chain handlers: found, missing, too slow and too large are null", async () => {
    cids.first = await ipfs.add("the first note");
    cids.missing = ipfs.cidOf("a note nobody has yet");
    cids.slow = await ipfs.add("a slow note");
    await ipfs.delay(cids.slow, 3_000);
    cids.large = await ipfs.add("x".repeat(65));
    await publish(cids.first, "First");
    await publish(cids.missing, "Missing");
    await publish(cids.slow, "Slow");
    await publish(cids.large, "Large");
    cids.lines = await ipfs.add('{"n": 1, "text": "one"}\n\n{"text": "two", "n": 2}\n');
    await publish(cids.lines, "Lines");
    await start();
    await synced();
    const byTitle = Object.fromEntries((await posts()).map((post) => [post.title, post]));
    expect(byTitle.First).toEqual({ cid: cids.first, title: "First", catFound: true, catText: "the first note", blockSize: fileBlock(new TextEncoder().encode("the first note")).length, sawNote: false });
    for (const title of ["Missing", "Slow", "Large"]) expect(byTitle[title], title).toMatchObject({ catFound: false, catText: null, blockSize: null });
    expect(lines.some((line) => line.includes("Failed ipfs.cat, returning `null`") && line.includes("timeout")), lines.join("\n")).toBe(true);
    expect(lines.some((line) => line.includes("Failed ipfs.cat, returning `null`") && line.includes("too large"))).toBe(true);
    // ipfs.map called the mapping's callback on each JSON line, with the user data.
    const mapped = (await query<{ lines: { id: string; text: string }[] }>("{ lines(orderBy: text) { id text } }")).lines;
    expect(mapped).toEqual([
      { id: `${cids.lines}-1`, text: "one" },
      { id: `${cids.lines}-2`, text: "two" },
    ]);
  }, 120_000);

  it("runs a file data source once its file is found, with its CID and context, isolated from chain entities", async () => {
    await noteOf(cids.lines!);
    const first = await noteOf(cids.first!);
    // The file handler sees what it wrote itself, not the chain's Tally.
    expect(first).toEqual({ id: cids.first, text: "the first note", title: "First", sawTally: false, sawOwn: true });
    await ipfs.add("a note nobody has yet");
    expect(await noteOf(cids.missing!)).toMatchObject({ text: "a note nobody has yet", title: "Missing" });
    // The chain handler does not see the Note a file data source wrote; the same data source is not created twice.
    await publish(cids.first!, "First");
    await synced();
    expect((await posts()).filter((post) => post.cid === cids.first).map((post) => post.sawNote)).toEqual([false, false]);
    expect((await allNotes()).map((note) => note.title)).toEqual(["First", "Lines", "Missing"]);
    expect(lines.filter((line) => line.includes(`ran 1 file data source (NoteFile ${cids.first})`))).toHaveLength(1);
    expect(lines.some((line) => line.includes(`IPFS file ${cids.large} will not be read`))).toBe(true);
  }, 120_000);

  it("keeps file data sources across a restart: done ones do not run again, waiting ones still wait", async () => {
    await local!.close();
    local = undefined;
    lines.length = 0;
    await ipfs.delay(cids.slow!, 0);
    await start();
    expect(await noteOf(cids.slow!)).toMatchObject({ text: "a slow note", title: "Slow", sawTally: false });
    expect((await allNotes()).map((note) => note.title)).toEqual(["First", "Lines", "Missing", "Slow"]);
    expect(lines.some((line) => line.includes(`NoteFile ${cids.first}`))).toBe(false);
  }, 120_000);

  it("runs a file data source again when a reorg removes the block it ran in, and forgets it with its creating block", async () => {
    const test = createTestClient({ mode: "anvil", chain: foundry, transport: http(anvil.url) });
    /** Replaces the blocks after `snapshot` with a longer branch, waits until the indexer has followed it, and returns its log lines since. */
    async function reorgTo(snapshot: Hex): Promise<string[]> {
      const from = lines.length;
      const replaced = Number(await wallet().getBlockNumber({ cacheTime: 0 }));
      await test.revert({ id: snapshot });
      const base = Number(await wallet().getBlockNumber({ cacheTime: 0 }));
      await test.mine({ blocks: replaced - base + 1 });
      await synced();
      const since = lines.slice(from);
      expect(since.some((line) => /^reorg: /.test(line)), lines.join("\n")).toBe(true);
      return since;
    }
    // Created, then run in a later block: a reorg of that block alone makes it wait and run again.
    cids.again = ipfs.cidOf("a note run twice");
    await publish(cids.again, "Again");
    await synced();
    const beforeRun = await test.snapshot();
    await ipfs.add("a note run twice");
    await noteOf(cids.again);
    const from = lines.length;
    await reorgTo(beforeRun);
    expect(await noteOf(cids.again)).toMatchObject({ text: "a note run twice", title: "Again" });
    // Once on the lost branch, once again on the new one.
    const ran = lines.slice(from).filter((line) => line.includes(`ran 1 file data source (NoteFile ${cids.again})`) || /^reorg: /.test(line));
    expect(ran.map((line) => (line.startsWith("reorg") ? "reorg" : "ran"))).toEqual(["reorg", "ran"]);

    // A reorg of its creating block removes it, and its note.
    const beforeCreation = await test.snapshot();
    cids.gone = await ipfs.add("a note on a lost branch");
    await publish(cids.gone, "Gone");
    await noteOf(cids.gone);
    await reorgTo(beforeCreation);
    await test.mine({ blocks: 3 });
    await synced();
    expect((await allNotes()).map((note) => note.title)).toEqual(["Again", "First", "Lines", "Missing", "Slow"]);
    expect((await posts()).some((post) => post.title === "Gone")).toBe(false);
  }, 120_000);

  it("fails the subgraph when a file handler writes an entity type its template does not list", async () => {
    const cid = await ipfs.add("write the tally");
    await publish(cid, "Tally");
    const test = createTestClient({ mode: "anvil", chain: foundry, transport: http(anvil.url) });
    for (let attempt = 0; attempt < 150 && local!.indexer.status !== "failed"; attempt++) {
      await test.mine({ blocks: 1 });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(local!.indexer.status).toBe("failed");
    expect(local!.indexer.store.fatalError).toMatch(/NoteFile\.handleNoteFile failed at block \d+, file .*: entity type Tally is not among the entities of file data source NoteFile \(Note\)/);
    expect((await query<{ _meta: { hasIndexingErrors: boolean } }>("{ _meta { hasIndexingErrors } }"))._meta.hasIndexingErrors).toBe(true);
  }, 120_000);
});
