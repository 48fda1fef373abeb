/**
 * Calls and function values (spec §4.4, §5.8), as pfa/src/compiler/{calls,call-shapes}.ts: a
 * library call calls the implementation instantiated for its site (a module constant), a user
 * function call the JS function generated for it; `&&`, `||` and Kleene's `&&&`, `|||` evaluate
 * their second argument only when needed. Function arguments are JS functions: an inline one
 * closes over the variables around it, a reference with `fill` binds its filled parameters to
 * values taken when the reference is evaluated. Every user or inline function call ticks the
 * wall clock (recursion runs without loops to count).
 */
import type { CallExpr, EmitExpr, FcnArg, LibrarySite, ProgramExpr } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { NotCompilable } from "../unsupported.ts";
import type { ProgramGen } from "./generate.ts";

const LAZY_LOGIC = new Set(["&&", "||", "&&&", "|||"]);

function isFcnArg(a: ProgramExpr | FcnArg): a is FcnArg {
  return a.op === "fcndef" || a.op === "fcnref";
}

function userFn(g: ProgramGen, name: string): Name {
  const fn = g.userFns.get(name);
  if (!fn) throw new NotCompilable(`a call of the undefined user function ${JSON.stringify(name)}`);
  return fn;
}

/** A function argument's value: a JS function. */
export function genFcnArg(g: ProgramGen, a: FcnArg): Code {
  if (a.op === "fcndef") {
    let params: Name[] = [];
    const body = g.inFunction(() => {
      params = a.params.map((p) => g.param(p.id));
      g.emit(g.tick());
      return g.block(a.body);
    });
    return g.fixed(_`((${join(params, ", ")}) => {\n${body}\n})`);
  }
  const target = a.target.kind === "lib" ? g.lib(a.target.site) : userFn(g, a.target.name);
  if (a.fill.length === 0) return target;
  // the filled values are taken when the reference is evaluated, in order; the rest are the parameters
  const filled = g.ordered(a.fill.map((f) => () => g.expr(f.expr))).map((v) => g.temp(v, "f"));
  const rest: Name[] = [];
  const args: Code[] = [];
  for (let i = 0; i < a.arity; i++) {
    const fi = a.fill.findIndex((f) => f.index === i);
    if (fi >= 0) args.push(filled[fi]!);
    else {
      const p = g.names.name("x");
      rest.push(p);
      args.push(p);
    }
  }
  return g.fixed(_`((${join(rest, ", ")}) => ${target}(${join(args, ", ")}))`);
}

export function genCall(g: ProgramGen, e: CallExpr): Code {
  const t = e.target;
  if (t.kind === "user") {
    const fn = userFn(g, t.name);
    const args = g.ordered(
      e.args.map((a) => () => {
        if (isFcnArg(a)) throw new NotCompilable("a function argument to a user function");
        return g.expr(a);
      }),
    );
    return _`${fn}(${join(args, ", ")})`;
  }
  if (LAZY_LOGIC.has(t.site.name)) return lazyLogic(g, t.site.name, e.args);
  const args = g.ordered(
    e.args.map((a, i) => () => {
      if (isFcnArg(a)) return genFcnArg(g, a);
      const v = g.expr(a);
      return t.toDouble[i] ? _`${g.h.toDouble}(${v})` : v;
    }),
  );
  return inlineOperator(t.site, args) ?? _`${g.lib(t.site)}(${join(args, ", ")})`;
}

/**
 * The library operators whose implementation at this site is one JS operator, inlined (the hot
 * path of arithmetic loops): float/double `+ - *` and `/` (IEEE 754, as pfa/src/lib/core.ts's
 * implementations), and int comparisons (no NaN to order). Long arithmetic (overflow, bigint),
 * int arithmetic (overflow errors) and double comparisons (PFA orders NaN above every number)
 * stay library calls.
 */
function inlineOperator(site: LibrarySite, args: readonly Code[]): Code | undefined {
  if (args.length !== 2) return undefined;
  const [a, b] = args as [Code, Code];
  const real = site.retType.kind === "double" || site.retType.kind === "float";
  const ints = site.bindings.A?.kind === "int" && site.argTypes.every((t) => t.kind === "int");
  switch (site.name) {
    case "+":
      return real ? _`(${a} + ${b})` : undefined;
    case "-":
      return real ? _`(${a} - ${b})` : undefined;
    case "*":
      return real ? _`(${a} * ${b})` : undefined;
    case "/":
      return _`(${a} / ${b})`;
    case "<":
      return ints ? _`(${a} < ${b})` : undefined;
    case "<=":
      return ints ? _`(${a} <= ${b})` : undefined;
    case ">":
      return ints ? _`(${a} > ${b})` : undefined;
    case ">=":
      return ints ? _`(${a} >= ${b})` : undefined;
    default:
      return undefined;
  }
}

function lazyLogic(g: ProgramGen, name: string, args: readonly (ProgramExpr | FcnArg)[]): Code {
  const [a, b] = args;
  if (!a || !b || isFcnArg(a) || isFcnArg(b)) throw new NotCompilable(`${name} without two value arguments`);
  const x = g.expr(a);
  const second = g.capture(() => g.expr(b));
  const y = second.stmts;
  if ((name === "&&" || name === "||") && y.length === 0) return _`(${x} ${name === "&&" ? _`&&` : _`||`} ${second.value})`;
  const r = g.local();
  const xs = g.temp(x, "l");
  const rest = join(y, "\n");
  switch (name) {
    case "&&":
      g.emit(_`${r} = ${xs};\nif (${r}) {\n${rest}\n${r} = ${second.value};\n}`);
      break;
    case "||":
      g.emit(_`${r} = ${xs};\nif (!${r}) {\n${rest}\n${r} = ${second.value};\n}`);
      break;
    case "&&&": {
      const ys = g.names.name("l");
      g.emit(
        _`if (${xs} === false) ${r} = false;\nelse {\n${rest}\nconst ${ys} = ${second.value};\n${r} = ${ys} === false ? false : ${xs} === true && ${ys} === true ? true : null;\n}`,
      );
      break;
    }
    default: {
      const ys = g.names.name("l");
      g.emit(
        _`if (${xs} === true) ${r} = true;\nelse {\n${rest}\nconst ${ys} = ${second.value};\n${r} = ${ys} === true ? true : ${xs} === false && ${ys} === false ? false : null;\n}`,
      );
    }
  }
  return r;
}

export function genEmit(g: ProgramGen, e: EmitExpr): Code {
  const v = g.expr(e.value);
  g.emit(_`${g.rt}.emit(${v});`);
  return g.fixed(_`null`);
}
