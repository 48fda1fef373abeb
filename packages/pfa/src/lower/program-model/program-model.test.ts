/**
 * Lowering checked PFA engines into the IR's program model: each form as the contract
 * (@porta/ir models/program.ts) writes it, names resolved to unique ids through the checker's
 * scopes, constants as Avro JSON, the model pure JSON, and the refusals naming the construct and
 * its path.
 */
import { describe, expect, it } from "vitest";
import type { CallExpr, ProgramBlock, ProgramExpr, ProgramModel } from "@porta/ir";
import { programFromJson, programToJson } from "@porta/ir";
import { parsePfa } from "../../document.ts";
import { compilePfa, ENGINE_FACTS } from "../../engine.ts";
import { lowerPfa } from "../index.ts";
import { lowerProgramModel } from "./index.ts";

const IN = { type: "record", name: "In", fields: [{ name: "x", type: "double" }] };

function program(doc: Record<string, unknown> | string): ProgramModel {
  const engine = compilePfa(parsePfa(typeof doc === "string" ? doc : JSON.stringify({ input: IN, output: "double", ...doc })));
  const m = lowerProgramModel(engine, ENGINE_FACTS.get(engine)!);
  // pure JSON: what the artifact cache hashes and stores reads back the same
  expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  return m;
}

/** Every node of a block, depth first (bindings, branches, bodies, arguments, path steps). */
function nodes(block: ProgramBlock | readonly unknown[]): ProgramExpr[] {
  const out: ProgramExpr[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === "object") {
      if (typeof (v as { op?: unknown }).op === "string") out.push(v as ProgramExpr);
      for (const [k, x] of Object.entries(v)) if (k !== "type" && k !== "site") visit(x);
    }
  };
  visit(block);
  return out;
}

/** The node type of an op (`let` and `set` share one). */
type Of<O extends ProgramExpr["op"]> = ProgramExpr extends infer E ? (E extends { op: infer P } ? (O extends P ? E : never) : never) : never;

const ofOp = <O extends ProgramExpr["op"]>(block: ProgramBlock | readonly unknown[], op: O) => nodes(block).filter((n): n is Of<O> => n.op === op);

