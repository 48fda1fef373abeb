/**
 * Function calls and function values (spec §4.4, §5.8): calls of user functions (`u.name`) and
 * of the library (the signature the spec picks for the argument types selects the
 * implementation), `emit`, and function arguments — inline definitions and references by name,
 * with `fill` binding some parameters.
 */
import type { CallNode, EmitNode, ExprNode, FcnArgNode, FcnRefNode } from "../ast/nodes.ts";
import { LIBRARY } from "../lib/index.ts";
import type { CallSite } from "../lib/site.ts";
import { matchSignature, noMatchError, type ArgType, type LibFcnArg } from "../signatures.ts";
import { accepts, T, type FcnType } from "../types.ts";
import { curry, directCall, LAZY_LOGIC, lateCall, lazyLogic } from "./call-shapes.ts";
import { schemaError, type Compiled } from "./compiled.ts";
import type { Compiler } from "./compiler.ts";
import type { Code, Frame, Scope } from "./frames.ts";

type FnMaker = (f: Frame) => (...a: any[]) => any;

/** A function argument, checked: its type (a library function's is resolved by the signature that takes it) and its maker. */
interface CompiledFcnArg {
  readonly type: FcnType | LibFcnArg;
  readonly make: (resolved: FcnType) => FnMaker;
}

export function isFcnArg(node: ExprNode | FcnArgNode): node is FcnArgNode {
  return node.kind === "fcndef" || node.kind === "fcnref";
}

export function compileFcnArg(c: Compiler, arg: FcnArgNode, scope: Scope): CompiledFcnArg {
  if (arg.kind === "fcndef") {
    const type = c.fcnType(arg);
    const mk = c.compileFunction(arg, scope, "inline function");
    return { type, make: () => mk };
  }
  return compileFcnRef(c, arg, scope);
}

function compileFcnRef(c: Compiler, arg: FcnRefNode, scope: Scope): CompiledFcnArg {
  const name = arg.name;
  const fills = arg.fill.map((b) => [b.name, c.compile(b.expr, scope), b.path] as const);
  const fillCodes = fills.map(([, fc]) => fc.code);
  const user = c.userFcns.get(name);
  if (user) {
    if (fills.length === 0) return { type: user.type, make: () => () => user.fn! };
    const idx = fills.map(([k, fc, p]) => {
      const i = user.paramNames.indexOf(k);
      if (i < 0) throw schemaError("PFA_BAD_FCNREF", `${name} has no parameter ${k}`, p, k);
      if (!accepts(user.type.params[i]!, fc.type)) throw schemaError("PFA_TYPE_MISMATCH", `fill ${k} has the wrong type`, p);
      return i;
    });
    const type: FcnType = { kind: "fcn", params: user.type.params.filter((_, i) => !idx.includes(i)), ret: user.type.ret };
    return { type, make: () => curry(() => user.fn!, user.type.params.length, idx, fillCodes) };
  }
  const entry = c.lib.get(name);
  if (!entry || !LIBRARY[name]) throw schemaError("PFA_UNKNOWN_FUNCTION", `unknown function ${JSON.stringify(name)}`, `${arg.path}/fcn`, name);
  c.usedFunctions.add(name);
  let chosen: { make: FnMaker } | null = null;
  const rt = c.inp.rt;
  // the signature is chosen when the function taking this reference tells its parameter types
  const libArg: LibFcnArg = {
    kind: "libfcn",
    name,
    resolve: (params) => {
      for (const sig of entry.sigs) {
        if (sig.params.length !== params.length + fills.length) continue;
        const fillIdx = fills.map(([k]) => sig.params.findIndex((p) => p.name === k));
        if (fillIdx.some((i) => i < 0)) continue;
        const args: ArgType[] = [];
        let r = 0;
        for (let i = 0; i < sig.params.length; i++) {
          const fi = fillIdx.indexOf(i);
          args.push(fi >= 0 ? fills[fi]![1].type : params[r++]!);
        }
        const m = matchSignature({ name, sigs: [sig] }, args);
        if (!m) continue;
        const impl = LIBRARY[name]!({
          name,
          sigIndex: entry.sigs.indexOf(sig),
          argTypes: m.argTypes,
          paramTypes: m.paramTypes,
          retType: m.ret,
          bindings: m.bindings,
          rt,
        });
        chosen = fills.length === 0 ? { make: () => impl } : { make: curry(() => impl, sig.params.length, fillIdx, fillCodes) };
        return { kind: "fcn", params, ret: m.ret };
      }
      return null;
    },
  };
  return {
    type: libArg,
    make: () => {
      if (!chosen) throw schemaError("PFA_TYPE_MISMATCH", `cannot use ${name} here`, arg.path);
      return chosen.make;
    },
  };
}

