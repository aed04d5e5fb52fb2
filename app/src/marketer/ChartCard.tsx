/** One marketer chart: a title, the chart, a one-line summary of its figures, and its rows as CSV. */
import type { ReactNode } from "react";

import { type Column, downloadCsv, toCsv } from "./csv.ts";

export function ChartCard<Row>({ id, title, rows, columns, summary, children }: { id: string; title: string; rows: readonly Row[]; columns: readonly Column<Row>[]; summary?: ReactNode; children: ReactNode }) {
  return (
    <section className="card chart" aria-labelledby={`${id}-title`} data-testid={`chart-${id}`}>
      <header className="card-header">
        <h2 id={`${id}-title`}>{title}</h2>
        <button type="button" onClick={() => downloadCsv(`${id}.csv`, toCsv(columns, rows))} disabled={rows.length === 0} data-testid={`csv-${id}`}>
          Download CSV<span className="visually-hidden"> of {title}</span>
        </button>
      </header>
      {rows.length === 0 ? (
        <p className="status empty">No data in this range.</p>
      ) : (
        <figure>
          <div className="chart-area" role="img" aria-label={`${title}: ${rows.length} rows; the CSV has every value`}>
            {children}
          </div>
          {summary && <figcaption data-testid={`summary-${id}`}>{summary}</figcaption>}
        </figure>
      )}
    </section>
  );
}
