/**
 * The scalars graph-node adds to GraphQL, serialised as graph-node serialises them: BigInt, BigDecimal,
 * Int8 and Timestamp (microseconds since the epoch) as strings of digits, Bytes as lowercase `0x` hex.
 * Inputs accept the same forms (and plain integers where an integer is meant); a malformed value is an
 * error naming the scalar. Parsed inputs are canonical strings, ready to be SQL parameters.
 */
import { GraphQLScalarType, Kind, type ValueNode } from "graphql/index.js";

import { QueryError } from "./errors.ts";

/** A scalar input that does not have its scalar's form; GraphQL reports it with the argument's location. */
export class ScalarInputError extends TypeError {
  override name = "ScalarInputError";
}

const INTEGER = /^-?[0-9]+$/;
/** A decimal: its integer digits, fraction digits and exponent. */
const DECIMAL_PARTS = /^-?(?:([0-9]+)(?:\.([0-9]*))?|\.([0-9]+))(?:[eE]([-+]?[0-9]+))?$/;
const HEX = /^(0x)?[0-9a-fA-F]*$/;

/**
 * Variables are coerced outside validation, where only GraphQL errors keep their message (others are
 * masked as internal); literals are checked by validation, which words a plain error best.
 */
function forVariables<T>(parse: (value: unknown) => T): (value: unknown) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw error instanceof ScalarInputError ? new QueryError(error.message) : error;
    }
  };
}

function outputString(name: string, value: unknown): string {
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "string") return String(value);
  throw new ScalarInputError(`${name} cannot represent ${String(value)}`);
}

function literal(node: ValueNode, kinds: Kind[], name: string): string {
  if (!kinds.includes(node.kind)) throw new ScalarInputError(`${name} expects a string${kinds.includes(Kind.INT) ? " or an integer" : ""}`);
  return (node as { value: string }).value;
}

function integerInput(name: string, max: bigint) {
  const check = (value: unknown): string => {
    const text = typeof value === "number" && Number.isInteger(value) ? String(value) : value;
    if (typeof text !== "string" || !INTEGER.test(text)) throw new ScalarInputError(`${name} expects an integer, not ${JSON.stringify(value)}`);
    const n = BigInt(text);
    if (n > max || n < -max - 1n) throw new ScalarInputError(`${name} value ${text} is out of range`);
    return n.toString();
  };
  return check;
}

const INT8_MAX = 2n ** 63n - 1n;
const NUMERIC_MAX = 10n ** 1000n;

const bigIntInput = integerInput("BigInt", NUMERIC_MAX);
const int8Input = integerInput("Int8", INT8_MAX);
const timestampInput = integerInput("Timestamp", INT8_MAX);

/** Arbitrary-precision integer, as a string of digits. */
export const BigIntScalar = new GraphQLScalarType({
  name: "BigInt",
  serialize: (value) => outputString("BigInt", value),
  parseValue: forVariables(bigIntInput),
  parseLiteral: (node) => bigIntInput(literal(node, [Kind.STRING, Kind.INT], "BigInt")),
});

/** A decimal without trailing fractional zeros (`1.50` → `1.5`, `2.000` → `2`, `-0.0` → `0`), as graph-node prints one. */
export function normaliseDecimal(text: string): string {
  if (!text.includes(".") || /[eE]/.test(text)) return text;
  const trimmed = text.replace(/0+$/, "").replace(/\.$/, "");
  return trimmed === "-0" || trimmed === "" ? "0" : trimmed;
}

/** PostgreSQL's numeric holds at most this many digits before the decimal point, and after it. */
const NUMERIC_MAX_INTEGER_DIGITS = 131_072n;
const NUMERIC_MAX_FRACTION_DIGITS = 16_383n;

