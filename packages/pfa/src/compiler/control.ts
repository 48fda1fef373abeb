/**
 * Code for control-flow forms (spec §5.2–§5.4, §5.7): branches, loops, casts, null tests,
 * errors, try and log. Loops count iterations against the call's budget and tick its wall clock.
 */
import { EvaluationError } from "@porta/ir";
import type {
  CastNode,
  CondNode,
  DoUntilNode,
  ErrorNode,
  ForeachNode,
  ForkeyvalNode,
  ForNode,
  IfNode,
  IfNotNullNode,
  LogNode,
  TryNode,
  WhileNode,
} from "../ast/nodes.ts";
import { LIMIT_CODES, readWallClock } from "../limits.ts";
import { unionBranchIndex } from "../values.ts";
import type { RuntimeState } from "./compiled.ts";
import type { Compiler } from "./compiler.ts";
import { varSetter, type Code, type Scope } from "./frames.ts";

/** A loop iteration ran out of iterations or of ticks: the iteration limit, then the wall clock. */
function checkTimeout(rt: RuntimeState): void {
  if (rt.budget <= 0)
    throw new EvaluationError("PFA_TIMEOUT", `loop exceeded the iteration limit (${rt.loopLimit})`, { pfaCode: undefined, value: rt.loopLimit });
  readWallClock(rt.clock);
}

export function compileIf(c: Compiler, node: IfNode, scope: Scope): Code {
  const test = c.compile(node.test, scope);
  const t = c.block(node.then, scope.child());
  if (!node.else) {
    return (f) => {
      if (test(f)) t(f);
      return null;
    };
  }
  const e = c.block(node.else, scope.child());
  return (f) => (test(f) ? t(f) : e(f));
}

export function compileCond(c: Compiler, node: CondNode, scope: Scope): Code {
  const tests: Code[] = [];
  const thens: Code[] = [];
  for (const cl of node.clauses) {
    tests.push(c.compile(cl.test, scope));
    thens.push(c.block(cl.then, scope.child()));
  }
  const elseCode = node.else ? c.block(node.else, scope.child()) : undefined;
  return (f) => {
    for (let i = 0; i < tests.length; i++) {
      if (tests[i]!(f)) {
        const r = thens[i]!(f);
        return elseCode ? r : null;
      }
    }
    return elseCode ? elseCode(f) : null;
  };
}

export function compileWhile(c: Compiler, node: WhileNode, scope: Scope): Code {
  const test = c.compile(node.test, scope);
  const body = c.block(node.body, scope.child());
  const rt = c.inp.rt;
  return (f) => {
    while (test(f)) {
      if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
      body(f);
    }
    return null;
  };
}

/** The test sees the body's variables. */
export function compileDoUntil(c: Compiler, node: DoUntilNode, scope: Scope): Code {
  const inner = scope.child();
  const body = c.block(node.body, inner);
  const test = c.compile(node.test, inner);
  const rt = c.inp.rt;
  return (f) => {
    do {
      if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
      body(f);
    } while (!test(f));
    return null;
  };
}

export function compileFor(c: Compiler, node: ForNode, scope: Scope): Code {
  const loop = scope.child();
  const init = c.compileLet({ kind: "let", bindings: node.init, path: node.path }, loop);
  const test = c.compile(node.test, loop);
  const step = c.compileLet({ kind: "set", bindings: node.step, path: node.path }, loop);
  const body = c.block(node.body, loop.child());
  const rt = c.inp.rt;
  return (f) => {
    for (init(f); test(f); step(f)) {
      if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
      body(f);
    }
    return null;
  };
}

export function compileForeach(c: Compiler, node: ForeachNode, scope: Scope): Code {
  const ac = c.compile(node.array, scope);
  const loop = scope.child();
  const set = varSetter(loop.declare(node.name), loop);
  const body = c.block(node.body, loop.child());
  const rt = c.inp.rt;
  return (f) => {
    const a = ac(f) as unknown[];
    for (let i = 0; i < a.length; i++) {
      if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
      set(f, a[i]);
      body(f);
    }
    return null;
  };
}

export function compileForkeyval(c: Compiler, node: ForkeyvalNode, scope: Scope): Code {
  const mc = c.compile(node.map, scope);
  const loop = scope.child();
  const setK = varSetter(loop.declare(node.key), loop);
  const setV = varSetter(loop.declare(node.value), loop);
  const body = c.block(node.body, loop.child());
  const rt = c.inp.rt;
  return (f) => {
    const mm = mc(f) as Record<string, unknown>;
    for (const k of Object.keys(mm)) {
      if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
      setK(f, k);
      setV(f, mm[k]);
      body(f);
    }
    return null;
  };
}

/** The value's union branch picks the case the checker assigned to it. */
export function compileCast(c: Compiler, node: CastNode, scope: Scope): Code {
  const ec = c.compile(node.expr, scope);
  const { branches, caseOf } = c.checked.castCases.get(node)!;
  const partial = node.partial;
  const cases = node.cases.map((cc) => {
    const inner = scope.child();
    const set = varSetter(inner.declare(cc.named), inner);
    return { set, body: c.block(cc.body, inner) };
  });
  return (f) => {
    const v = ec(f);
    const bi = branches.length === 1 ? 0 : unionBranchIndex(branches, v);
    const ci = caseOf[bi];
    if (ci === undefined || ci < 0) return null;
    const cs = cases[ci]!;
    cs.set(f, v);
    const r = cs.body(f);
    return partial ? null : r;
  };
}

export function compileIfNotNull(c: Compiler, node: IfNotNullNode, scope: Scope): Code {
  const inner = scope.child();
  const binds = node.bindings.map((b) => ({ code: c.compile(b.expr, scope), set: varSetter(inner.declare(b.name), inner) }));
  const tc = c.block(node.then, inner);
  const ecode = node.else ? c.block(node.else, scope.child()) : undefined;
  return (f) => {
    const vals = binds.map((b) => b.code(f));
    if (vals.some((v) => v === null)) return ecode ? ecode(f) : null;
    for (let i = 0; i < binds.length; i++) binds[i]!.set(f, vals[i]);
    const r = tc(f);
    return ecode ? r : null;
  };
}

export function compileError(node: ErrorNode): Code {
  const { message, code } = node;
  return () => {
    throw new EvaluationError("PFA_USER_ERROR", message, { pfaCode: code });
  };
}

/** `try` catches PFA errors (the filtered ones), never the engine's limits. */
export function compileTry(c: Compiler, node: TryNode, scope: Scope): Code {
  const bc = c.block(node.body, scope.child());
  const filter = node.filter;
  return (f) => {
    try {
      return bc(f);
    } catch (e) {
      if (!(e instanceof EvaluationError) || LIMIT_CODES.has(e.code)) throw e;
      if (filter && !filter.some((x) => x === e.message || x === e.pfaCode)) throw e;
      return null;
    }
  };
}

export function compileLog(c: Compiler, node: LogNode, scope: Scope): Code {
  const items = node.values.map((e) => c.compile(e, scope));
  const ns = node.namespace;
  const rt = c.inp.rt;
  return (f) => {
    rt.log(
      items.map((i) => i(f)),
      ns,
    );
    return null;
  };
}
