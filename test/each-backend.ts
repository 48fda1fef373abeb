/**
 * One test body for every registered backend (tfjs's describeWithFlags): `describeEachBackend`
 * runs its body once per backend that scores PMML, that backend alone (no fallback), and every
 * `expectSameAnswers` in it compares the backend with the reference interpreter. A refusal (or a
 * difference the backend cannot help, such as a tie decided by the last bit) must be declared in
 * BACKEND_SKIPS (test/backend-scope.ts) with its reason; a declared skip the backend no longer
 * needs fails too, so the declarations cannot rot.
 */
import { afterAll, afterEach, beforeEach, describe, expect } from "vitest";
import { NoBackendError } from "@porta/backend";
import { parsePmml } from "@porta/pmml";
import { loadModel, pmmlModel, registeredBackends, type BatchResult, type Model } from "@porta/runtime";
import { declaredSkip, scopeOf } from "./backend-scope.ts";

export type Row = Record<string, unknown>;

export interface BackendUnderTest {
  readonly name: string;
  /**
   * Scores `rows` with this backend alone and with the interpreter: the same results (numbers
   * within the backend's declared precision, exact when it declares none), the same failing rows
   * with the same error codes, the same output fields. A refusal or a difference passes only where declared.
   * Returns the interpreter's results.
   */
  expectSameAnswers(text: string, rows: readonly Row[]): Promise<(Row | null)[]>;
}

/** The registered backends that score PMML, highest priority first (float32 backends have their own suite: BackendScope.ownSuite). */
export function pmmlBackends(): string[] {
  return registeredBackends()
    .filter((b) => b.backend.formats.includes("pmml") && scopeOf(b.name).ownSuite === undefined)
    .map((b) => b.name);
}

/** The current test: its declaration key and the refusals or differences its body met. */
interface Running {
  key: string;
  misses: string[];
}

/**
 * `describe(title)` once per PMML backend, named `<backend>: <title>`. A test's key in
 * BACKEND_SKIPS is `<title> > <test name>`; the title alone declares the whole block.
 */
export function describeEachBackend(title: string, body: (backend: BackendUnderTest) => void): void {
  for (const name of pmmlBackends()) {
    describe(`${name}: ${title}`, () => {
      let running: Running | undefined;
      let blockMisses = 0;
      beforeEach((ctx) => {
        running = { key: `${title} > ${ctx.task.name}`, misses: [] };
      });
      afterEach(() => {
        const r = running!;
        running = undefined;
        blockMisses += r.misses.length;
        // A skip declared for this very test that the backend no longer needs is stale.
        const own = declaredSkip(name, r.key);
        if (own !== undefined && own.key === r.key && r.misses.length === 0) {
          throw new Error(`${name} scores every document of "${r.key}" now: remove its skip from BACKEND_SKIPS (${own.reason})`);
        }
      });
      afterAll(() => {
        const whole = declaredSkip(name, title);
        if (whole !== undefined && whole.key === title && blockMisses === 0) {
          throw new Error(`${name} scores every document of "${title}" now: remove its skip from BACKEND_SKIPS (${whole.reason})`);
        }
      });
      body({
        name,
        expectSameAnswers: async (text, rows) => {
          const r = running;
          if (!r) throw new Error("expectSameAnswers outside a test of describeEachBackend");
          return sameAnswers(name, text, rows, (miss) => {
            // Undeclared: the refusal or the first difference fails the test as it is.
            if (declaredSkip(name, r.key) === undefined) throw miss;
            r.misses.push(miss.message);
          });
        },
      });
    });
  }
}

/** Scores with both; a refusal or a difference goes to `missed` (which throws it unless declared). */
async function sameAnswers(name: string, text: string, rows: readonly Row[], missed: (e: Error) => void): Promise<(Row | null)[]> {
  const { reference, want } = referenceOf(text, rows);
  let model: Model;
  try {
    model = await load(name, text);
  } catch (e) {
    if (!(e instanceof NoBackendError)) throw e;
    missed(e);
    return want.results;
  }
  try {
    expect(model.backend).toBe(name);
    expect(model.notices).toEqual([]);
    expect(model.outputFields).toEqual(reference.outputFields);
    const got = isSync(name) ? model.scoreBatch(rows, { onError: "collect" }) : await model.scoreBatchAsync(rows, { onError: "collect" });
    expectSameResults(got, want, rows, scopeOf(name).precision);
  } catch (e) {
    missed(e instanceof Error ? e : new Error(String(e)));
  } finally {
    await model.dispose();
  }
  return want.results;
}

/** The interpreter's model and results, computed once per document and rows for all the backends. */
const references = new Map<string, WeakMap<readonly Row[], { reference: Model; want: BatchResult }>>();

function referenceOf(text: string, rows: readonly Row[]): { reference: Model; want: BatchResult } {
  let byRows = references.get(text);
  if (!byRows) references.set(text, (byRows = new WeakMap()));
  let known = byRows.get(rows);
  if (!known) {
    const reference = pmmlModel(parsePmml(text), ["interp"]);
    byRows.set(rows, (known = { reference, want: reference.scoreBatch(rows, { onError: "collect" }) }));
  }
  return known;
}

function expectSameResults(got: BatchResult, want: BatchResult, rows: readonly Row[], precision: number | undefined): void {
  if (precision === undefined) expect(got.results).toEqual(want.results);
  else want.results.forEach((w, i) => expectClose(got.results[i], w, precision, JSON.stringify(rows[i])));
  expect(got.errors.map((e) => [e.row, e.code])).toEqual(want.errors.map((e) => [e.row, e.code]));
}

/** A synchronous backend is loaded through the sync path (the row API's latency path), the others async. */
function isSync(name: string): boolean {
  return registeredBackends().find((b) => b.name === name)?.backend.sync ?? false;
}

function load(name: string, text: string): Promise<Model> {
  return isSync(name) ? Promise.resolve(pmmlModel(parsePmml(text), [name])) : loadModel(text, { format: "pmml", backend: [name], scoring: "async" });
}

/**
 * Numbers equal within `precision` relative (absolute below 1), everything else exactly. A
 * columnar (asynchronous) result cannot tell an output the interpreter left out (a segment not
 * selected) from a missing one: such keys must be null.
 */
function expectClose(got: Row | null, want: Row | null, precision: number, row: string): void {
  if (want === null || got === null) {
    expect(got, row).toEqual(want);
    return;
  }
  const extra = Object.keys(got).filter((k) => !(k in want));
  expect(Object.fromEntries(extra.map((k) => [k, got[k]])), row).toEqual(Object.fromEntries(extra.map((k) => [k, null])));
  expect(
    Object.keys(want).filter((k) => !(k in got)),
    row,
  ).toEqual([]);
  for (const k of Object.keys(want)) {
    const a = got[k],
      b = want[k];
    if (typeof a === "number" && typeof b === "number" && !(Number.isNaN(a) && Number.isNaN(b))) {
      expect(Math.abs(a - b), `${k} of ${row}: ${a} vs ${b}`).toBeLessThanOrEqual(precision * Math.max(1, Math.abs(b)));
    } else {
      expect(a, `${k} of ${row}`).toEqual(b);
    }
  }
}
