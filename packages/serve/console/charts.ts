/**
 * Latency and throughput over time, from `GET /v1/metrics/summary` polled every few seconds: the
 * server's cumulative counters and latency histograms; each point here is the difference between
 * two polls (requests per second, and the p50/p99 of the requests answered in between, read off
 * the histogram's buckets as Prometheus' histogram_quantile does). Drawn with uPlot.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { getMetricsSummary, type MetricsSeries, type MetricsSummary } from "./api.ts";
import { h } from "./dom.ts";
import { quantileMs } from "./histogram.ts";

/** How often the page asks for the metrics; `?poll=MS` in the page's URL changes it. */
const POLL_MS = Math.max(250, Number(new URLSearchParams(location.search).get("poll")) || 2000);
/** Points kept per chart: ten minutes at the default rate. */
const HISTORY = 300;

/** Which series of the summary a chart line adds up. */
type Pick = (s: MetricsSeries) => boolean;

interface Line {
  label: string;
  pick: Pick;
  /** What the line shows of the series it adds up between two polls. */
  measure: "requests" | "rows" | "p50" | "p99";
}

/** Requests, rows and latency quantiles of the requests answered between two snapshots. */
function between(before: MetricsSummary | undefined, after: MetricsSummary, line: Line): number | null {
  const seconds = before === undefined ? 0 : (after.at - before.at) / 1000;
  if (seconds <= 0) return null;
  const previous = new Map((before?.series ?? []).map((s) => [`${s.route}\u0000${s.model}\u0000${s.version}`, s]));
  let requests = 0;
  let rows = 0;
  const counts = new Array<number>(after.buckets.length + 1).fill(0);
  for (const s of after.series) {
    if (!line.pick(s)) continue;
    const p = previous.get(`${s.route}\u0000${s.model}\u0000${s.version}`);
    // A series that went down is a restarted server: count from zero.
    const reset = p !== undefined && s.requests < p.requests;
    const base = p === undefined || reset ? undefined : p;
    requests += s.requests - (base?.requests ?? 0);
    rows += s.rows - (base?.rows ?? 0);
    s.counts.forEach((c, i) => {
      counts[i]! += c - (base?.counts[i] ?? 0);
    });
    counts[after.buckets.length]! += s.requests - (base?.requests ?? 0);
  }
  switch (line.measure) {
    case "requests":
      return requests / seconds;
    case "rows":
      return rows / seconds;
    case "p50":
      return quantileMs(0.5, after.buckets, counts);
    case "p99":
      return quantileMs(0.99, after.buckets, counts);
  }
}

type Listener = (summary: MetricsSummary, before: MetricsSummary | undefined) => void;

/** One poller for the whole page, running while some chart listens. */
class MetricsPoller {
  #listeners = new Set<Listener>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #last: MetricsSummary | undefined;
  #failed = false;

  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    if (this.#timer === undefined) void this.#tick();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && this.#timer !== undefined) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  async #tick(): Promise<void> {
    this.#timer = setTimeout(() => void this.#tick(), POLL_MS);
    try {
      const summary = await getMetricsSummary();
      const before = this.#last;
      this.#last = summary;
      this.#failed = false;
      for (const l of this.#listeners) l(summary, before);
    } catch (e) {
      // Said once per outage, not at every poll; the charts keep their history meanwhile.
      if (!this.#failed) console.warn("metrics summary:", e);
      this.#failed = true;
    }
  }
}

const poller = new MetricsPoller();

const COLOURS = ["#2f6fdf", "#d9480f", "#2b8a3e", "#862e9c", "#c92a2a", "#0b7285", "#5c940d", "#e67700"];

export interface ChartSpec {
  kind: "latency" | "throughput";
  title: string;
  unit: string;
  lines: Line[];
}

/**
 * A chart that draws its lines from the polled metrics until `stop()` (called when the view
 * changes). Its element carries `data-points` (how many polls it has drawn) and `data-last` (each
 * line's latest value, JSON), for tests and scripts.
 */
export function liveChart(spec: ChartSpec): { element: HTMLElement; stop: () => void } {
  const plotArea = h("div", { className: "plot" });
  const element = h(
    "figure",
    { className: "chart", dataset: { chart: spec.kind, points: "0" } },
    h("figcaption", null, `${spec.title} (${spec.unit})`),
    plotArea,
  );
  const xs: number[] = [];
  const ys: (number | null)[][] = spec.lines.map(() => []);
  let plot: uPlot | undefined;
  const width = () => Math.max(280, plotArea.clientWidth || 480);
  const stopPolling = poller.listen((summary, before) => {
    if (before === undefined) return;
    xs.push(summary.at / 1000);
    spec.lines.forEach((line, i) => ys[i]!.push(between(before, summary, line)));
    if (xs.length > HISTORY) {
      xs.shift();
      for (const y of ys) y.shift();
    }
    const data = [xs, ...ys] as uPlot.AlignedData;
    if (plot === undefined) {
      plot = new uPlot(
        {
          width: width(),
          height: 200,
          series: [{}, ...spec.lines.map((line, i) => ({ label: line.label, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: false }))],
          axes: [{}, { label: spec.unit, size: 60 }],
          scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
          legend: { live: false },
        },
        data,
        plotArea,
      );
    } else plot.setData(data);
    element.dataset.points = String(xs.length);
    element.dataset.last = JSON.stringify(ys.map((y) => y[y.length - 1] ?? null));
  });
  const resize = new ResizeObserver(() => plot?.setSize({ width: width(), height: 200 }));
  resize.observe(plotArea);
  return {
    element,
    stop: () => {
      stopPolling();
      resize.disconnect();
      plot?.destroy();
    },
  };
}

/** Throughput lines: requests per second for each of `groups`. */
export function throughputSpec(title: string, groups: { label: string; pick: Pick }[]): ChartSpec {
  return { kind: "throughput", title, unit: "req/s", lines: groups.map((g) => ({ ...g, measure: "requests" })) };
}

/** Latency lines: p50 and p99 of what `pick` adds up. */
export function latencySpec(title: string, pick: Pick): ChartSpec {
  return {
    kind: "latency",
    title,
    unit: "ms",
    lines: [
      { label: "p50", pick, measure: "p50" },
      { label: "p99", pick, measure: "p99" },
    ],
  };
}

/** Scoring traffic only: the score and stream routes. */
export const scoring: Pick = (s) => s.route === "score" || s.route === "stream";
