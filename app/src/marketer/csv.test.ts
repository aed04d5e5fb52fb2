import { describe, expect, it } from "vitest";

import { toCsv } from "./csv.ts";

describe("toCsv", () => {
  it("writes a header of labels and one line per row, quoting what needs it", () => {
    const csv = toCsv(
      [
        { key: "day", label: "day (UTC)" },
        { key: "note", label: "note" },
        { key: "issued", label: "issued, points" },
      ],
      [
        { day: "2026-12-01", note: 'say "hi"', issued: 12.5 },
        { day: "2026-12-02", note: "plain", issued: 0 },
      ],
    );
    expect(csv).toBe('day (UTC),note,"issued, points"\r\n2026-12-01,"say ""hi""",12.5\r\n2026-12-02,plain,0\r\n');
  });
  it("writes only the header when there are no rows", () => {
    expect(toCsv([{ key: "a", label: "a" }], [] as { a: number }[])).toBe("a\r\n");
  });
});
