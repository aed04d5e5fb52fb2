import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { JsonRpcProvider } from "ethers";

import { ethers } from "./fixtures.js";
import { freePort } from "../support/freePort.js";

describe("npm start: the whole system on a local node", function () {
  this.timeout(180_000);

  it("starts a node, deploys every contract, records them, indexes them, and a demo storefront's issuance shows in GraphQL", async function () {
    const port = await freePort();
    const graphqlPort = await freePort();
    const deployments = await mkdtemp(join(tmpdir(), "dcrm-start-"));
    const child = spawn(process.execPath, ["scripts/start.mjs"], {
      env: {
        ...process.env,
        DCRM_PORT: String(port),
        DCRM_GRAPHQL_PORT: String(graphqlPort),
        DCRM_DEPLOYMENTS_DIR: deployments,
        DCRM_INDEXER_DIR: join(deployments, "indexer"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk.toString()));
    child.stderr.on("data", (chunk) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      // Ready when it says so; not ready if it exits or takes longer than 100 s.
      const ready = await new Promise<boolean>((resolve) => {
        const finish = (value: boolean) => {
          clearInterval(poll);
          clearTimeout(deadline);
          resolve(value);
        };
        const poll = setInterval(() => output.includes("start: ready") && finish(true), 200);
        const deadline = setTimeout(() => finish(false), 150_000);
        void exited.then(() => finish(false));
      });
      expect(ready, `npm start did not become ready:\n${output}`).to.equal(true);

      const record = JSON.parse(await readFile(join(deployments, "localhost.json"), "utf8")) as {
        chainId: number;
        contracts: Record<string, { proxy: string; implementation: string; deploymentBlock: number; abiHash: string }>;
      };
      expect(record.chainId).to.equal(31337);
      expect(Object.keys(record.contracts).sort()).to.deep.equal([
        "ConsentRegistry",
        "DataAccessPayments",
        "ReferralEscrow",
        "RewardToken",
      ]);

      const provider = new JsonRpcProvider(`http://127.0.0.1:${port}`);
      for (const contract of Object.values(record.contracts)) {
        expect(await provider.getCode(contract.proxy)).to.not.equal("0x");
        expect(await provider.getCode(contract.implementation)).to.not.equal("0x");
      }
      const storefront = await provider.getSigner(1);
      const token = (await ethers.getContractAt("RewardToken", record.contracts.RewardToken!.proxy)).connect(storefront);
      const shopper = ethers.Wallet.createRandom().address;
      await (await token.issue(shopper, 1n, 10n ** 18n)).wait();
      expect(await token.balanceOf(shopper)).to.equal(10n ** 18n);
      provider.destroy();

      // The local indexer picks the issuance up and serves it.
      const graphql = `http://127.0.0.1:${graphqlPort}/subgraphs/name/dcrm`;
      const query = `{ shopper(id: "${shopper.toLowerCase()}") { balance earned } _meta { hasIndexingErrors } }`;
      let answer: { data?: { shopper: { balance: string; earned: string } | null; _meta: { hasIndexingErrors: boolean } } } = {};
      const startedAt = Date.now();
      while (!answer.data?.shopper && Date.now() - startedAt < 30_000) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const response = await fetch(graphql, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
        answer = (await response.json()) as typeof answer;
      }
      expect(answer.data?.shopper, `GraphQL never showed the shopper:\n${JSON.stringify(answer)}\n${output}`).to.deep.equal({
        balance: String(10n ** 18n),
        earned: String(10n ** 18n),
      });
      expect(answer.data?._meta.hasIndexingErrors).to.equal(false);
    } finally {
      child.kill("SIGTERM");
      await exited;
      await rm(deployments, { recursive: true, force: true });
    }
    // Stopped means stopped: neither port answers any more.
    for (const stopped of [port, graphqlPort]) {
      const stillAnswering = await fetch(`http://127.0.0.1:${stopped}`, { method: "POST" }).then(
        () => true,
        () => false,
      );
      expect(stillAnswering, `port ${stopped}`).to.equal(false);
    }
  });
});
