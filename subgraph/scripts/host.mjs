// The minimal in-memory graph-node host the smoke runs share: loads subgraph/build/*/*.wasm, provides the few
// host functions the mappings import, and keeps an in-memory store that enforces two graph-node rules at every
// store.set: no field the schema lacks, no missing non-null field, and no second write to an immutable entity.
// No chain, no eth_call, no aggregation rollups (timeseries data points are only counted).
//
//   createHost({ addresses })  →  { handle(log, block, tx), handleEvent(contract, name, args, meta), store, problems, ... }
//
// `handle` takes a raw log as a JSON-RPC node returns it ({ address, topics, data, logIndex }), matches it to a
// handler by the manifest (subgraph/subgraph.yaml: data source → event signature → handler; topic0 = keccak256
// of the signature without `indexed`) and the data source's address, decodes it with the data source's ABI and
// runs the handler in a fresh instance, as graph-node runs each trigger. `handleEvent` skips the decoding
// (scripted events, smoke.mjs).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Interface, id as keccakId } from "ethers";
import { subgraphDir } from "./prepare.mjs";

const ZERO = "0x" + "00".repeat(20);

// ─── Schema: required and known fields per entity type ───────────────────────────────────────────────
const schemaText = readFileSync(join(subgraphDir, "schema.graphql"), "utf8");
export const types = {};
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
export const hex = (bytes) => "0x" + Buffer.from(bytes).toString("hex");

const modules = new Map(); // compiled once per WASM file; each trigger gets a fresh instance

