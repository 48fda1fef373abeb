import { describe, expect, it } from "vitest";
import { type AstNode, childrenOf } from "./children.ts";
import { parseExpression } from "./parse.ts";

/** Every node under `root` (children first listed, depth first). */
function allNodes(root: AstNode): AstNode[] {
  const out: AstNode[] = [];
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    out.push(n);
    stack.push(...childrenOf(n));
  }
  return out;
}

/** One expression holding every form, each part holding a distinct marker ("m1", "m2", …). */
const EVERY_FORM = {
  do: [
    { let: { a: { new: [["m1"]], type: { type: "array", items: "string" } } } },
    { set: { a: { new: { k: ["m2"] }, type: { type: "map", values: "string" } } } },
    { if: ["m3"], then: ["m4"], else: ["m5"] },
    { cond: [{ if: ["m6"], then: ["m7"] }], else: ["m8"] },
    { while: ["m9"], do: ["m10"] },
    { do: ["m11"], until: ["m12"] },
    { for: { i: ["m13"] }, while: ["m14"], step: { i: ["m15"] }, do: ["m16"] },
    { foreach: "x", in: ["m17"], do: ["m18"] },
    { forkey: "k", forval: "v", in: ["m19"], do: ["m20"] },
    { cast: ["m21"], cases: [{ as: "string", named: "s", do: ["m22"] }] },
    { upcast: ["m23"], as: "string" },
    { ifnotnull: { y: ["m24"] }, then: ["m25"], else: ["m26"] },
    { attr: ["m27"], path: [["m28"]], to: ["m29"] },
    { cell: "c", path: [["m30"]], to: { fcn: "u.f", fill: { p: ["m31"] } } },
    { pool: "p", path: [["m32"], ["m33"]], to: { params: [{ q: "string" }], ret: "string", do: ["m34"] }, init: ["m35"] },
    { "a.map": [["m36"], { params: [{ q: "string" }], ret: "string", do: ["m37"] }] },
    { emit: ["m38"] },
    { try: ["m39"] },
    { log: [["m40"]] },
    { type: "string", value: "not an expression" },
    { doc: "text" },
    { error: "message" },
  ],
};

describe("childrenOf reaches every subexpression (the walker refuses forms found this way)", () => {
  it("every form's parts, in a document holding each form", () => {
    const nodes = allNodes(parseExpression(EVERY_FORM, "/action/0"));
    // a marker is a string literal, or a variable where a body's array holds it (`"then": ["m4"]`)
    const marker = (n: AstNode) => (n.kind === "literal" && typeof n.value === "string" ? n.value : n.kind === "ref" ? n.name : "");
    const markers = nodes.map(marker).filter((m) => /^m\d+$/.test(m));
    expect(new Set(markers).size).toBe(40);
    const kinds = new Set(nodes.map((n) => n.kind));
    for (const k of ["let", "set", "if", "cond", "while", "doUntil", "for", "foreach", "forkeyval", "cast", "upcast", "ifnotnull", "attr", "cell", "pool"]) {
      expect(kinds).toContain(k);
    }
    for (const k of ["call", "emit", "try", "log", "value", "doc", "error", "fcnref", "fcndef", "new", "do", "literal"]) expect(kinds).toContain(k);
  });

  it("each child's path lies under its parent's", () => {
    const root = parseExpression(EVERY_FORM, "/action/0");
    const stack: AstNode[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      for (const c of childrenOf(n)) {
        expect(c.path.startsWith(`${n.path}/`) || c.path === n.path).toBe(true);
        stack.push(c);
      }
    }
  });
});
