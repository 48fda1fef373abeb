import { describe, expect, it } from "vitest";
import { SchemaError } from "@porta/ir";
import { parsePfa } from "../document.ts";
import type { AttrNode, CallNode, ExprNode, FcnDefNode, FcnRefNode, ForNode, IfNode, PoolNode } from "./nodes.ts";
import { parseDocumentAst, parseExpression } from "./parse.ts";

const parse = (json: unknown) => parseExpression(json, "/action/0");

function errorOf(f: () => unknown): SchemaError {
  try {
    f();
  } catch (e) {
    if (e instanceof SchemaError) return e;
    throw e;
  }
  throw new Error("no error");
}

describe("PFA expressions parse into one node kind per form (spec §4–§5)", () => {
  it("bare JSON scalars are literals typed as the spec says: int within 32 bits, long beyond, double otherwise", () => {
    expect(parse(null)).toEqual({ kind: "literal", type: "null", value: null, path: "/action/0" });
    expect(parse(true)).toMatchObject({ kind: "literal", type: "boolean", value: true });
    expect(parse(2147483647)).toMatchObject({ type: "int" });
    expect(parse(2147483648)).toMatchObject({ type: "long" });
    expect(parse(1.5)).toMatchObject({ type: "double" });
    expect(parse(["text"])).toMatchObject({ type: "string", value: "text" });
  });

  it("typed literals: int, long, float, double, string, base64", () => {
    expect(parse({ int: 3 })).toMatchObject({ kind: "literal", type: "int", value: 3 });
    expect(parse({ long: 3 })).toMatchObject({ type: "long", value: 3 });
    expect(parse({ float: 0.5 })).toMatchObject({ type: "float", value: 0.5 });
    expect(parse({ double: 2 })).toMatchObject({ type: "double", value: 2 });
    expect(parse({ string: "x" })).toMatchObject({ type: "string", value: "x" });
    const bytes = parse({ base64: "AQI=" });
    expect(bytes).toMatchObject({ type: "bytes" });
    expect(Array.from((bytes as { value: Uint8Array }).value)).toEqual([1, 2]);
  });

  it("a symbol is a ref; a dotted symbol is an attr whose steps are field names and indexes", () => {
    expect(parse("x")).toEqual({ kind: "ref", name: "x", path: "/action/0" });
    const a = parse("x.y.0") as AttrNode;
    expect(a.kind).toBe("attr");
    expect(a.base).toEqual({ kind: "ref", name: "x", path: "/action/0/attr" });
    expect(a.steps).toEqual([
      { kind: "literal", type: "string", value: "y", path: "/action/0/path/0" },
      { kind: "literal", type: "int", value: 0, path: "/action/0/path/1" },
    ]);
  });

  it("a one-key object whose key is not a form keyword is a call; its arguments carry their paths", () => {
    const c = parse({ "+": [1, "x"] }) as CallNode;
    expect(c.kind).toBe("call");
    expect(c.name).toBe("+");
    expect(c.args.map((a) => a.path)).toEqual(["/action/0/+/0", "/action/0/+/1"]);
    // one argument need not be in an array; its path is then the call's member
    expect((parse({ "m.sqrt": "x" }) as CallNode).args[0]!.path).toBe("/action/0/m.sqrt");
  });

  it("function arguments: references with fill and inline definitions", () => {
    const c = parse({ "a.map": ["xs", { fcn: "u.f", fill: { k: 2 } }, { params: [{ v: "int" }], ret: "int", do: "v" }] }) as CallNode;
    const ref = c.args[1] as FcnRefNode;
    expect(ref).toMatchObject({ kind: "fcnref", name: "u.f", path: "/action/0/a.map/1" });
    expect(ref.fill[0]).toMatchObject({ name: "k", path: "/action/0/a.map/1/fill/k" });
    const def = c.args[2] as FcnDefNode;
    expect(def.kind).toBe("fcndef");
    expect(def.params[0]).toEqual({ name: "v", type: { json: "int", path: "/action/0/a.map/2/params/0/v" } });
    expect(def.body.exprs[0]).toMatchObject({ kind: "ref", name: "v", path: "/action/0/a.map/2/do/0" });
  });

  it("control flow: if/else, for with its let-like init and set-like step", () => {
    const i = parse({ if: true, then: [1, 2], else: 3 }) as IfNode;
    expect(i.then.exprs).toHaveLength(2);
    expect(i.else?.exprs[0]?.path).toBe("/action/0/else/0");
    expect(parse({ if: true, then: 1 })).toMatchObject({ else: null });
    const f = parse({ for: { i: 0 }, while: { "<": ["i", 3] }, step: { i: { "+": ["i", 1] } }, do: "i" }) as ForNode;
    expect(f.init[0]).toMatchObject({ name: "i", path: "/action/0/for/i" });
    expect(f.step[0]).toMatchObject({ name: "i", path: "/action/0/step/i" });
  });

  it("the keyword table decides by key set, in one order: do with until is a loop, do alone a block", () => {
    expect(parse({ do: [1], until: true }).kind).toBe("doUntil");
    expect(parse({ do: [1] }).kind).toBe("do");
    expect(parse({ forkey: "k", forval: "v", in: "m", do: "k" }).kind).toBe("forkeyval");
    expect(parse({ type: "int", value: 1 }).kind).toBe("value");
    expect(parse({ emit: "x" }).kind).toBe("emit");
  });

  it("a pool's path starts with the item key; the steps after it keep their own indexes", () => {
    const p = parse({ pool: "p", path: ["k", { string: "f" }], to: 1, init: 0 }) as PoolNode;
    expect(p.key).toMatchObject({ kind: "ref", name: "k", path: "/action/0/path/0" });
    expect(p.steps[0]?.path).toBe("/action/0/path/1");
    expect(p.to).toMatchObject({ kind: "literal", path: "/action/0/to" });
    expect(p.init).toMatchObject({ kind: "literal", path: "/action/0/init" });
  });

  it('"@" keys are dropped anywhere, as Titus and Hadrian do', () => {
    const plain = parse({ "+": [1, { if: true, then: { "u.f": [{ params: [{ v: "int" }], ret: "int", do: "v" }] } }] });
    const annotated = parse({
      "@": "line 1",
      "+": [1, { "@": { line: 2 }, if: true, then: { "@": 3, "u.f": [{ "@": null, params: [{ "@": "p", v: "int" }], ret: "int", do: "v" }] } }],
    });
    expect(annotated).toEqual(plain);
  });
});

