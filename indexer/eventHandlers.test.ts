/**
 * Event handlers' options on a real chain, as graph-node honours them. Topic filters (specVersion 1.2.0): a
 * handler with `topic1`..`topic3` runs only on logs whose topic at each filtered position is one of the values
 * listed, written as addresses or short numbers and padded to 32 bytes; two handlers of one data source that
 * match one log fail it. `receipt: true` (apiVersion 0.0.7): the event carries its transaction's receipt, with
 * every log of the transaction, for every handler run on a log that a `receipt: true` handler's filter matches.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWalletClient, http, publicActions, type Hex } from "viem";
import { foundry } from "viem/chains";

import { anvilAccount } from "./testing/anvil.ts";
import { buildSubgraph } from "./testing/buildSubgraph.ts";
import { type LocalChain, startLocalChain } from "./testing/localChain.ts";
import { compileSolidity, deploy, type CompiledContract } from "./testing/solidity.ts";

const FIXTURE = join(import.meta.dirname, "testing", "topics-subgraph");
const TO = "0x000000000000000000000000000000000000dEaD";
const ELSEWHERE = "0x000000000000000000000000000000000000bEEF";

describe("event handlers", () => {
  let chain: LocalChain;
  let mover: CompiledContract;
  let at: { address: Hex; block: number };
  /** The transactions whose event the receipt handler ran on. */
  const withReceipt: Hex[] = [];
  /** Every move made, in order: its entity id and block. */
  const moves: { id: string; block: number; amount: string }[] = [];

  beforeAll(async () => {
    chain = await startLocalChain();
    mover = compileSolidity(readFileSync(join(FIXTURE, "Mover.sol"), "utf8")).Mover!;
    at = await deploy(chain.wallet as never, mover);
  }, 60_000);

  afterAll(async () => {
    await chain?.close();
  });

  it("run a handler only on logs whose filtered topics are among the listed values", async () => {
    const other = createWalletClient({ account: anvilAccount(1), chain: foundry, transport: http(chain.anvil.url) }).extend(publicActions);
    const move = async (wallet: typeof other | typeof chain.wallet, to: string, id: bigint, amount: bigint) => {
      const hash = await wallet.writeContract({ address: at.address, abi: mover.abi, functionName: "move", args: [to, id, amount] } as never);
      const receipt = await wallet.waitForTransactionReceipt({ hash });
      // The mapping's id: the hash and the log index as a little-endian i32 (graph-ts `concatI32`).
      const index = Buffer.alloc(4);
      index.writeInt32LE(receipt.logs[1]!.logIndex);
      if (to === TO && id <= 2n) withReceipt.push(hash);
      moves.push({ id: `${hash}${index.toString("hex")}`, block: Number(receipt.blockNumber), amount: String(amount) });
      return { id: `${hash}${index.toString("hex")}`, from: wallet.account.address.toLowerCase(), to: to.toLowerCase(), tokenId: String(id), amount: String(amount) };
    };
    const expected = [
      { handler: "to", hasReceipt: true, ...(await move(chain.wallet, TO, 1n, 10n)) },
      await move(chain.wallet, TO, 3n, 11n), // token 3: not listed in topic3
      await move(chain.wallet, ELSEWHERE, 1n, 12n), // another recipient: not listed in topic2
      { handler: "by", hasReceipt: false, ...(await move(other, ELSEWHERE, 5n, 13n)) },
      { handler: "to", hasReceipt: true, ...(await move(chain.wallet, TO, 2n, 14n)) },
    ].filter((m): m is typeof m & { handler: string } => "handler" in m);

    await chain.startIndexer(buildSubgraph(FIXTURE, { address: at.address, startBlock: at.block, to: TO, by: other.account.address }, { "abis/Mover.json": JSON.stringify(mover.abi) }));
    await chain.synced();
    const { data, errors } = await chain.query(`{ moves(first: 100, orderBy: amount) { id handler from to tokenId amount hasReceipt } }`);
    expect(errors).toBeUndefined();
    expect(data.moves).toEqual(expected);
  }, 180_000);

  it("pass the receipt to every handler run on a log that a receipt: true handler's filter matches", async () => {
    // Watcher, a data source of its own on Mover's address, declares no receipt: it gets the receipt read for
    // Mover's receipt handler, and only on the logs that handler's filter matches.
    const { data, errors } = await chain.query(`{ watcheds(first: 100, orderBy: amount) { id amount hasReceipt } }`);
    expect(errors).toBeUndefined();
    const received = new Set(withReceipt);
    expect(data.watcheds).toEqual(moves.map(({ id, amount }) => ({ id, amount, hasReceipt: received.has(id.slice(0, 66) as Hex) })));
    expect(data.watcheds.filter((w: { hasReceipt: boolean }) => w.hasReceipt)).toHaveLength(2);
  }, 60_000);

  it("pass the transaction's receipt to a handler declared with receipt: true", async () => {
    const { data, errors } = await chain.query(
      `{ receipts(first: 10, orderBy: blockNumber) { id transactionIndex blockHash blockNumber cumulativeGasUsed gasUsed contractAddress status root logsBloom
         logAddresses logTopics logData logBlockHashes logBlockNumbers logTransactionHashes logTransactionIndexes logIndexes logsRemoved } }`,
    );
    expect(errors).toBeUndefined();
    const receipts = await Promise.all(withReceipt.map((hash) => chain.wallet.getTransactionReceipt({ hash })));
    expect(receipts.every((r) => r.logs.length === 2 && r.status === "success")).toBe(true);
    expect(data.receipts).toEqual(
      receipts.map((r) => ({
        id: r.transactionHash,
        transactionIndex: String(r.transactionIndex),
        blockHash: r.blockHash,
        blockNumber: String(r.blockNumber),
        cumulativeGasUsed: String(r.cumulativeGasUsed),
        gasUsed: String(r.gasUsed),
        contractAddress: null,
        status: "1",
        root: null,
        logsBloom: r.logsBloom,
        logAddresses: r.logs.map((l) => l.address.toLowerCase()),
        logTopics: r.logs.flatMap((l) => l.topics),
        logData: r.logs.map((l) => l.data),
        logBlockHashes: r.logs.map((l) => l.blockHash),
        logBlockNumbers: r.logs.map((l) => String(l.blockNumber)),
        logTransactionHashes: r.logs.map((l) => l.transactionHash),
        logTransactionIndexes: r.logs.map((l) => String(l.transactionIndex)),
        logIndexes: r.logs.map((l) => String(l.logIndex)),
        logsRemoved: [false, false],
      })),
    );
  }, 60_000);

  it("fail a data source on a log that two of its handlers match, keeping what came before", async () => {
    await chain.indexer!.close();
    const by = chain.wallet.account.address;
    // Moves by the first account to ELSEWHERE of token 1 now match both handlers: the third move is the first.
    const build = buildSubgraph(FIXTURE, { address: at.address, startBlock: at.block, to: ELSEWHERE, by }, { "abis/Mover.json": JSON.stringify(mover.abi) });
    const indexer = await chain.startIndexer(build);
    const failing = moves[2]!;
    await expect(indexer.waitForBlock(await chain.head())).rejects.toThrow(
      `Mover.handleMovedTo/handleMovedBy failed at block ${failing.block}, log 1: Multiple handlers defined for event \`Moved(indexed address,indexed address,indexed uint256,uint256)\`, only one is supported (handlers handleMovedTo, handleMovedBy of data source Mover all match log 1)`,
    );
    const { data, errors } = await chain.query(`{ moves(first: 100, orderBy: amount) { id handler } _meta { block { number } hasIndexingErrors } }`);
    expect(errors).toBeUndefined();
    expect(data._meta.hasIndexingErrors).toBe(true);
    expect(data._meta.block.number).toBeLessThan(failing.block);
    // The first two moves, by that account, ran the `by` handler alone.
    expect(data.moves).toEqual(moves.slice(0, 2).map(({ id }) => ({ id, handler: "by" })));
  }, 180_000);
});
