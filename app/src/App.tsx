/**
 * The dashboard's frame: a header with the account picker, one tab per user of dCRM, the page of the tab.
 * Each page is its own chunk, loaded when first opened (the marketer's brings the chart library).
 */
import { lazy, Suspense, useEffect, useState } from "react";

import { PageErrorBoundary } from "./ui/PageErrorBoundary.tsx";
import { Loading } from "./ui/Status.tsx";
import { AccountPicker } from "./wallet/AccountPicker.tsx";
import { useDcrm } from "./wallet/useDcrm.ts";

export const PAGES = [
  { path: "shopper", title: "Shopper", Page: lazy(() => import("./pages/ShopperPage.tsx").then((module) => ({ default: module.ShopperPage }))) },
  { path: "partner", title: "Partner", Page: lazy(() => import("./pages/PartnerPage.tsx").then((module) => ({ default: module.PartnerPage }))) },
  { path: "storefront", title: "Storefront", Page: lazy(() => import("./pages/StorefrontPage.tsx").then((module) => ({ default: module.StorefrontPage }))) },
  { path: "marketer", title: "Marketer", Page: lazy(() => import("./pages/MarketerPage.tsx").then((module) => ({ default: module.MarketerPage }))) },
] as const;

const pageOf = (hash: string) => PAGES.find((page) => `#/${page.path}` === hash) ?? PAGES[0];

export function App() {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  const page = pageOf(hash);
  const { deployment } = useDcrm();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <p className="brand">dCRM</p>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((candidate) => (
              <li key={candidate.path}>
                <a href={`#/${candidate.path}`} aria-current={candidate === page ? "page" : undefined}>
                  {candidate.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <AccountPicker />
      </header>
      <main id="main" tabIndex={-1}>
        <h1>{page.title}</h1>
        {deployment ? (
          <PageErrorBoundary key={page.path}>
            <Suspense fallback={<Loading what="the page" />}>
              <page.Page />
            </Suspense>
          </PageErrorBoundary>
        ) : (
          <p className="status error" role="alert">
            No dCRM deployment on this wallet's chain. Switch to a network where dCRM is deployed.
          </p>
        )}
      </main>
    </>
  );
}