export function compileCall(c: Compiler, node: CallNode, scope: Scope): Compiled {
  const name = node.name;
  const user = c.userFcns.get(name);
  if (user) {
    if (node.args.length !== user.type.params.length) {
      throw schemaError("PFA_WRONG_ARITY", `${name} takes ${user.type.params.length} arguments, not ${node.args.length}`, node.path, name);
    }
    const codes = node.args.map((a, i) => {
      if (isFcnArg(a)) throw schemaError("PFA_TYPE_MISMATCH", "user functions take no function arguments", a.path);
      return c.checked(a, user.type.params[i]!, scope);
    });
    c.calls.set(node, { kind: "user", name });
    return { type: user.type.ret, code: lateCall(() => user.fn!, codes) };
  }
  const entry = c.lib.get(name);
  const impl = LIBRARY[name];
  if (!entry || !impl) throw schemaError("PFA_UNKNOWN_FUNCTION", `unknown function ${JSON.stringify(name)}`, node.path, name);
  c.usedFunctions.add(name);

  const args = node.args.map((a) => (isFcnArg(a) ? { fn: compileFcnArg(c, a, scope) } : { value: c.compile(a, scope) }));
  const argTypes: ArgType[] = args.map((a) => (a.fn ? a.fn.type : a.value!.type));
  const m = matchSignature(entry, argTypes);
  if (!m) throw noMatchError(name, entry, argTypes, node.path);
  const site: CallSite = { name, sigIndex: m.index, argTypes: m.argTypes, paramTypes: m.paramTypes, retType: m.ret, bindings: m.bindings, rt: c.inp.rt };
  const fn = impl(site);
  // long values beyond 2^53 are bigint; a float/double parameter needs a number
  const toDouble = m.argTypes.map((t, i) => t.kind === "long" && (m.paramTypes[i]!.kind === "double" || m.paramTypes[i]!.kind === "float"));
  c.calls.set(node, { kind: "lib", fn, toDouble });
  const codes: Code[] = args.map((a, i) => {
    if (a.fn) return a.fn.make(m.argTypes[i] as FcnType);
    const code = a.value!.code;
    if (!toDouble[i]) return code;
    return (f: Frame) => {
      const v = code(f);
      return typeof v === "bigint" ? Number(v) : v;
    };
  });
  if (LAZY_LOGIC.has(name)) return { type: m.ret, code: lazyLogic(name, codes[0]!, codes[1]!) };
  return { type: m.ret, code: directCall(fn, codes) };
}

export function compileEmit(c: Compiler, node: EmitNode, scope: Scope): Compiled {
  if (c.inp.method !== "emit") throw schemaError("PFA_UNKNOWN_FUNCTION", "emit is only available in emit engines", node.path, "emit");
  if (node.args.length !== 1) throw schemaError("PFA_WRONG_ARITY", "emit takes one argument", node.path);
  const value = c.checked(node.args[0]!, c.inp.outputType, scope);
  const rt = c.inp.rt;
  return {
    type: T.null,
    code: (f) => {
      rt.emit(value(f));
      return null;
    },
  };
}
