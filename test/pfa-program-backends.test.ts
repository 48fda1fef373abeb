/**
 * A PFA document lowered as a program (the IR's ProgramModel) on the IR backends: only compile-js
 * compiles programs; preparePipeline takes the pipeline (no DataFields: the program reads the
 * document's own row), and the reference interpreter, interp, onnx and gpu refuse it with one reason.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { LoweredPlan, ScoringPlan } from "@porta/backend";
import { interpret, preparePipeline, PROGRAM_REFUSAL, UnsupportedFeatureError } from "@porta/ir";
import { resolveLimits } from "@porta/ir/limits";
import { pfaBackend } from "@porta/pfa";
import { interpreterBackend } from "@porta/interp";
import { onnxBackend } from "@porta/onnx";
import { gpuJsBackend } from "@porta/compile-gpu";

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/pfa/${name}`, import.meta.url), "utf8");

describe("a PFA program on the IR backends other than compile-js", () => {
  it("preparePipeline takes it; the interpreter, interp, onnx and gpu refuse it, saying compile-js compiles it", async () => {
    const plan: ScoringPlan = { format: "pfa", text: fixture("titus-kmeans.pfa.json"), limits: resolveLimits() };
    const lowered = pfaBackend.lower!(plan) as LoweredPlan;
    expect(lowered).toMatchObject({ lowering: "program", input: { kind: "avro" }, pipeline: { dataFields: [], model: { kind: "program" } } });
    const prepared = preparePipeline(lowered.pipeline, plan.limits);
    expect(() => interpret(prepared, {})).toThrow(UnsupportedFeatureError);
    expect(() => interpret(prepared, {})).toThrow(PROGRAM_REFUSAL);
    const pmml: ScoringPlan = { format: "pmml", pipeline: lowered.pipeline, limits: plan.limits };
    for (const backend of [interpreterBackend, onnxBackend, gpuJsBackend])
      expect(await backend.compile(pmml)).toEqual({ refused: true, reason: PROGRAM_REFUSAL });
  });
});
