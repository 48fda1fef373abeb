/**
 * Code for function calls and function values (spec §4.4, §5.8): calls of user functions
 * (`u.name`) and of the library implementation the checker bound to each call, `emit`, and
 * function arguments — inline definitions and references by name, with `fill` binding some
 * parameters.
 */
import type { CallNode, EmitNode, ExprNode, FcnArgNode } from "../ast/nodes.ts";
import { curry, directCall, LAZY_LOGIC, lateCall, lazyLogic } from "./call-shapes.ts";
import type { Compiler } from "./compiler.ts";
import type { Code, Frame, Scope } from "./frames.ts";

type FnMaker = (f: Frame) => (...a: any[]) => any;

/** A function argument's value maker (given the frame it is created in). */
export function compileFcnArg(c: Compiler, arg: FcnArgNode, scope: Scope): FnMaker {
  if (arg.kind === "fcndef") return c.compileFunction(arg, scope);
  const target = c.checked.fcnRefs.get(arg)!;
  // a user function is looked up when the value is made: it may be generated after this reference
  const fns = c.userFns; // not `c`: the checker's facts need not outlive compilation
  const get = target.kind === "user" ? () => fns.get(target.name)! : () => target.fn;
  if (arg.fill.length === 0) return () => get();
  const fillCodes = arg.fill.map((b) => c.compile(b.expr, scope));
  return curry(get, target.arity, target.fillIdx, fillCodes);
}

export function compileCall(c: Compiler, node: CallNode, scope: Scope): Code {
  const call = c.checked.calls.get(node)!;
  if (call.kind === "user") {
    const codes = node.args.map((a) => c.compile(a as ExprNode, scope)); // the checker refused function arguments here
    const fns = c.userFns;
    // a user function may be generated after its callers (recursion): looked up when called
    return lateCall(() => fns.get(call.name)!, codes);
  }
  const codes: Code[] = node.args.map((a, i) => {
    if (a.kind === "fcndef" || a.kind === "fcnref") return compileFcnArg(c, a, scope);
    const code = c.compile(a, scope);
    if (!call.toDouble[i]) return code;
    return (f: Frame) => {
      const v = code(f);
      return typeof v === "bigint" ? Number(v) : v;
    };
  });
  if (LAZY_LOGIC.has(node.name)) return lazyLogic(node.name, codes[0]!, codes[1]!);
  return directCall(call.fn, codes);
}

export function compileEmit(c: Compiler, node: EmitNode, scope: Scope): Code {
  const value = c.compile(node.args[0]!, scope);
  const rt = c.inp.rt;
  return (f) => {
    rt.emit(value(f));
    return null;
  };
}