describe("lowering PFA engines into the program model", () => {
  it("variables: each declaration a new id, a shadowing let in an inner block another, set assigns the declared one", () => {
    const m = program({
      action: [{ let: { y: "input.x" } }, { do: [{ let: { y: { "+": ["y", 1] } } }, { set: { y: 2.0 } }, "y"] }, { set: { y: 3.0 } }, "y"],
    });
    const [outer, inner] = ofOp(m.action, "let");
    const outerId = outer!.bindings[0]!.id;
    const innerId = inner!.bindings[0]!.id;
    expect(new Set([m.inputVar, outerId, innerId]).size).toBe(3);
    // the inner let's right side reads the outer y; after it, the block's y is the inner one
    expect(ofOp([inner!.bindings[0]!.expr], "var").map((v) => v.id)).toEqual([outerId]);
    const sets = ofOp(m.action, "set");
    expect(sets.map((s) => s.bindings[0]!.id)).toEqual([innerId, outerId]);
    const doExpr = m.action[1]!;
    expect(doExpr).toMatchObject({ op: "do", type: { kind: "double" }, path: "/action/1" });
    expect(m.action[3]).toEqual({ op: "var", id: outerId, type: { kind: "double" }, path: "/action/3" });
    // input.x is an attr of the input variable with a field step
    expect(ofOp(m.action, "attr")[0]).toMatchObject({ base: { op: "var", id: m.inputVar }, steps: [{ kind: "field", name: "x" }], to: null });
  });

  it('constants as Avro JSON of their type: a long beyond 2^53 as a decimal string, bytes in base64, NaN as "nan", unions tagged', () => {
    const text = `{"input": "double", "output": "double", "action": [
      {"let": {"big": 9007199254740993, "b": {"base64": "aGk="}, "n": {"type": "double", "value": "nan"},
               "u": {"type": ["null", "string"], "value": {"string": "s"}}, "r": {"type": {"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}, "value": {"a": 1}}}},
      {"doc": "a note"},
      "input"]}`;
    const m = program(text);
    const values = Object.fromEntries(ofOp(m.action, "let")[0]!.bindings.map((b) => [b.id, b.expr]));
    expect(Object.values(values).map((e) => (e.op === "const" ? [e.type.kind, e.json] : e.op))).toEqual([
      ["long", "9007199254740993"],
      ["bytes", "aGk="],
      ["double", "nan"],
      ["union", { string: "s" }],
      ["record", { a: 1 }],
    ]);
    // doc is the constant null
    expect(m.action[1]).toEqual({ op: "const", type: { kind: "null" }, json: null, path: "/action/1" });
  });

  it("control flow: if/cond with their types, loops with their variables in their own scopes, doUntil's test sees the body", () => {
    const m = program({
      action: [
        { let: { s: { double: 0 } } },
        { while: { "<": ["s", 3] }, do: { set: { s: { "+": ["s", 1] } } } },
        { do: [{ let: { k: 0 } }, { set: { k: { "+": ["k", 1] } } }], until: { ">": ["k", 2] } },
        { for: { i: 0 }, while: { "<": ["i", 2] }, step: { i: { "+": ["i", 1] } }, do: { set: { s: { "+": ["s", "i"] } } } },
        { foreach: "v", in: { type: { type: "array", items: "double" }, value: [1, 2] }, do: { set: { s: { "+": ["s", "v"] } } } },
        { forkey: "k", forval: "w", in: { type: { type: "map", values: "int" }, value: { a: 1 } }, do: { set: { s: { "+": ["s", "w"] } } } },
        { if: { ">": ["s", 1] }, then: { let: { t: 1 } } },
        { cond: [{ if: true, then: "s" }], else: 0.5 },
      ],
    });
    const [, w, until, loop, each, kv, iff, cond] = m.action;
    expect(w).toMatchObject({ op: "while", test: { op: "call", target: { kind: "lib", site: { name: "<" } } }, body: [{ op: "set" }] });
    expect(until?.op).toBe("doUntil");
    if (until?.op !== "doUntil" || loop?.op !== "for" || each?.op !== "foreach" || kv?.op !== "forkeyval") throw new Error("shapes");
    const k = (until.body[0] as Of<"let">).bindings[0]!.id;
    expect(ofOp([until.test], "var").map((v) => v.id)).toEqual([k]);
    expect(loop.init.map((b) => [b.type.kind, b.expr.op])).toEqual([["int", "const"]]);
    expect(loop.step.map((b) => b.id)).toEqual([loop.init[0]!.id]);
    expect(ofOp([loop.test], "var").map((v) => v.id)).toEqual([loop.init[0]!.id]);
    expect(each).toMatchObject({ itemType: { kind: "double" }, array: { op: "const", json: [1, 2] } });
    expect(ofOp(each.body, "var").map((v) => v.id)).toContain(each.id);
    expect(kv).toMatchObject({ valueType: { kind: "int" } });
    expect(ofOp(kv.body, "var").map((v) => v.id)).toContain(kv.value);
    expect(iff).toMatchObject({ op: "if", type: { kind: "null" }, else: null });
    expect(cond).toMatchObject({ op: "cond", type: { kind: "double" }, clauses: [{ test: { op: "const", json: true } }], else: [{ op: "const", json: 0.5 }] });
    const ids = [...ofOp(m.action, "let").flatMap((l) => l.bindings.map((b) => b.id)), loop.init[0]!.id, each.id, kv.key, kv.value];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("cast, ifnotnull, upcast, try, error and log", () => {
    const U = ["null", "double", "string"];
    const m = program({
      input: { type: "record", name: "In", fields: [{ name: "u", type: U }] },
      action: [
        {
          cast: "input.u",
          cases: [
            { as: "double", named: "d", do: "d" },
            { as: "string", named: "s", do: { "s.len": "s" } },
          ],
          partial: true,
        },
        { ifnotnull: { d: "input.u" }, then: { log: ["d"], namespace: "n" } },
        { try: { error: "boom", code: -3 }, filter: ["boom"] },
        { upcast: 1, as: "double" },
      ],
    });
    const [cast, inn, tr, up] = m.action;
    expect(cast).toMatchObject({ op: "cast", type: { kind: "null" }, caseOf: [-1, 0, 1], partial: true });
    if (cast?.op !== "cast" || inn?.op !== "ifnotnull") throw new Error("shapes");
    expect(cast.branches.map((b) => b.kind)).toEqual(["null", "double", "string"]);
    expect(cast.cases.map((c) => [c.type.kind, c.body[0]!.op])).toEqual([
      ["double", "var"],
      ["string", "call"],
    ]);
    expect(cast.cases[0]!.body[0]).toMatchObject({ id: cast.cases[0]!.id });
    expect(inn.bindings[0]!.type).toEqual({ kind: "union", types: [{ kind: "double" }, { kind: "string" }] });
    expect(inn.then[0]).toMatchObject({ op: "log", namespace: "n", values: [{ op: "var", id: inn.bindings[0]!.id }] });
    expect(tr).toMatchObject({ op: "try", filter: ["boom"], body: [{ op: "error", message: "boom", code: -3 }] });
    // upcast keeps no node: its expression
    expect(up).toMatchObject({ op: "const", type: { kind: "int" }, json: 1, path: "/action/3/upcast" });
  });

  it("new, attr with to, cells and pools: path steps as field, index and key; to as a value or a function; inits as Avro JSON", () => {
    const R = { type: "record", name: "R", fields: [{ name: "a", type: { type: "array", items: { type: "map", values: "long" } } }] };
    const m = program({
      cells: { c: { type: R, init: { a: [{ k: 1 }] } } },
      pools: { p: { type: "double", init: { one: 1 } } },
      action: [
        { let: { r: { new: { a: { new: [], type: { type: "array", items: { type: "map", values: "long" } } } }, type: "R" } } },
        { attr: "r", path: [{ string: "a" }, 0, { string: "k" }], to: { long: 2 } },
        { cell: "c", path: [{ string: "a" }, 0, { string: "k" }], to: { params: [{ old: "long" }], ret: "long", do: { "+": ["old", 1] } } },
        { pool: "p", path: [{ string: "two" }], to: { fcn: "m.round" }, init: 2.5 },
        { pool: "p", path: [{ string: "one" }] },
      ],
    });
    expect(m.cells).toEqual([{ name: "c", type: expect.objectContaining({ kind: "record", fullName: "R" }), init: { a: [{ k: 1 }] } }]);
    expect(m.pools).toEqual([{ name: "p", type: { kind: "double" }, init: { one: 1 } }]);
    const [let_, attr, cell, pool, read] = m.action;
    expect(let_).toMatchObject({ op: "let", bindings: [{ expr: { op: "new", type: { kind: "record" }, fields: [["a", { op: "new", items: [] }]] } }] });
    expect(attr).toMatchObject({
      op: "attr",
      type: { kind: "record", fullName: "R" },
      steps: [
        { kind: "field", name: "a" },
        { kind: "index", expr: { op: "const", json: 0 } },
        { kind: "key", expr: { op: "const", json: "k" } },
      ],
      to: { kind: "value", expr: { op: "const", json: 2 } },
    });
    expect(cell).toMatchObject({ op: "cell", name: "c", to: { kind: "fcn", fcn: { op: "fcndef", params: [{ type: { kind: "long" } }] } } });
    expect(pool).toMatchObject({
      op: "pool",
      type: { kind: "double" },
      key: { op: "const", json: "two" },
      steps: [],
      to: { kind: "fcn", fcn: { op: "fcnref", target: { kind: "lib", site: { name: "m.round" } }, arity: 1, fill: [] } },
      init: { op: "const", json: 2.5 },
    });
    expect(read).toMatchObject({ op: "pool", key: { json: "one" }, to: null, init: null });
  });

  it("calls: library sites with their bindings and toDouble, user functions by u.name, fcnref fill and closures over enclosing variables", () => {
    const m = program({
      fcns: { f: { params: [{ a: "double" }, { b: "long" }], ret: "double", do: { "+": ["a", "b"] } } },
      action: [
        { let: { n: { long: 3 } } },
        {
          "a.map": [
            { type: { type: "array", items: "double" }, value: [1] },
            { fcn: "u.f", fill: { b: "n" } },
          ],
        },
        {
          "a.map": [
            { type: { type: "array", items: "double" }, value: [1] },
            { params: [{ v: "double" }], ret: "double", do: { "+": ["v", "n"] } },
          ],
        },
        { "u.f": ["input.x", "n"] },
      ],
    });
    expect(m.functions).toHaveLength(1);
    const f = m.functions[0]!;
    expect(f).toMatchObject({ name: "u.f", type: { kind: "fcn", params: [{ kind: "double" }, { kind: "long" }], ret: { kind: "double" } }, path: "/fcns/f" });
    // a long added to a double: the long argument is converted (toDouble)
    const plus = f.body[0] as CallExpr;
    expect(plus.target).toMatchObject({ kind: "lib", site: { name: "+", paramTypes: [{ kind: "double" }, { kind: "double" }] }, toDouble: [false, true] });
    expect(plus.args.map((a) => ("id" in a ? a.id : a.op))).toEqual(f.params.map((p) => p.id));
    const n = (m.action[0] as Of<"let">).bindings[0]!.id;
    const [, byRef, byDef, user] = m.action as CallExpr[];
    expect(byRef!.target).toMatchObject({ kind: "lib", site: { name: "a.map", bindings: { A: { kind: "double" }, B: { kind: "double" } } } });
    expect(byRef!.args[1]).toMatchObject({
      op: "fcnref",
      type: { kind: "fcn", params: [{ kind: "double" }], ret: { kind: "double" } },
      target: { kind: "user", name: "u.f" },
      arity: 2,
      fill: [{ index: 1, expr: { op: "var", id: n } }],
    });
    const def = byDef!.args[1]!;
    if (def.op !== "fcndef") throw new Error("fcndef");
    expect(ofOp(def.body, "var").map((v) => v.id)).toEqual([def.params[0]!.id, n]);
    expect(user).toMatchObject({ op: "call", type: { kind: "double" }, target: { kind: "user", name: "u.f" } });
    // every parameter and variable id is unique across the program
    const ids = [m.inputVar, ...f.params.map((p) => p.id), n, def.params[0]!.id];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("engines: a fold's zero and tally (one variable for action and end), an emit engine's emit, begin, randseed and options", () => {
    const fold = program({
      method: "fold",
      zero: 0,
      begin: [{ cell: "c", to: 1 }],
      cells: { c: { type: "int", init: 0 } },
      action: { "+": ["tally", "input.x"] },
      end: [{ let: { t: "tally" } }],
      randseed: 7,
      options: { timeout: 100 },
    });
    expect(fold).toMatchObject({ method: "fold", zero: 0, randseed: 7, options: { timeout: 100 }, miningSchema: [], output: [], functionName: "mixed" });
    expect(fold.tallyVar).toBeDefined();
    expect(ofOp(fold.action, "var").map((v) => v.id)).toContain(fold.tallyVar);
    expect(ofOp(fold.end, "var").map((v) => v.id)).toEqual([fold.tallyVar]);
    expect(fold.begin).toMatchObject([{ op: "cell", name: "c", to: { kind: "value" } }]);
    const emit = program({ method: "emit", action: [{ emit: ["input.x"] }] });
    expect(emit).toMatchObject({ method: "emit", action: [{ op: "emit", value: { op: "attr" } }] });
    expect(emit.tallyVar).toBeUndefined();
    expect("zero" in emit).toBe(false);
  });

  it("a recursive named type stays the checker's cycle; its JSON form names it and reads back as the same cycle", () => {
    const text = JSON.stringify({
      input: { type: "record", name: "Node", fields: [{ name: "next", type: ["null", "Node"] }] },
      output: "boolean",
      action: { "==": ["input", "input"] },
    });
    const l = lowerPfa(compilePfa(parsePfa(text)));
    if (!l.lowered) throw new Error(l.reason);
    const model = l.pipeline.model as ProgramModel;
    const node = model.inputType as Extract<ProgramModel["inputType"], { kind: "record" }>;
    const next = node.fields[0]!.type as Extract<ProgramModel["inputType"], { kind: "union" }>;
    expect(next.types[1]).toBe(node);
    const json = programToJson(model) as { inputType: unknown };
    expect(json.inputType).toEqual({
      kind: "record",
      name: "Node",
      fullName: "Node",
      fields: [{ name: "next", type: { kind: "union", types: [{ kind: "null" }, { $type: "Node" }] } }],
    });
    const back = programFromJson(JSON.parse(JSON.stringify(json)));
    const backNode = back.inputType as typeof node;
    expect((backNode.fields[0]!.type as typeof next).types[1]).toBe(backNode);
    expect(back).toEqual(model);
  });

  it('programFromJson resolves a name only inside a record type: a constant map with a "$type" key stays data', () => {
    const json = { kind: "program", cells: [{ name: "c", type: { kind: "map", values: { kind: "string" } }, init: { $type: "Node" } }] };
    expect(programFromJson(json)).toEqual(json);
  });

  it("lowerPfa: a model call first, then the scalar core, the program for the rest", () => {
    const lowered = (doc: Record<string, unknown>) => {
      const l = lowerPfa(compilePfa(parsePfa(JSON.stringify({ input: IN, output: "double", ...doc }))));
      if (!l.lowered) throw new Error(l.reason);
      return l;
    };
    expect(lowered({ action: { "+": ["input.x", 1] } }).via).toBe("scalar core");
    const looped = lowered({ action: [{ let: { s: { double: 0 } } }, { while: { "<": ["s", 2] }, do: { set: { s: { "+": ["s", 1] } } } }, "s"] });
    expect(looped.via).toBe("program");
    expect(looped.input).toEqual({ kind: "avro" });
    expect(looped.pipeline).toMatchObject({ dataFields: [], transformations: [], model: { kind: "program" } });
    const linear = {
      cells: {
        m: {
          type: {
            type: "record",
            name: "M",
            fields: [
              { name: "coeff", type: { type: "array", items: "double" } },
              { name: "const", type: "double" },
            ],
          },
          init: { coeff: [2], const: 1 },
        },
      },
      action: { "model.reg.linear": [{ new: ["input.x"], type: { type: "array", items: "double" } }, { cell: "m" }] },
    };
    expect(lowered(linear).via).toBe("model call");
  });
});
