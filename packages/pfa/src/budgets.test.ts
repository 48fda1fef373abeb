/**
 * Wall-clock and state budgets (issue 11, item 6): work the loop-iteration limit does not see —
 * recursion without loops, a loop whose iterations grow more expensive, an expensive loop
 * body — ends in EvaluationError PFA_TIMEOUT; cells and pools that grow past `maxStateBytes`
 * end in EvaluationError PFA_MEMORY. Neither is caught by PFA `try`, and the engine stays usable.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, EvaluationError } from "@porta/ir";
import { loadModel } from "@porta/runtime";
import { compilePfa, decodeInput, encodeOutput, parsePfa, type PfaEngineOptions } from "./index.ts";
import { ENGINE_FACTS } from "./engine.ts";
import { StateBudget } from "./limits.ts";

function engine(doc: Record<string, unknown>, options?: PfaEngineOptions) {
  const e = compilePfa(parsePfa(JSON.stringify(doc)), options);
  return { e, run: (input: unknown) => encodeOutput(e, e.action(decodeInput(e, input))) };
}

/** The error `f` throws, and how long it took to throw it. */
function timed(f: () => unknown): { error: EvaluationError; ms: number } {
  const t0 = performance.now();
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(EvaluationError);
    return { error: e as EvaluationError, ms: performance.now() - t0 };
  }
  throw new Error("expected an error");
}

const fib = {
  input: "int",
  output: "long",
  fcns: {
    fib: {
      params: [{ n: "int" }],
      ret: "long",
      do: { if: { "<": ["n", 2] }, then: { upcast: "n", as: "long" }, else: { "+": [{ "u.fib": [{ "-": ["n", 1] }] }, { "u.fib": [{ "-": ["n", 2] }] }] } },
    },
  },
  action: { "u.fib": "input" },
};

// a = a + [i], 1,000,000 times: each append copies the array, so iteration i costs O(i)
const quadraticAppend = {
  input: "int",
  output: "int",
  action: [
    { let: { a: { type: { type: "array", items: "int" }, value: [] } } },
    { for: { i: 0 }, while: { "<": ["i", "input"] }, step: { i: { "+": ["i", 1] } }, do: { set: { a: { "a.append": ["a", "i"] } } } },
    { "a.len": "a" },
  ],
};

// few iterations, each building and measuring a 20-million-character string
const expensiveBody = {
  input: "int",
  output: "long",
  action: [
    { let: { total: { long: 0 } } },
    {
      for: { i: 0 },
      while: { "<": ["i", "input"] },
      step: { i: { "+": ["i", 1] } },
      do: { set: { total: { "+": ["total", { "s.len": { "s.repeat": [{ string: "ab" }, 10000000] } }] } } },
    },
    "total",
  ],
};

