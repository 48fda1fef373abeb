import { describe, expect, it } from "vitest";
import { interpret } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { compilePipeline } from "../compile.ts";
import { CompiledScorer } from "../scorer.ts";
import { expectSameAnswers, pmml, xyFields, xyRows } from "./same-answers.test-helper.ts";

const classMining = `<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="t" usageType="target"/></MiningSchema>`;
const LE = (f: string, v: number) => `<SimplePredicate field="${f}" operator="lessOrEqual" value="${v}"/>`;
const GT = (f: string, v: number) => `<SimplePredicate field="${f}" operator="greaterThan" value="${v}"/>`;

/** Leaf with a ScoreDistribution of record counts, listed "no" before "yes" (not the DataField's order). */
function leaf(predicate: string, no: number, yes: number, score?: string): string {
  return `<Node${score ? ` score="${score}"` : ""}>${predicate}${dist(no, yes)}</Node>`;
}

function dist(no: number, yes: number): string {
  return `<ScoreDistribution value="no" recordCount="${no}"/><ScoreDistribution value="yes" recordCount="${yes}"/>`;
}

/**
 * A classification tree as nyoka writes a random forest's: distributions on the leaves only.
 * Even trees split first on x, odd ones on y, and lean the other way at that first leaf, so
 * two trees can tie and a missing value leaves one tree, not the other, without a prediction.
 */
function tree(k: number, strategy = ""): string {
  const [f, g] = k % 2 === 0 ? ["x", "y"] : ["y", "x"];
  const [no, yes] = k % 2 === 0 ? [1, 3] : [3, 1];
  return `<TreeModel functionName="classification" ${strategy}>${classMining}
  <Node><True/>${dist(6, 10)}${leaf(LE(f, 1), no, yes, "yes")}<Node>${GT(f, 1)}${dist(k + 3, 6 - k)}${leaf(LE(g, 0.5), 2, 2)}${leaf("<True/>", k + 1, 4 - k, "no")}</Node></Node></TreeModel>`;
}

function forest(method: string, trees: string[], predicates = false): string {
  const output = `<Output><OutputField name="pyes" feature="probability" value="yes"/><OutputField name="pno" feature="probability" value="no"/><OutputField name="pred" feature="predictedValue"/></Output>`;
  return pmml(
    xyFields,
    `<MiningModel functionName="classification">${classMining}${output}
  <Segmentation multipleModelMethod="${method}">
  ${trees.map((t, k) => `<Segment id="s${k}" weight="${k === 1 ? 2.5 : 1}">${predicates && k === 2 ? LE("y", 3) : "<True/>"}${t}</Segment>`).join("\n")}
  </Segmentation></MiningModel>`,
  );
}

const rows = [...xyRows, { x: 0.5, y: -1, z: "a" }, { x: null, y: 0, z: "b" }, { x: 3, y: null, z: "c" }, { x: 2, y: 2, z: "a" }];

/** Compiled in each tree layout vs the interpreter; the ensemble must not fall back. */
function expectSameInEveryLayout(text: string, walkable: boolean): void {
  expectSameAnswers(text, rows);
  const pipeline = parsePmml(text);
  // The invalid row is an error in both (checked above); scoreRows here has no error policy.
  const valid = rows.filter((r) => r.z !== "zz");
  const expected = valid.map((r) => interpret(pipeline, r));
  for (const treeLayout of ["branches", "table"] as const) {
    const compiled = compilePipeline(pipeline, { treeLayout });
    expect(compiled.source).toMatch(treeLayout === "table" && walkable ? /walkForest/ : /function tree/);
    expect(new CompiledScorer(compiled).scoreRows(valid).results).toEqual(expected);
  }
}

describe("compiled forest of classification trees averaged (§MiningModel average/weightedAverage of probabilities)", () => {
  for (const method of ["average", "weightedAverage"]) {
    it(`${method}: per-class sums in segment order, ties to the first category listed, a tree without prediction makes it missing`, () => {
      // Trees 0 and 1 tie at their first leaves: ties go to the distributions' first category ("no").
      expectSameInEveryLayout(forest(method, [tree(0), tree(1)]), true);
      expectSameInEveryLayout(forest(method, [tree(0), tree(1), tree(2)]), true);
    });
    // Segment predicates keep the branches layout (the node table walks every row).
    it(`${method}: segment predicates and returnLastPrediction`, () => {
      expectSameInEveryLayout(
        forest(method, [tree(1), tree(2, `noTrueChildStrategy="returnLastPrediction"`), tree(3, `missingValueStrategy="lastPrediction"`)], true),
        false,
      );
    });
  }
  it("compiles straight-line per-class accumulators (no fallback, no per-row map)", () => {
    const compiled = compilePipeline(parsePmml(forest("average", [tree(1), tree(2)])), { treeLayout: "branches" });
    expect(compiled.source).not.toMatch(/new Map/);
    expect(compiled.source).toMatch(/acc\d+\[a \+ 1\] \+=/);
  });
});
