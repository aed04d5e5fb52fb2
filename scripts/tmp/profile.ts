import fs from "node:fs";
import { upgrades } from "@openzeppelin/hardhat-upgrades";
import hre from "hardhat";
import { deployRewardToken } from "../../deploy/rewardToken.js";
const connection = await hre.network.create();
const { ethers } = connection;
const u = await upgrades(hre, connection);
const [admin, sf, shopper] = await ethers.getSigners();
const token = await deployRewardToken(ethers, u, { name: "B", symbol: "B", admin: admin!.address });
await (await token.grantRole(await token.ISSUER_ROLE(), sf!.address)).wait();
await (await token.setIssuanceCap(sf!.address, 10n ** 26n, 86400n)).wait();
const t = token.connect(sf!);
await (await t.issue(shopper!.address, 1n, 10n ** 20n)).wait();
const which = process.env.OP ?? "issue";
let tx;
if (which === "issue") tx = await t.issue(ethers.getAddress(ethers.dataSlice(ethers.id("x"), 12)), 2n, 10n ** 20n);
else if (which === "voucher") {
  const { chainId } = await ethers.provider.getNetwork();
  const domain = { name: "dCRM RewardToken", version: "1", chainId, verifyingContract: await token.getAddress() };
  const types = { RewardVoucher: [{ name: "shopper", type: "address" }, { name: "amount", type: "uint256" }, { name: "storefront", type: "address" }, { name: "orderId", type: "uint256" }, { name: "deadline", type: "uint256" }] };
  const v = { shopper: ethers.getAddress(ethers.dataSlice(ethers.id("x"), 12)), amount: 10n ** 20n, storefront: sf!.address, orderId: 2n, deadline: 2n ** 40n };
  { const sg = ethers.Signature.from(await sf!.signTypedData(domain, types, v)); tx = await token.connect(shopper!).claimVoucher(v, sg.r, sg.yParityAndS); }
}
else tx = await token.connect(shopper!).redeem(sf!.address, 10n ** 19n, ethers.id("r"));
const r = await tx.wait();
const trace: any = await ethers.provider.send("debug_traceTransaction", [tx.hash, {}]);
// find RewardToken build
const dir = "artifacts/build-info/";
let out: any, inp: any;
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".output.json"))) {
  const j = JSON.parse(fs.readFileSync(dir + f, "utf8"));
  if (j.output.contracts["project/contracts/reward/RewardToken.sol"]?.RewardToken) { out = j.output; inp = JSON.parse(fs.readFileSync(dir + f.replace(".output", ""), "utf8")).input; }
}
const c = out.contracts["project/contracts/reward/RewardToken.sol"].RewardToken.evm.deployedBytecode;
const code = Buffer.from(c.object, "hex");
const pcToIdx = new Map<number, number>();
for (let pc = 0, i = 0; pc < code.length; i++) { pcToIdx.set(pc, i); const op = code[pc]!; pc += op >= 0x60 && op <= 0x7f ? op - 0x5e : 1; }
const entries: number[][] = []; let prev = [0, 0, 0];
for (const e of c.sourceMap.split(";")) { const f = e.split(":"); const cur = [0, 1, 2].map((k) => (f[k] === undefined || f[k] === "" ? prev[k]! : Number(f[k]))); entries.push(cur); prev = cur; }
const idToSrc: Record<number, string> = {}; for (const [p, v] of Object.entries<any>(out.sources)) idToSrc[v.id] = p;
const lineOf = (file: number, off: number) => { const p = idToSrc[file]; if (!p) return "?"; const content: string = inp.sources[p].content; const line = content.slice(0, off).split("\n").length; return `${p.split("/").slice(-1)[0]}:${line} ${content.split("\n")[line - 1]!.trim().slice(0, 70)}`; };
const by = new Map<string, number>();
for (const l of trace.structLogs) { if (l.depth !== 2) continue; const idx = pcToIdx.get(l.pc); const e = idx === undefined ? undefined : entries[idx]; const key = e ? lineOf(e[2]!, e[0]!) : "?"; by.set(key, (by.get(key) ?? 0) + (process.env.STEPS ? 1 : l.gasCost)); }
console.log("gasUsed", r!.gasUsed);
for (const [k, v] of [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(String(v).padStart(6), k);
const data = Buffer.from(tx.data.slice(2), "hex");
const zeros = data.filter((b) => b === 0).length;
const intrinsic = 21000 + 4 * zeros + 16 * (data.length - zeros);
let d1 = 0, d2 = 0; for (const l of trace.structLogs) { if (l.depth === 1) d1 += l.gasCost; }
const firstD2 = trace.structLogs.findIndex((l: any) => l.depth === 2);
const steps = trace.structLogs; let lastD2 = steps.length - 1; while (steps[lastD2].depth !== 2) lastD2--;
d2 = steps[firstD2].gas - steps[lastD2].gas + steps[lastD2].gasCost;
const opsum: Record<string, number> = {}; for (const l of steps) if (l.depth === 2) opsum[l.op] = (opsum[l.op] ?? 0) + l.gasCost;
const storage = (opsum.SSTORE ?? 0) + (opsum.SLOAD ?? 0) + (opsum.LOG0 ?? 0) + (opsum.LOG1 ?? 0) + (opsum.LOG2 ?? 0) + (opsum.LOG3 ?? 0) + (opsum.LOG4 ?? 0);
console.log({ bytes: data.length, zeros, intrinsic, total: Number(r!.gasUsed), depth1Exec: Number(r!.gasUsed) - intrinsic - d2, impl: d2, implStorageAndLogs: storage, implOther: d2 - storage, implSteps: steps.filter((l: any) => l.depth === 2).length });
