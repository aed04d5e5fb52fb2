/**
 * `npm run bench:gas`: deploys on Hardhat's in-process network, runs every measured operation as a real
 * transaction, prints a table and writes `reports/gas.json` (operation id → full transaction gas), the gas
 * snapshot that review compares. Add a contract's rows by adding its measure function to `suites`.
 */
import { mkdir, writeFile } from "node:fs/promises";

import { upgrades } from "@openzeppelin/hardhat-upgrades";
import hre from "hardhat";

import type { GasRow } from "./gas/measure.js";
import { measureConsentRegistry } from "./gas/consentRegistry.js";
import { measureDataAccessPayments } from "./gas/dataAccessPayments.js";
import { measureReferralEscrow } from "./gas/referralEscrow.js";
import { measureRewardToken } from "./gas/rewardToken.js";

const suites = [measureRewardToken, measureReferralEscrow, measureConsentRegistry, measureDataAccessPayments];

const connection = await hre.network.create();
const upgradesApi = await upgrades(hre, connection);
const rows: GasRow[] = [];
for (const suite of suites) {
  console.log(`bench:gas: ${suite.name}…`);
  rows.push(...(await suite(connection.ethers, upgradesApi)));
}

const byId = new Map(rows.map((row) => [row.id, row.gas]));
const table = rows.map((row) => {
  const baselineGas = row.baseline === undefined ? undefined : byId.get(row.baseline);
  return {
    operation: row.id,
    gas: row.gas,
    target: row.target ?? "",
    floor: row.floor ?? "",
    baseline: baselineGas ?? "",
    "gas/floor": row.floor === undefined ? "" : (row.gas / row.floor).toFixed(2),
    "gas/baseline": baselineGas === undefined ? "" : (row.gas / baselineGas).toFixed(2),
    "within target": row.target === undefined ? "" : row.gas <= row.target ? "yes" : "NO",
  };
});
console.table(table);

await mkdir("reports", { recursive: true });
const snapshot = Object.fromEntries(rows.map((row) => [row.id, row.gas]));
await writeFile("reports/gas.json", `${JSON.stringify(snapshot, null, 2)}\n`);
console.log(`bench:gas: wrote reports/gas.json (${rows.length} operations)`);

const over = rows.filter((row) => row.target !== undefined && row.gas > row.target);
if (over.length > 0) {
  console.warn(`bench:gas: over target: ${over.map((row) => `${row.id} ${row.gas} > ${row.target}`).join(", ")}`);
}
