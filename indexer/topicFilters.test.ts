/**
 * Topic filters on a real chain, as graph-node applies them (specVersion 1.2.0): a handler with `topic1`..`topic3`
 * runs only on logs whose topic at each filtered position is one of the values listed, written as addresses or
 * short numbers and padded to 32 bytes.
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

describe("topic filters", () => {
  let chain: LocalChain;
  let mover: CompiledContract;
  let at: { address: Hex; block: number };

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
      return { id: `${hash}${index.toString("hex")}`, from: wallet.account.address.toLowerCase(), to: to.toLowerCase(), tokenId: String(id), amount: String(amount) };
    };
    const expected = [
      { handler: "to", ...(await move(chain.wallet, TO, 1n, 10n)) },
      await move(chain.wallet, TO, 3n, 11n), // token 3: not listed in topic3
      await move(chain.wallet, ELSEWHERE, 1n, 12n), // another recipient: not listed in topic2
      { handler: "by", ...(await move(other, ELSEWHERE, 5n, 13n)) },
      { handler: "to", ...(await move(chain.wallet, TO, 2n, 14n)) },
    ].filter((m): m is typeof m & { handler: string } => "handler" in m);

    await chain.startIndexer(buildSubgraph(FIXTURE, { address: at.address, startBlock: at.block, to: TO, by: other.account.address }, { "abis/Mover.json": JSON.stringify(mover.abi) }));
    await chain.synced();
    const { data, errors } = await chain.query(`{ moves(first: 100, orderBy: amount) { id handler from to tokenId amount } }`);
    expect(errors).toBeUndefined();
    expect(data.moves).toEqual(expected);
  }, 180_000);
});
