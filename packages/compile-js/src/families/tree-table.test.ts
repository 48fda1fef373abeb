import { describe, expect, it } from "vitest";
import { interpret, treeTableOf, type MiningModel, type TreeModel } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { forestRows, forestText, type ForestSpec } from "../../../../fixtures/gen/forest.ts";
import { treeTableReading } from "../../../pmml/src/models/tree-table.ts";
import { compilePipeline } from "../compile.ts";
import { CompiledScorer } from "../scorer.ts";

// Issue 14: forests whose trees the PMML reader left as node tables compile to the same module
// as from IR nodes (lowering and leaf scores read the tables), without making the nodes.

function parsed(text: string, tables: boolean) {
  treeTableReading.enabled = tables;
  try {
    return parsePmml(text);
  } finally {
    treeTableReading.enabled = true;
  }
}

const trees = (p: ReturnType<typeof parsePmml>) => (p.model as MiningModel).segments.map((s) => s.model as TreeModel);

describe("compile-js over trees read as node tables (issue 14)", () => {
  const specs: [string, ForestSpec, string?][] = [
    ["regression average", { trees: 8, depth: 5, features: 5, task: "regression", seed: 11 }],
    [
      "gradient boosting (sum), right children True",
      { trees: 6, depth: 4, features: 5, task: "regression", seed: 12, boosting: { baseScore: 0.5 }, elseTrue: true },
    ],
    ["float mathContext and float fields", { trees: 5, depth: 4, features: 5, task: "regression", seed: 13 }, "float"],
  ];
  for (const [name, spec, float] of specs) {
    it(`${name}: the same generated module and scores, the tables never made into nodes`, () => {
      let text = forestText(spec);
      if (float)
        text = text
          .replaceAll('dataType="double"', 'dataType="float"')
          .replace('<MiningModel functionName="regression"', '<MiningModel functionName="regression" mathContext="float"')
          .replaceAll('<TreeModel functionName="regression"', '<TreeModel functionName="regression" mathContext="float"');
      const fromTables = parsed(text, true);
      const fromNodes = parsed(text, false);
      const a = compilePipeline(fromTables, { treeLayout: "table" });
      expect(trees(fromTables).every((t) => treeTableOf(t) !== undefined)).toBe(true);
      const b = compilePipeline(fromNodes, { treeLayout: "table" });
      expect(a.source).toMatch(/walkForest/);
      expect(a.source).toBe(b.source);
      // The pool too: thresholds, leaf scores, the lowered table (functions are the same helpers).
      expect(a.constants).toEqual(b.constants);
      const rows = forestRows(spec.features, 64, 3).map((r, i) => (i % 9 === 0 ? { ...r, x1: null } : r));
      const ra = new CompiledScorer(a).scoreRows(rows).results;
      expect(ra).toEqual(new CompiledScorer(b).scoreRows(rows).results);
      expect(ra).toEqual(rows.map((r) => interpret(fromNodes, r)));
    });
  }

  it("a vote over classification trees with score-only leaves makes the nodes it needs and scores alike", () => {
    const text = forestText({ trees: 4, depth: 3, features: 4, task: "regression", seed: 21 })
      .replace(
        '<DataField name="y" optype="continuous" dataType="double"/>',
        '<DataField name="y" optype="categorical" dataType="string"><Value value="lo"/><Value value="hi"/></DataField>',
      )
      .replaceAll('functionName="regression"', 'functionName="classification"')
      .replace('multipleModelMethod="average"', 'multipleModelMethod="majorityVote"')
      .replaceAll(/score="(-?)[0-9.]+"/g, (_m, sign: string) => `score="${sign ? "lo" : "hi"}"`);
    const fromTables = parsed(text, true);
    const fromNodes = parsed(text, false);
    const a = compilePipeline(fromTables, { treeLayout: "table" });
    const b = compilePipeline(fromNodes, { treeLayout: "table" });
    expect(a.source).toBe(b.source);
    expect(a.constants).toEqual(b.constants);
    const rows = forestRows(4, 40, 5);
    expect(new CompiledScorer(a).scoreRows(rows).results).toEqual(new CompiledScorer(b).scoreRows(rows).results);
  });

  it("the branches layout (small forests, auto) makes the nodes and compiles alike", () => {
    const text = forestText({ trees: 3, depth: 3, features: 4, task: "regression", seed: 22 });
    const a = compilePipeline(parsed(text, true));
    const b = compilePipeline(parsed(text, false));
    expect(a.source).toBe(b.source);
  });
});
