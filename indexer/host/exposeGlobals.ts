/**
 * Rewrites a WASM binary so that every mutable global it defines is also exported, under
 * `GLOBAL_EXPORT_PREFIX` + its index. JavaScript can read and write an exported global, which is what a
 * snapshot of an instance's state needs: AssemblyScript keeps its runtime state (the allocator's offset, the
 * GC's state, the static fields of the mapping) in globals that the module does not export.
 *
 * Only the export section changes; code, data and every index stay as they were.
 */

/** The name an exposed global is exported under, followed by its global index. */
export const GLOBAL_EXPORT_PREFIX = "__state_global_";

const SECTION = { import: 2, global: 6, export: 7 } as const;
/** start, element, code, data, data count: the sections an export section precedes. */
const SECTIONS_AFTER_EXPORT = [8, 9, 10, 11, 12];
const EXTERNAL_GLOBAL = 0x03;
const V128 = 0x7b;

/** A module the rewrite cannot handle (a constant expression or a global type it does not know). */
export class UnsupportedModuleError extends Error {
  override name = "UnsupportedModuleError";
}

export interface ExposedModule {
  wasm: Uint8Array;
  /** The export names of the mutable globals, in global index order. */
  globals: string[];
}

/** The binary with its mutable globals exported (the binary itself when it has none). */
export function exposeMutableGlobals(wasm: Uint8Array): ExposedModule {
  const reader = new Reader(wasm);
  if (reader.u32le() !== 0x6d736100) throw new UnsupportedModuleError("not a WebAssembly binary");
  reader.u32le(); // version

  const sections: { id: number; start: number; end: number; bodyStart: number }[] = [];
  while (!reader.done) {
    const start = reader.offset;
    const id = reader.byte();
    const size = reader.uleb();
    const bodyStart = reader.offset;
    reader.offset += size;
    sections.push({ id, start, end: reader.offset, bodyStart });
  }

  let importedGlobals = 0;
  const mutable: number[] = [];
  for (const section of sections) {
    const body = new Reader(wasm, section.bodyStart);
    if (section.id === SECTION.import) {
      for (let count = body.uleb(); count > 0; count--) {
        body.name();
        body.name();
        const kind = body.byte();
        if (kind === EXTERNAL_GLOBAL) importedGlobals += 1;
        body.skipImportDescription(kind);
      }
    } else if (section.id === SECTION.global) {
      const count = body.uleb();
      for (let index = 0; index < count; index++) {
        const valueType = body.byte();
        const isMutable = body.byte() === 1;
        body.skipConstantExpression();
        if (!isMutable) continue;
        if (valueType === V128) throw new UnsupportedModuleError("a mutable v128 global cannot be read from JavaScript");
        mutable.push(importedGlobals + index);
      }
    }
  }
  if (mutable.length === 0) return { wasm, globals: [] };

  const globals = mutable.map((index) => `${GLOBAL_EXPORT_PREFIX}${index}`);
  const added = mutable.map((index, i) => concat([encodeName(globals[i]!), Uint8Array.of(EXTERNAL_GLOBAL), uleb(index)]));
  const exportSection = sections.find((s) => s.id === SECTION.export);
  let count = 0;
  let entries: Uint8Array = new Uint8Array(0);
  if (exportSection) {
    const body = new Reader(wasm, exportSection.bodyStart);
    count = body.uleb();
    entries = wasm.subarray(body.offset, exportSection.end);
  }
  const body = concat([uleb(count + added.length), entries, ...added]);
  const section = concat([Uint8Array.of(SECTION.export), uleb(body.length), body]);
  if (exportSection) {
    return { wasm: concat([wasm.subarray(0, exportSection.start), section, wasm.subarray(exportSection.end)]), globals };
  }
  // No export section: it goes before the first section that must follow it (start, element, code…).
  const next = sections.find((s) => SECTIONS_AFTER_EXPORT.includes(s.id)) ?? { start: wasm.length };
  return { wasm: concat([wasm.subarray(0, next.start), section, wasm.subarray(next.start)]), globals };
}

// Fields declared, not parameter properties: Node runs this file by stripping types only (`dcrm index`).
class Reader {
  readonly bytes: Uint8Array;
  offset: number;

  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  byte(): number {
    if (this.offset >= this.bytes.length) throw new UnsupportedModuleError("the WebAssembly binary ends early");
    return this.bytes[this.offset++]!;
  }

  u32le(): number {
    return (this.byte() | (this.byte() << 8) | (this.byte() << 16) | (this.byte() << 24)) >>> 0;
  }

  uleb(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  }

  skipLeb(): void {
    while (this.byte() & 0x80);
  }

  name(): void {
    const length = this.uleb();
    this.offset += length;
  }

  skipLimits(): void {
    const flags = this.byte();
    this.skipLeb();
    if (flags & 1) this.skipLeb();
  }

  skipImportDescription(kind: number): void {
    if (kind === 0x00) this.skipLeb(); // function: type index
    else if (kind === 0x01) {
      this.byte(); // table: element type, then limits
      this.skipLimits();
    } else if (kind === 0x02) this.skipLimits(); // memory
    else if (kind === EXTERNAL_GLOBAL) this.offset += 2; // value type, mutability
    else if (kind === 0x04) {
      this.byte(); // tag: attribute, type index
      this.skipLeb();
    } else throw new UnsupportedModuleError(`unknown import kind ${kind}`);
  }

  /** Skips a constant expression up to and including its `end`. */
  skipConstantExpression(): void {
    for (;;) {
      const op = this.byte();
      switch (op) {
        case 0x0b: // end
          return;
        case 0x41: // i32.const
        case 0x42: // i64.const
        case 0x23: // global.get
        case 0xd2: // ref.func
          this.skipLeb();
          break;
        case 0x43: // f32.const
          this.offset += 4;
          break;
        case 0x44: // f64.const
          this.offset += 8;
          break;
        case 0xd0: // ref.null: heap type
          this.byte();
          break;
        case 0x6a: // i32.add, sub, mul; i64.add, sub, mul (extended constant expressions)
        case 0x6b:
        case 0x6c:
        case 0x7c:
        case 0x7d:
        case 0x7e:
          break;
        case 0xfd: // v128.const
          this.skipLeb();
          this.offset += 16;
          break;
        default:
          throw new UnsupportedModuleError(`unknown instruction 0x${op.toString(16)} in a global's initializer`);
      }
    }
  }
}

function uleb(value: number): Uint8Array {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return Uint8Array.from(out);
}

function encodeName(name: string): Uint8Array {
  const bytes = new TextEncoder().encode(name);
  return concat([uleb(bytes.length), bytes]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
