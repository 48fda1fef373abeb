/**
 * A small hand-written SVG chart: log-log lines, or log-scale bars. Used by `porta bench --plot`
 * and the bench suites (bench/runner.ts). Hand-written because the maintained libraries that
 * render SVG in Node without a DOM (vega: some thirty packages) weigh more than the whole CLI for
 * one optional chart. The canvas grows to fit its legend and title: the width of a label is
 * estimated from its length (no font metrics in Node), generously, so no label crosses the edge.
 */

export type ChartSpec =
  | {
      kind: "lines";
      title: string;
      xLabel: string;
      yLabel: string;
      /** One line per series; points are [x, y], plotted on log-log axes. */
      series: { name: string; points: [number, number][] }[];
    }
  | {
      kind: "bars";
      title: string;
      yLabel: string;
      /** Plotted on a log axis: benchmark values span orders of magnitude. */
      bars: { label: string; value: number }[];
    };

const PLOT = { width: 470, height: 324 };
const PAD = { left: 80, top: 40, bottom: 56, legendGap: 16, right: 12 };
const LEGEND_ROW = 20;
const FONT_SIZE = 12;
const TITLE_SIZE = 15;
const COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

/** Where everything goes: the plot keeps its size, the canvas grows around the legend and title. */
export interface ChartLayout {
  width: number;
  height: number;
  plotLeft: number;
  plotTop: number;
  plotWidth: number;
  plotHeight: number;
  legendX: number;
}

/**
 * Upper estimate of a label's width in pixels: 0.62 em per character covers sans-serif text
 * with capitals and digits (average widths are about 0.55 em).
 */
export function textWidth(text: string, fontSize = FONT_SIZE): number {
  return Math.ceil(text.length * fontSize * 0.62);
}

export function chartLayout(title: string, labels: readonly string[]): ChartLayout {
  const legendWidth = labels.length === 0 ? 0 : 18 + Math.max(...labels.map((l) => textWidth(l)));
  const legendX = PAD.left + PLOT.width + PAD.legendGap;
  const width = Math.max(legendX + legendWidth + PAD.right, textWidth(title, TITLE_SIZE) + 2 * PAD.right);
  const legendHeight = labels.length * LEGEND_ROW;
  const plotHeight = Math.max(PLOT.height, legendHeight);
  return { width, height: PAD.top + plotHeight + PAD.bottom, plotLeft: PAD.left, plotTop: PAD.top, plotWidth: PLOT.width, plotHeight, legendX };
}

export function renderChart(spec: ChartSpec): string {
  return spec.kind === "lines" ? renderLines(spec) : renderBars(spec);
}

function renderLines(spec: Extract<ChartSpec, { kind: "lines" }>): string {
  const box = chartLayout(
    spec.title,
    spec.series.map((s) => s.name),
  );
  const points = spec.series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  if (points.length === 0) return frame(box, spec.title, "");
  const xs = logRange(points.map((p) => p[0]));
  const ys = logRange(points.map((p) => p[1]));
  const px = (x: number) => box.plotLeft + ((Math.log10(x) - xs.lo) / (xs.hi - xs.lo)) * box.plotWidth;
  const py = (y: number) => box.plotTop + box.plotHeight - ((Math.log10(y) - ys.lo) / (ys.hi - ys.lo)) * box.plotHeight;
  let body = axes(box, spec.xLabel, spec.yLabel);
  for (let e = xs.lo; e <= xs.hi; e++) {
    const x = px(10 ** e);
    body += line(x, box.plotTop, x, box.plotTop + box.plotHeight, "#eee");
    body += text(x, box.plotTop + box.plotHeight + 18, `1e${e}`, "middle");
  }
  body += yGrid(box, ys, py);
  spec.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = series.points.filter(([x, y]) => x > 0 && y > 0);
    body += `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ")}"/>`;
    for (const [x, y] of pts) body += `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`;
    body += legend(box, i, series.name, color);
  });
  return frame(box, spec.title, body);
}

function renderBars(spec: Extract<ChartSpec, { kind: "bars" }>): string {
  const box = chartLayout(
    spec.title,
    spec.bars.map((b) => b.label),
  );
  const bars = spec.bars.filter((b) => b.value > 0);
  if (bars.length === 0) return frame(box, spec.title, "");
  const ys = logRange(bars.map((b) => b.value));
  const py = (y: number) => box.plotTop + box.plotHeight - ((Math.log10(y) - ys.lo) / (ys.hi - ys.lo)) * box.plotHeight;
  let body = axes(box, "", spec.yLabel) + yGrid(box, ys, py);
  const slot = box.plotWidth / bars.length;
  bars.forEach((bar, i) => {
    const x = box.plotLeft + i * slot + slot * 0.15;
    const y = py(bar.value);
    const color = COLORS[i % COLORS.length]!;
    body += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(box.plotTop + box.plotHeight - y).toFixed(1)}" fill="${color}"/>`;
    body += text(x + slot * 0.35, y - 4, formatValue(bar.value), "middle");
    body += legend(box, i, bar.label, color);
  });
  return frame(box, spec.title, body);
}

/** Whole decades covering the values (at least one decade wide). */
function logRange(values: number[]): { lo: number; hi: number } {
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  return { lo, hi: hi > lo ? hi : lo + 1 };
}

function yGrid(box: ChartLayout, ys: { lo: number; hi: number }, py: (y: number) => number): string {
  let out = "";
  for (let e = ys.lo; e <= ys.hi; e++) {
    const y = py(10 ** e);
    out += line(box.plotLeft, y, box.plotLeft + box.plotWidth, y, "#eee");
    out += text(box.plotLeft - 8, y + 4, formatPower(e), "end");
  }
  return out;
}

function axes(box: ChartLayout, xLabel: string, yLabel: string): string {
  const bottom = box.plotTop + box.plotHeight;
  const mid = box.plotTop + box.plotHeight / 2;
  return (
    line(box.plotLeft, box.plotTop, box.plotLeft, bottom, "#333") +
    line(box.plotLeft, bottom, box.plotLeft + box.plotWidth, bottom, "#333") +
    text(box.plotLeft + box.plotWidth / 2, box.height - 14, xLabel, "middle") +
    `<text x="18" y="${mid}" transform="rotate(-90 18 ${mid})" text-anchor="middle">${escapeXml(yLabel)}</text>`
  );
}

function legend(box: ChartLayout, i: number, label: string, color: string): string {
  const y = box.plotTop + 10 + i * LEGEND_ROW;
  return `<rect x="${box.legendX}" y="${y - 9}" width="12" height="12" fill="${color}"/>` + text(box.legendX + 18, y + 1, label, "start");
}

function frame(box: ChartLayout, title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${box.width}" height="${box.height}" viewBox="0 0 ${box.width} ${box.height}" font-family="sans-serif" font-size="${FONT_SIZE}">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    text(box.width / 2, 22, title, "middle", `font-size="${TITLE_SIZE}" font-weight="bold"`) +
    body +
    `</svg>\n`
  );
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string): string {
  return `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="${stroke}"/>`;
}

function text(x: number, y: number, content: string, anchor: "start" | "middle" | "end", extra = ""): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}" ${extra}>${escapeXml(content)}</text>`;
}

function formatPower(e: number): string {
  return e >= -3 && e <= 4 ? String(Number((10 ** e).toPrecision(1))) : `1e${e}`;
}

function formatValue(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toPrecision(3);
}

/** Labels come from suites and model documents and may hold any text. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
