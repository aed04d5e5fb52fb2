#!/usr/bin/env node
// A smoke run of the built mappings without an indexer: loads subgraph/build/*/*.wasm with a minimal
// in-memory host (the few graph-node host functions the mappings import), feeds them a scripted sequence
// of events shaped like the contracts' (ABI from subgraph/abis/), and checks the resulting entities.
// It also enforces two graph-node rules at every store.set: no field the schema lacks, no missing non-null
// field, and no second write to an immutable entity. Not a replacement for the local indexer: no chain, no
// blocks, no aggregation rollups (timeseries data points are only counted).
//
// Usage (after graph build): node subgraph/scripts/smoke.mjs [--quiet]   (npm run subgraph:build runs it last)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { subgraphDir } from "./prepare.mjs";

// ─── Schema: required and known fields per entity type ───────────────────────────────────────────────
const schemaText = readFileSync(join(subgraphDir, "schema.graphql"), "utf8");
const types = {};
for (const match of schemaText.matchAll(/type (\w+) @(entity|aggregation)\(([^)]*)\)[^{]*\{([^}]*)\}/g)) {
  const [, name, , args, body] = match;
  const fields = {};
  for (const line of body.split("\n")) {
    const field = line.trim().match(/^(\w+):\s*([\[\]\w!]+)(.*)$/);
    if (!field) continue;
    if (field[3].includes("@derivedFrom")) continue;
    fields[field[1]] = { required: field[2].endsWith("!") };
  }
  types[name] = { fields, immutable: /immutable:\s*true/.test(args) || /timeseries:\s*true/.test(args), timeseries: /timeseries:\s*true/.test(args) };
}

// ─── Store ───────────────────────────────────────────────────────────────────────────────────────────
const store = new Map(); // type -> Map(id -> fields)
const problems = [];
let seq = 0;
function table(type) {
  if (!store.has(type)) store.set(type, new Map());
  return store.get(type);
}

// ─── Host ────────────────────────────────────────────────────────────────────────────────────────────
const abis = {};
for (const name of ["RewardToken", "ReferralEscrow", "ConsentRegistry", "DataAccessPayments"]) {
  abis[name] = JSON.parse(readFileSync(join(subgraphDir, "abis", `${name}.json`), "utf8"));
}

function toSigned(bytes) {
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return value;
}
function fromSigned(value) {
  const out = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0xffn);
    out.push(byte);
    v >>= 8n;
    if ((v === 0n && !(byte & 0x80)) || (v === -1n && byte & 0x80)) break;
  }
  return Uint8Array.from(out);
}
const hex = (bytes) => "0x" + Buffer.from(bytes).toString("hex");

