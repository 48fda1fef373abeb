import { describe, expect, it } from "vitest";
import { EvaluationError, type CallExpr, type LibrarySite, type ProgramBlock, type ProgramExpr, type ProgramModel } from "@porta/ir";
import { T, type AvroType, type RecordType } from "@porta/ir/avro";
import { compileProgram, generateProgram, programSession } from "./index.ts";
import { NotCompilable } from "../unsupported.ts";

// Programs written by hand as the lowering would hand them over (the conformance test runs the lowered documents).
const at = { path: "" };
const site = (name: string, argTypes: AvroType[], retType: AvroType): LibrarySite => ({
  name,
  sigIndex: 0,
  argTypes,
  paramTypes: argTypes,
  retType,
  bindings: argTypes.length ? { A: argTypes[0]! } : {},
});
const call = (name: string, types: AvroType[], ret: AvroType, ...args: ProgramExpr[]): CallExpr => ({
  op: "call",
  type: ret,
  target: { kind: "lib", site: site(name, types, ret), toDouble: args.map(() => false) },
  args,
  ...at,
});
const int = (n: number): ProgramExpr => ({ op: "const", type: T.int, json: n, ...at });
const v = (id: string, type: AvroType = T.int): ProgramExpr => ({ op: "var", id, type, ...at });
const add = (a: ProgramExpr, b: ProgramExpr) => call("+", [T.int, T.int], T.int, a, b);
const lt = (a: ProgramExpr, b: ProgramExpr) => call("<", [T.int, T.int], T.boolean, a, b);

const OUT: RecordType = {
  kind: "record",
  name: "Out",
  fullName: "Out",
  fields: [
    { name: "sum", type: T.int },
    { name: "count", type: T.int },
    { name: "fact", type: T.int },
    { name: "swapped", type: T.array(T.int) },
    { name: "caught", type: T.union([T.null, T.int]) },
  ],
};

function program(action: ProgramBlock, extra: Partial<ProgramModel> = {}): ProgramModel {
  return {
    kind: "program",
    name: "test",
    method: "map",
    inputType: T.array(T.int),
    outputType: OUT,
    inputVar: "input",
    functionName: "mixed",
    isScorable: true,
    miningSchema: [],
    localTransformations: [],
    targets: [],
    output: [],
    path: "/",
    cells: [],
    pools: [],
    functions: [],
    begin: [],
    action,
    end: [],
    options: {},
    ...extra,
  };
}

const FACT: ProgramModel["functions"][number] = {
  name: "u.fact",
  type: { kind: "fcn", params: [T.int], ret: T.int },
  params: [{ id: "n", type: T.int }],
  path: "/fcns/fact",
  body: [
    {
      op: "if",
      type: T.int,
      test: call("<=", [T.int, T.int], T.boolean, v("n"), int(1)),
      then: [int(1)],
      else: [
        call("*", [T.int, T.int], T.int, v("n"), { op: "call", type: T.int, target: { kind: "user", name: "u.fact" }, args: [add(v("n"), int(-1))], ...at }),
      ],
      ...at,
    },
  ],
};

