/** A small hand-written SVG for a suite's chart: log-log lines, or log-scale bars. */
import type { ChartSpec } from "./harness.ts";

const WIDTH = 720;
const HEIGHT = 420;
const PAD = { left: 80, right: 170, top: 40, bottom: 56 };
const COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

export function renderChart(spec: ChartSpec): string {
  return spec.kind === "lines" ? renderLines(spec) : renderBars(spec);
}

function renderLines(spec: Extract<ChartSpec, { kind: "lines" }>): string {
  const points = spec.series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  if (points.length === 0) return frame(spec.title, "");
  const xs = logRange(points.map((p) => p[0]));
  const ys = logRange(points.map((p) => p[1]));
  const px = (x: number) => PAD.left + ((Math.log10(x) - xs.lo) / (xs.hi - xs.lo)) * plotWidth();
  const py = (y: number) => PAD.top + plotHeight() - ((Math.log10(y) - ys.lo) / (ys.hi - ys.lo)) * plotHeight();
  let body = axes(spec.xLabel, spec.yLabel);
  for (let e = xs.lo; e <= xs.hi; e++) {
    const x = px(10 ** e);
    body += line(x, PAD.top, x, PAD.top + plotHeight(), "#eee");
    body += text(x, PAD.top + plotHeight() + 18, `1e${e}`, "middle");
  }
  for (let e = ys.lo; e <= ys.hi; e++) {
    const y = py(10 ** e);
    body += line(PAD.left, y, PAD.left + plotWidth(), y, "#eee");
    body += text(PAD.left - 8, y + 4, formatPower(e), "end");
  }
  spec.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = series.points.filter(([x, y]) => x > 0 && y > 0);
    body += `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ")}"/>`;
    for (const [x, y] of pts) body += `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`;
    body += legend(i, series.name, color);
  });
  return frame(spec.title, body);
}

function renderBars(spec: Extract<ChartSpec, { kind: "bars" }>): string {
  const bars = spec.bars.filter((b) => b.value > 0);
  if (bars.length === 0) return frame(spec.title, "");
  const ys = logRange(bars.map((b) => b.value));
  const py = (y: number) => PAD.top + plotHeight() - ((Math.log10(y) - ys.lo) / (ys.hi - ys.lo)) * plotHeight();
  let body = axes("", spec.yLabel);
  for (let e = ys.lo; e <= ys.hi; e++) {
    const y = py(10 ** e);
    body += line(PAD.left, y, PAD.left + plotWidth(), y, "#eee");
    body += text(PAD.left - 8, y + 4, formatPower(e), "end");
  }
  const slot = plotWidth() / bars.length;
  bars.forEach((bar, i) => {
    const x = PAD.left + i * slot + slot * 0.15;
    const y = py(bar.value);
    const color = COLORS[i % COLORS.length]!;
    body += `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(PAD.top + plotHeight() - y).toFixed(1)}" fill="${color}"/>`;
    body += text(x + slot * 0.35, y - 4, formatValue(bar.value), "middle");
    body += legend(i, bar.label, color);
  });
  return frame(spec.title, body);
}

const plotWidth = () => WIDTH - PAD.left - PAD.right;
const plotHeight = () => HEIGHT - PAD.top - PAD.bottom;

/** Whole decades covering the values (at least one decade wide). */
function logRange(values: number[]): { lo: number; hi: number } {
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  return { lo, hi: hi > lo ? hi : lo + 1 };
}

function axes(xLabel: string, yLabel: string): string {
  const bottom = PAD.top + plotHeight();
  return (
    line(PAD.left, PAD.top, PAD.left, bottom, "#333") +
    line(PAD.left, bottom, PAD.left + plotWidth(), bottom, "#333") +
    text(PAD.left + plotWidth() / 2, HEIGHT - 14, xLabel, "middle") +
    `<text x="18" y="${PAD.top + plotHeight() / 2}" transform="rotate(-90 18 ${PAD.top + plotHeight() / 2})" text-anchor="middle">${escapeXml(yLabel)}</text>`
  );
}

function legend(i: number, label: string, color: string): string {
  const x = WIDTH - PAD.right + 16;
  const y = PAD.top + 10 + i * 20;
  return `<rect x="${x}" y="${y - 9}" width="12" height="12" fill="${color}"/>` + text(x + 18, y + 1, label, "start");
}

function frame(title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    text(WIDTH / 2, 22, title, "middle", "font-size=\"15\" font-weight=\"bold\"") +
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

/** Labels come from suites and may hold any text. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
