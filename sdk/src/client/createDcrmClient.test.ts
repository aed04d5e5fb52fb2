import { createPublicClient, createWalletClient, http } from "viem";
import { foundry, mainnet } from "viem/chains";
import { describe, expect, inject, it } from "vitest";

import { ChainMismatchError, ContractNotDeployedError, InvalidDeploymentError, InvalidParameterError } from "../errors/clientErrors.js";
import { publicClientOf, testAccount } from "../testing/clients.js";
import { startAnvil } from "../testing/localChain.js";
import { createDcrmClient } from "./createDcrmClient.js";

describe("createDcrmClient", () => {
  it("binds the clients to a checked deployment", async () => {
    const dcrm = await createDcrmClient({ publicClient: publicClientOf(), deployment: inject("deployment") });
    expect(dcrm.deployment.chainId).toBe(31337);
    expect(dcrm.deployment.contracts.RewardToken.address).toBe(inject("deployment").contracts.RewardToken!.proxy);
    expect(dcrm.account).toBeUndefined();
  });

  it("accepts the record as JSON text", async () => {
    const dcrm = await createDcrmClient({ publicClient: publicClientOf(), deployment: JSON.stringify(inject("deployment")) });
    expect(dcrm.deployment.network).toBe("localhost");
  });

  it("refuses a deployment of another chain", async () => {
    const error = await createDcrmClient({ publicClient: publicClientOf(), deployment: { ...inject("deployment"), chainId: 8453 } }).catch((e) => e);
    expect(error).toBeInstanceOf(ChainMismatchError);
    expect(error).toMatchObject({ expectedChainId: 8453, actualChainId: 31337, client: "public" });
  });

  it("refuses a wallet on another chain", async () => {
    const other = await startAnvil({ chainId: 1 });
    try {
      const walletClient = createWalletClient({ account: testAccount(1), chain: mainnet, transport: http(other.url) });
      const error = await createDcrmClient({ publicClient: publicClientOf(), walletClient, deployment: inject("deployment") }).catch((e) => e);
      expect(error).toBeInstanceOf(ChainMismatchError);
      expect(error).toMatchObject({ expectedChainId: 31337, actualChainId: 1, client: "wallet" });
    } finally {
      await other.stop();
    }
  });

  it("refuses addresses without code", async () => {
    const record = structuredClone(inject("deployment"));
    record.contracts.ConsentRegistry!.proxy = "0x000000000000000000000000000000000000dEaD";
    const error = await createDcrmClient({ publicClient: publicClientOf(), deployment: record }).catch((e) => e);
    expect(error).toBeInstanceOf(ContractNotDeployedError);
    expect(error).toMatchObject({ contract: "ConsentRegistry", address: "0x000000000000000000000000000000000000dEaD" });
    expect(error.message).toContain("has no code");
  });

  it("refuses a malformed record, naming every problem", async () => {
    const record = structuredClone(inject("deployment")) as unknown as Record<string, unknown>;
    delete (record.contracts as Record<string, unknown>).RewardToken;
    record.chainId = "31337";
    const error = await createDcrmClient({ publicClient: publicClientOf(), deployment: record as never }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidDeploymentError);
    expect(error.problems).toEqual(["chainId: a positive integer expected", "contracts.RewardToken.proxy: an address expected"]);
  });

  it("refuses an unknown network name", async () => {
    const error = await createDcrmClient({ publicClient: createPublicClient({ chain: foundry, transport: http(inject("rpcUrl")) }), deployment: "nowhere" }).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect(error.message).toContain("nowhere");
  });
});