/** sum of the input, a counter cell, a recursive user function, a parallel `set` (swap), a `try` around an error. */
const GENERAL = program(
  [
    { op: "let", bindings: [{ id: "sum", type: T.int, expr: int(0) }], ...at },
    {
      op: "foreach",
      id: "x",
      itemType: T.int,
      array: v("input", T.array(T.int)),
      body: [{ op: "set", bindings: [{ id: "sum", type: T.int, expr: add(v("sum"), v("x")) }], ...at }],
      ...at,
    },
    {
      op: "cell",
      type: T.int,
      name: "count",
      steps: [],
      to: {
        kind: "fcn",
        fcn: {
          op: "fcndef",
          type: { kind: "fcn", params: [T.int], ret: T.int },
          params: [{ id: "old", type: T.int }],
          body: [add(v("old"), int(1))],
          path: "",
        },
      },
      ...at,
    },
    {
      op: "let",
      bindings: [
        { id: "a", type: T.int, expr: int(1) },
        { id: "b", type: T.int, expr: int(2) },
      ],
      ...at,
    },
    {
      op: "set",
      bindings: [
        { id: "a", type: T.int, expr: v("b") },
        { id: "b", type: T.int, expr: v("a") },
      ],
      ...at,
    },
    { op: "let", bindings: [{ id: "i", type: T.int, expr: int(0) }], ...at },
    { op: "while", test: lt(v("i"), int(3)), body: [{ op: "set", bindings: [{ id: "i", type: T.int, expr: add(v("i"), int(1)) }], ...at }], ...at },
    {
      op: "new",
      type: OUT,
      fields: [
        ["sum", add(v("sum"), v("i"))],
        ["count", { op: "cell", type: T.int, name: "count", steps: [], to: null, ...at }],
        ["fact", { op: "call", type: T.int, target: { kind: "user", name: "u.fact" }, args: [int(5)], ...at }],
        ["swapped", { op: "new", type: T.array(T.int), items: [v("a"), v("b")], ...at }],
        [
          "caught",
          { op: "try", type: T.union([T.null, T.int]), body: [{ op: "error", message: "boom", code: undefined, ...at }, int(3)], filter: null, ...at },
        ],
      ],
      ...at,
    },
  ],
  { cells: [{ name: "count", type: T.int, init: 10 }], functions: [FACT] },
);

describe("compile-js on programs", () => {
  it("runs loops, cells, user functions, parallel set and try as the PFA engine does", () => {
    const session = programSession(GENERAL);
    expect(session.scoreRow({ input: [1, 2, 3] })).toEqual({ sum: 9, count: 11, fact: 120, swapped: [2, 1], caught: null });
    // the cell keeps its value between rows
    expect(session.scoreRow({ input: [] })).toEqual({ sum: 3, count: 12, fact: 120, swapped: [2, 1], caught: null });
  });

  it("counts loop iterations against the loop budget (PFA_TIMEOUT, not caught by try)", () => {
    const forever = program([
      {
        op: "try",
        type: T.null,
        body: [{ op: "while", test: { op: "const", type: T.boolean, json: true, ...at }, body: [int(0)], ...at }],
        filter: null,
        ...at,
      },
      int(0),
    ]);
    const p = compileProgram({ ...forever, outputType: T.int }, { loopLimit: 100 });
    expect(() => p.action([])).toThrow(expect.objectContaining({ code: "PFA_TIMEOUT" }));
  });

  it("reads and updates pools and paths, charging the state budget before a write", () => {
    const rec: RecordType = { kind: "record", name: "R", fullName: "R", fields: [{ name: "xs", type: T.array(T.int) }] };
    const update = program(
      [
        {
          op: "pool",
          type: rec,
          name: "p",
          key: { op: "const", type: T.string, json: "k", ...at },
          steps: [
            { kind: "field", name: "xs", path: "" },
            { kind: "index", expr: int(1), path: "" },
          ],
          to: { kind: "value", expr: int(7) },
          init: { op: "const", type: rec, json: { xs: [0, 0, 0] }, ...at },
          ...at,
        },
        {
          op: "pool",
          type: T.int,
          name: "p",
          key: { op: "const", type: T.string, json: "k", ...at },
          steps: [
            { kind: "field", name: "xs", path: "" },
            { kind: "index", expr: int(1), path: "" },
          ],
          to: null,
          init: null,
          ...at,
        },
      ],
      { outputType: T.int, pools: [{ name: "p", type: rec, init: {} }] },
    );
    const p = compileProgram(update);
    expect(p.action([])).toBe(7);
    expect(p.state.pools.p!.k).toEqual({ xs: [0, 7, 0] });
    const missing = compileProgram({ ...update, action: [update.action[1]!] });
    expect(() => missing.action([])).toThrow(expect.objectContaining({ pfaCode: 2002 }));
    const tight = compileProgram(update, { maxStateBytes: 10 });
    expect(() => tight.action([])).toThrow(expect.objectContaining({ code: "PFA_MEMORY" }));
    expect(tight.state.pools.p).toEqual({});
  });

  it("evaluates a value before a later argument's statements change it", () => {
    // (x, {set x = 5; x}) → [1, 5]
    const p = compileProgram(
      program(
        [
          { op: "let", bindings: [{ id: "x", type: T.int, expr: int(1) }], ...at },
          {
            op: "new",
            type: T.array(T.int),
            items: [v("x"), { op: "do", type: T.int, body: [{ op: "set", bindings: [{ id: "x", type: T.int, expr: int(5) }], ...at }, v("x")], ...at }],
            ...at,
          },
        ],
        { outputType: T.array(T.int) },
      ),
    );
    expect(p.action([])).toEqual([1, 5]);
  });

  it("never puts document text into the source unescaped, and refuses what it cannot generate", () => {
    const hostile = program([{ op: "error", message: '"); process.exit(1); ("', code: 7, ...at }], { outputType: T.int });
    expect(generateProgram(hostile).source).toContain(JSON.stringify('"); process.exit(1); ("'));
    expect(() => compileProgram(hostile).action([])).toThrow(EvaluationError);
    expect(() => compileProgram(program([call("no.such.function", [], T.int)], { outputType: T.int }))).toThrow(NotCompilable);
  });
});

