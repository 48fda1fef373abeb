import { describe, expect, it } from "vitest";
import { EvaluationError, ParseError, SchemaError } from "@porta/ir";
import { compilePfa, decodeInput, encodeOutput, parsePfa, type PfaEngineOptions } from "./index.ts";

/** Build an engine from a document object and run it on Avro-JSON inputs. */
function engine(doc: Record<string, unknown>, options?: PfaEngineOptions) {
  const e = compilePfa(parsePfa(JSON.stringify(doc)), options);
  return { e, run: (input: unknown) => encodeOutput(e, e.action(decodeInput(e, input))) };
}
const map = (input: unknown, output: unknown, action: unknown, extra: Record<string, unknown> = {}) => engine({ input, output, action, ...extra });

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

describe("reading documents (spec §2)", () => {
  it("reads JSON and YAML", () => {
    expect(parsePfa('{"input": "int", "output": "int", "action": "input"}').method).toBe("map");
    const y = parsePfa("input: double\noutput: double\naction:\n  - {+: [input, 1]}\n");
    expect(compilePfa(y).action(2.5)).toBe(3.5);
  });
  it("rejects malformed JSON and YAML with ParseError", () => {
    expect(errorOf(() => parsePfa('{"input": "int", '))).toBeInstanceOf(ParseError);
    expect(errorOf(() => parsePfa("input: [int\noutput: : :"))).toBeInstanceOf(ParseError);
  });
  it("reports missing and unknown sections with their JSON path", () => {
    const e = errorOf(() => parsePfa('{"input": "int", "output": "int"}')) as SchemaError;
    expect(e).toBeInstanceOf(SchemaError);
    expect(e.path).toBe("/action");
    const u = errorOf(() => parsePfa('{"input": "int", "output": "int", "action": 1, "bogus": 1}')) as SchemaError;
    expect(u.code).toBe("PFA_UNKNOWN_SECTION");
  });
  it("keeps longs beyond 2^53 exact", () => {
    const { run } = map("long", "long", { "+": ["input", 1] });
    expect(run(9007199254740993n)).toBe(9007199254740994n);
  });
});

describe("type checking (spec §3, §5)", () => {
  it("rejects unknown functions", () => {
    const e = errorOf(() => map("int", "int", { "no.such": ["input"] })) as SchemaError;
    expect(e.code).toBe("PFA_UNKNOWN_FUNCTION");
    expect(e.path).toBe("/action/0");
  });
  it("rejects wrong arity", () => {
    expect((errorOf(() => map("int", "int", { "+": ["input"] })) as SchemaError).code).toBe("PFA_WRONG_ARITY");
  });
  it("rejects type mismatches", () => {
    expect((errorOf(() => map("string", "int", { "+": ["input", 1] })) as SchemaError).code).toBe("PFA_TYPE_MISMATCH");
    expect((errorOf(() => map("int", "string", "input")) as SchemaError).code).toBe("PFA_TYPE_MISMATCH");
  });
  it("rejects a union used without a cast", () => {
    expect((errorOf(() => map(["null", "int"], "int", { "+": ["input", 1] })) as SchemaError).code).toBe("PFA_TYPE_MISMATCH");
  });
  it("promotes int to double and binds generics to the widest number", () => {
    expect(map("int", "double", { "+": ["input", 0.5] }).run(2)).toBe(2.5);
  });
  it("accepts named types used before their definition", () => {
    const rec = { type: "record", name: "P", fields: [{ name: "x", type: "int" }] };
    const { run } = map("int", "P", { new: { x: "input" }, type: "P" }, { cells: { c: { type: rec, init: { x: 0 } } } });
    expect(run(4)).toEqual({ x: 4 });
  });
});

