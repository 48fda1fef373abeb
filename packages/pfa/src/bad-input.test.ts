/**
 * Bad input (issue 6): every hostile or broken document or row is a typed Porta error with a
 * code, a JSON path where one applies and the offending value — never a crash or a hang.
 */
import { describe, expect, it } from "vitest";
import { EvaluationError, ParseError, PortaError, SchemaError } from "@porta/ir";
import { compilePfa, decodeInput, encodeOutput, parsePfa, type PfaEngineOptions } from "./index.ts";

function engine(doc: Record<string, unknown>, options?: PfaEngineOptions) {
  const e = compilePfa(parsePfa(JSON.stringify(doc)), options);
  return { e, run: (input: unknown) => encodeOutput(e, e.action(decodeInput(e, input))) };
}
const map = (input: unknown, output: unknown, action: unknown, extra: Record<string, unknown> = {}, options?: PfaEngineOptions) =>
  engine({ input, output, action, ...extra }, options);

function errorOf(f: () => unknown): PortaError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PortaError);
    return e as PortaError;
  }
  throw new Error("expected an error");
}
const arr = (items: unknown) => ({ type: "array", items });

describe("bad documents are typed errors before execution", () => {
  it("unknown function", () => {
    const e = errorOf(() => map("int", "int", { "no.such": ["input"] }));
    expect(e).toBeInstanceOf(SchemaError);
    expect([e.code, e.path, e.value]).toEqual(["PFA_UNKNOWN_FUNCTION", "/action/0", "no.such"]);
    const r = errorOf(() => map(arr("int"), arr("int"), { "a.map": ["input", { fcn: "u.nope" }] }));
    expect([r.code, r.path, r.value]).toEqual(["PFA_UNKNOWN_FUNCTION", "/action/0/a.map/1/fcn", "u.nope"]);
  });
  it("wrong arity", () => {
    const e = errorOf(() => map("int", "int", { "+": ["input"] }));
    expect(e).toBeInstanceOf(SchemaError);
    expect([e.code, e.path]).toEqual(["PFA_WRONG_ARITY", "/action/0"]);
    const u = errorOf(() => map("int", "int", { "u.f": ["input", 2] }, { fcns: { f: { params: [{ x: "int" }], ret: "int", do: "x" } } }));
    expect([u.code, u.path, u.value]).toEqual(["PFA_WRONG_ARITY", "/action/0", "u.f"]);
  });
  it("type mismatch", () => {
    const e = errorOf(() => map("string", "int", { "+": ["input", 1] }));
    expect(e).toBeInstanceOf(SchemaError);
    expect([e.code, e.path]).toEqual(["PFA_TYPE_MISMATCH", "/action/0"]);
    const o = errorOf(() => map("int", "string", "input"));
    expect([o.code, o.path]).toEqual(["PFA_TYPE_MISMATCH", "/action"]);
  });
  it("a union used without a cast", () => {
    const e = errorOf(() => map(["null", "int"], "int", { "+": ["input", 1] }));
    expect(e).toBeInstanceOf(SchemaError);
    expect([e.code, e.path]).toEqual(["PFA_TYPE_MISMATCH", "/action/0"]);
    const c = errorOf(() => map(["null", "int", "string"], "int", { cast: "input", cases: [{ as: "int", named: "x", do: "x" }] }));
    expect([c.code, c.path]).toEqual(["PFA_CAST_INCOMPLETE", "/action/0/cases"]);
  });
  it("an array literal longer than maxArrayLength", () => {
    const opts = { maxArrayLength: 3 };
    const n = errorOf(() => map("int", arr("int"), { type: arr("int"), new: [1, 2, 3, 4] }, {}, opts));
    expect(n).toBeInstanceOf(EvaluationError);
    expect([n.code, n.path, n.value]).toEqual(["PFA_ARRAY_TOO_LONG", "/action/0/new", 4]);
    const v = errorOf(() => map("int", arr("int"), { type: arr("int"), value: [1, 2, 3, 4] }, {}, opts));
    expect([v.code, v.path]).toEqual(["PFA_ARRAY_TOO_LONG", "/action/0/value"]);
    const c = errorOf(() => map("int", "int", 1, { cells: { c: { type: arr("int"), init: [1, 2, 3, 4] } } }, opts));
    expect([c.code, c.path]).toEqual(["PFA_ARRAY_TOO_LONG", "/cells/c/init"]);
  });
  it("expressions nested too deeply to compile", () => {
    const n = 20000;
    const text = `{"input": "int", "output": "int", "action": ${'{"u-": '.repeat(n)}"input"${"}".repeat(n)}}`;
    const e = errorOf(() => compilePfa(parsePfa(text, { maxDepth: 100_000 })));
    expect(e.code).toBe("PFA_TOO_DEEP");
  });
});