class Instance {
  constructor(wasmPath) {
    const module = new WebAssembly.Module(readFileSync(wasmPath));
    const imports = {};
    for (const { module: mod, name } of WebAssembly.Module.imports(module)) {
      imports[mod] ??= {};
      imports[mod][name] = this.host(name);
    }
    this.instance = new WebAssembly.Instance(module, imports);
    this.exports = this.instance.exports;
    this.exports._start();
    const typeId = (name) => this.exports.id_of_type(this.exports[`TypeId.${name}`].value);
    this.rt = Object.fromEntries(
      ["String", "ArrayBuffer", "Uint8Array", "BigDecimal", "EventParam", "ArrayEventParam", "EthereumTransaction", "EthereumBlock",
        "EthereumValue", "ArrayEthereumValue", "StoreValue", "ArrayStoreValue", "EthereumEvent", "TypedMapEntryStringStoreValue",
        "ArrayTypedMapEntryStringStoreValue", "TypedMapStringStoreValue"].map((n) => [n, typeId(n)]),
    );
  }
  get view() { return new DataView(this.exports.memory.buffer); }
  u32(ptr) { return this.view.getUint32(ptr, true); }
  alloc(size, rtId) { return this.exports.__new(size, rtId); }
  str(ptr) {
    if (!ptr) return null;
    const size = this.u32(ptr - 4);
    return Buffer.from(new Uint8Array(this.exports.memory.buffer, ptr, size)).toString("utf16le");
  }
  newStr(s) {
    const bytes = Buffer.from(s, "utf16le");
    const ptr = this.alloc(bytes.length, this.rt.String);
    new Uint8Array(this.exports.memory.buffer, ptr, bytes.length).set(bytes);
    return ptr;
  }
  bytes(ptr) {
    const start = this.u32(ptr + 4), length = this.u32(ptr + 8);
    return new Uint8Array(this.exports.memory.buffer.slice(start, start + length));
  }
  newBytes(bytes) {
    const buf = this.alloc(bytes.length, this.rt.ArrayBuffer);
    new Uint8Array(this.exports.memory.buffer, buf, bytes.length).set(bytes);
    const ptr = this.alloc(12, this.rt.Uint8Array);
    const v = this.view;
    v.setUint32(ptr, buf, true); v.setUint32(ptr + 4, buf, true); v.setUint32(ptr + 8, bytes.length, true);
    return ptr;
  }
  newBigInt(value) { return this.newBytes(fromSigned(value)); }
  bigInt(ptr) { return toSigned(this.bytes(ptr)); }
  array(ptr) {
    const start = this.u32(ptr + 4), length = this.u32(ptr + 12);
    return Array.from({ length }, (_, i) => this.u32(start + 4 * i));
  }
  newArray(ptrs, rtId) {
    const buf = this.alloc(ptrs.length * 4, this.rt.ArrayBuffer);
    ptrs.forEach((p, i) => this.view.setUint32(buf + 4 * i, p, true));
    const ptr = this.alloc(16, rtId);
    const v = this.view;
    v.setUint32(ptr, buf, true); v.setUint32(ptr + 4, buf, true); v.setUint32(ptr + 8, ptrs.length * 4, true); v.setUint32(ptr + 12, ptrs.length, true);
    return ptr;
  }
  newStruct(ptrs, rtId) {
    const ptr = this.alloc(ptrs.length * 4, rtId);
    ptrs.forEach((p, i) => this.view.setUint32(ptr + 4 * i, p, true));
    return ptr;
  }
  newValue(kind, data, rtId) {
    const ptr = this.alloc(16, rtId);
    this.view.setInt32(ptr, kind, true);
    this.view.setBigUint64(ptr + 8, BigInt.asUintN(64, BigInt(data)), true);
    return ptr;
  }
  decimal(ptr) { return { digits: this.bigInt(this.u32(ptr)), exp: this.bigInt(this.u32(ptr + 4)) }; }
  newDecimal(d) { return this.newStruct([this.newBigInt(d.digits), this.newBigInt(d.exp)], this.rt.BigDecimal); }

  // store.Value → JS
  storeValue(ptr) {
    const kind = this.view.getInt32(ptr, true);
    const data = this.view.getBigUint64(ptr + 8, true);
    const p = Number(data & 0xffffffffn);
    switch (kind) {
      case 0: return { kind, v: this.str(p) };
      case 1: return { kind, v: Number(BigInt.asIntN(32, data)) };
      case 2: return { kind, v: this.decimal(p) };
      case 3: return { kind, v: data !== 0n };
      case 4: return { kind, v: this.array(p).map((q) => this.storeValue(q)) };
      case 5: return { kind, v: null };
      case 6: return { kind, v: hex(this.bytes(p)) };
      case 7: return { kind, v: this.bigInt(p) };
      case 8: case 9: return { kind, v: BigInt.asIntN(64, data) };
      default: throw new Error(`store value kind ${kind}`);
    }
  }
  newStoreValue(value) {
    const rt = this.rt.StoreValue;
    switch (value.kind) {
      case 0: return this.newValue(0, this.newStr(value.v), rt);
      case 1: return this.newValue(1, BigInt.asUintN(32, BigInt(value.v)), rt);
      case 2: return this.newValue(2, this.newDecimal(value.v), rt);
      case 3: return this.newValue(3, value.v ? 1 : 0, rt);
      case 4: return this.newValue(4, this.newArray(value.v.map((x) => this.newStoreValue(x)), this.rt.ArrayStoreValue), rt);
      case 5: return this.newValue(5, 0, rt);
      case 6: return this.newValue(6, this.newBytes(Buffer.from(value.v.slice(2), "hex")), rt);
      case 7: return this.newValue(7, this.newBigInt(value.v), rt);
      default: return this.newValue(value.kind, value.v, rt);
    }
  }

