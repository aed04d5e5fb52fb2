/**
 * `yaml.*`: YAML parsing into graph-ts `YAMLValue`s, with the `yaml` package (YAML 1.2, core schema), the way
 * graph-node's serde_yaml reads it: numbers keep their text as serde_yaml prints them, mappings keep their order
 * and may have any value as key, aliases are resolved, a custom tag (`!Tag value`) is a tagged value, one
 * document at most, and input over 10,000,000 bytes fails.
 */
import { isAlias, isMap, isScalar, isSeq, parse, parseAllDocuments, type Document, type Node } from "yaml";

import type { HostFunctionGroup } from "../context.ts";
import { MappingError } from "../errors.ts";
import type { AscHeap } from "../memory.ts";

/** graph-ts `YAMLValueKind`. */
export const YamlValueKind = { NULL: 0, BOOL: 1, NUMBER: 2, STRING: 3, ARRAY: 4, OBJECT: 5, TAGGED: 6 } as const;

/** graph-node's largest YAML input, in bytes. */
export const MAX_YAML_SIZE = 10_000_000;

const OPTIONS = { version: "1.2", schema: "core", intAsBigInt: true, uniqueKeys: true } as const;

/** A parsed YAML value, as the host writes it. */
export type Yaml =
  | { kind: 0 }
  | { kind: 1; value: boolean }
  | { kind: 2 | 3; value: string }
  | { kind: 4; value: Yaml[] }
  | { kind: 5; value: [Yaml, Yaml][] }
  | { kind: 6; tag: string; value: Yaml };

/** Parses UTF-8 YAML; throws MappingError on invalid UTF-8 or YAML, several documents, or input over the limit. */
export function parseYaml(bytes: Uint8Array): Yaml {
  if (bytes.length > MAX_YAML_SIZE) throw new MappingError(`YAML size exceeds max size of ${MAX_YAML_SIZE} bytes`);
  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(new TextDecoder("utf-8", { fatal: true }).decode(bytes), OPTIONS) as Document.Parsed[];
  } catch (error) {
    throw new MappingError(`failed to parse YAML from bytes: ${(error as Error).message}`, { cause: error });
  }
  if (documents.length > 1) throw new MappingError("failed to parse YAML from bytes: more than one document");
  const document = documents[0];
  if (!document) return { kind: YamlValueKind.NULL };
  const problem = document.errors[0];
  if (problem) throw new MappingError(`failed to parse YAML from bytes: ${problem.message.split("\n")[0]}`);
  return toYaml(document.contents as Node | null, document);
}

function toYaml(node: Node | null, document: Document.Parsed): Yaml {
  if (node === null) return { kind: YamlValueKind.NULL };
  if (isAlias(node)) return toYaml(node.resolve(document) as Node, document);
  const tag = node.tag && !node.tag.startsWith("tag:yaml.org,2002:") ? node.tag : undefined;
  let value: Yaml;
  if (isMap(node)) value = { kind: YamlValueKind.OBJECT, value: node.items.map((pair) => [toYaml(pair.key as Node | null, document), toYaml(pair.value as Node | null, document)]) };
  else if (isSeq(node)) value = { kind: YamlValueKind.ARRAY, value: node.items.map((item) => toYaml(item as Node | null, document)) };
  else if (isScalar(node)) {
    // A tagged plain scalar is resolved as if untagged (`!Tag 12` holds the number 12), as serde_yaml does.
    const resolved = tag && node.type === "PLAIN" ? parse(String(node.source ?? node.value), OPTIONS) : node.value;
    value = scalar(resolved);
  } else throw new MappingError("failed to parse YAML from bytes: an unknown node");
  return tag ? { kind: YamlValueKind.TAGGED, tag, value } : value;
}

const I64_MIN = -(2n ** 63n);
const U64_MAX = 2n ** 64n - 1n;

function scalar(value: unknown): Yaml {
  if (value === null || value === undefined) return { kind: YamlValueKind.NULL };
  if (typeof value === "boolean") return { kind: YamlValueKind.BOOL, value };
  // serde_yaml keeps an integer in an i64 or u64; a larger one becomes a float.
  if (typeof value === "bigint") return { kind: YamlValueKind.NUMBER, value: value >= I64_MIN && value <= U64_MAX ? value.toString() : floatText(Number(value)) };
  if (typeof value === "number") return { kind: YamlValueKind.NUMBER, value: floatText(value) };
  return { kind: YamlValueKind.STRING, value: String(value) };
}

/** A float as serde_yaml prints it (ryu's shortest digits: `1.0`, `1e20`, `1.5e-7`, `.inf`, `.nan`). */
export function floatText(value: number): string {
  if (Number.isNaN(value)) return ".nan";
  if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const sign = value < 0 ? "-" : "";
  const [mantissa, exponent] = Math.abs(value).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const point = Number(exponent) + 1; // where the decimal point falls after the first `point` digits
  let text: string;
  if (point >= digits.length && point <= 16) text = `${digits}${"0".repeat(point - digits.length)}.0`;
  else if (point > 0 && point <= 16) text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  else if (point > -5 && point <= 0) text = `0.${"0".repeat(-point)}${digits}`;
  else text = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ""}e${point - 1}`;
  return sign + text;
}

function writeYaml(heap: AscHeap, value: Yaml): number {
  switch (value.kind) {
    case YamlValueKind.NULL:
      return heap.writeEnum(value.kind, 0, "YamlValue");
    case YamlValueKind.BOOL:
      return heap.writeEnum(value.kind, value.value ? 1 : 0, "YamlValue");
    case YamlValueKind.NUMBER:
    case YamlValueKind.STRING:
      return heap.writeEnum(value.kind, heap.writeString(value.value), "YamlValue");
    case YamlValueKind.ARRAY:
      return heap.writeEnum(value.kind, heap.writePointerArray(value.value.map((item) => writeYaml(heap, item)), "YamlArrayValue"), "YamlValue");
    case YamlValueKind.OBJECT: {
      const entries = value.value.map(([key, item]) => heap.writeStruct([writeYaml(heap, key), writeYaml(heap, item)], "YamlTypedMapEntryValueValue"));
      const map = heap.writeStruct([heap.writePointerArray(entries, "YamlArrayTypedMapEntryValueValue")], "YamlTypedMapValueValue");
      return heap.writeEnum(value.kind, map, "YamlValue");
    }
    case YamlValueKind.TAGGED:
      return heap.writeEnum(value.kind, heap.writeStruct([heap.writeString(value.tag), writeYaml(heap, value.value)], "YamlTaggedValue"), "YamlValue");
  }
}

export const yamlFunctions: HostFunctionGroup = (context) => ({
  "yaml.fromBytes": (ptr: number) => writeYaml(context.heap, parseYaml(context.heap.readBytes(ptr))),
  "yaml.try_fromBytes": (ptr: number) => {
    const heap = context.heap;
    let parsed: Yaml;
    try {
      parsed = parseYaml(heap.readBytes(ptr));
    } catch (error) {
      if (!(error instanceof MappingError)) throw error;
      return heap.writeStruct([0, heap.writeWrappedBool(true)], "YamlResultValueBool");
    }
    const wrapped = heap.writeStruct([writeYaml(heap, parsed)], "YamlWrappedValue");
    return heap.writeStruct([wrapped, 0], "YamlResultValueBool");
  },
});