describe("wall-clock budget per call (PFA_TIMEOUT)", () => {
  it("naive recursion without loops: fib(35) stops at the budget", () => {
    const { run } = engine(fib, { timeoutMs: 100 });
    expect(run(15)).toBe(610);
    const { error, ms } = timed(() => run(35));
    expect([error.code, error.value]).toEqual(["PFA_TIMEOUT", 100]);
    expect(ms).toBeLessThan(2000);
    expect(run(10)).toBe(55); // the next call has a fresh budget
  });

  it("a quadratic append loop stops at the budget", () => {
    const { run } = engine(quadraticAppend, { timeoutMs: 200 });
    expect(run(100)).toBe(100);
    const { error, ms } = timed(() => run(1_000_000));
    expect(error.code).toBe("PFA_TIMEOUT");
    expect(ms).toBeLessThan(2000);
  });

  it("an expensive loop body stops within about one iteration of the budget", () => {
    const { run } = engine(expensiveBody, { timeoutMs: 50 });
    const { error, ms } = timed(() => run(100_000));
    expect(error.code).toBe("PFA_TIMEOUT");
    expect(ms).toBeLessThan(2000);
  });

  it("user functions called by a library function (a.map) tick the clock too", () => {
    const doc = {
      input: { type: "array", items: "int" },
      output: { type: "array", items: "long" },
      fcns: fib.fcns,
      action: { "a.map": ["input", { fcn: "u.fib" }] },
    };
    const { error, ms } = timed(() => engine(doc, { timeoutMs: 100 }).run([30, 31, 32, 33, 34, 35]));
    expect(error.code).toBe("PFA_TIMEOUT");
    expect(ms).toBeLessThan(2000);
  });

  it("try does not catch it", () => {
    const doc = { ...fib, output: ["null", "long"], action: { try: { "u.fib": "input" } } };
    expect(timed(() => engine(doc, { timeoutMs: 50 }).run(40)).error.code).toBe("PFA_TIMEOUT");
  });

  it("begin and end have their own budget", () => {
    const doc = { ...fib, output: "int", action: "input", begin: { "u.fib": 40 } };
    const e = compilePfa(parsePfa(JSON.stringify(doc)), { timeoutMs: 50 });
    expect(timed(() => e.begin()).error.code).toBe("PFA_TIMEOUT");
    const d = compilePfa(parsePfa(JSON.stringify({ ...doc, begin: undefined, end: { "u.fib": 40 } })), { timeoutMs: 50 });
    expect(timed(() => d.end()).error.code).toBe("PFA_TIMEOUT");
  });

  it("the document's options.timeout may shorten the host's limit, never lengthen it", () => {
    const short = timed(() => engine({ ...fib, options: { timeout: 50 } }).run(40));
    expect([short.error.code, short.error.value]).toEqual(["PFA_TIMEOUT", 50]);
    const long = timed(() => engine({ ...fib, options: { timeout: 1e12 } }, { timeoutMs: 50 }).run(40));
    expect([long.error.code, long.error.value]).toEqual(["PFA_TIMEOUT", 50]);
  });

  it("defaults to DEFAULT_LIMITS.pfaWallMs", () => {
    expect(ENGINE_FACTS.get(engine(fib).e)?.wallMs).toBe(DEFAULT_LIMITS.pfaWallMs);
    expect(ENGINE_FACTS.get(engine({ ...fib, options: { timeout: 1e12 } }).e)?.wallMs).toBe(DEFAULT_LIMITS.pfaWallMs);
    expect(ENGINE_FACTS.get(engine(fib, { timeoutMs: Infinity }).e)?.wallMs).toBe(Infinity);
  });

  it("loadModel passes limits.pfaWallMs to the engine", async () => {
    const model = await loadModel(JSON.stringify(fib), { limits: { pfaWallMs: 80 } });
    const t0 = performance.now();
    expect(() => model.score({ input: 40 })).toThrow(expect.objectContaining({ code: "PFA_TIMEOUT", value: 80 }));
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe("state budget for cells and pools (PFA_MEMORY)", () => {
  const growingCell = {
    input: "string",
    output: "int",
    cells: { log: { type: { type: "array", items: "string" }, init: [] } },
    action: [
      { cell: "log", to: { params: [{ a: { type: "array", items: "string" } }], ret: { type: "array", items: "string" }, do: { "a.append": ["a", "input"] } } },
      { "a.len": { cell: "log" } },
    ],
  };

  it("a cell that grows on every action stops at the budget and keeps its last value", () => {
    const { e, run } = engine(growingCell, { maxStateBytes: 50_000 });
    const row = "x".repeat(1000);
    let n = 0;
    const { error } = timed(() => {
      for (;;) n = run(row) as number;
    });
    expect(error.code).toBe("PFA_MEMORY");
    expect(error.message).toMatch(/^writing cell "log" would hold about \d+ bytes/);
    expect(n).toBeGreaterThan(10);
    expect(n).toBeLessThan(30); // about 2 KB per entry of 1000 characters
    expect((e.cells.log as unknown[]).length).toBe(n); // the refused write did not happen
    expect(run("")).toBe(n + 1); // small writes still fit
  });

  it("a loop that grows a cell within one action stops quickly", () => {
    const doc = {
      ...growingCell,
      action: [{ for: { i: 0 }, while: { "<": ["i", 10_000_000] }, step: { i: { "+": ["i", 1] } }, do: growingCell.action[0] }, { "a.len": { cell: "log" } }],
    };
    const { error, ms } = timed(() => engine(doc, { maxStateBytes: 100_000 }).run("some text"));
    expect(error.code).toBe("PFA_MEMORY");
    expect(ms).toBeLessThan(2000);
  });

  it("a pool that gains an item per action stops at the budget; try does not catch it", () => {
    const doc = {
      input: "string",
      output: ["null", "int"],
      pools: { seen: { type: "string", init: {} } },
      action: { try: [{ pool: "seen", path: ["input"], to: "input", init: { string: "" } }, { "s.len": "input" }] },
    };
    const { run } = engine(doc, { maxStateBytes: 20_000 });
    let i = 0;
    const { error } = timed(() => {
      for (; i < 100_000; i++) run(`key-${i}-${"y".repeat(200)}`);
    });
    expect(error.code).toBe("PFA_MEMORY");
    expect(i).toBeGreaterThan(10);
    expect(i).toBeLessThan(100);
  });

  it("initial cells beyond the budget are refused at load", () => {
    const doc = {
      input: "int",
      output: "int",
      cells: { big: { type: { type: "array", items: "double" }, init: Array.from({ length: 10_000 }, (_, i) => i) } },
      action: "input",
    };
    expect(() => compilePfa(parsePfa(JSON.stringify(doc)), { maxStateBytes: 10_000 })).toThrow(expect.objectContaining({ code: "PFA_MEMORY" }));
    expect(compilePfa(parsePfa(JSON.stringify(doc)), { maxStateBytes: 1_000_000 }).action(1)).toBe(1);
  });

  it("loadModel passes limits.pfaStateBytes to the engine", async () => {
    const model = await loadModel(JSON.stringify(growingCell), { limits: { pfaStateBytes: 30_000 } });
    expect(() => {
      for (let i = 0; i < 1000; i++) model.score({ input: "z".repeat(1000) });
    }).toThrow(expect.objectContaining({ code: "PFA_MEMORY" }));
  });

  it("sizes shared values once: replacing one field of a large record re-sizes only the new record", () => {
    const budget = new StateBudget(Infinity);
    const big = Array.from({ length: 100_000 }, (_, i) => i);
    const rec = { big, n: 1 };
    budget.cell("r", rec);
    const before = budget.bytes;
    expect(before).toBeGreaterThan(800_000);
    budget.cell("r", { big, n: 2 });
    expect(budget.bytes).toBe(before);
    budget.cell("r", { big: [], n: 2 });
    expect(budget.bytes).toBeLessThan(1000);
  });
});