  host(name) {
    const self = this;
    const bigOp = (f) => (a, b) => self.newBigInt(f(self.bigInt(a), self.bigInt(b)));
    const table_ = {
      abort(msg, file, line, col) { throw new Error(`abort: ${self.str(msg)} at ${self.str(file)}:${line}:${col}`); },
      "log.log"(level, msg) { if (level <= 1) problems.push(`log ${level}: ${self.str(msg)}`); },
      bytesToHex: (p) => self.newStr(hex(self.bytes(p))),
      bigIntToString: (p) => self.newStr(self.bigInt(p).toString()),
      bigIntToHex: (p) => self.newStr("0x" + self.bigInt(p).toString(16)),
      "bigInt.plus": bigOp((a, b) => a + b),
      "bigInt.minus": bigOp((a, b) => a - b),
      "bigInt.times": bigOp((a, b) => a * b),
      "bigInt.dividedBy": bigOp((a, b) => a / b),
      "bigDecimal.dividedBy"(a, b) {
        const x = self.decimal(a), y = self.decimal(b);
        const num = Number(x.digits) * 10 ** Number(x.exp), den = Number(y.digits) * 10 ** Number(y.exp);
        const q = num / den;
        return self.newDecimal({ digits: BigInt(Math.round(q * 1e15)), exp: -15n });
      },
      "bigDecimal.toString"(p) { const d = self.decimal(p); return self.newStr(String(Number(d.digits) * 10 ** Number(d.exp))); },
      "store.get"(typePtr, idPtr) {
        const type = self.str(typePtr), id = self.str(idPtr);
        const fields = store.get(type)?.get(id);
        if (!fields) return 0;
        const entries = Object.entries(fields).map(([k, v]) =>
          self.newStruct([self.newStr(k), self.newStoreValue(v)], self.rt.TypedMapEntryStringStoreValue));
        return self.newStruct([self.newArray(entries, self.rt.ArrayTypedMapEntryStringStoreValue)], self.rt.TypedMapStringStoreValue);
      },
      "store.set"(typePtr, idPtr, dataPtr) {
        const type = self.str(typePtr);
        let id = self.str(idPtr);
        const fields = {};
        for (const entry of self.array(self.u32(dataPtr))) fields[self.str(self.u32(entry))] = self.storeValue(self.u32(entry + 4));
        const schema = types[type];
        if (!schema) { problems.push(`store.set of unknown type ${type}`); return; }
        if (schema.timeseries) { id = String(++seq); fields.id = { kind: 8, v: BigInt(seq) }; fields.timestamp = { kind: 9, v: 0n }; }
        for (const key of Object.keys(fields)) if (!schema.fields[key]) problems.push(`${type} ${id}: field ${key} not in the schema`);
        for (const [key, f] of Object.entries(schema.fields)) {
          if (f.required && (!fields[key] || fields[key].kind === 5)) problems.push(`${type} ${id}: required field ${key} missing`);
        }
        const t = table(type);
        if (schema.immutable && t.has(id)) problems.push(`${type} ${id}: immutable entity written twice`);
        t.set(id, fields);
      },
    };
    const parts = name.split(".");
    const fn = table_[name] ?? table_[parts.slice(-2).join(".")] ?? table_[parts[parts.length - 1]];
    if (!fn) return () => { throw new Error(`host function ${name} not provided`); };
    return fn;
  }

  ethValue(type, value, components) {
    const rt = this.rt.EthereumValue;
    if (type.endsWith("[]")) {
      const inner = type.slice(0, -2);
      return this.newValue(8, this.newArray(value.map((x) => this.ethValue(inner, x, components)), this.rt.ArrayEthereumValue), rt);
    }
    if (type === "tuple") {
      return this.newValue(9, this.newArray(components.map((c, i) => this.ethValue(c.type, value[i], c.components)), this.rt.ArrayEthereumValue), rt);
    }
    if (type === "address") return this.newValue(0, this.newBytes(Buffer.from(value.slice(2).padStart(40, "0"), "hex")), rt);
    if (type.startsWith("bytes")) return this.newValue(type === "bytes" ? 2 : 1, this.newBytes(Buffer.from(value.slice(2), "hex")), rt);
    if (type === "bool") return this.newValue(5, value ? 1 : 0, rt);
    if (type.startsWith("uint")) return this.newValue(4, this.newBigInt(BigInt(value)), rt);
    if (type.startsWith("int")) return this.newValue(3, this.newBigInt(BigInt(value)), rt);
    throw new Error(`type ${type}`);
  }

