/**
 * Small matchers over the checked syntax tree: the forms the lowering recognises are read
 * through these, so each recogniser says what it expects and nothing else.
 */
import type { AttrNode, Block, CallNode, CellNode, ExprNode, FcnArgNode, FcnDefNode } from "../ast/nodes.ts";
import { notLowerable } from "./refusal.ts";

/** `{"cell": name}` read as a whole (no path, no update). */
export function plainCell(e: ExprNode | FcnArgNode): CellNode | undefined {
  return e.kind === "cell" && e.steps.length === 0 && e.to === null ? e : undefined;
}

/** A call of `name` (a library function), or undefined. */
export function callOf(e: ExprNode | FcnArgNode, name: string): CallNode | undefined {
  return e.kind === "call" && e.name === name ? e : undefined;
}

/** `"v"`: a variable reference to `name`. */
export function isRef(e: ExprNode | FcnArgNode, name: string): boolean {
  return e.kind === "ref" && e.name === name;
}

/** `"v.f"`: a record field of a variable, one constant field step, no update. */
export function fieldOf(e: ExprNode | FcnArgNode): { readonly base: string; readonly field: string } | undefined {
  if (e.kind !== "attr") return undefined;
  const a: AttrNode = e;
  if (a.base.kind !== "ref" || a.to !== null || a.steps.length !== 1) return undefined;
  const step = a.steps[0]!;
  return step.kind === "literal" && step.type === "string" && typeof step.value === "string" ? { base: a.base.name, field: step.value } : undefined;
}

/** The single expression of a block (a `then`, a function body). */
export function onlyExpr(b: Block): ExprNode | undefined {
  return b.exprs.length === 1 ? b.exprs[0] : undefined;
}

/** An inline function of `arity` parameters whose body is one expression: its parameter names and body. */
export function inlineFunction(e: ExprNode | FcnArgNode, arity: number, path: string): { params: string[]; body: ExprNode; def: FcnDefNode } {
  if (e.kind !== "fcndef") return notLowerable("a function argument that is not an inline function", path);
  if (e.params.length !== arity) return notLowerable(`an inline function of ${e.params.length} parameters`, e.path);
  const body = onlyExpr(e.body);
  if (!body) return notLowerable("an inline function of more than one expression", e.body.path);
  return { params: e.params.map((p) => p.name), body, def: e };
}
