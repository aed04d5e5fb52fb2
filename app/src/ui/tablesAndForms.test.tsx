import { act, type ReactNode, useState } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, it } from "vitest";

import { DataTable } from "./DataTable.tsx";
import { Form, SelectField, TextField } from "./Form.tsx";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | undefined;
let container: HTMLElement;

function render(node: ReactNode): HTMLElement {
  container = document.createElement("div");
  document.body.appendChild(container);
  root = createRoot(container);
  act(() => root!.render(node));
  return container;
}

afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
});

/** Types `text` into `input` as a person would (React listens for the native input event). */
function type(input: HTMLInputElement, text: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!;
  act(() => {
    setter.call(input, text);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

describe("DataTable", () => {
  const rows = [
    { order: 7n, points: "1.5 PTS" },
    { order: 9n, points: "3 PTS" },
  ];

  it("names itself by its caption, a header per column, a cell per column and row, in order", () => {
    const view = render(
      <DataTable
        caption="Pending points by order"
        rows={rows}
        rowKey={(row) => row.order.toString()}
        rowTestId={(row) => `order-${row.order}`}
        columns={[
          { header: "Order", cell: (row) => row.order.toString() },
          { header: "Points", cell: (row) => <strong>{row.points}</strong>, testId: (row) => `points-${row.order}` },
        ]}
      />,
    );
    expect(view.querySelector("caption")?.textContent).toBe("Pending points by order");
    expect([...view.querySelectorAll("th")].map((th) => [th.textContent, th.getAttribute("scope")])).toEqual([
      ["Order", "col"],
      ["Points", "col"],
    ]);
    expect([...view.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent))).toEqual([
      ["7", "1.5 PTS"],
      ["9", "3 PTS"],
    ]);
    expect(view.querySelector('[data-testid="order-9"] [data-testid="points-9"] strong')?.textContent).toBe("3 PTS");
    // A wide table scrolls in a box the keyboard can reach.
    expect(view.querySelector(".table-scroll")?.getAttribute("tabindex")).toBe("0");
  });

  it("renders a header and no rows for an empty list", () => {
    const view = render(<DataTable caption="Nothing" rows={[] as { a: string }[]} rowKey={(row) => row.a} columns={[{ header: "A", cell: (row) => row.a }]} />);
    expect(view.querySelectorAll("th")).toHaveLength(1);
    expect(view.querySelectorAll("tbody tr")).toHaveLength(0);
  });
});

describe("Form, TextField and SelectField", () => {
  function RefundForm({ onSubmit }: { onSubmit: (value: string) => void }) {
    const [shopper, setShopper] = useState("");
    const [scope, setScope] = useState("email");
    return (
      <Form>
        <TextField label="Shopper" value={shopper} onChange={setShopper} placeholder="0x…" trim testId="shopper" />
        <SelectField label="Scope" value={scope} options={["email", "purchase-history"]} onChange={setScope} testId="scope" />
        <button type="submit" onClick={() => onSubmit(`${shopper}/${scope}`)}>
          Send
        </button>
      </Form>
    );
  }

  it("labels each field, trims what is typed when asked, and submitting never reloads the page", () => {
    const sent: string[] = [];
    const view = render(<RefundForm onSubmit={(value) => sent.push(value)} />);
    const input = view.querySelector<HTMLInputElement>('[data-testid="shopper"]')!;
    expect(input.closest("label")?.textContent).toBe("Shopper");
    expect(input.placeholder).toBe("0x…");
    type(input, "  0xabc  ");
    expect(input.value).toBe("0xabc");
    const select = view.querySelector<HTMLSelectElement>('[data-testid="scope"]')!;
    expect([...select.options].map((option) => option.value)).toEqual(["email", "purchase-history"]);
    act(() => {
      select.value = "purchase-history";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    const submitted = new Event("submit", { bubbles: true, cancelable: true });
    act(() => {
      view.querySelector("button")!.click();
      view.querySelector("form")!.dispatchEvent(submitted);
    });
    expect(sent).toEqual(["0xabc/purchase-history"]);
    expect(submitted.defaultPrevented).toBe(true);
  });

  it("keeps spaces when not trimming, and marks an inline field", () => {
    const view = render(<TextField label="Reference" value="" onChange={() => {}} inline inputMode="decimal" />);
    expect(view.querySelector("label")?.className).toBe("inline");
    expect(view.querySelector("input")?.getAttribute("inputmode")).toBe("decimal");
  });
});
