/**
 * Keeps PostgreSQL's planner statistics fresh. PGlite has no autovacuum, so a table's statistics would stay
 * as they were when it was first analyzed (or be guesses, never analyzed), and the planner picks plans for
 * tables a hundred times smaller than they are: it estimated 1,571 current shoppers for 40,013.
 *
 * The rule is autovacuum's own (`autovacuum_analyze_threshold` 50 rows plus
 * `autovacuum_analyze_scale_factor` 10 % of the rows the table had when it was last analyzed), applied to
 * the rows the store wrote (versions inserted and versions ended): a table is analyzed again once that
 * many of its rows changed. ANALYZE reads a sample of at most 30,000 rows whatever the table's size, so
 * each costs tens of milliseconds, and the indexer runs it between passes, never inside a query. On a
 * PostgreSQL server this does what autovacuum would do a little earlier.
 */
import type { Db } from "./db.ts";
import { quote } from "./layout.ts";

/** autovacuum's defaults. */
export const ANALYZE_THRESHOLD_ROWS = 50;
export const ANALYZE_SCALE_FACTOR = 0.1;

export class PlannerStatistics {
  private readonly changed = new Map<string, number>();
  /** Rows each table had when it was last analyzed here (absent: not analyzed since the store opened). */
  private readonly rowsAtAnalyze = new Map<string, number>();

  private readonly db: Db;
  private readonly namespace: string;

  constructor(db: Db, namespace: string) {
    this.db = db;
    this.namespace = namespace;
  }

  /** Counts `rows` changed rows (inserted or ended versions) of `table` (unqualified). */
  noteChanged(table: string, rows: number): void {
    if (rows > 0) this.changed.set(table, (this.changed.get(table) ?? 0) + rows);
  }

  /** The tables whose changed rows passed the threshold since they were last analyzed. */
  due(): string[] {
    return [...this.changed]
      .filter(([table, rows]) => rows >= ANALYZE_THRESHOLD_ROWS + ANALYZE_SCALE_FACTOR * (this.rowsAtAnalyze.get(table) ?? 0))
      .map(([table]) => table);
  }

  /** Analyzes `tables` (unqualified), one statement each, and starts counting their changes from zero. */
  async analyze(tables: string[]): Promise<void> {
    for (const table of tables) {
      await this.db.exec(`ANALYZE ${quote(this.namespace)}.${quote(table)}`);
      this.changed.delete(table);
    }
    if (tables.length === 0) return;
    const { rows } = await this.db.query<{ relname: string; reltuples: number }>(
      `SELECT c.relname, c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = ANY($2::text[])`,
      [this.namespace, tables],
    );
    for (const row of rows) this.rowsAtAnalyze.set(row.relname, Math.max(0, Number(row.reltuples)));
  }

  /** Analyzes the tables that are due; returns them. */
  async refresh(): Promise<string[]> {
    const due = this.due();
    await this.analyze(due);
    return due;
  }

  /** Every table of the namespace (the indexer's own and the entities'), for a first ANALYZE. */
  async tables(): Promise<string[]> {
    const { rows } = await this.db.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [this.namespace]);
    return rows.map((row) => row.tablename);
  }
}
