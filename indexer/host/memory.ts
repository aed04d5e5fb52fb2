/**
 * The AssemblyScript memory ABI graph-ts objects use (AssemblyScript ≥ 0.19, subgraph apiVersion ≥ 0.0.5):
 * every object is preceded by a 20-byte header `[mmInfo, gcInfo, gcInfo2, rtId, rtSize]`, and a pointer points
 * just past it. Strings are UTF-16LE with their byte length in `rtSize`; `Uint8Array` is `[buffer, dataStart,
 * byteLength]`; `Array<T>` is `[buffer, dataStart, byteLength, length]`; class instances are their fields in
 * order. Enum-like values (StoreValue, ethereum.Value, JSONValue) are `{ kind: i32, data: u64 }`.
 */
import { MappingError, MappingModuleError } from "./errors.ts";

/** graph-node's message for a null pointer the host was asked to read. */
export const NULL_READ =
  "Tried to read AssemblyScript value that is 'null'. Suggestion: look into the function that the error happened and add 'log' calls till you find where a 'null' value is being used as non-nullable. It's likely that you're calling a 'graph-ts' function (or operator) with a 'null' value when it doesn't support it.";

/** graph-node's largest BigInt, in bits with the sign: 131,072 decimal digits (PostgreSQL's `numeric`). */
export const MAX_BIGINT_BITS = 435_412;

/** graph-node's `IndexForAscTypeId`: the type indices a module's `id_of_type` maps to its runtime ids. */
export const TypeIndex = {
  String: 0,
  ArrayBuffer: 1,
  Uint8Array: 6,
  BigDecimal: 12,
  ArrayEthereumValue: 15,
  ArrayStoreValue: 16,
  ArrayJsonValue: 17,
  ArrayString: 18,
  ArrayEventParam: 19,
  ArrayTypedMapEntryStringJsonValue: 20,
  ArrayTypedMapEntryStringStoreValue: 21,
  EventParam: 23,
  EthereumTransaction: 24,
  EthereumBlock: 25,
  EthereumCall: 26,
  WrappedBool: 28,
  WrappedJsonValue: 29,
  EthereumValue: 30,
  StoreValue: 31,
  JsonValue: 32,
  EthereumEvent: 33,
  TypedMapEntryStringStoreValue: 34,
  TypedMapEntryStringJsonValue: 35,
  TypedMapStringStoreValue: 36,
  TypedMapStringJsonValue: 37,
  ResultJsonValueBool: 40,
  TransactionReceipt: 1000,
  Log: 1001,
  ArrayH256: 1002,
  ArrayLog: 1003,
  ArrayTypedMapStringStoreValue: 1004,
  YamlValue: 5500,
  YamlTaggedValue: 5501,
  YamlTypedMapEntryValueValue: 5502,
  YamlTypedMapValueValue: 5503,
  YamlArrayValue: 5504,
  YamlArrayTypedMapEntryValueValue: 5505,
  YamlWrappedValue: 5506,
  YamlResultValueBool: 5507,
} as const;
export type TypeName = keyof typeof TypeIndex;

/** The runtime exports the host needs from a graph-cli module. */
export interface RuntimeExports {
  memory: WebAssembly.Memory;
  __new(size: number, rtId: number): number;
  id_of_type(index: number): number;
}

/** Reads and writes AssemblyScript objects in one instance's memory. */
export class AscHeap {
  readonly #exports: RuntimeExports;
  readonly #rtIds = new Map<number, number>();

  constructor(exports: WebAssembly.Exports) {
    for (const name of ["memory", "__new", "id_of_type"]) {
      if (!(name in exports)) {
        throw new MappingModuleError(`the WASM module does not export \`${name}\`: build it with graph-cli (asc --exportRuntime)`);
      }
    }
    this.#exports = exports as unknown as RuntimeExports;
  }

  #buffer: ArrayBuffer | undefined;
  #dataView: DataView | undefined;
  #byteView: Uint8Array | undefined;

