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
      expect(compiled.source).toMatch(/walkForest/);
      for (const rows of [xyRows, [...xyRows, ...xyRows, ...xyRows]]) {
        const { results } = new CompiledScorer(compiled).scoreRows(rows);
        expect(results).toEqual(rows.map((r) => interpret(pipeline, r)));
      }
    });
  }
});

const COMPLEMENTS: Record<string, string> = {
  lessOrEqual: "greaterThan",
  lessThan: "greaterOrEqual",
  greaterOrEqual: "lessThan",
  greaterThan: "lessOrEqual",
  equal: "notEqual",
  notEqual: "equal",
};

/** Trees of depth 2 whose splits use `ops` in turn (complementary second children), thresholds at the rows' values so ties occur. */
function opsForest(ops: readonly string[], strategy: string): string {
  let next = 0;
  const split = (f: string, v: number) => {
    const o = ops[next++ % ops.length];
    return [`<SimplePredicate field="${f}" operator="${o}" value="${v}"/>`, `<SimplePredicate field="${f}" operator="${COMPLEMENTS[o]}" value="${v}"/>`];
  };
  const tree = (s: number) => {
    const [a, b] = split("x", s % 3);
    const [c, d] = split("y", 2);
    const [e, g] = split("x", 0.1);
    return `<Segment><True/><TreeModel functionName="regression" missingValueStrategy="${strategy}" noTrueChildStrategy="returnLastPrediction">
    <MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="r" usageType="target"/></MiningSchema>
    <Node id="r${s}" score="${s}" defaultChild="a${s}"><True/>
      <Node id="a${s}" score="${s + 1}" defaultChild="d${s}">${a}<Node id="c${s}" score="${s + 2}">${c}</Node><Node id="d${s}" score="${s + 3}">${d}</Node></Node>
      <Node id="b${s}" score="${s + 4}" defaultChild="f${s}">${b}<Node id="e${s}" score="${s + 5}">${e}</Node><Node id="f${s}" score="${s + 6}">${g}</Node></Node>
    </Node></TreeModel></Segment>`;
  };
  return pmml(
    xyFields,
    `<MiningModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="r" usageType="target"/></MiningSchema>
    <Segmentation multipleModelMethod="sum">${[10, 100, 1000].map(tree).join("")}</Segmentation></MiningModel>`,
  );
}

// 10 rows take the branching walk (under FEW_ROWS); 30 the compact one: seven groups of four rows walked together, then two alone.
const manyRows = [...xyRows, ...xyRows, ...xyRows];

describe("node table: the compact forest walk keeps every comparison of the split", () => {
  const opSets = [["lessThan"], ["greaterOrEqual"], ["equal"], ["notEqual"], ["greaterThan"], Object.keys(COMPLEMENTS)];
  for (const ops of opSets) {
    for (const strategy of ["none", "defaultChild", "nullPrediction"]) {
      it(`${ops.length > 1 ? "mixed operators" : ops[0]}, missingValueStrategy=${strategy}: the interpreter's answers`, () => {
        const pipeline = parsePmml(opsForest(ops, strategy));
        const compiled = compilePipeline(pipeline, { treeLayout: "table" });
        expect(compiled.source).toMatch(/walkForest/);
        for (const rows of [xyRows, manyRows]) {
          const { results } = new CompiledScorer(compiled).scoreRows(rows);
          expect(results).toEqual(rows.map((r) => interpret(pipeline, r)));
        }
      });
    }
  }
});