  event(contract, address, name, args, log) {
    const abiEvent = abis[contract].find((e) => e.type === "event" && e.name === name);
    const params = abiEvent.inputs.map((input, i) =>
      this.newStruct([this.newStr(input.name), this.ethValue(input.type, args[i], input.components)], this.rt.EventParam));
    const h32 = (n) => this.newBytes(Buffer.from(n.toString(16).padStart(64, "0"), "hex"));
    const big = (n) => this.newBigInt(BigInt(n));
    const addr = (a) => this.newBytes(Buffer.from(a.slice(2), "hex"));
    const block = this.newStruct([h32(log.block), h32(0), h32(0), addr(ZERO), h32(0), h32(0), h32(0), big(log.block), big(0), big(0),
      big(log.timestamp), big(0), big(0), 0, 0], this.rt.EthereumBlock);
    const tx = this.newStruct([h32(log.tx), big(0), addr(ZERO), 0, big(0), big(0), big(0), this.newBytes(new Uint8Array()), big(0)],
      this.rt.EthereumTransaction);
    return this.newStruct([addr(address), big(log.logIndex), big(log.logIndex), 0, block, tx,
      this.newArray(params, this.rt.ArrayEventParam), 0], this.rt.EthereumEvent);
  }
}

// ─── Scenario ────────────────────────────────────────────────────────────────────────────────────────
const ZERO = "0x" + "00".repeat(20);
const a = (n) => "0x" + n.toString(16).padStart(40, "0");
const CONTRACT = { RewardToken: a(0xaa01), ReferralEscrow: a(0xaa02), ConsentRegistry: a(0xaa03), DataAccessPayments: a(0xaa04) };
const S = a(0x5), A = a(0xa), B = a(0xb), C = a(0xc), T = a(0x70), X = a(0xc0), OWNER = a(0x0e), PAYOUT = a(0x0f);
const SCOPE = "0x" + "11".repeat(32), REF = "0x" + "22".repeat(32), CODE = "0x" + "33".repeat(32), RECORD = "0x" + "44".repeat(32);
const E18 = 10n ** 18n;

let block = 10, tx = 0, timestamp = 1_700_000_000;
const transactions = [];
function transaction(...events) { transactions.push(events); }
const ev = (contract, name, ...args) => ({ contract, name, args });

transaction(ev("RewardToken", "IssuanceCapSet", S, 1000n * E18, 86400n));
transaction(ev("RewardToken", "Transfer", ZERO, A, 100n), ev("RewardToken", "PointsIssued", S, 1n));
transaction(ev("RewardToken", "Transfer", ZERO, A, 10n), ev("RewardToken", "Transfer", ZERO, B, 20n), ev("RewardToken", "PointsIssuedInBatch", S, [2n, 3n]));
transaction(ev("RewardToken", "Transfer", ZERO, B, 5n), ev("RewardToken", "Transfer", ZERO, C, 7n), ev("RewardToken", "PointsIssuedForOrderRange", S, 10n, 2n));
transaction(ev("RewardToken", "Transfer", A, ZERO, 30n), ev("RewardToken", "PointsRedeemed", S, REF));
transaction(ev("RewardToken", "StorefrontPolicySet", S, 86400n, true));
transaction(ev("RewardToken", "PointsPending", S, C, 20n, 50n, 1_700_086_400n));
transaction(ev("RewardToken", "PendingPointsVoided", S, C, 20n, 10n, 40n));
transaction(ev("RewardToken", "Transfer", ZERO, C, 40n), ev("RewardToken", "PointsReleased", S, 20n));
transaction(ev("RewardToken", "Transfer", B, ZERO, 5n), ev("RewardToken", "PointsClawedBack", S, B, 3n, 8n, 3n));
transaction(ev("RewardToken", "Transfer", C, ZERO, 47n), ev("RewardToken", "PointsExpired", C, 47n));
transaction(ev("RewardToken", "Transfer", A, B, 1n));