function bigDecimalInput(value: unknown): string {
  const text = typeof value === "number" ? String(value) : value;
  const match = typeof text === "string" ? DECIMAL_PARTS.exec(text) : null;
  if (typeof text !== "string" || !match) throw new ScalarInputError(`BigDecimal expects a decimal number, not ${JSON.stringify(value)}`);
  // The digits the value needs either side of the point, as PostgreSQL's numeric would store them.
  const [, integer = "", pointFraction, bareFraction, exponentText] = match;
  const fraction = pointFraction ?? bareFraction ?? "";
  const exponent = exponentText === undefined ? 0n : BigInt(exponentText);
  const digits = `${integer}${fraction}`;
  const firstSignificant = digits.search(/[1-9]/);
  const scale = BigInt(fraction.length) - exponent;
  const integerDigits = firstSignificant < 0 ? 0n : BigInt(integer.length - firstSignificant) + exponent;
  if (integerDigits > NUMERIC_MAX_INTEGER_DIGITS || scale > NUMERIC_MAX_FRACTION_DIGITS) {
    throw new ScalarInputError(
      `BigDecimal value ${text} is out of range: at most ${NUMERIC_MAX_INTEGER_DIGITS} digits before the decimal point and ${NUMERIC_MAX_FRACTION_DIGITS} after it`,
    );
  }
  return text;
}

/** Arbitrary-precision decimal, as a decimal string. */
export const BigDecimalScalar = new GraphQLScalarType({
  name: "BigDecimal",
  serialize: (value) => normaliseDecimal(outputString("BigDecimal", value)),
  parseValue: forVariables(bigDecimalInput),
  parseLiteral: (node) => bigDecimalInput(literal(node, [Kind.STRING, Kind.INT, Kind.FLOAT], "BigDecimal")),
});

function bytesInput(value: unknown): string {
  if (typeof value !== "string" || !HEX.test(value)) throw new ScalarInputError(`Bytes expects a hex string, not ${JSON.stringify(value)}`);
  const digits = value.startsWith("0x") ? value.slice(2) : value;
  if (digits.length % 2) throw new ScalarInputError(`Bytes expects whole bytes (an even number of hex digits), not ${JSON.stringify(value)}`);
  return `0x${digits.toLowerCase()}`;
}

/** Byte array, as lowercase `0x` hex. */
export const BytesScalar = new GraphQLScalarType({
  name: "Bytes",
  serialize: (value) => {
    if (typeof value === "string") return value;
    if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString("hex")}`;
    throw new ScalarInputError(`Bytes cannot represent ${String(value)}`);
  },
  parseValue: forVariables(bytesInput),
  parseLiteral: (node) => bytesInput(literal(node, [Kind.STRING], "Bytes")),
});

/** 8-byte signed integer, as a string of digits. */
export const Int8Scalar = new GraphQLScalarType({
  name: "Int8",
  serialize: (value) => outputString("Int8", value),
  parseValue: forVariables(int8Input),
  parseLiteral: (node) => int8Input(literal(node, [Kind.STRING, Kind.INT], "Int8")),
});

/** Microseconds since the Unix epoch, as a string of digits. */
export const TimestampScalar = new GraphQLScalarType({
  name: "Timestamp",
  serialize: (value) => outputString("Timestamp", value),
  // graph-node takes a Timestamp input as a string only, in a literal and in a variable alike.
  parseValue: forVariables((value) => {
    if (typeof value !== "string") throw new ScalarInputError(`Timestamp expects a string, not ${JSON.stringify(value)}`);
    return timestampInput(value);
  }),
  parseLiteral: (node) => timestampInput(literal(node, [Kind.STRING], "Timestamp")),
});

/** The graph-node scalars by name. */
export const CUSTOM_SCALARS: Record<string, GraphQLScalarType> = {
  BigInt: BigIntScalar,
  BigDecimal: BigDecimalScalar,
  Bytes: BytesScalar,
  Int8: Int8Scalar,
  Timestamp: TimestampScalar,
};

/** A hex string in the canonical form (`0x`, lowercase), or `undefined` when it is not whole bytes of hex. */
export function normaliseHex(value: unknown): string | undefined {
  try {
    return bytesInput(value);
  } catch {
    return undefined;
  }
}
