/** Seeding as the commands run it: the SDK generated and transpiled when its sources changed, the deployment read, the history written, the marker kept. */
import { mkdirSync } from "node:fs";

import { CommandError } from "../command.ts";
import { readDeployment, deploymentFile } from "../deployment.ts";
import { loadSdkRuntime } from "../sdkBuild.ts";
import { writeSeedMarker } from "./marker.ts";
import { seedDemo, type SeedReport } from "./seed.ts";

export async function runSeed(options: { rpc: string; dataDir: string; seed: string; days: number; log: (line: string) => void }): Promise<SeedReport> {
  const record = readDeployment();
  if (!record) throw new CommandError(`no deployment recorded in ${deploymentFile()}: deploy first (\`dcrm deploy\`, or \`dcrm start\`)`);
  const sdk = await loadSdkRuntime(options.log);
  const began = Date.now();
  let report: SeedReport;
  try {
    report = await seedDemo({ rpc: options.rpc, deployment: record as never, seed: options.seed, days: options.days, now: Math.floor(Date.now() / 1000), sdk, log: options.log });
  } catch (error) {
    throw new CommandError(`seeding failed: ${(error as Error).message.split("\n")[0]}`);
  }
  const seconds = (Date.now() - began) / 1000;
  mkdirSync(options.dataDir, { recursive: true });
  writeSeedMarker(options.dataDir, { seed: options.seed, report, seconds });
  options.log(
    `wrote ${report.orders} orders (${report.referredOrders} referred, in ${report.checkoutBatches} checkout-sender batches), ${report.redemptions} redemptions, ` +
      `${report.refunds} refunds (${report.voids} voided, ${report.clawbacks} clawed back), ${report.releases} releases, ${report.earlyReleases} early referral releases, ` +
      `${report.consentsGranted} consents granted and ${report.consentsRevoked} revoked, ${report.recordsAnchored} data records anchored and ${report.recordsErased} erased, ` +
      `${report.accesses} paid accesses, ${report.earningsWithdrawn} earnings withdrawals, ${report.claims} claims, ${report.expired} shoppers' points expired ` +
      `in ${report.transactions} transactions over ${options.days} days (${seconds.toFixed(1)} s, seed ${JSON.stringify(options.seed)})`,
  );
  return report;
}
