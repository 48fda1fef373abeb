import { describe, expect, it } from "vitest";
import { formatPmmlTables, type CaseReport } from "./pmml.ts";

const scored = (id: string, backend: string, refusals?: CaseReport["refusals"]): CaseReport => ({
  id,
  modelTypes: ["TreeModel"],
  passed: true,
  rows: 1,
  mismatches: 0,
  backend,
  refusals,
});

describe("the conformance tables' compile-coverage report", () => {
  it("counts the scorers and groups the refusals met before them by backend and reason, most cases first", () => {
    const text = formatPmmlTables({
      format: "pmml",
      total: 4,
      passed: 4,
      failed: 0,
      cases: [
        scored("a/One", "js"),
        scored("a/Two", "interp", [
          { backend: "js", reason: "compile-js does not compile X yet" },
          { backend: "onnx", reason: "X is not exported" },
        ]),
        scored("b/Three", "interp", [{ backend: "js", reason: "compile-js does not compile X yet" }]),
        scored("b/Four", "onnx", [{ backend: "js", reason: "compile-js does not compile Y yet" }]),
      ],
    });
    expect(text).toContain("scored by: js 1/4, interp 2/4, onnx 1/4 loaded cases");
    const lines = text.split("\n").filter((l) => l.includes(" refused: "));
    expect(lines).toEqual([
      "  js refused: compile-js does not compile X yet (2: a/Two, b/Three)",
      "  js refused: compile-js does not compile Y yet (1: b/Four)",
      "  onnx refused: X is not exported (1: a/Two)",
    ]);
  });

  it("prints no refusal line when the first backend scored every case", () => {
    const text = formatPmmlTables({ format: "pmml", total: 1, passed: 1, failed: 0, cases: [scored("a/One", "js")] });
    expect(text).not.toContain("refused");
  });
});
