import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { compilePipeline } from "./compile.ts";
import { CompiledScorer, KERNEL_BLOCK_ROWS } from "./scorer.ts";

// A tree over a number and a category, with an invalid-value error for some rows: every kind of
// output column (numbers, categories, row error flags) must land on its own row in every block.
const text = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
  <DataDictionary>
    <DataField name="x" optype="continuous" dataType="double"><Interval closure="closedClosed" leftMargin="-1000" rightMargin="100000"/></DataField>
    <DataField name="c" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/></DataField>
    <DataField name="y" optype="categorical" dataType="string"><Value value="lo"/><Value value="hi"/></DataField>
  </DataDictionary>
  <TreeModel functionName="classification">
    <MiningSchema><MiningField name="x" invalidValueTreatment="returnInvalid"/><MiningField name="c"/><MiningField name="y" usageType="target"/></MiningSchema>
    <Output><OutputField name="p" feature="probability" value="hi"/><OutputField name="label" feature="predictedValue"/></Output>
    <Node score="lo"><True/>
      <Node score="hi"><SimplePredicate field="c" operator="equal" value="a"/>
        <ScoreDistribution value="lo" recordCount="1"/><ScoreDistribution value="hi" recordCount="3"/></Node>
      <Node score="lo"><SimplePredicate field="x" operator="lessThan" value="5000"/>
        <ScoreDistribution value="lo" recordCount="4"/><ScoreDistribution value="hi" recordCount="1"/></Node>
      <Node score="hi"><True/><ScoreDistribution value="lo" recordCount="0"/><ScoreDistribution value="hi" recordCount="2"/></Node>
    </Node>
  </TreeModel></PMML>`;

describe("CompiledScorer on batches larger than one kernel block", () => {
  it("scores each block's rows into their own places: the same results and errors as small batches", () => {
    const scorer = new CompiledScorer(compilePipeline(parsePmml(text)));
    const n = 2 * KERNEL_BLOCK_ROWS + 123;
    // Row i is unique enough to catch a block written at the wrong offset; every 97th row is invalid (x past the Interval).
    const rows = Array.from({ length: n }, (_, i) => ({ x: i % 97 === 0 ? 200000 : (i * 37) % 10000, c: i % 3 === 0 ? "a" : "b" }));
    const whole = scorer.scoreRows(rows);
    const small = { results: [] as unknown[], errors: [] as (string | undefined)[] };
    for (let start = 0; start < n; start += 1000) {
      const part = scorer.scoreRows(rows.slice(start, start + 1000));
      small.results.push(...part.results);
      small.errors.push(...part.errors.map((e) => e?.code));
    }
    expect(whole.results).toEqual(small.results);
    expect(whole.errors.map((e) => e?.code)).toEqual(small.errors);
    expect(whole.errors.filter((e) => e !== undefined).length).toBe(Math.ceil(n / 97));
    expect(new Set(whole.results.map((r) => r?.label))).toEqual(new Set(["hi", "lo", undefined]));
  });
});