class Instance {
  constructor(wasmPath, ctx) {
    this.ctx = ctx;
    if (!modules.has(wasmPath)) modules.set(wasmPath, new WebAssembly.Module(readFileSync(wasmPath)));
    const module = modules.get(wasmPath);
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
      "log.log"(level, msg) { if (level <= 1) self.ctx.problems.push(`log ${level}: ${self.str(msg)}`); },
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
        const fields = self.ctx.store.get(type)?.get(id);
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
        if (!schema) { self.ctx.problems.push(`store.set of unknown type ${type}`); return; }
        if (schema.timeseries) { const seq = ++self.ctx.seq; id = String(seq); fields.id = { kind: 8, v: BigInt(seq) }; fields.timestamp = { kind: 9, v: 0n }; }
        for (const key of Object.keys(fields)) if (!schema.fields[key]) self.ctx.problems.push(`${type} ${id}: field ${key} not in the schema`);
        for (const [key, f] of Object.entries(schema.fields)) {
          if (f.required && (!fields[key] || fields[key].kind === 5)) self.ctx.problems.push(`${type} ${id}: required field ${key} missing`);
        }
        const t = self.ctx.table(type);
        if (schema.immutable && t.has(id)) self.ctx.problems.push(`${type} ${id}: immutable entity written twice`);
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

  /** An ethereum.Event for `abiEvent` with decoded `args` (in ABI order), emitted by `address`. */
  event(abiEvent, address, args, meta) {
    const params = abiEvent.inputs.map((input, i) =>
      this.newStruct([this.newStr(input.name), this.ethValue(input.type, args[i], input.components)], this.rt.EventParam));
    const b32 = (x) => this.newBytes(Buffer.from(typeof x === "string" ? x.slice(2).padStart(64, "0") : BigInt(x).toString(16).padStart(64, "0"), "hex"));
    const big = (n) => this.newBigInt(BigInt(n ?? 0));
    const addr = (a) => this.newBytes(Buffer.from((a ?? ZERO).slice(2), "hex"));
    const block = meta.block, tx = meta.tx;
    const blockPtr = this.newStruct([b32(block.hash ?? block.number), b32(block.parentHash ?? 0), b32(0), addr(block.miner ?? ZERO), b32(0), b32(0), b32(0),
      big(block.number), big(block.gasUsed), big(block.gasLimit), big(block.timestamp), big(0), big(0), 0, 0], this.rt.EthereumBlock);
    const txPtr = this.newStruct([b32(tx.hash), big(tx.index), addr(tx.from ?? ZERO), tx.to ? addr(tx.to) : 0, big(tx.value), big(tx.gasLimit),
      big(tx.gasPrice), this.newBytes(Buffer.from((tx.input ?? "0x").slice(2), "hex")), big(tx.nonce)], this.rt.EthereumTransaction);
    return this.newStruct([addr(address), big(meta.logIndex), big(meta.transactionLogIndex ?? meta.logIndex), 0, blockPtr, txPtr,
      this.newArray(params, this.rt.ArrayEventParam), 0], this.rt.EthereumEvent);
  }
}

/** The data sources of subgraph/subgraph.yaml: [{ name, address, handlers: { signature: handler } }]. */
export function readManifest(path = join(subgraphDir, "subgraph.yaml")) {
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run subgraph:build`);
  const sources = [];
  let current = null;
  let pendingEvent = null;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    let m;
    if ((m = line.match(/^\s+name: (\w+)$/)) && line.startsWith("    name:")) {
      current = { name: m[1], address: null, handlers: {} };
      sources.push(current);
    } else if (current && (m = line.match(/^\s+address: "?(0x[0-9a-fA-F]{40})"?$/))) {
      current.address = m[1];
    } else if (current && (m = line.match(/^\s+- event: (.+)$/))) {
      pendingEvent = m[1].trim();
    } else if (current && pendingEvent && (m = line.match(/^\s+handler: (\w+)$/))) {
      current.handlers[pendingEvent] = m[1];
      pendingEvent = null;
    } else if (pendingEvent && /^\s+\S/.test(line) && !/^\s*[\w-]+:( |$)/.test(line)) {
      // graph build rewrites the manifest, folding long plain scalars: a continuation joins with one space.
      pendingEvent += " " + line.trim();
    }
  }
  return sources;
}


/**
 * A host over the built WASM. `addresses` ({ DataSourceName: address }) overrides the manifest's addresses
 * (a deployment the subgraph was not built for: the WASM does not depend on them).
 */
export function createHost({ addresses = {}, manifest = readManifest(), buildDir = join(subgraphDir, "build") } = {}) {
  const store = new Map(); // type -> Map(id -> fields)
  const ctx = {
    store,
    problems: [],
    seq: 0,
    table(type) {
      if (!store.has(type)) store.set(type, new Map());
      return store.get(type);
    },
  };
  const sources = manifest.map((source) => {
    const abi = JSON.parse(readFileSync(join(subgraphDir, "abis", `${source.name}.json`), "utf8"));
    const iface = new Interface(abi);
    const byTopic = new Map();
    for (const [signature, handler] of Object.entries(source.handlers)) {
      const plain = signature.replace(/indexed /g, "");
      const name = plain.slice(0, plain.indexOf("("));
      const abiEvent = abi.find((e) => e.type === "event" && e.name === name);
      if (!abiEvent) throw new Error(`${source.name}: the manifest handles ${signature}, which its ABI lacks`);
      const fragment = iface.getEvent(name);
      if (fragment.topicHash !== keccakId(plain)) {
        throw new Error(`${source.name}: the manifest's ${signature} is not the ABI's ${fragment.format("sighash")}`);
      }
      byTopic.set(fragment.topicHash, { signature, handler, abiEvent, fragment });
    }
    const wasm = join(buildDir, source.name, `${source.name}.wasm`);
    if (!existsSync(wasm)) throw new Error(`${wasm} is missing: run npm run subgraph:build`);
    return { ...source, address: (addresses[source.name] ?? source.address ?? "").toLowerCase(), abi, iface, byTopic, wasm };
  });
  const counts = { handled: 0, unmatched: 0 };

  function run(source, entry, address, args, meta) {
    const instance = new Instance(source.wasm, ctx); // graph-node runs each trigger in a fresh instance
    const ptr = instance.event(entry.abiEvent, address, args, meta);
    try {
      instance.exports[entry.handler](ptr);
      counts.handled += 1;
    } catch (error) {
      ctx.problems.push(`${source.name}.${entry.handler} (block ${meta.block.number}, log ${meta.logIndex}): ${error.message}`);
    }
  }

  /** ethers' decoded values → the plain values `ethValue` takes. */
  function plain(value) {
    if (Array.isArray(value)) return Array.from(value, plain);
    return value;
  }

  return {
    store,
    problems: ctx.problems,
    counts,
    sources,
    /** Runs the handler a raw log triggers, if any; returns the handler's name or null. */
    handle(log, block, tx) {
      const address = log.address.toLowerCase();
      const source = sources.find((s) => s.address === address);
      const entry = source?.byTopic.get(log.topics[0]);
      if (!source || !entry) {
        counts.unmatched += 1;
        return null;
      }
      const decoded = source.iface.decodeEventLog(entry.fragment, log.data, log.topics);
      const args = entry.abiEvent.inputs.map((_, i) => plain(decoded[i]));
      run(source, entry, address, args, {
        logIndex: log.logIndex ?? log.index,
        transactionLogIndex: log.transactionLogIndex,
        block,
        tx,
      });
      return entry.handler;
    },
    /** Runs `handle<name>` of data source `contract` on already decoded `args` (in ABI order). */
    handleEvent(contract, name, args, meta) {
      const source = sources.find((s) => s.name === contract);
      if (!source) throw new Error(`no data source ${contract}`);
      const entry = [...source.byTopic.values()].find((e) => e.abiEvent.name === name);
      if (!entry) throw new Error(`${contract} has no handler for ${name}`);
      run(source, entry, meta.address ?? source.address, args, meta);
    },
    get(type, id) {
      return store.get(type)?.get(id.toLowerCase());
    },
    field(type, id, name) {
      return store.get(type)?.get(id.toLowerCase())?.[name]?.v;
    },
  };
}
