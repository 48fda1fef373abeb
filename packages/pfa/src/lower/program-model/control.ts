/**
 * Control-flow forms (spec §5.2–§5.4, §5.7) as program expressions: branches, loops, casts, null
 * tests, try and log. Each opens the scopes the checker opened, so the variables a branch or a
 * loop body declares are new ids there and never leak.
 */
import type { CastExpr, CondExpr, ForExpr, IfExpr, IfNotNullExpr, ProgramExpr, TryExpr } from "@porta/ir";
import { T } from "@porta/ir/avro";
import type {
  CastNode,
  CondNode,
  DoUntilNode,
  ForeachNode,
  ForkeyvalNode,
  ForNode,
  IfNode,
  IfNotNullNode,
  LogNode,
  TryNode,
  WhileNode,
} from "../../ast/nodes.ts";
import { notLowerable } from "../refusal.ts";
import type { ProgramLowering } from "./lowering.ts";
import { dataType, type Scope } from "./scope.ts";

export function lowerIf(l: ProgramLowering, node: IfNode, scope: Scope): IfExpr {
  return {
    op: "if",
    type: l.typeOf(node),
    test: l.expr(node.test, scope),
    then: l.block(node.then, scope.child()),
    else: node.else ? l.block(node.else, scope.child()) : null,
    path: node.path,
  };
}

export function lowerCond(l: ProgramLowering, node: CondNode, scope: Scope): CondExpr {
  return {
    op: "cond",
    type: l.typeOf(node),
    clauses: node.clauses.map((c) => ({ test: l.expr(c.test, scope), then: l.block(c.then, scope.child()) })),
    else: node.else ? l.block(node.else, scope.child()) : null,
    path: node.path,
  };
}

export function lowerWhile(l: ProgramLowering, node: WhileNode, scope: Scope): ProgramExpr {
  return { op: "while", test: l.expr(node.test, scope), body: l.block(node.body, scope.child()), path: node.path };
}

/** The test sees the body's variables: one scope for both. */
export function lowerDoUntil(l: ProgramLowering, node: DoUntilNode, scope: Scope): ProgramExpr {
  const inner = scope.child();
  const body = l.block(node.body, inner);
  return { op: "doUntil", body, test: l.expr(node.test, inner), path: node.path };
}

/** init declares in the loop's scope, the test and the step see it, the body gets a scope of its own. */
export function lowerFor(l: ProgramLowering, node: ForNode, scope: Scope): ForExpr {
  const loop = scope.child();
  const init = l.lowerLet({ kind: "let", bindings: node.init, path: node.path }, loop);
  const test = l.expr(node.test, loop);
  const step = l.lowerLet({ kind: "set", bindings: node.step, path: node.path }, loop);
  if (init.op !== "let" || step.op !== "set") return notLowerable("a for loop", node.path);
  return {
    op: "for",
    init: init.bindings,
    test,
    step: step.bindings.map((b) => ({ id: b.id, expr: b.expr })),
    body: l.block(node.body, loop.child()),
    path: node.path,
  };
}

export function lowerForeach(l: ProgramLowering, node: ForeachNode, scope: Scope): ProgramExpr {
  const array = l.expr(node.array, scope);
  const t = l.typeOf(node.array);
  if (t.kind !== "array") return notLowerable("foreach over a value that is not an array", node.array.path);
  const loop = scope.child();
  const v = l.declare(loop, node.name, t.items, node.path);
  return { op: "foreach", id: v.id, itemType: v.type, array, body: l.block(node.body, loop.child()), path: node.path };
}

export function lowerForkeyval(l: ProgramLowering, node: ForkeyvalNode, scope: Scope): ProgramExpr {
  const map = l.expr(node.map, scope);
  const t = l.typeOf(node.map);
  if (t.kind !== "map") return notLowerable("forkey-forval over a value that is not a map", node.map.path);
  const loop = scope.child();
  const key = l.declare(loop, node.key, T.string, node.path);
  const value = l.declare(loop, node.value, t.values, node.path);
  return { op: "forkeyval", key: key.id, value: value.id, valueType: value.type, map, body: l.block(node.body, loop.child()), path: node.path };
}

/** Each union branch goes to the case the checker assigned it (the first that accepts it). */
export function lowerCast(l: ProgramLowering, node: CastNode, scope: Scope): CastExpr {
  const facts = l.checked.castCases.get(node);
  if (!facts) return notLowerable("a cast the checker did not resolve", node.path);
  const expr = l.expr(node.expr, scope);
  const cases = node.cases.map((cc) => {
    const inner = scope.child();
    const v = l.declare(inner, cc.named, l.resolve(cc.type), cc.path);
    return { id: v.id, type: v.type, body: l.block(cc.body, inner) };
  });
  return {
    op: "cast",
    type: l.typeOf(node),
    expr,
    branches: facts.branches.map((b) => l.types.of(b, node.path)),
    caseOf: [...facts.caseOf],
    cases,
    partial: node.partial,
    path: node.path,
  };
}

/** The bindings are evaluated in the enclosing scope; `then` sees them as their non-null types. */
export function lowerIfNotNull(l: ProgramLowering, node: IfNotNullNode, scope: Scope): IfNotNullExpr {
  const exprs = node.bindings.map((b) => l.expr(b.expr, scope));
  const inner = scope.child();
  const bindings = node.bindings.map((b, k) => {
    const t = dataType(l.typeOf(b.expr), b.path);
    if (t.kind !== "union") return notLowerable("ifnotnull of a value that is not a union with null", b.path);
    const rest = t.types.filter((x) => x.kind !== "null");
    const v = l.declare(inner, b.name, rest.length === 1 ? rest[0]! : T.union(rest), b.path);
    return { id: v.id, type: v.type, expr: exprs[k]! };
  });
  return {
    op: "ifnotnull",
    type: l.typeOf(node),
    bindings,
    then: l.block(node.then, inner),
    else: node.else ? l.block(node.else, scope.child()) : null,
    path: node.path,
  };
}

export function lowerTry(l: ProgramLowering, node: TryNode, scope: Scope): TryExpr {
  const filter = node.filter?.map((x) =>
    typeof x === "string" || typeof x === "number" ? x : notLowerable("a try filter that is neither a message nor a code", `${node.path}/filter`),
  );
  return { op: "try", type: l.typeOf(node), body: l.block(node.body, scope.child()), filter: filter ?? null, path: node.path };
}

export function lowerLog(l: ProgramLowering, node: LogNode, scope: Scope): ProgramExpr {
  return { op: "log", values: node.values.map((e) => l.expr(e, scope)), namespace: node.namespace, path: node.path };
}
