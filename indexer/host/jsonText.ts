/**
 * A strict JSON parser that keeps each number's source text (as graph-node's arbitrary-precision parser does, so
 * `json.toBigInt` sees every digit of a 30-digit number). `JSON.parse` would round numbers to doubles.
 */
export class JsonNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export type Json = null | boolean | string | JsonNumber | Json[] | Map<string, Json>;

/** Invalid JSON, with the offset where reading stopped. */
export class JsonSyntaxError extends Error {
  override name = "JsonSyntaxError";
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/** How deeply arrays and objects may nest: graph-node's parser (serde_json) refuses the 128th level. */
export const MAX_JSON_NESTING = 127;

export function parseJsonText(text: string): Json {
  let at = 0;
  const syntaxError = (what: string): JsonSyntaxError => new JsonSyntaxError(`${what} at offset ${at}`);
  const skip = (): void => {
    WHITESPACE.lastIndex = at;
    WHITESPACE.exec(text);
    at = WHITESPACE.lastIndex;
  };
  const literal = (word: string, value: Json): Json => {
    if (!text.startsWith(word, at)) throw syntaxError("unexpected token");
    at += word.length;
    return value;
  };
  const string = (): string => {
    at++; // opening quote
    let out = "";
    for (;;) {
      const c = text[at];
      if (c === undefined) throw syntaxError("unterminated string");
      if (c === '"') {
        at++;
        return out;
      }
      if (c === "\\") {
        const e = text[at + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e !== undefined && e in simple) {
          out += simple[e];
          at += 2;
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
          out += String.fromCharCode(parseInt(text.slice(at + 2, at + 6), 16));
          at += 6;
        } else {
          throw syntaxError("invalid escape");
        }
      } else if (c < " ") {
        throw syntaxError("control character in string");
      } else {
        out += c;
        at++;
      }
    }
  };
  const value = (depth: number): Json => {
    skip();
    const c = text[at];
    if ((c === "{" || c === "[") && depth >= MAX_JSON_NESTING) throw syntaxError("recursion limit exceeded");
    if (c === "{") {
      at++;
      const object = new Map<string, Json>();
      skip();
      if (text[at] === "}") {
        at++;
        return object;
      }
      for (;;) {
        skip();
        if (text[at] !== '"') throw syntaxError("expected a property name");
        const key = string();
        skip();
        if (text[at] !== ":") throw syntaxError("expected ':'");
        at++;
        object.set(key, value(depth + 1));
        skip();
        if (text[at] === ",") at++;
        else if (text[at] === "}") {
          at++;
          return object;
        } else throw syntaxError("expected ',' or '}'");
      }
    }
    if (c === "[") {
      at++;
      const array: Json[] = [];
      skip();
      if (text[at] === "]") {
        at++;
        return array;
      }
      for (;;) {
        array.push(value(depth + 1));
        skip();
        if (text[at] === ",") at++;
        else if (text[at] === "]") {
          at++;
          return array;
        } else throw syntaxError("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true", true);
    if (c === "f") return literal("false", false);
    if (c === "n") return literal("null", null);
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (!match) throw syntaxError("unexpected token");
    at = NUMBER.lastIndex;
    return new JsonNumber(match[0]);
  };
  const result = value(0);
  skip();
  if (at !== text.length) throw syntaxError("trailing characters");
  return result;
}
