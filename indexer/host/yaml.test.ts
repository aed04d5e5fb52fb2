// The `yaml` host functions, exercised by fixtures/yaml.ts: the inputs of graph-node's own YAML test (runtime/test's
// yaml_parsing) and more, each described as `(kind) value`; the expected answers are serde_yaml's, which graph-node uses.
import { beforeAll, describe, expect, it } from "vitest";

import { floatText } from "./functions/yaml.ts";
import { fixtureRunner, type HandlerOutcome } from "./testing/fixtureRunner.ts";

let run: (handler: string) => HandlerOutcome;

beforeAll(() => {
  run = fixtureRunner("yaml.ts", "Yaml");
}, 120_000);

describe("yaml host functions", () => {
  it("parse YAML into graph-ts values of every kind", () => {
    expect(run("parseEach")).toEqual({
      logs: [
        "(0) null",
        "(0) null",
        "(0) null",
        "(1) false",
        "(1) true",
        "(2) 12345",
        "(2) -7",
        "(2) 31",
        "(2) 12345.6789",
        "(2) 1e20",
        "(2) 1.0",
        "(2) .inf",
        "(3) aa bb cc",
        "(3) aa bb cc",
        "(4) [(2) 1, (2) 2, (2) 3, (2) 4]",
        "(4) [(2) 1, (2) 2, (2) 3, (2) 4]",
        "(5) {a: (2) 1, b: (2) 2, c: (2) 3}",
        "(5) {c: (2) 3, a: (2) 1}",
        "(5) {a: (2) 1, b: (2) 1}",
        "(6) !AA (3) bb cc",
        "(6) !N (2) 12",
        "(5) {aa: (5) {bb: (4) [(5) {cc: (6) !DD (3) ee}]}}",
        "error",
        "error",
        "error",
      ],
    });
  });

  it("fails yaml.fromBytes on input over 10,000,000 bytes (try_fromBytes: an error result)", () => {
    const { logs, error } = run("tooLarge");
    expect(logs).toEqual(["error"]);
    expect(error?.message).toMatch(/^YAML size exceeds max size of 10000000 bytes/);
  });

  it("fails yaml.fromBytes on invalid YAML", () => {
    expect(run("invalid").error?.message).toMatch(/^failed to parse YAML from bytes/);
  });

  it("prints floats as serde_yaml does", () => {
    expect([1.5e-7, 0.001, 123456789012345680000, 1e16, 1e15, -2.5, 0].map(floatText)).toEqual(["1.5e-7", "0.001", "1.2345678901234568e20", "1e16", "1000000000000000.0", "-2.5", "0.0"]);
  });
});