  // Growing memory (an allocation, or the module's own code) detaches the old buffer: its length reads 0 then.
  // Asking the memory for its buffer on every access costs more than the access.
  #refresh(): void {
    if (this.#buffer !== undefined && this.#buffer.byteLength !== 0) return;
    const buffer = this.#exports.memory.buffer;
    if (buffer !== this.#buffer) {
      this.#buffer = buffer;
      this.#dataView = new DataView(buffer);
      this.#byteView = new Uint8Array(buffer);
    }
  }
  get #view(): DataView {
    this.#refresh();
    return this.#dataView!;
  }
  get #bytes(): Uint8Array {
    this.#refresh();
    return this.#byteView!;
  }

  u32(ptr: number): number {
    return this.#view.getUint32(ptr, true);
  }
  setU32(ptr: number, value: number): void {
    this.#view.setUint32(ptr, value, true);
  }

  /** The module's runtime id of a graph-node type index. */
  rtId(type: TypeName): number {
    const index = TypeIndex[type];
    let id = this.#rtIds.get(index);
    if (id === undefined) {
      id = this.#exports.id_of_type(index);
      this.#rtIds.set(index, id);
    }
    return id;
  }

  /** A new object of `size` bytes (zeroed) of the given type. */
  allocate(size: number, type: TypeName): number {
    const ptr = this.#exports.__new(size, this.rtId(type));
    this.#bytes.fill(0, ptr, ptr + size);
    return ptr;
  }

  // ─── Strings ───────────────────────────────────────────────────────────────────────────────────────

  /** Field `index` (a u32: a pointer or a number) of the object at `ptr`; reading a null object fails. */
  field(ptr: number, index: number): number {
    return this.u32(notNull(ptr) + 4 * index);
  }

  readString(ptr: number): string {
    notNull(ptr);
    const size = this.u32(ptr - 4);
    this.#refresh();
    return Buffer.from(this.#buffer!, ptr, size).toString("utf16le");
  }

  readNullableString(ptr: number): string | null {
    return ptr === 0 ? null : this.readString(ptr);
  }

  writeString(value: string): number {
    // UTF-16LE is JavaScript's own string form: a code unit per two bytes, every byte overwritten.
    const ptr = this.#exports.__new(2 * value.length, this.rtId("String"));
    const view = this.#view;
    for (let i = 0; i < value.length; i++) view.setUint16(ptr + 2 * i, value.charCodeAt(i), true);
    return ptr;
  }

  // ─── Bytes (Uint8Array) ────────────────────────────────────────────────────────────────────────────

  readBytes(ptr: number): Uint8Array {
    notNull(ptr);
    const start = this.u32(ptr + 4);
    const length = this.u32(ptr + 8);
    return this.#bytes.slice(start, start + length);
  }

  writeBytes(bytes: Uint8Array): number {
    const buffer = this.allocate(bytes.length, "ArrayBuffer");
    this.#bytes.set(bytes, buffer);
    const ptr = this.allocate(12, "Uint8Array");
    this.setU32(ptr, buffer);
    this.setU32(ptr + 4, buffer);
    this.setU32(ptr + 8, bytes.length);
    return ptr;
  }

  /** A graph-ts BigInt: a Uint8Array holding signed little-endian two's complement. */
  readBigInt(ptr: number): bigint {
    const bytes = this.readBytes(ptr);
    const value = signedFromLittleEndian(bytes);
    // As graph-node: the magnitude's bits and one for the sign (counted only when the bytes could hold too many).
    if (8 * bytes.length <= MAX_BIGINT_BITS) return value;
    const bits = (value < 0n ? -value : value).toString(2).length + (value === 0n ? 0 : 1);
    if (bits > MAX_BIGINT_BITS) throw new MappingError(`BigInt is too big, total bits ${bits} (max ${MAX_BIGINT_BITS})`);
    return value;
  }

  writeBigInt(value: bigint): number {
    return this.writeBytes(signedToLittleEndian(value));
  }

  // ─── Arrays and classes ────────────────────────────────────────────────────────────────────────────

  /** The element pointers of an `Array<T>` of references. */
  readPointerArray(ptr: number): number[] {
    notNull(ptr);
    const start = this.u32(ptr + 4);
    const length = this.u32(ptr + 12);
    const out: number[] = [];
    for (let i = 0; i < length; i++) out.push(this.u32(start + 4 * i));
    return out;
  }

  writePointerArray(pointers: number[], type: TypeName): number {
    const buffer = this.allocate(pointers.length * 4, "ArrayBuffer");
    pointers.forEach((p, i) => this.setU32(buffer + 4 * i, p));
    const ptr = this.allocate(16, type);
    this.setU32(ptr, buffer);
    this.setU32(ptr + 4, buffer);
    this.setU32(ptr + 8, pointers.length * 4);
    this.setU32(ptr + 12, pointers.length);
    return ptr;
  }

  /** A class instance whose fields are all references (or u32s), in declaration order. */
  writeStruct(fields: number[], type: TypeName): number {
    const ptr = this.allocate(fields.length * 4, type);
    fields.forEach((p, i) => this.setU32(ptr + 4 * i, p));
    return ptr;
  }

  /** An enum-like value: its kind and its 64-bit payload (a pointer, a number, or a boolean). */
  readEnum(ptr: number): { kind: number; payload: bigint } {
    notNull(ptr);
    const view = this.#view;
    return { kind: view.getInt32(ptr, true), payload: view.getBigUint64(ptr + 8, true) };
  }

  writeEnum(kind: number, payload: bigint | number, type: TypeName): number {
    const ptr = this.allocate(16, type);
    const view = this.#view;
    view.setInt32(ptr, kind, true);
    // Pointers and flags fit the low word (the high one is zeroed already): no BigInt on the common path.
    if (typeof payload === "number" && payload >= 0 && payload <= 0xffff_ffff && Number.isInteger(payload)) view.setUint32(ptr + 8, payload, true);
    else view.setBigUint64(ptr + 8, BigInt.asUintN(64, BigInt(payload)), true);
    return ptr;
  }

  /** `Wrapped<bool>`: a one-field class holding a bool. */
  writeWrappedBool(value: boolean): number {
    const ptr = this.allocate(4, "WrappedBool");
    this.#view.setUint8(ptr, value ? 1 : 0);
    return ptr;
  }
}