describe("the reader", () => {
  it("malformed JSON: ParseError with the position", () => {
    const e = errorOf(() => parsePfa('{"input": "int",\n "output": "int" "action": 1}'));
    expect(e).toBeInstanceOf(ParseError);
    expect(e.code).toBe("PFA_JSON_MALFORMED");
    expect(e.value).toMatchObject({ line: 2, column: 18 });
    const t = errorOf(() => parsePfa('{"input": "int", '));
    expect(t.code).toBe("PFA_JSON_MALFORMED");
    expect(t.value).toMatchObject({ line: 1 });
  });
  it("YAML nesting up to maxDepth is read (js-yaml's own limit is 100)", () => {
    const d = 500;
    const doc = parsePfa(`input: int\noutput: int\naction: [input]\nmetadata: {x: ${"[".repeat(d)}${"]".repeat(d)}}\n`);
    expect(doc.method).toBe("map");
  });
  it("malformed YAML: ParseError with the position", () => {
    const e = errorOf(() => parsePfa("input: int\noutput: [int\naction: : :"));
    expect(e).toBeInstanceOf(ParseError);
    expect(e.code).toBe("PFA_YAML_MALFORMED");
    expect((e.value as { line: number }).line).toBeGreaterThanOrEqual(2);
  });
  it("a 100,000-deep JSON or YAML document is a ParseError, not a stack overflow", () => {
    const deep = `{"input": "int", "output": "int", "action": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const e = errorOf(() => parsePfa(deep));
    expect([e.constructor, e.code]).toEqual([ParseError, "PFA_DOCUMENT_TOO_DEEP"]);
    const y = errorOf(() => parsePfa(`input: int\noutput: int\naction: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`));
    expect([y.constructor, y.code]).toEqual([ParseError, "PFA_DOCUMENT_TOO_DEEP"]);
    const big = `{"input": "int", "output": "int", "action": ${"[".repeat(5000)}12345678901234567890${"]".repeat(5000)}}`;
    expect(errorOf(() => parsePfa(big)).code).toBe("PFA_DOCUMENT_TOO_DEEP");
  });
  it("a document over the size limit", () => {
    const e = errorOf(() => parsePfa(`{"input": "int", "output": "int", "action": "input", "doc": "${"x".repeat(2000)}"}`, { maxBytes: 1000 }));
    expect([e.constructor, e.code]).toEqual([ParseError, "PFA_DOCUMENT_TOO_LARGE"]);
  });
  it("YAML alias bombs are rejected; modest aliases are fine", () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i <= 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    const bomb = `input: int\noutput: int\naction: [input]\nmetadata:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
    const started = Date.now();
    const e = errorOf(() => parsePfa(bomb));
    expect([e.constructor, e.code]).toEqual([ParseError, "PFA_YAML_ALIAS_LIMIT"]);
    expect(Date.now() - started).toBeLessThan(2000);
    const shared = "input: &t {type: array, items: int}\noutput: *t\naction: [input]\n";
    expect(compilePfa(parsePfa(shared)).action([3])).toEqual([3]);
    expect(errorOf(() => parsePfa(shared, { maxAliasExpansion: 0 })).code).toBe("PFA_YAML_ALIAS_LIMIT");
  });
});

