/**
 * Documents lowered into the IR on the backend seam: resolution hands an IR backend the pipeline
 * a format's lowering backend made (once per resolution), reports a lowering's refusal as that
 * backend's reason, and the lowered session reads rows in the document's own shape.
 */
import { describe, expect, it } from "vitest";
import { resolveLimits } from "@porta/ir/limits";
import type { Pipeline } from "@porta/ir";
import {
  refuse,
  registerBackend,
  resolveBackendSync,
  unregisterBackend,
  type ArtifactHooks,
  type Backend,
  type ModelFacts,
  type ScoringPlan,
  type Session,
  type SessionArtifact,
} from "./backend.ts";
import type { LoweredPlan, LoweredSession } from "./lowered.ts";

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

  it("a program (input kind avro) reads the document's rows itself: rows and batches pass to the inner session as they are, results unchanged", () => {
    const seen: ScoringPlan[] = [];
    const ir = irBackend(seen);
    const batches: unknown[] = [];
    const lowered: LoweredPlan = { pipeline: PIPELINE, input: { kind: "avro" }, inputFields: [{ name: "a", dataType: "double" }], origin: "PFA map" };
    const r = withBackends([ir, lowering(() => lowered, { n: 0 })], () => resolveBackendSync({ backends: ["fake-ir"], format: "pfa" }, PLAN));
    const inner = (r.session as LoweredSession).inner;
    inner.runSync = (batch) => {
      batches.push(batch);
      return { length: batch.length, columns: new Map(), errors: [] };
    };
    // no field is checked, spread or rewritten: a string where the other kinds want a number reaches the program
    const out = r.session.scoreRows!([
      { a: 1, b: 2 },
      { a: "nan", b: 1, extra: [1] },
    ]);
    expect(out.results).toEqual([{ sum: 3 }, { sum: "nan1" }]);
    expect(out.errors).toEqual([undefined, undefined]);
    const batch = { length: 1, columns: new Map([["a", { kind: "value" as const, values: [{ x: 1 }] }]]) };
    r.session.runSync!(batch);
    expect(batches).toEqual([batch]);
    expect(batches[0]).toBe(batch);
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

  it("a lowered session's artifact (the IR backend's, the row shape beside it) restores without lowering or compiling again; tools still get the pipeline", () => {
    const seen: ScoringPlan[] = [];
    const calls = { n: 0 };
    const ir = irBackend(seen);
    const inner = ir.compile(PLAN) as Session;
    seen.length = 0;
    const restored: SessionArtifact[] = [];
    ir.restore = (artifact) => {
      restored.push(artifact);
      return inner;
    };
    inner.artifact = () => ({ code: "kernel", meta: { k: 1 } });
    const lowered: LoweredPlan = {
      pipeline: PIPELINE,
      input: { kind: "array", name: "input", fields: ["a", "b"], lengthError: { code: "LEN", message: "wrong length" } },
      inputFields: [{ name: "input", dataType: "array<double>" }],
      origin: "PFA map",
    };
    const store = new Map<string, { artifact: SessionArtifact; facts: ModelFacts }>();
    const hooks: ArtifactHooks = {
      stored: (b) => store.get(b.name),
      unreadable: (b) => void store.delete(b.name),
      compiled: (b, session) => {
        const artifact = session.artifact?.();
        if (artifact) store.set(b.name, { artifact: JSON.parse(JSON.stringify(artifact)), facts: JSON.parse(JSON.stringify(session.facts)) });
      },
    };
    const resolve = () =>
      withBackends([ir, lowering(() => lowered, calls)], () => resolveBackendSync({ backends: ["fake-ir"], format: "pfa" }, () => PLAN, hooks));
    const first = resolve();
    const second = resolve();
    expect([first.restored, second.restored]).toEqual([false, true]);
    expect(seen.length).toBe(1); // compiled once
    expect(calls.n).toBe(1); // lowered once
    expect(restored).toEqual([{ code: "kernel", meta: { k: 1 } }]); // the IR backend's own artifact, the row shape taken off
    expect(second.session.facts).toEqual(first.session.facts);
    const out = second.session.scoreRows!([{ input: [1, 2] }, { input: [1] }]);
    expect(out.results).toEqual([{ sum: 3 }, null]);
    expect(out.errors.map((e) => (e as { code?: string } | undefined)?.code)).toEqual([undefined, "LEN"]);
    // porta inspect reads the pipeline: lowered again then, once, off the scoring path
    const session = second.session as LoweredSession;
    expect(calls.n).toBe(1);
    expect(session.plan.pipeline).toBe(PIPELINE);
    expect(calls.n).toBe(2);
    // an entry of another layout (another build's) is dropped and compiled again, never a broken session
    const entry = store.get("fake-ir")!;
    store.set("fake-ir", { ...entry, artifact: { ...entry.artifact, meta: { ...entry.artifact.meta, lowered: { input: {} } } } });
    const third = resolve();
    expect(third.restored).toBe(false);
    expect(third.session.facts).toEqual(first.session.facts);
    expect(store.get("fake-ir")?.artifact.meta.lowered).toMatchObject({ plan: { origin: "PFA map" } });
  });
});
