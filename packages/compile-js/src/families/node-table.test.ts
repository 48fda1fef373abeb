import { describe, expect, it } from "vitest";
import { interpret } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { compilePipeline } from "../compile.ts";
import { CompiledScorer } from "../scorer.ts";
import { pmml, xyFields, xyRows } from "./same-answers.test-helper.ts";

const OR_MISSING_LEFT = (f: string, v: number) =>
  `<CompoundPredicate booleanOperator="or"><SimplePredicate field="${f}" operator="lessOrEqual" value="${v}"/><SimplePredicate field="${f}" operator="isMissing"/></CompoundPredicate>`;
const OR_MISSING_RIGHT = (f: string, v: number) =>
  `<CompoundPredicate booleanOperator="or"><SimplePredicate field="${f}" operator="isMissing"/><SimplePredicate field="${f}" operator="greaterThan" value="${v}"/></CompoundPredicate>`;
const LE = (f: string, v: number) => `<SimplePredicate field="${f}" operator="lessOrEqual" value="${v}"/>`;
const GT = (f: string, v: number) => `<SimplePredicate field="${f}" operator="greaterThan" value="${v}"/>`;

/** Two trees: missing values sent left by the first child, or right by the second (XGBoost/KNIME style). */
function forest(strategy: string): string {
  const tree = (
    a: string,
    b: string,
    c: string,
    d: string,
    s: number,
  ) => `<Segment><True/><TreeModel functionName="regression" missingValueStrategy="${strategy}" noTrueChildStrategy="returnLastPrediction">
    <MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="r" usageType="target"/></MiningSchema>
    <Node id="r${s}" score="${s}"><True/>
      <Node id="a${s}" score="${s + 1}" defaultChild="c${s}">${a}<Node id="c${s}" score="${s + 2}">${c}</Node><Node id="d${s}" score="${s + 3}">${d}</Node></Node>
      <Node id="b${s}" score="${s + 4}">${b}</Node>
    </Node></TreeModel></Segment>`;
  return pmml(
    xyFields,
    `<MiningModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="r" usageType="target"/></MiningSchema>
    <Segmentation multipleModelMethod="sum">
      ${tree(OR_MISSING_LEFT("x", 1), GT("x", 1), LE("y", 2), OR_MISSING_RIGHT("y", 2), 10)}
      ${tree(LE("y", 0.5), OR_MISSING_RIGHT("y", 0.5), OR_MISSING_LEFT("x", 3), GT("x", 3), 100)}
    </Segmentation></MiningModel>`,
  );
}

describe("node table: splits that send missing values down one branch", () => {
  for (const strategy of ["none", "lastPrediction", "nullPrediction"]) {
    it(`matches the interpreter (missingValueStrategy=${strategy})`, () => {
      const pipeline = parsePmml(forest(strategy));
      const compiled = compilePipeline(pipeline, { treeLayout: "table" });
      expect(compiled.source).toMatch(/walkTreeBatch/);
      const { results } = new CompiledScorer(compiled).scoreRows(xyRows);
      expect(results).toEqual(xyRows.map((r) => interpret(pipeline, r)));
    });
  }
});