transaction(ev("ReferralEscrow", "PartnerRegistered", 1n, CODE, OWNER, PAYOUT));
transaction(ev("ReferralEscrow", "PartnerEnrolled", S, 1n, 500, 0n));
transaction(ev("ReferralEscrow", "BudgetFunded", S, T, S, 1000n));
transaction(ev("ReferralEscrow", "ReferralRecorded", S, 1n, 77n, A, T, 1000n, 50n, 1_700_100_000n));
transaction(ev("ReferralEscrow", "ReferralRecorded", S, 1n, 78n, B, T, 1000n, 50n, 1_700_100_000n));
transaction(ev("ReferralEscrow", "ReferralRecorded", S, 1n, 79n, C, T, 400n, 20n, 1_700_100_000n));
transaction(ev("ReferralEscrow", "ReferralRecorded", S, 1n, 80n, C, T, 400n, 20n, 1_700_100_000n));
transaction(ev("ReferralEscrow", "ReferralRefunded", S, 78n, 5000, 25n, 25n));
transaction(ev("ReferralEscrow", "ReferralVoided", S, 80n, 20n));
transaction(ev("ReferralEscrow", "ReferralReleasedEarly", S, 77n, 1_700_000_500n));
transaction(ev("ReferralEscrow", "CommissionsClaimedFrom", 1n, T, S, 75n, [77n, 78n]));
transaction(ev("ReferralEscrow", "CommissionsClaimed", 1n, T, 20n, [[S, 79n]]));

transaction(ev("ConsentRegistry", "DataRecordAnchored", C, SCOPE, RECORD));
transaction(ev("ConsentRegistry", "ConsentGranted", A, X, SCOPE, 10n, 1_800_000_000n));
transaction(ev("ConsentRegistry", "ConsentGranted", B, X, SCOPE, 10n, 1_800_000_000n));
transaction(ev("ConsentRegistry", "ConsentGranted", A, X, SCOPE, 12n, 1_800_000_000n));
transaction(ev("ConsentRegistry", "ConsentRevoked", B, X, SCOPE));

transaction(ev("DataAccessPayments", "FeeSet", T, 1000));
transaction(ev("DataAccessPayments", "Deposited", X, 1000n));
transaction(ev("DataAccessPayments", "AccessRecorded", X, A, SCOPE, 12n, 1n));
transaction(ev("DataAccessPayments", "DataAccessed", A, 12n), ev("DataAccessPayments", "DataAccessed", A, 12n),
  ev("DataAccessPayments", "AccessesRecorded", X, SCOPE, 2n, 24n, 2n, 1000));

const wasm = (name) => join(subgraphDir, "build", name, `${name}.wasm`);
let handled = 0;
for (const events of transactions) {
  tx += 1; block += 1; timestamp += 12;
  events.forEach((e, logIndex) => {
    const instance = new Instance(wasm(e.contract)); // graph-node runs each trigger in a fresh instance
    const ptr = instance.event(e.contract, CONTRACT[e.contract], e.name, e.args, { block, tx, logIndex, timestamp });
    try {
      instance.exports[`handle${e.name}`](ptr);
      handled += 1;
    } catch (error) {
      problems.push(`${e.contract}.${e.name} (tx ${tx}, log ${logIndex}): ${error.message}`);
    }
  });
}

