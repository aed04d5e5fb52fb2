/**
 * A table of rows: a caption that names it, one header per column, one cell per column and row. Wide tables
 * scroll sideways inside a focusable box, so a keyboard can scroll them too.
 */
import type { Key, ReactNode } from "react";

export interface TableColumn<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  /** A test id for the column's cells. */
  testId?: (row: Row) => string;
}

export function DataTable<Row>({ caption, columns, rows, rowKey, rowTestId }: { caption: string; columns: readonly TableColumn<Row>[]; rows: readonly Row[]; rowKey: (row: Row, index: number) => Key; rowTestId?: (row: Row) => string }) {
  return (
    <div className="table-scroll" tabIndex={0}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column.header}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={rowKey(row, index)} data-testid={rowTestId?.(row)}>
              {columns.map((column) => (
                <td key={column.header} data-testid={column.testId?.(row)}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
