/**
 * The lowering of PFA engines into the IR: which actions are recognised and what they become
 * (the IR model nodes PMML's reader gives), why others are refused, and that the lowered
 * pipeline, run by the IR's reference interpreter, answers every fixture row as the PFA engine.
 * compile-js on the same pipelines is tested across packages (test/pfa-lowered.test.ts).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { interpret, type MiningModel, type TreeModel } from "@porta/ir";
import { compilePfa } from "../engine.ts";
import { parsePfa } from "../document.ts";
import { decodeInput, encodeOutput } from "../rows.ts";
import { lowerPfa, type LoweredPfa } from "./index.ts";

const FIXTURES = new URL("../../../../fixtures/pfa/", import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), "utf8");
const engineOf = (text: string) => compilePfa(parsePfa(text));

function lowered(text: string): LoweredPfa {
  const l = lowerPfa(engineOf(text));
  if (!l.lowered) throw new Error(`not lowered: ${l.reason}`);
  return l;
}

function refusal(text: string): string {
  const l = lowerPfa(engineOf(text));
  if (l.lowered) throw new Error("lowered");
  return l.reason;
}

/** The interpreter's result as the PFA session reports it: the record's fields, or `{output}`. */
function interpreted(l: LoweredPfa, row: unknown): Record<string, unknown> {
  const input = l.input.kind === "array" ? Object.fromEntries(l.input.fields.map((f, k) => [f, (row as number[])[k]])) : (row as Record<string, unknown>);
  const all = interpret(l.pipeline, input as never);
  // the interpreter reports non-final OutputFields too; the session shows the target and final ones
  const hidden = new Set(l.pipeline.model.output.filter((o) => !o.isFinalResult).map((o) => o.name));
  return Object.fromEntries(Object.entries(all).filter(([k]) => !hidden.has(k)));
}

const doc = (action: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    input: { type: "record", name: "In", fields: [{ name: "x", type: "double" }] },
    output: "double",
    cells: {
      m: {
        type: {
          type: "record",
          name: "M",
          fields: [
            { name: "coeff", type: { type: "array", items: "double" } },
            { name: "const", type: "double" },
          ],
        },
        init: { coeff: [2], const: 1 },
      },
    },
    action,
    ...extra,
  });
const linear = { "model.reg.linear": [{ new: ["input.x"], type: { type: "array", items: "double" } }, { cell: "m" }] };

describe("lowering PFA engines into the IR", () => {
  it("model.tree.simpleTree over a cell → a TreeModel: pass under the node's test, fail under True (spec §7 model.tree.simpleTree)", () => {
    const l = lowered(fixture("tree.pfa.json"));
    const tree = l.pipeline.model as TreeModel;
    expect(tree.kind).toBe("tree");
    expect(tree.functionName).toBe("classification");
    expect(tree.root.children.map((c) => c.predicate)).toMatchObject([
      { kind: "simple", field: "x1", operator: "lessThan", value: "1.9772" },
      { kind: "true" },
    ]);
    expect(l.pipeline.dataFields.find((f) => f.name === "output")?.validValues.sort()).toEqual(["setosa", "versicolor", "virginica"]);
  });

  it("a.mean of a.map(simpleTree) over a cell of trees → a MiningModel average of TreeModels", () => {
    const m = lowered(fixture("forest.pfa.json")).pipeline.model as MiningModel;
    expect(m.kind).toBe("mining");
    expect(m.multipleModelMethod).toBe("average");
    expect(m.segments.every((s) => s.model.kind === "tree")).toBe(true);
  });

  it("m.link.logit(model.reg.linear) → a RegressionModel with normalizationMethod logit; the label by threshold → a Discretize OutputField", () => {
    const l = lowered(fixture("logistic.pfa.json"));
    expect(l.pipeline.model).toMatchObject({ kind: "regression", normalizationMethod: "logit", tables: [{ intercept: -0.1382 }] });
    expect(l.pipeline.notices).toEqual(['lowered from the PFA document "logistic_regression": RegressionModel normalizationMethod=logit']);
    expect(l.pipeline.model.output.find((o) => o.name === "label")?.expr).toMatchObject({
      kind: "discretize",
      bins: [{ binValue: "yes", closure: "closedOpen", left: 0.5 }],
      defaultValue: "no",
    });
  });

  it("model.cluster.closest over an array input → a ClusteringModel (squaredEuclidean) with one field per element", () => {
    const l = lowered(fixture("kmeans.pfa.json"));
    expect(l.pipeline.model).toMatchObject({ kind: "clustering", measure: { measure: { kind: "squaredEuclidean" } } });
    expect(l.input).toMatchObject({ kind: "array", name: "input", fields: ["input[0]", "input[1]", "input[2]", "input[3]"] });
  });

  for (const name of ["tree", "forest", "kmeans", "logistic", "titus-cart"]) {
    it(`${name}: the lowered pipeline (reference interpreter) answers every fixture row as the PFA engine`, () => {
      const text = fixture(`${name}.pfa.json`);
      const engine = engineOf(text);
      const l = lowered(text);
      const rows = fixture(`${name}-input.ndjson`)
        .split("\n")
        .filter((s) => s.trim() !== "")
        .map((s) => JSON.parse(s) as unknown);
      for (const row of rows) {
        const pfa = encodeOutput(engine, engine.action(decodeInput(engine, row)));
        const ir = interpreted(l, row);
        expect(engine.outputType.kind === "record" ? ir : ir.output).toEqual(pfa);
      }
    });
  }

  it("refuses what it cannot lower exactly, with the reason and the document path", () => {
    // shapes not recognised as model calls, and not lowered as expressions either (program.ts)
    expect(refusal(fixture("titus-kmeans.pfa.json"))).toMatch(/the input of type array .*\(at \/input\)/);
    expect(refusal(fixture("prettypfa.pfa.json"))).toMatch(/input field tag of type union .*\(at \/input\/fields\/2\)/);
    expect(refusal(doc(linear, { method: "emit", output: "double", action: [{ emit: [linear] }] }))).toMatch(/emit engine/);
    expect(refusal(doc(linear, { begin: [{ cell: "m", to: { value: { coeff: [3], const: 0 }, type: "M" } }] }))).toMatch(/begin or end .*\(at \/begin\)/);
    // PFA's loglog is exp(−exp(x)), PMML's exp(−exp(−y)): not the same function
    expect(refusal(doc({ "m.link.loglog": [linear] }))).toMatch(
      /argument 0 of model.reg.linear of type array .*\(at \/action\/0\/m.link.loglog\/0\/model.reg.linear\/0\)/,
    );
    expect(refusal(doc({ "+": [linear, 1] }))).toMatch(/argument 0 of model.reg.linear of type array/);
  });

  it("a bare model.reg.linear is a RegressionModel without normalization, scoring as PFA", () => {
    const text = doc(linear);
    const l = lowered(text);
    expect(l.pipeline.model).toMatchObject({ kind: "regression", normalizationMethod: "none" });
    expect(interpreted(l, { x: 3 }).output).toBe(7);
  });

  it("a tree operator other than the six comparisons is refused (PFA tests it differently or raises)", () => {
    const text = fixture("tree.pfa.json").replace('"operator":"<","value":1.9772', '"operator":"alwaysTrue","value":1.9772');
    expect(refusal(text)).toMatch(/operator "alwaysTrue"/);
  });
});
