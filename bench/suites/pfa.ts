/**
 * PFA scoring: the compiled engine (the syntax tree turned into closures once, packages/pfa
 * compiler/) against the tree-walking reference interpreter (packages/pfa walker/, which
 * walks the same syntax tree on every call), on the four model documents in fixtures/pfa.
 *
 * Ratio convention: `compiled/walker@<model>` is a speed-up, walker time ÷ compiled time for the
 * same rows (> 1: compiled is faster). Inputs are decoded once beforehand; both engines use the
 * same library function implementations, so the ratio isolates the evaluation strategy.
 */
import { readFileSync } from "node:fs";
import { compilePfa, decodeInput, parsePfa, walkPfa } from "@porta/pfa";
import { defineSuite, type BenchResult } from "../harness.ts";

const MODELS = ["tree", "forest", "kmeans", "logistic"] as const;
const FIXTURES = new URL("../../fixtures/pfa/", import.meta.url);

/** Results land here so that no call can be optimised away. */
export let sink = 0;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export default defineSuite({
  name: "pfa",
  description: "PFA rows/s on the four fixture models: compiled closures vs the tree-walking interpreter",
  async run(ctx) {
    const full = ctx.size === "full";
    const ratios: Record<string, number> = {};
    const results: BenchResult[] = [];
    const bars: { label: string; value: number }[] = [];
    for (const name of MODELS) {
      const text = readFileSync(new URL(`${name}.pfa.json`, FIXTURES), "utf8");
      const engine = compilePfa(parsePfa(text));
      const walker = walkPfa(parsePfa(text));
      const lines = readFileSync(new URL(`${name}-input.ndjson`, FIXTURES), "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "");
      const rows = (full ? lines : lines.slice(0, 20)).map((l) => decodeInput(engine, JSON.parse(l)));
      for (const row of rows) {
        const a = engine.action(row),
          b = walker.action(row);
        if (!same(a, b)) throw new Error(`pfa bench: ${name}: walker and compiled disagree: ${JSON.stringify(b)} vs ${JSON.stringify(a)}`);
      }
      const n = rows.length;
      const consume = (v: unknown) => {
        sink += typeof v === "number" ? v : typeof v === "string" ? v.length : 1;
      };
      ctx.log(`pfa: ${name} (${n} rows per op)`);
      const compiled = await ctx.measure(`${name} compiled`, () => {
        for (let i = 0; i < n; i++) consume(engine.action(rows[i]));
      });
      const walked = await ctx.measure(`${name} walker`, () => {
        for (let i = 0; i < n; i++) consume(walker.action(rows[i]));
      });
      results.push({ case: `${name}: compiled`, n, ...compiled, elementsPerSec: n / (compiled.medianMs / 1e3) });
      results.push({ case: `${name}: walker`, n, ...walked, elementsPerSec: n / (walked.medianMs / 1e3) });
      ratios[`compiled/walker@${name}`] = Number((walked.medianMs / compiled.medianMs).toPrecision(4));
      bars.push({ label: `${name} compiled`, value: n / (compiled.medianMs / 1e3) }, { label: `${name} walker`, value: n / (walked.medianMs / 1e3) });
    }
    return {
      ratios,
      results,
      chart: { kind: "bars", title: "PFA scoring: rows/s (log scale)", yLabel: "rows per second", bars },
      notes: [
        "ratio compiled/walker@<model> = walker median time ÷ compiled median time on the same decoded rows (> 1: compiled faster)",
        "one operation scores every row of fixtures/pfa/<model>-input.ndjson (200 rows; 20 at smoke size); outputs checked equal first",
        "walker: packages/pfa/src/walker (walks the syntax tree per call, same library implementations); compiled: compilePfa closures",
        "models: tree = one simpleTree; forest = a.mean of a.map(simpleTree) over the forest cell; kmeans = model.cluster.closest + metric.simpleEuclidean; logistic = model.reg.linear + m.link.logit",
      ],
    };
  },
});
