import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, type ReactNode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, it } from "vitest";

import { ChartCard } from "../marketer/ChartCard.tsx";
import { Action } from "./Action.tsx";
import { Amount } from "./Amount.tsx";
import { PageErrorBoundary } from "./PageErrorBoundary.tsx";
import { Async } from "./Status.tsx";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | undefined;
let container: HTMLElement;

async function render(node: ReactNode): Promise<HTMLElement> {
  container = document.createElement("div");
  document.body.appendChild(container);
  root = createRoot(container);
  await act(async () => root!.render(<QueryClientProvider client={new QueryClient()}>{node}</QueryClientProvider>));
  return container;
}

afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
});

describe("Async: loading, empty, failed and loaded states", () => {
  it("announces loading, then an empty state, an error in words, or the value", async () => {
    const view = (query: { data: number[] | undefined; error: unknown; isLoading: boolean }) => (
      <Async query={query} what="referrals" empty={(data) => data.length === 0}>
        {(data) => <p>{data.length} referrals</p>}
      </Async>
    );
    expect((await render(view({ data: undefined, error: null, isLoading: true }))).querySelector('[role="status"]')?.textContent).toBe("Loading referrals…");
    act(() => root!.render(view({ data: [], error: null, isLoading: false })));
    expect(container.textContent).toBe("No referrals yet.");
    act(() => root!.render(view({ data: undefined, error: Object.assign(new Error("long"), { shortMessage: "PartnerNotFound(7)" }), isLoading: false })));
    expect(container.querySelector('[role="alert"]')?.textContent).toBe("Could not load referrals: PartnerNotFound(7)");
    act(() => root!.render(view({ data: [1, 2], error: null, isLoading: false })));
    expect(container.textContent).toBe("2 referrals");
  });
});

describe("Amount", () => {
  it("shows token units and the symbol", async () => {
    const view = await render(<Amount value={1_500_000_000_000_000_000n} token={{ symbol: "PTS", decimals: 18 }} />);
    expect(view.textContent).toBe("1.5 PTS");
  });
});

describe("Action", () => {
  it("shows the SDK's error as a readable message, and success once done", async () => {
    const failing = await render(<Action label="Claim" run={() => Promise.reject(Object.assign(new Error("details…"), { shortMessage: "NothingToClaim(3)" }))} />);
    await act(async () => failing.querySelector("button")!.click());
    await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
    expect(failing.querySelector(".action-outcome")?.textContent).toBe("NothingToClaim(3)");
    act(() => root!.unmount());
    const passing = await render(<Action label="Claim" done="Claimed." run={() => Promise.resolve()} />);
    await act(async () => passing.querySelector("button")!.click());
    await act(() => new Promise((resolve) => setTimeout(resolve, 10)));
    expect(passing.querySelector(".action-outcome")?.textContent).toBe("Claimed.");
  });
});

describe("ChartCard", () => {
  it("offers its rows as CSV and says when the range has none", async () => {
    const empty = await render(
      <ChartCard id="t" title="Points per day" rows={[] as { day: string }[]} columns={[{ key: "day", label: "day" }]}>
        <svg />
      </ChartCard>,
    );
    expect(empty.textContent).toContain("No data in this range.");
    expect(empty.querySelector<HTMLButtonElement>('[data-testid="csv-t"]')!.disabled).toBe(true);
    act(() => root!.unmount());
    const full = await render(
      <ChartCard id="t" title="Points per day" rows={[{ day: "2026-12-01" }]} columns={[{ key: "day", label: "day" }]} summary="1 day">
        <svg />
      </ChartCard>,
    );
    expect(full.querySelector<HTMLButtonElement>('[data-testid="csv-t"]')!.disabled).toBe(false);
    expect(full.querySelector("h2")?.textContent).toBe("Points per day");
    expect(full.querySelector("figcaption")?.textContent).toBe("1 day");
  });
});

describe("PageErrorBoundary", () => {
  it("shows a page's failure in words, and renders the page again on Try again", async () => {
    let fail = true;
    function Page() {
      if (fail) throw Object.assign(new Error("long"), { shortMessage: "Failed to load the page's chunk" });
      return <p>the page</p>;
    }
    const original = console.error;
    console.error = () => {};
    try {
      const view = await render(
        <PageErrorBoundary>
          <Page />
        </PageErrorBoundary>,
      );
      expect(view.querySelector('[role="alert"]')?.textContent).toBe("Could not show this page: Failed to load the page's chunk");
      fail = false;
      await act(async () => view.querySelector("button")!.click());
      expect(view.textContent).toBe("the page");
    } finally {
      console.error = original;
    }
  });
});