describe("bad runs are typed errors and the engine survives", () => {
  it("a never-ending while loop times out (iteration limit and wall clock)", () => {
    const forever = { while: true, do: { let: { x: 1 } } };
    const { e, run } = map("int", "null", forever);
    const err = errorOf(() => run(0));
    expect([err.constructor, err.code]).toEqual([EvaluationError, "PFA_TIMEOUT"]);
    expect(errorOf(() => run(0)).code).toBe("PFA_TIMEOUT"); // the same engine can be called again
    void e;
    const t = errorOf(() => map("int", "null", forever, {}, { loopLimit: Infinity, timeoutMs: 20 }).run(0));
    expect(t.code).toBe("PFA_TIMEOUT");
    const d = errorOf(() => map("int", "null", forever, { options: { timeout: 20 } }, { loopLimit: Infinity }).run(0));
    expect(d.code).toBe("PFA_TIMEOUT");
    const tr = errorOf(() => map("int", ["null", "int"], { try: [forever, 1] }).run(0));
    expect(tr.code).toBe("PFA_TIMEOUT"); // try does not swallow a timeout
  });
  it("unbounded recursion between user functions is a typed error", () => {
    const fcns = { f: { params: [{ x: "int" }], ret: "int", do: { "u.f": [{ "+": ["x", 1] }] } } };
    const e = errorOf(() => map("int", "int", { "u.f": ["input"] }, { fcns }).run(0));
    expect([e.constructor, e.code]).toEqual([EvaluationError, "PFA_STACK_OVERFLOW"]);
  });
  it("a huge input array", () => {
    const { run } = map(arr("int"), "int", { "a.len": "input" }, {}, { maxArrayLength: 1000 });
    expect(run(Array(1000).fill(1))).toBe(1000);
    const e = errorOf(() => run(Array(1001).fill(1)));
    expect([e.constructor, e.code, e.path, e.value]).toEqual([EvaluationError, "PFA_ARRAY_TOO_LONG", "/input", 1001]);
    const nested = map({ type: "record", name: "R", fields: [{ name: "xs", type: arr(arr("int")) }] }, "int", 1, {}, { maxArrayLength: 3 });
    expect(errorOf(() => nested.run({ xs: [[1], [1, 2, 3, 4]] })).path).toBe("/input/xs/1");
  });
  it("a deeply nested input of a recursive type", () => {
    const node = { type: "record", name: "N", fields: [{ name: "next", type: ["null", "N"] }] };
    const { run } = map(node, "int", 1, {}, { maxDepth: 50 });
    let v: unknown = null;
    for (let i = 0; i < 100; i++) v = { next: v === null ? null : { N: v } };
    expect(errorOf(() => run(v)).code).toBe("PFA_VALUE_TOO_DEEP");
  });
  it("arrays growing in a loop stop at maxArrayLength (append, concat doubling)", () => {
    const grow = (fn: string) =>
      map(
        "int",
        "int",
        {
          do: [
            { let: { xs: { type: arr("int"), value: [1] } } },
            { while: true, do: { set: { xs: fn === "a.append" ? { "a.append": ["xs", 1] } : { "a.concat": ["xs", "xs"] } } } },
            { "a.len": "xs" },
          ],
        },
        {},
        { maxArrayLength: 10_000 },
      );
    for (const fn of ["a.append", "a.concat"]) {
      const e = errorOf(() => grow(fn).run(0));
      expect([e.constructor, e.code]).toEqual([EvaluationError, "PFA_ARRAY_TOO_LONG"]);
      expect(e.message).toContain(fn);
    }
    // try does not swallow it
    const t = errorOf(() =>
      map(
        "int",
        ["null", "int"],
        {
          try: {
            "a.len": {
              "a.concat": [
                { type: arr("int"), value: [1, 2] },
                { type: arr("int"), value: [1, 2] },
              ],
            },
          },
        },
        {},
        { maxArrayLength: 3 },
      ).run(0),
    );
    expect(t.code).toBe("PFA_ARRAY_TOO_LONG");
  });
  it("library functions that build arrays or strings from a count", () => {
    const lim = { maxArrayLength: 1000, maxStringLength: 1000 };
    const cases: [unknown, unknown, unknown, string][] = [
      ["int", arr("int"), { "cast.fanoutInt": ["input", 0, 2147483647, false] }, "PFA_ARRAY_TOO_LONG"],
      ["int", arr("int"), { "rand.choices": [100000, { type: arr("int"), value: [1, 2] }] }, "PFA_ARRAY_TOO_LONG"],
      ["int", arr(arr("int")), { "a.permutations": { type: arr("int"), value: [1, 2, 3, 4, 5, 6, 7, 8] } }, "PFA_ARRAY_TOO_LONG"],
      ["int", arr(arr("int")), { "a.combinations": [{ type: arr("int"), value: Array.from({ length: 40 }, (_, i) => i) }, 20] }, "PFA_ARRAY_TOO_LONG"],
      [
        "int",
        arr("double"),
        {
          "stat.sample.forecastHoltWinters": [
            2000000000,
            {
              type: {
                type: "record",
                name: "S",
                fields: [
                  { name: "level", type: "double" },
                  { name: "trend", type: "double" },
                ],
              },
              value: { level: 0, trend: 1 },
            },
          ],
        },
        "PFA_ARRAY_TOO_LONG",
      ],
      ["string", "string", { "s.repeat": ["input", 2000000000] }, "PFA_STRING_TOO_LONG"],
      ["int", "string", { "s.int": ["input", 2000000000, false] }, "PFA_STRING_TOO_LONG"],
      ["int", "string", { "rand.string": [2000000000] }, "PFA_STRING_TOO_LONG"],
      ["int", "bytes", { "rand.bytes": [2000000000] }, "PFA_STRING_TOO_LONG"],
    ];
    for (const [input, output, action, code] of cases) {
      const { run } = map(input, output, action, {}, lim);
      const e = errorOf(() => run(input === "string" ? "ab" : 1));
      expect([e.constructor, e.code, JSON.stringify(action)]).toEqual([EvaluationError, code, JSON.stringify(action)]);
    }
  });
  it("a JS string or array beyond V8's reach is still typed", () => {
    // s.concat doubles a string until V8 refuses (about 2^29 characters)
    const { run } = map("string", "int", {
      do: [{ let: { s: "input" } }, { while: true, do: { set: { s: { "s.concat": ["s", "s"] } } } }, 0],
    });
    const e = errorOf(() => run("x"));
    expect([e.constructor, e.code]).toEqual([EvaluationError, "PFA_STRING_TOO_LONG"]);
  });
});
