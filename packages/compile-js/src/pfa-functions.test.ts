/**
 * The IR's `pfa:` functions (PFA's semantics, for lowered PFA documents) compiled by compile-js
 * give the interpreter's values bit for bit, and fail the same rows with the same PFA error code
 * and message, over edge values: the 32-bit bounds, zeros of both signs, NaN (missing), the
 * infinities, halves. (That both give the PFA engine's answers is tested across packages:
 * test/pfa-lowered.test.ts and test/pfa-conformance-lowered.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { builtinNames, EvaluationError, getBuiltin, interpret, type Expr, type Pipeline } from "@porta/ir";
import { compilePipeline } from "./compile.ts";
import { CompiledScorer } from "./scorer.ts";

const NAMES = ["x", "y"] as const;

function pipeline(fn: string, arity: number): Pipeline {
  const args: Expr[] = NAMES.slice(0, arity).map((field) => ({ kind: "fieldRef", field }));
  const boolean = getBuiltin(fn)!.resultType === "boolean";
  return {
    format: "pmml",
    version: "4.4",
    header: {},
    dataFields: NAMES.map((name) => ({ name, dataType: "double", opType: "continuous", validValues: [], invalidValues: [], missingValues: [], intervals: [] })),
    transformations: [],
    functions: [],
    model: {
      kind: "regression",
      functionName: "regression",
      isScorable: true,
      normalizationMethod: "none",
      miningSchema: NAMES.map((name) => ({
        name,
        usageType: "active",
        missingValueTreatment: "asIs",
        invalidValueTreatment: "returnInvalid",
        outliers: "asIs",
      })),
      localTransformations: [],
      targets: [],
      path: "/",
      tables: [{ intercept: 0, numericPredictors: [], categoricalPredictors: [], predictorTerms: [] }],
      output: [
        {
          name: "r",
          feature: "transformedValue",
          dataType: boolean ? "boolean" : "double",
          rank: 1,
          isFinalResult: true,
          expr: { kind: "apply", function: fn, args, invalidValueTreatment: "asMissing" },
        },
      ],
    },
  };
}

const EDGES = [0, -0, 1, -1, 2, -3, 0.5, -0.5, 1.5, 2.5, 7, 31, 46341, 65536, 2147483647, -2147483648, 1e10, -1e300, Infinity, -Infinity, NaN];

/** A row's answer: the value (Object.is-exact through toEqual of a boxed array), or the error's code, PFA code and message. */
function answer(run: () => Record<string, unknown> | null): unknown {
  try {
    return { value: [run()?.r] };
  } catch (e) {
    if (!(e instanceof EvaluationError)) throw e;
    return { error: [e.code, e.pfaCode, e.message] };
  }
}

describe("the IR's pfa: functions compiled by compile-js answer as the interpreter", () => {
  const names = builtinNames().filter((n) => n.startsWith("pfa:") && n !== "pfa:do");
  it("covers every pfa: function", () => {
    expect(names.length).toBeGreaterThan(40);
  });
  for (const fn of names) {
    it(fn, () => {
      const arity = getBuiltin(fn)!.minArgs;
      const p = pipeline(fn, arity);
      const scorer = new CompiledScorer(compilePipeline(p));
      const rows = arity === 1 ? EDGES.map((x) => ({ x, y: 0 })) : EDGES.flatMap((x) => EDGES.map((y) => ({ x, y })));
      const { results, errors } = scorer.scoreRows(rows);
      rows.forEach((row, i) => {
        const compiled = answer(() => {
          if (errors[i]) throw errors[i];
          return results[i]!;
        });
        const interpreted = answer(() => interpret(p, row));
        // NaN is missing in both (null), -0 stays -0
        expect(compiled, `${fn}(${row.x}, ${row.y})`).toEqual(interpreted);
      });
    });
  }
});