describe("parse errors keep the compiler's codes and paths", () => {
  const cases: [string, unknown, string, string][] = [
    ["an array that is not a string literal", [1, 2], "PFA_BAD_EXPRESSION", "/action/0"],
    ["an int literal out of range", { int: 2 ** 40 }, "PFA_BAD_LITERAL", "/action/0"],
    ["a string literal that is not a string", { string: 1 }, "PFA_BAD_LITERAL", "/action/0"],
    ["an empty let", { let: {} }, "PFA_BAD_LET", "/action/0/let"],
    ["a bad variable name", { let: { "1x": 1 } }, "PFA_BAD_NAME", "/action/0/let/1x"],
    ["an empty block", { do: [] }, "PFA_EMPTY_BLOCK", "/action/0/do"],
    ["if without then", { if: true }, "PFA_BAD_IF", "/action/0"],
    ["an empty cond", { cond: [] }, "PFA_BAD_COND", "/action/0/cond"],
    ["a cond clause without then", { cond: [{ if: true }] }, "PFA_BAD_COND", "/action/0/cond/0"],
    ["cast without cases", { cast: "x" }, "PFA_BAD_CAST", "/action/0/cases"],
    ["an attr with an empty path", { attr: "x", path: [] }, "PFA_BAD_PATH", "/action/0/path"],
    ["a pool without a key", { pool: "p" }, "PFA_BAD_PATH", "/action/0/path"],
    ["a cell without a name", { cell: 1 }, "PFA_BAD_CELL", "/action/0/cell"],
    ["an error without a message", { error: 1 }, "PFA_BAD_ERROR", "/action/0/error"],
    ["a function reference outside a call", { fcn: "u.f" }, "PFA_BAD_EXPRESSION", "/action/0"],
    ["a fill that is not an object", { "a.map": ["xs", { fcn: "u.f", fill: 1 }] }, "PFA_BAD_FCNREF", "/action/0/a.map/1/fill"],
    ["an inline function without do", { "a.map": ["xs", { params: [], ret: "int", fcn: 1 }] }, "PFA_BAD_FCNDEF", "/action/0/a.map/1/do"],
    ["an unknown form", { then: 1, else: 2 }, "PFA_BAD_EXPRESSION", "/action/0"],
  ];
  for (const [what, json, code, path] of cases) {
    it(what, () => {
      const e = errorOf(() => parse(json));
      expect([e.code, e.path]).toEqual([code, path]);
    });
  }
});

describe("the document's top level", () => {
  it("sections become typed parts: types as written with their paths, bodies as blocks, fcns and cells by name", () => {
    const doc = parsePfa(
      JSON.stringify({
        input: "int",
        output: "int",
        method: "map",
        cells: { c: { type: "int", init: 1 } },
        fcns: { twice: { params: [{ x: "int" }], ret: "int", do: { "*": ["x", 2] } } },
        action: { "u.twice": "input" },
      }),
    );
    const ast = parseDocumentAst(doc);
    expect(ast.input).toEqual({ json: "int", path: "/input" });
    expect(ast.begin).toBeNull();
    expect(ast.action.exprs[0]).toMatchObject({ kind: "call", name: "u.twice", path: "/action/0" });
    const twice = ast.fcns.get("twice")!;
    expect(twice.params[0]).toEqual({ name: "x", type: { json: "int", path: "/fcns/twice/params/0/x" } });
    expect((twice.body.exprs[0] as ExprNode).path).toBe("/fcns/twice/do/0");
    expect(ast.cells.get("c")).toMatchObject({ init: 1, type: { json: "int", path: "/cells/c/type" } });
  });
});