describe("arithmetic (spec §7.1)", () => {
  it("int overflow raises PFA error 18000", () => {
    const e = errorOf(() => map("int", "int", { "+": ["input", 1] }).run(2147483647)) as EvaluationError;
    expect(e).toBeInstanceOf(EvaluationError);
    expect(e.pfaCode).toBe(18000);
  });
  it("long overflow raises 18001", () => {
    expect((errorOf(() => map("long", "long", { "+": ["input", 10] }).run(9223372036854775800n)) as EvaluationError).pfaCode).toBe(18001);
  });
  it("% follows the sign of the divisor, %% of the dividend", () => {
    expect(map("int", "int", { "%": ["input", 3] }).run(-7)).toBe(2);
    expect(map("int", "int", { "%%": ["input", 3] }).run(-7)).toBe(-1);
  });
  it("float overflow is infinity, not an error", () => {
    expect(map("double", "double", { "*": ["input", 1e308] }).run(10)).toBe("inf");
  });
});

describe("language forms (spec §4)", () => {
  it("let, set, if, cond, while, do-until, for", () => {
    const { run } = map("int", "int", [
      { let: { s: 0, i: 0 } },
      { while: { "<": ["i", "input"] }, do: [{ set: { s: { "+": ["s", "i"] }, i: { "+": ["i", 1] } } }] },
      { do: [{ set: { s: { "+": ["s", 100] } } }], until: true },
      { for: { j: 0 }, while: { "<": ["j", 2] }, step: { j: { "+": ["j", 1] } }, do: { set: { s: { "+": ["s", 1] } } } },
      {
        cond: [
          { if: { ">": ["s", 1000] }, then: 1 },
          { if: { ">": ["s", 100] }, then: { if: true, then: "s", else: 0 } },
        ],
        else: -1,
      },
    ]);
    expect(run(4)).toBe(6 + 100 + 2);
  });
  it("foreach and forkey/forval", () => {
    const { run } = map({ type: "map", values: { type: "array", items: "int" } }, "int", [
      { let: { n: 0 } },
      { forkey: "k", forval: "v", in: "input", do: { foreach: "x", in: "v", do: { set: { n: { "+": ["n", "x"] } } } } },
      "n",
    ]);
    expect(run({ a: [1, 2], b: [3] })).toBe(6);
  });
  it("new, attr paths and attr-to", () => {
    const rec = {
      type: "record",
      name: "R",
      fields: [
        { name: "xs", type: { type: "array", items: "double" } },
        { name: "m", type: { type: "map", values: "string" } },
      ],
    };
    const { run } = map(rec, rec, [
      { let: { r: { attr: "input", path: [{ string: "xs" }, 1], to: 9.5 } } },
      { attr: "r", path: [["m"], { string: "k" }], to: { params: [{ old: "string" }], ret: "string", do: { "s.concat": ["old", ["!"]] } } },
    ]);
    expect(run({ xs: [1, 2], m: { k: "hi" } })).toEqual({ xs: [1, 9.5], m: { k: "hi!" } });
    expect((errorOf(() => map(rec, "double", { attr: "input", path: [["xs"], 5] }).run({ xs: [], m: {} })) as EvaluationError).pfaCode).toBe(2000);
  });
  it("cells and pools keep state across calls, pools with init", () => {
    const { run, e } = engine({
      input: "string",
      output: "int",
      cells: { count: { type: "int", init: 0 } },
      pools: { seen: { type: "int", init: {} } },
      action: [
        { cell: "count", to: { params: [{ c: "int" }], ret: "int", do: { "+": ["c", 1] } } },
        { pool: "seen", path: ["input"], to: { params: [{ c: "int" }], ret: "int", do: { "+": ["c", 1] } }, init: 0 },
      ],
    });
    expect(run("a")).toBe(1);
    expect(run("a")).toBe(2);
    expect(run("b")).toBe(1);
    expect(e.cells.count).toBe(3);
  });
  it("user functions, fcn references and fill (currying)", () => {
    const { run } = engine({
      input: { type: "array", items: "int" },
      output: { type: "array", items: "int" },
      fcns: { addN: { params: [{ x: "int" }, { n: "int" }], ret: "int", do: { "+": ["x", "n"] } } },
      action: { "a.map": ["input", { fcn: "u.addN", fill: { n: 10 } }] },
    });
    expect(run([1, 2])).toEqual([11, 12]);
    expect(map({ type: "array", items: "double" }, { type: "array", items: "double" }, { "a.map": ["input", { fcn: "m.sqrt" }] }).run([4, 9])).toEqual([2, 3]);
  });
  it("upcast, ifnotnull and cast/cases", () => {
    const u = ["null", "int", "string"];
    const { run } = map(u, "string", {
      cast: "input",
      cases: [
        { as: "null", named: "n", do: { string: "none" } },
        { as: "int", named: "i", do: { "s.int": "i" } },
        { as: "string", named: "s", do: "s" },
      ],
    });
    expect(run(null)).toBe("none");
    expect(run({ int: 5 })).toBe("5");
    expect(run({ string: "x" })).toBe("x");
    expect(map(["null", "int"], "int", { ifnotnull: { x: "input" }, then: "x", else: -1 }).run(null)).toBe(-1);
    expect(map("int", ["null", "double"], { upcast: "input", as: ["null", "double"] }).run(3)).toEqual({ double: 3 });
    expect((errorOf(() => map(u, "string", { cast: "input", cases: [{ as: "int", named: "i", do: { string: "x" } }] })) as SchemaError).code).toBe(
      "PFA_CAST_INCOMPLETE",
    );
  });
  it("doc, error, try and log", () => {
    const logged: unknown[] = [];
    const { run } = map(
      "int",
      ["null", "int"],
      [
        { doc: "documentation is ignored" },
        { log: ["input"], namespace: "t" },
        { try: { if: { ">": ["input", 0] }, then: "input", else: { error: "negative", code: -7 } } },
      ],
      {},
    );
    expect(run(3)).toEqual({ int: 3 });
    expect(run(-3)).toBeNull();
    const { e } = engine({ input: "int", output: "null", action: { log: "input" } }, { log: (v) => logged.push(v) });
    e.action(5);
    expect(logged).toEqual([[5]]);
    expect((errorOf(() => map("int", "int", { error: "boom", code: 12 }).run(1)) as EvaluationError).pfaCode).toBe(12);
  });
  it("type/value and base64 literals", () => {
    expect(map("null", { type: "array", items: "int" }, { type: { type: "array", items: "int" }, value: [1, 2] }).run(null)).toEqual([1, 2]);
    expect(map("null", "int", { "bytes.len": { base64: "AAEC" } }).run(null)).toBe(3);
  });
  it("a never-ending loop stops with a typed timeout error", () => {
    const e = errorOf(() => map("int", "null", { while: true, do: { let: { x: 1 } } }, {}).run(0));
    expect(e).toBeInstanceOf(EvaluationError);
    expect((e as EvaluationError).code).toBe("PFA_TIMEOUT");
    const t = errorOf(() =>
      engine({ input: "int", output: "null", action: { while: true, do: { let: { x: 1 } } } }, { loopLimit: Infinity, timeoutMs: 20 }).run(0),
    );
    expect((t as EvaluationError).code).toBe("PFA_TIMEOUT");
  });
});

