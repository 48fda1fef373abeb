/**
 * Documents lowered into the IR on the backend seam: resolution hands an IR backend the pipeline
 * a format's lowering backend made (once per resolution), reports a lowering's refusal as that
 * backend's reason, and the lowered session reads rows in the document's own shape.
 */
import { describe, expect, it } from "vitest";
import { resolveLimits } from "@porta/ir/limits";
import type { Pipeline } from "@porta/ir";
import { refuse, registerBackend, resolveBackendSync, unregisterBackend, type Backend, type ScoringPlan, type Session } from "./backend.ts";
import type { LoweredPlan } from "./lowered.ts";

const PLAN: ScoringPlan = { format: "pfa", text: "{}", limits: resolveLimits() };
const PIPELINE = { format: "pmml", dataFields: [] } as unknown as Pipeline;

/** An IR backend whose session echoes each row's fields `a` and `b` as `sum`, and records the pipelines it was given. */
function irBackend(seen: ScoringPlan[]): Backend {
  const session: Session = {
    backend: "fake-ir",
    facts: {
      modelTypes: ["TreeModel"],
      inputFields: [
        { name: "a", dataType: "double" },
        { name: "b", dataType: "double" },
      ],
      outputFields: [{ name: "sum", dataType: "double" }],
    },
    run: async () => ({ length: 0, columns: new Map(), errors: [] }),
    scoreRows: (rows) => ({ results: rows.map((r) => ({ sum: (r.a as number) + (r.b as number) })), errors: rows.map(() => undefined) }),
  };
  return {
    name: "fake-ir",
    description: "",
    sync: true,
    formats: ["pmml"],
    scoresLowered: true,
    compile: (plan) => {
      seen.push(plan);
      return session;
    },
  };
}

function lowering(answer: () => LoweredPlan | ReturnType<typeof refuse>, calls: { n: number }): Backend {
  return {
    name: "fake-lower",
    description: "",
    sync: true,
    formats: ["pfa"],
    lowers: ["pfa"],
    compile: () => refuse("only lowers"),
    lower: () => {
      calls.n++;
      return answer();
    },
  };
}

function withBackends<T>(backends: Backend[], f: () => T): T {
  backends.forEach((b, k) => registerBackend(b.name, b, 1000 - k));
  try {
    return f();
  } finally {
    for (const b of backends) unregisterBackend(b.name);
  }
}

describe("lowered documents on the backend seam (issue 15)", () => {
  it("an IR backend named for a PFA document gets the lowered pipeline; rows of an array input are spread into its fields", () => {
    const seen: ScoringPlan[] = [];
    const calls = { n: 0 };
    const lowered: LoweredPlan = {
      pipeline: PIPELINE,
      input: { kind: "array", name: "input", fields: ["a", "b"], lengthError: { code: "LEN", message: "wrong length" } },
      inputFields: [{ name: "input", dataType: "array<double>" }],
      origin: "PFA map",
    };
    const r = withBackends([irBackend(seen), lowering(() => lowered, calls)], () => resolveBackendSync({ backends: ["fake-ir"], format: "pfa" }, PLAN));
    expect(seen).toEqual([{ format: "pmml", pipeline: PIPELINE, limits: PLAN.limits }]);
    expect(calls.n).toBe(1);
    expect(r.session.facts.modelTypes).toEqual(["PFA map", "TreeModel"]);
    expect(r.session.facts.inputFields).toEqual([{ name: "input", dataType: "array<double>" }]);
    const out = r.session.scoreRows!([{ input: [1, 2] }, { input: [1] }, { input: "x" }]);
    expect(out.results).toEqual([{ sum: 3 }, null, null]);
    expect(out.errors.map((e) => (e as { code?: string } | undefined)?.code)).toEqual([undefined, "LEN", "PFA_INPUT"]);
  });

  it("a refused lowering is the IR backend's refusal, with the lowering's reason; auto then goes on to the format's own backend", () => {
    const seen: ScoringPlan[] = [];
    const calls = { n: 0 };
    const own: Backend = {
      name: "fake-own",
      description: "",
      sync: true,
      formats: ["pfa"],
      compile: () => ({ ...irBackend([]).compile(PLAN), backend: "fake-own" }) as Session,
    };
    const r = withBackends([irBackend(seen), lowering(() => refuse("an emit engine"), calls), own], () =>
      resolveBackendSync({ backends: ["fake-ir", "fake-own"], format: "pfa" }, PLAN),
    );
    expect(seen).toEqual([]);
    expect(r.session.backend).toBe("fake-own");
    expect(r.refusals).toEqual([{ backend: "fake-ir", reason: "the pfa document is not lowered into the IR: an emit engine" }]);
  });
});
