import { describe, expect, it } from "vitest";
import type { CallNode, ExprNode, IfNode } from "../ast/nodes.ts";
import { parseDocumentAst } from "../ast/parse.ts";
import { parsePfa } from "../document.ts";
import { Rng } from "../lib/rng.ts";
import { TypeRegistry, typeName } from "@porta/ir/avro";
import { Checker } from "./checker.ts";

/** Checks a map document's action; returns the checker and the action's expressions. */
function check(doc: Record<string, unknown>): { checker: Checker; action: readonly ExprNode[] } {
  const pfa = parsePfa(JSON.stringify({ input: "double", output: "double", ...doc }));
  const ast = parseDocumentAst(pfa);
  const registry = new TypeRegistry();
  registry.preregister([pfa.input, pfa.output, pfa.fcns, pfa.action]);
  const limits = { maxArrayLength: 1000, maxStringLength: 1000, maxDepth: 100 };
  const rt = { rng: new Rng(1), ...limits, regexSteps: 1000 };
  const outputType = registry.parse(ast.output.json, ast.output.path);
  const checker = new Checker({ registry, fcns: ast.fcns, cells: new Map(), rt, outputType, method: "map", limits });
  checker.checkBody(ast.action, { input: registry.parse(ast.input.json, ast.input.path) });
  return { checker, action: ast.action.exprs };
}

describe("the checker records what it found on the syntax tree (compiler/checker.ts)", () => {
  it("each expression's type: literals, variables, calls by the signature chosen, branches by their broadest type", () => {
    const { checker, action } = check({ action: [{ if: { ">": ["input", 0] }, then: { "+": ["input", 1] }, else: { int: 0 } }] });
    const ifNode = action[0] as IfNode;
    const typeOf = (n: ExprNode) => JSON.parse(typeName(checker.types.get(n)!)) as unknown;
    expect(typeOf(ifNode)).toBe("double");
    expect(typeOf(ifNode.test)).toBe("boolean");
    const plus = ifNode.then.exprs[0] as CallNode;
    expect(typeOf(plus)).toBe("double");
    expect(typeOf(plus.args[1] as ExprNode)).toBe("int");
    expect(typeOf(ifNode.else!.exprs[0]!)).toBe("int");
  });

  it("each call's resolution: a user function by name, a library function by its implementation and long→double coercions", () => {
    const { checker, action } = check({
      fcns: { half: { params: [{ x: "double" }], ret: "double", do: { "/": ["x", 2] } } },
      action: [{ "u.half": { "m.sqrt": { long: 4 } } }],
    });
    const user = action[0] as CallNode;
    expect(checker.calls.get(user)).toEqual({ kind: "user", name: "u.half" });
    const sqrt = checker.calls.get(user.args[0] as CallNode);
    expect(sqrt?.kind).toBe("lib");
    if (sqrt?.kind === "lib") {
      expect(sqrt.toDouble).toEqual([true]);
      expect(sqrt.fn(4)).toBe(2);
    }
  });
});

describe("checker errors name the node and what was wrong with it", () => {
  it("a type mismatch: PFA_TYPE_MISMATCH at the argument's path, with the type found", () => {
    const e = (() => {
      try {
        check({ fcns: { half: { params: [{ x: "double" }], ret: "double", do: "x" } }, action: [{ "u.half": [["text"]] }] });
      } catch (err) {
        return err as { code: string; path: string; value: unknown };
      }
      throw new Error("no error");
    })();
    expect([e.code, e.path, e.value]).toEqual(["PFA_TYPE_MISMATCH", "/action/0/u.half/0", '"string"']);
  });
});
