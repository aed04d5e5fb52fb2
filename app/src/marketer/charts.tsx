/**
 * The two kinds of chart the marketer's page draws, over rows of plain numbers: bars per category (days,
 * storefronts, shoppers, scopes) and lines per day. A legend appears when there is more than one series;
 * shares (0..1) are written as percentages.
 */
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { formatPercent } from "../format.ts";

/** One series of a chart: the row field it plots and its name in the legend. */
export interface Series {
  key: string;
  name: string;
}

// Distinct on white and for the common kinds of color blindness, in this order.
const COLORS = ["#1f5fbf", "#b8480f", "#2f7d32", "#7b3fa0", "#8a6d00"];
const HEIGHT = 260;
const colorOf = (index: number) => COLORS[index % COLORS.length]!;

export function BarsChart({ rows, category, series, percent = false, horizontal = false, firstColor = 0 }: { rows: readonly object[]; category: string; series: readonly Series[]; percent?: boolean; horizontal?: boolean; firstColor?: number }) {
  const valueAxis = percent ? { tickFormatter: (value: number) => formatPercent(value) } : {};
  return (
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <BarChart data={[...rows]} layout={horizontal ? "vertical" : "horizontal"} margin={horizontal ? { left: 40 } : undefined}>
        <CartesianGrid strokeDasharray="3 3" />
        {horizontal ? <XAxis type="number" {...valueAxis} /> : <XAxis dataKey={category} />}
        {horizontal ? <YAxis type="category" dataKey={category} width={90} /> : <YAxis {...valueAxis} />}
        <Tooltip formatter={percent ? (value) => formatPercent(Number(value)) : undefined} />
        {series.length > 1 && <Legend />}
        {series.map((one, i) => (
          <Bar key={one.key} dataKey={one.key} name={one.name} fill={colorOf(firstColor + i)} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

export function LinesChart({ rows, category, series, wholeNumbers = false }: { rows: readonly object[]; category: string; series: readonly Series[]; wholeNumbers?: boolean }) {
  return (
    <ResponsiveContainer width="100%" height={HEIGHT}>
      <LineChart data={[...rows]}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey={category} />
        <YAxis allowDecimals={!wholeNumbers} />
        <Tooltip />
        <Legend />
        {series.map((one, i) => (
          <Line key={one.key} dataKey={one.key} name={one.name} stroke={colorOf(i)} dot={false} isAnimationActive={false} />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
