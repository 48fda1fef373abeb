import { describe, expect, it } from "vitest";
import { parseXml } from "../../pmml/src/xml.ts";
import { renderChart, textWidth, type ChartSpec } from "./chart.ts";

/** Every `<text>` of the chart as [x, anchor, content], and the canvas size. */
function texts(svg: string): { width: number; height: number; items: { x: number; y: number; anchor: string; content: string }[] } {
  const root = parseXml(svg);
  expect(root.name).toBe("svg");
  const items = root
    .children("text")
    .map((t) => ({ x: Number(t.attr("x")), y: Number(t.attr("y")), anchor: t.attr("text-anchor") ?? "start", content: t.text() }));
  return { width: Number(root.attr("width")), height: Number(root.attr("height")), items };
}

const longLabels = ["regression-50 onnx/interp", "forest-500 (classification, 43 MB document) js/interp", "kmeans-16 js/interp"];

describe("SVG charts: the legend and the title fit the canvas", () => {
  const charts: ChartSpec[] = [
    { kind: "bars", title: "backends: speed-up", yLabel: "x", bars: longLabels.map((label, i) => ({ label, value: 10 ** i })) },
    {
      kind: "lines",
      title: "batch",
      xLabel: "rows",
      yLabel: "ms",
      series: longLabels.map((name, i) => ({
        name,
        points: [
          [1, 1 + i],
          [1000, 10 + i],
        ],
      })),
    },
    { kind: "bars", title: "many entries", yLabel: "x", bars: Array.from({ length: 30 }, (_, i) => ({ label: `case ${i}`, value: i + 1 })) },
  ];
  for (const spec of charts) {
    it(`${spec.kind} "${spec.title}": every left-anchored label ends inside the width, every label above the bottom`, () => {
      const { width, height, items } = texts(renderChart(spec));
      const starts = items.filter((t) => t.anchor === "start");
      expect(starts.length).toBeGreaterThan(0);
      for (const t of starts) expect(t.x + textWidth(t.content), t.content).toBeLessThanOrEqual(width);
      for (const t of items) expect(t.y, t.content).toBeLessThanOrEqual(height);
    });
  }

  it("a 30-entry legend makes the canvas taller rather than running off it", () => {
    expect(texts(renderChart(charts[2]!)).height).toBeGreaterThan(texts(renderChart(charts[0]!)).height);
  });

  it("labels are escaped: a label cannot inject markup", () => {
    const svg = renderChart({ kind: "bars", title: "<script>", yLabel: "y", bars: [{ label: "a</text><script>x</script>", value: 1 }] });
    expect(svg).not.toContain("<script>");
    expect(texts(svg).items.map((t) => t.content)).toContain("a</text><script>x</script>");
  });
});
