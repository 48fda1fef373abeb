/**
 * Calls and function values (spec §4.4, §5.8): library calls with the call site the checker
 * chose (signature, bound type variables), user function calls by name, function arguments —
 * inline definitions (closures over the enclosing variables) and references by name with `fill`
 * — user function definitions, and `emit`.
 */
import type { CallExpr, EmitExpr, FcnArg, LibrarySite, ProgramFunction } from "@porta/ir";
import type { FcnType } from "@porta/ir/avro";
import type { CallNode, EmitNode, FcnArgNode, FcnDefNode } from "../../ast/nodes.ts";
import type { SiteFacts } from "../../compiler/checker.ts";
import { notLowerable } from "../refusal.ts";
import type { ProgramLowering } from "./lowering.ts";
import { Scope } from "./scope.ts";

/** A call site with its types as plain trees. */
function librarySite(l: ProgramLowering, site: SiteFacts, path: string): LibrarySite {
  return {
    name: site.name,
    sigIndex: site.sigIndex,
    argTypes: site.argTypes.map((t) => l.types.of(t, path)),
    paramTypes: site.paramTypes.map((t) => l.types.of(t, path)),
    retType: l.types.of(site.retType, path),
    bindings: Object.fromEntries(Object.entries(site.bindings).map(([k, t]) => [k, l.types.of(t, path)])),
  };
}

export function lowerCall(l: ProgramLowering, node: CallNode, scope: Scope): CallExpr {
  const call = l.checked.calls.get(node);
  if (!call) return notLowerable(`a call of ${node.name} the checker did not resolve`, node.path);
  const args = node.args.map((a) => (a.kind === "fcndef" || a.kind === "fcnref" ? lowerFcnArg(l, a, scope) : l.expr(a, scope)));
  const target: CallExpr["target"] =
    call.kind === "user" ? { kind: "user", name: call.name } : { kind: "lib", site: librarySite(l, call.site, node.path), toDouble: [...call.toDouble] };
  return { op: "call", type: l.typeOf(node), target, args, path: node.path };
}

export function lowerEmit(l: ProgramLowering, node: EmitNode, scope: Scope): EmitExpr {
  const [value] = node.args;
  if (!value || node.args.length !== 1) return notLowerable("emit of other than one value", node.path);
  return { op: "emit", value: l.expr(value, scope), path: node.path };
}

/** A function argument: an inline function closes over `scope`; a reference evaluates its fills where it stands. */
export function lowerFcnArg(l: ProgramLowering, arg: FcnArgNode, scope: Scope): FcnArg {
  const settled = l.checked.fcnArgTypes.get(arg);
  if (arg.kind === "fcndef") {
    const { params, body } = lowerFunctionBody(l, arg, scope.child());
    return { op: "fcndef", type: l.types.of(settled ?? l.checked.fcnType(arg), arg.path), params, body, path: arg.path };
  }
  const ref = l.checked.fcnRefs.get(arg);
  if (!ref || !settled) return notLowerable(`a reference to ${arg.name} the checker did not resolve`, arg.path);
  return {
    op: "fcnref",
    type: l.types.of(settled, arg.path),
    target: ref.kind === "user" ? { kind: "user", name: ref.name } : { kind: "lib", site: librarySite(l, ref.site, arg.path) },
    arity: ref.arity,
    fill: arg.fill.map((b, k) => ({ index: ref.fillIdx[k]!, expr: l.expr(b.expr, scope) })),
    path: arg.path,
  };
}

/** A function's parameters declared in `scope` and its body lowered there. */
function lowerFunctionBody(l: ProgramLowering, def: FcnDefNode, scope: Scope): Pick<ProgramFunction, "params" | "body"> {
  const type = l.checked.fcnType(def);
  const params = def.params.map((p, i) => {
    const v = l.declare(scope, p.name, type.params[i]!, p.type.path);
    return { id: v.id, type: v.type };
  });
  return { params, body: l.block(def.body, scope) };
}

/** A user function (`u.name`): its own scope, no enclosing variables. */
export function lowerUserFunction(l: ProgramLowering, name: string, def: FcnDefNode): ProgramFunction {
  const type: FcnType = l.types.of(l.checked.fcnType(def), def.path);
  const { params, body } = lowerFunctionBody(l, def, new Scope(null));
  return { name: `u.${name}`, type, params, body, path: def.path };
}