describe("engines (spec §2.3)", () => {
  it("emit engines emit any number of outputs; begin and end run once", () => {
    const out: unknown[] = [];
    const { e } = engine(
      {
        input: "int",
        output: "int",
        method: "emit",
        cells: { n: { type: "int", init: 0 } },
        begin: { cell: "n", to: 100 },
        action: { foreach: "i", in: { type: { type: "array", items: "int" }, value: [1, 2] }, do: { emit: { "+": ["i", { cell: "n" }] } } },
        end: { cell: "n", to: 0 },
      },
      { emit: (v) => out.push(v) },
    );
    e.begin();
    e.action(0);
    e.end();
    expect(out).toEqual([101, 102]);
    expect(e.cells.n).toBe(0);
  });
  it("fold engines accumulate a tally from zero", () => {
    const { run } = engine({
      input: "int",
      output: "int",
      method: "fold",
      zero: 0,
      action: { "+": ["tally", "input"] },
      merge: { "+": ["tallyOne", "tallyTwo"] },
    });
    run(2);
    expect(run(5)).toBe(7);
  });
  it("rand is deterministic for a given randseed", () => {
    const doc = { input: "null", output: "double", randseed: 42, action: { "rand.double": [0, 1] } };
    expect(engine(doc).run(null)).toBe(engine(doc).run(null));
  });
});