describe("a program's artifact", () => {
  it("restores to a session scoring as the compiled one, begin run again (its runtime loaded first, as the cache does)", async () => {
    const { loadRestorer } = await import("../restore.ts");
    const session = programSession(GENERAL);
    const artifact = session.artifact();
    expect(artifact).toBeDefined();
    const stored = JSON.parse(JSON.stringify(artifact));
    const restored = (await loadRestorer(stored))(stored, session.facts) as typeof session;
    expect(restored.scoreRow({ input: [4] })).toEqual({ sum: 7, count: 11, fact: 120, swapped: [2, 1], caught: null });
  });
});

describe("programs beyond the generator", () => {
  it("a program nested deeper than the generator can recurse is refused (NotCompilable), not a crash", () => {
    let deep: ProgramExpr = int(1);
    for (let i = 0; i < 100_000; i++) deep = { op: "do", type: T.int, body: [deep], ...at };
    expect(() => compileProgram(program([deep], { outputType: T.int }))).toThrow(NotCompilable);
  });
});

describe("emit and fold engines", () => {
  it("a fold engine's action gets the tally and returns the next; end sees the last one", () => {
    const fold = program([add(v("tally"), call("a.len", [T.array(T.int)], T.int, v("input", T.array(T.int))))], {
      method: "fold",
      outputType: T.int,
      tallyVar: "tally",
      zero: 100,
      cells: [{ name: "seen", type: T.int, init: 0 }],
      end: [{ op: "cell", type: T.int, name: "seen", steps: [], to: { kind: "value", expr: v("tally") }, ...at }],
    });
    const p = compileProgram(fold);
    expect([p.action([1, 2]), p.action([3])]).toEqual([102, 103]);
    p.end();
    expect(p.state.cells.seen).toBe(103);
    // a session's row result is the tally after that row, as the PFA engine's session's
    const session = programSession(fold);
    expect(session.facts.outputFields).toEqual([{ name: "output", dataType: "int" }]);
    expect([session.scoreRow({ input: [1] }), session.scoreRow({ input: [] })]).toEqual([{ output: 101 }, { output: 101 }]);
  });

  it("an emit engine hands each emitted value to its receiver, in order", () => {
    const emit = program(
      [
        { op: "emit", value: int(1), ...at },
        { op: "emit", value: call("a.len", [T.array(T.int)], T.int, v("input", T.array(T.int))), ...at },
      ],
      { method: "emit", outputType: T.int },
    );
    const p = compileProgram(emit);
    const out: unknown[] = [];
    p.onEmit((x) => out.push(x));
    expect(p.action([5, 6, 7])).toBeNull();
    expect(out).toEqual([1, 3]);
    // a session's row result: what that row emitted, in order
    const session = programSession(emit);
    expect(session.facts.outputFields).toEqual([{ name: "emitted", dataType: "array<int>" }]);
    expect(session.scoreRows([{ input: [5] }, { input: [] }]).results).toEqual([{ emitted: [1, 1] }, { emitted: [1, 0] }]);
  });
});