// ─── Checks ──────────────────────────────────────────────────────────────────────────────────────────
const get = (type, id) => store.get(type)?.get(id.toLowerCase());
const field = (type, id, name) => get(type, id)?.[name]?.v;
const partnerId = "0x0000000001";
const expectations = [
  ["Shopper A balance", field("Shopper", A, "balance"), 79n],
  ["Shopper A earned", field("Shopper", A, "earned"), 110n],
  ["Shopper A redeemed", field("Shopper", A, "redeemed"), 30n],
  ["Shopper B balance", field("Shopper", B, "balance"), 21n],
  ["Shopper B clawedBack", field("Shopper", B, "clawedBack"), 5n],
  ["Shopper C expired", field("Shopper", C, "expired"), 47n],
  ["Shopper C pending", field("Shopper", C, "pending"), 0n],
  ["Storefront issued", field("Storefront", S, "issued"), 182n],
  ["Storefront redeemed", field("Storefront", S, "redeemed"), 30n],
  ["Storefront voided", field("Storefront", S, "voided"), 10n],
  ["Storefront capPerPeriod", field("Storefront", S, "capPerPeriod"), 1000n * E18],
  ["Storefront issuanceCount", field("Storefront", S, "issuanceCount"), 6n],
  ["Storefront commissions", field("Storefront", S, "commissions"), 95n],
  ["Storefront referredRevenue", field("Storefront", S, "referredRevenue"), 2800n],
  ["Issuances", store.get("Issuance")?.size, 6],
  ["Redemptions", store.get("Redemption")?.size, 1],
  ["Program shoppers", field("Program", "0x00", "shoppers"), 3n],
  ["Program totalSupply", field("Program", "0x00", "totalSupply"), 100n],
  ["Partner pending", field("Partner", partnerId, "pending"), 0n],
  ["Partner released", field("Partner", partnerId, "released"), 95n],
  ["Partner claimed", field("Partner", partnerId, "claimed"), 95n],
  ["Referral 78 status", field("Referral", S + (78).toString(16).padStart(64, "0"), "status"), "Claimed"],
  ["Referral 80 status", field("Referral", S + (80).toString(16).padStart(64, "0"), "status"), "Voided"],
  ["Budget available", field("Budget", S + T.slice(2), "available"), 1000n - 140n + 45n],
  ["Payouts", store.get("Payout")?.size, 2],
  ["ConsentScope shoppers", field("ConsentScope", SCOPE, "shoppers"), 3n],
  ["ConsentScope shoppersOptedIn", field("ConsentScope", SCOPE, "shoppersOptedIn"), 1n],
  ["ConsentScope activeConsents", field("ConsentScope", SCOPE, "activeConsents"), 1n],
  ["ConsentScope grants", field("ConsentScope", SCOPE, "grants"), 3n],
  ["Shopper A dataEarnings", field("Shopper", A, "dataEarnings"), 11n + 11n + 11n],
  ["DataAccesses", store.get("DataAccess")?.size, 3],
  ["DataConsumer spent", field("DataConsumer", X, "spent"), 36n],
  ["ProgramDataPoints (6 mints, 1 redemption, 6 referral changes, 2 payments)", store.get("ProgramDataPoint")?.size, 15],
  ["StorefrontDataPoints", store.get("StorefrontDataPoint")?.size, 13],
  ["ConsumerDataPoints", store.get("ConsumerDataPoint")?.size, 2],
  ["Storefront redemptionRate (30 / 182)", (Number(field("Storefront", S, "redemptionRate")?.digits) * 10 ** Number(field("Storefront", S, "redemptionRate")?.exp)).toFixed(6), (30 / 182).toFixed(6)],
  ["Transfer entities", store.get("Transfer")?.size, 10],
  ["Release of order 20 pairs with its mint", field("Release", hex(Buffer.concat([Buffer.from((9).toString(16).padStart(64, "0"), "hex"), Buffer.from([1, 0, 0, 0])])), "transfer"), hex(Buffer.concat([Buffer.from((9).toString(16).padStart(64, "0"), "hex"), Buffer.from([0, 0, 0, 0])]))],
];
let failed = 0;
for (const [what, actual, expected] of expectations) {
  const ok = actual === expected;
  if (!ok) failed += 1;
  if (ok && process.argv.includes("--quiet")) continue;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}: ${actual}${ok ? "" : ` (expected ${expected})`}`);
}
for (const problem of problems) console.log(`PROBLEM ${problem}`);
console.log(`smoke: ${handled} events handled, ${expectations.length - failed}/${expectations.length} checks passed, ${problems.length} problems`);
process.exit(failed || problems.length ? 1 : 0);
