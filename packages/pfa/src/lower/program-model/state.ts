/**
 * Paths into values and the engine's state (spec §5.5, §5.6): `attr`, `cell` and `pool` with
 * their path steps as the checker classified them (record field, array index, map key) and their
 * `to` (a new value, or a function of the old one).
 */
import type { AttrExpr, CellExpr, PathStep, PoolExpr, UpdateTo } from "@porta/ir";
import type { AttrNode, CellNode, PoolNode, UpdateNode } from "../../ast/nodes.ts";
import { notLowerable } from "../refusal.ts";
import { lowerFcnArg } from "./calls.ts";
import type { ProgramLowering } from "./lowering.ts";
import { dataType, type Scope } from "./scope.ts";

/** A node's path steps: a field's name is the constant string the checker read it from. */
function pathSteps(l: ProgramLowering, node: AttrNode | CellNode | PoolNode, scope: Scope): PathStep[] {
  const kinds = l.checked.steps.get(node);
  if (!kinds) return notLowerable("a path the checker did not resolve", node.path);
  return node.steps.map((pe, i): PathStep => {
    const kind = kinds[i]!;
    if (kind !== "field") return { kind, expr: l.expr(pe, scope), path: pe.path };
    if (pe.kind !== "literal" || typeof pe.value !== "string") return notLowerable("a record field that is not a string literal", pe.path);
    return { kind, name: pe.value, path: pe.path };
  });
}

function updateTo(l: ProgramLowering, to: UpdateNode | null, scope: Scope): UpdateTo | null {
  if (!to) return null;
  if (to.kind === "fcndef" || to.kind === "fcnref") return { kind: "fcn", fcn: lowerFcnArg(l, to, scope) };
  return { kind: "value", expr: l.expr(to, scope) };
}

export function lowerAttr(l: ProgramLowering, node: AttrNode, scope: Scope): AttrExpr {
  const base = l.expr(node.base, scope);
  const steps = pathSteps(l, node, scope);
  return { op: "attr", type: dataType(l.typeOf(node), node.path), base, steps, to: updateTo(l, node.to, scope), path: node.path };
}

export function lowerCell(l: ProgramLowering, node: CellNode, scope: Scope): CellExpr {
  const steps = pathSteps(l, node, scope);
  return { op: "cell", type: dataType(l.typeOf(node), node.path), name: node.name, steps, to: updateTo(l, node.to, scope), path: node.path };
}

/** The key, the path, then `to` and `init`: the order the engine evaluates them in. */
export function lowerPool(l: ProgramLowering, node: PoolNode, scope: Scope): PoolExpr {
  const key = l.expr(node.key, scope);
  const steps = pathSteps(l, node, scope);
  const to = updateTo(l, node.to, scope);
  return {
    op: "pool",
    type: dataType(l.typeOf(node), node.path),
    name: node.name,
    key,
    steps,
    to,
    init: node.init ? l.expr(node.init, scope) : null,
    path: node.path,
  };
}
