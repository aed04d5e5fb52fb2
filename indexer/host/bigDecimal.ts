/**
 * graph-node's BigDecimal: a value `digits × 10^exp`, kept to 34 significant digits after every operation, with
 * the rounding and text form of the Rust crate graph-node pins (bigdecimal 0.1.2). Rounding quirks are kept on
 * purpose: a positive value is rounded half up on the first dropped digit, a negative one is truncated toward
 * zero; division first computes 100 significant digits.
 */
export interface BigDecimalValue {
  digits: bigint;
  exp: bigint;
}

/** Why a decimal operation cannot be done. */
export class BigDecimalError extends Error {
  override name = "BigDecimalError";
}

const MAX_SIGNIFICANT_DIGITS = 34n;
const DIVISION_PRECISION = 100n;

const abs = (n: bigint): bigint => (n < 0n ? -n : n);
const pow10 = (n: bigint): bigint => 10n ** n;
const digitCount = (n: bigint): bigint => (n === 0n ? 1n : BigInt(abs(n).toString().length));

/** Rounds to 34 significant digits and drops trailing zeros; zero is `0 × 10^0`. */
export function normalize(value: BigDecimalValue): BigDecimalValue {
  let { digits, exp } = value;
  if (digits === 0n) return { digits: 0n, exp: 0n };
  const count = digitCount(digits);
  if (count > MAX_SIGNIFICANT_DIGITS) {
    const dropped = count - MAX_SIGNIFICANT_DIGITS;
    const divisor = pow10(dropped);
    const remainder = digits % divisor;
    digits /= divisor;
    if (remainder > 0n && 2n * remainder >= divisor) digits += 1n;
    exp += dropped;
  }
  while (digits % 10n === 0n) {
    digits /= 10n;
    exp += 1n;
  }
  return { digits, exp };
}

export function plus(a: BigDecimalValue, b: BigDecimalValue): BigDecimalValue {
  const exp = a.exp < b.exp ? a.exp : b.exp;
  return normalize({ digits: a.digits * pow10(a.exp - exp) + b.digits * pow10(b.exp - exp), exp });
}

export function minus(a: BigDecimalValue, b: BigDecimalValue): BigDecimalValue {
  return plus(a, { digits: -b.digits, exp: b.exp });
}

export function times(a: BigDecimalValue, b: BigDecimalValue): BigDecimalValue {
  return normalize({ digits: a.digits * b.digits, exp: a.exp + b.exp });
}

/** a / b; throws BigDecimalError when b is zero. */
export function dividedBy(a: BigDecimalValue, b: BigDecimalValue): BigDecimalValue {
  if (b.digits === 0n) throw new BigDecimalError(`attempted to divide BigDecimal \`${toDecimalString(a)}\` by zero`);
  if (a.digits === 0n) return normalize(a);
  let scale = -a.exp + b.exp;
  if (a.digits === b.digits) return normalize({ digits: 1n, exp: -scale });
  const negative = a.digits < 0n !== b.digits < 0n;
  let numerator = abs(a.digits);
  const denominator = abs(b.digits);
  while (numerator < denominator) {
    numerator *= 10n;
    scale += 1n;
  }
  let quotient = numerator / denominator;
  let remainder = numerator % denominator;
  if (remainder !== 0n) {
    let precision = digitCount(quotient);
    remainder *= 10n;
    while (remainder !== 0n && precision < DIVISION_PRECISION) {
      quotient = quotient * 10n + remainder / denominator;
      remainder = (remainder % denominator) * 10n;
      precision += 1n;
      scale += 1n;
    }
    if (remainder !== 0n && remainder / denominator >= 5n) quotient += 1n;
  }
  return normalize({ digits: negative ? -quotient : quotient, exp: -scale });
}

export function equals(a: BigDecimalValue, b: BigDecimalValue): boolean {
  const x = normalize(a);
  const y = normalize(b);
  return x.digits === y.digits && x.exp === y.exp;
}

/** Plain decimal notation, never an exponent: `0.5`, `-12`, `1500`. */
export function toDecimalString(value: BigDecimalValue): string {
  const { digits, exp } = value;
  const magnitude = abs(digits).toString();
  const sign = digits < 0n ? "-" : "";
  if (exp >= 0n) return sign + magnitude + "0".repeat(Number(exp));
  const scale = Number(-exp);
  if (scale >= magnitude.length) return `${sign}0.${"0".repeat(scale - magnitude.length)}${magnitude}`;
  return `${sign}${magnitude.slice(0, magnitude.length - scale)}.${magnitude.slice(magnitude.length - scale)}`;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses `12`, `-0.5`, `1.5e-3`; throws BigDecimalError on anything else. */
export function parseDecimal(text: string): BigDecimalValue {
  const match = DECIMAL.exec(text);
  const whole = match?.[2] ?? "";
  const fraction = match?.[3] ?? "";
  if (!match || whole.length + fraction.length === 0) throw new BigDecimalError(`string is not a BigDecimal: '${text}'`);
  const digits = BigInt(`${match[1] === "-" ? "-" : ""}${whole}${fraction}`);
  const exp = BigInt(match[4] ?? "0") - BigInt(fraction.length);
  return normalize({ digits, exp });
}