/** Signed little-endian two's complement bytes to a bigint (empty is 0). */
export function signedFromLittleEndian(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  // Through hex: one parse instead of a shift per byte.
  const value = BigInt(`0x${Buffer.from(bytes).reverse().toString("hex")}`);
  return bytes[bytes.length - 1]! & 0x80 ? value - (1n << BigInt(8 * bytes.length)) : value;
}

/** The shortest signed little-endian two's complement bytes of a bigint (as num-bigint's `to_signed_bytes_le`). */
export function signedToLittleEndian(value: bigint): Uint8Array {
  // The magnitude's bytes, then one more when its top bit would read as the sign.
  const magnitude = value < 0n ? -value : value;
  let hex = magnitude.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let length = hex.length / 2;
  const top = parseInt(hex.slice(0, 2), 16);
  // A negative number fits in `length` bytes when -value <= 2^(8 length - 1), i.e. its top bit is clear or it is exactly -2^(8 length - 1).
  const fits = value < 0n ? top < 0x80 || (top === 0x80 && /^80*$/.test(hex)) : top < 0x80;
  if (!fits) length += 1;
  const twos = value < 0n ? (1n << BigInt(8 * length)) + value : value;
  const out = Buffer.from(twos.toString(16).padStart(2 * length, "0"), "hex").reverse();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** `ptr`, unless it is null: then the handler fails with graph-node's message. */
function notNull(ptr: number): number {
  if (ptr === 0) throw new MappingError(NULL_READ);
  return ptr;
}
