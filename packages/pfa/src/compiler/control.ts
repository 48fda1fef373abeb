/**
 * Control-flow forms (spec §5.2–§5.4, §5.7): branches, loops, casts, null tests, errors, try
 * and log. Loops count iterations against the call's budget and tick its wall clock.
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
import { accepts, broadestType, T, typeName, type AvroType } from "../types.ts";
import { unionBranchIndex } from "../values.ts";
import { asAvro, schemaError, type Compiled, type RuntimeState } from "./compiled.ts";
import type { Compiler } from "./compiler.ts";
import { varSetter, type Scope } from "./frames.ts";

/** A loop iteration ran out of iterations or of ticks: the iteration limit, then the wall clock. */
function checkTimeout(rt: RuntimeState): void {
  if (rt.budget <= 0)
    throw new EvaluationError("PFA_TIMEOUT", `loop exceeded the iteration limit (${rt.loopLimit})`, { pfaCode: undefined, value: rt.loopLimit });
  readWallClock(rt.clock);
}

export function compileIf(c: Compiler, node: IfNode, scope: Scope): Compiled {
  const test = c.condition(node.test, scope);
  const then = c.block(node.then, scope.child());
  const t = then.code;
  if (!node.else) {
    return {
      type: T.null,
      code: (f) => {
        if (test(f)) t(f);
        return null;
      },
    };
  }
  const els = c.block(node.else, scope.child());
  const e = els.code;
  return { type: broadestType([then.type, els.type]), code: (f) => (test(f) ? t(f) : e(f)) };
}

export function compileCond(c: Compiler, node: CondNode, scope: Scope): Compiled {
  const clauses = node.clauses.map((cl) => ({ test: c.condition(cl.test, scope), then: c.block(cl.then, scope.child()) }));
  const els = node.else ? c.block(node.else, scope.child()) : null;
  const type = els ? broadestType([...clauses.map((cl) => cl.then.type), els.type]) : T.null;
  const tests = clauses.map((cl) => cl.test);
  const thens = clauses.map((cl) => cl.then.code);
  const elseCode = els?.code;
  return {
    type,
    code: (f) => {
      for (let i = 0; i < tests.length; i++) {
        if (tests[i]!(f)) {
          const r = thens[i]!(f);
          return elseCode ? r : null;
        }
      }
      return elseCode ? elseCode(f) : null;
    },
  };
}

export function compileWhile(c: Compiler, node: WhileNode, scope: Scope): Compiled {
  const test = c.condition(node.test, scope);
  const body = c.block(node.body, scope.child()).code;
  const rt = c.inp.rt;
  return {
    type: T.null,
    code: (f) => {
      while (test(f)) {
        if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
        body(f);
      }
      return null;
    },
  };
}

export function compileDoUntil(c: Compiler, node: DoUntilNode, scope: Scope): Compiled {
  const inner = scope.child();
  const body = c.block(node.body, inner).code;
  const test = c.condition(node.test, inner);
  const rt = c.inp.rt;
  return {
    type: T.null,
    code: (f) => {
      do {
        if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
        body(f);
      } while (!test(f));
      return null;
    },
  };
}

export function compileFor(c: Compiler, node: ForNode, scope: Scope): Compiled {
  const loop = scope.child();
  const init = c.compileLet({ kind: "let", bindings: node.init, path: node.path }, loop).code;
  const test = c.condition(node.test, loop);
  const step = c.compileLet({ kind: "set", bindings: node.step, path: node.path }, loop).code;
  const body = c.block(node.body, loop.child()).code;
  const rt = c.inp.rt;
  return {
    type: T.null,
    code: (f) => {
      for (init(f); test(f); step(f)) {
        if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
        body(f);
      }
      return null;
    },
  };
}

export function compileForeach(c: Compiler, node: ForeachNode, scope: Scope): Compiled {
  const arr = c.compile(node.array, scope);
  if (arr.type.kind !== "array") throw schemaError("PFA_TYPE_MISMATCH", `foreach needs an array, found ${typeName(arr.type)}`, node.array.path);
  const loop = scope.child();
  const set = varSetter(loop.declare(node.name, arr.type.items), loop);
  const body = c.block(node.body, loop.child()).code;
  const rt = c.inp.rt;
  const ac = arr.code;
  return {
    type: T.null,
    code: (f) => {
      const a = ac(f) as unknown[];
      for (let i = 0; i < a.length; i++) {
        if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
        set(f, a[i]);
        body(f);
      }
      return null;
    },
  };
}

export function compileForkeyval(c: Compiler, node: ForkeyvalNode, scope: Scope): Compiled {
  const m = c.compile(node.map, scope);
  if (m.type.kind !== "map") throw schemaError("PFA_TYPE_MISMATCH", `forkey needs a map, found ${typeName(m.type)}`, node.map.path);
  const loop = scope.child();
  const setK = varSetter(loop.declare(node.key, T.string), loop);
  const setV = varSetter(loop.declare(node.value, m.type.values), loop);
  const body = c.block(node.body, loop.child()).code;
  const rt = c.inp.rt;
  const mc = m.code;
  return {
    type: T.null,
    code: (f) => {
      const mm = mc(f) as Record<string, unknown>;
      for (const k of Object.keys(mm)) {
        if (--rt.budget <= 0 || --rt.clock.ticks <= 0) checkTimeout(rt);
        setK(f, k);
        setV(f, mm[k]);
        body(f);
      }
      return null;
    },
  };
}

export function compileCast(c: Compiler, node: CastNode, scope: Scope): Compiled {
  const e = c.compile(node.expr, scope);
  const branches: readonly AvroType[] = e.type.kind === "union" ? e.type.types : [asAvro(e.type, node.path, "cast")];
  const partial = node.partial;
  const cases = node.cases.map((cc) => {
    const t = c.resolve(cc.type);
    if (!branches.some((b) => accepts(t, b)))
      throw schemaError("PFA_TYPE_MISMATCH", `cast case ${typeName(t)} matches no branch of ${typeName(e.type)}`, cc.type.path);
    const inner = scope.child();
    const v = inner.declare(cc.named, t);
    return { t, set: varSetter(v, inner), body: c.block(cc.body, inner) };
  });
  // each union branch goes to the first case that accepts it
  const branchCase = branches.map((b) => cases.findIndex((cs) => accepts(cs.t, b)));
  if (!partial && branchCase.some((i) => i < 0)) {
    throw schemaError("PFA_CAST_INCOMPLETE", `cast cases do not cover every branch of ${typeName(e.type)} (use "partial": true)`, `${node.path}/cases`);
  }
  const type = partial ? T.null : broadestType(cases.map((cs) => cs.body.type));
  const ec = e.code;
  return {
    type,
    code: (f) => {
      const v = ec(f);
      const bi = branches.length === 1 ? 0 : unionBranchIndex(branches, v);
      const ci = branchCase[bi];
      if (ci === undefined || ci < 0) return null;
      const cs = cases[ci]!;
      cs.set(f, v);
      const r = cs.body.code(f);
      return partial ? null : r;
    },
  };
}

export function compileIfNotNull(c: Compiler, node: IfNotNullNode, scope: Scope): Compiled {
  const inner = scope.child();
  const binds = node.bindings.map((b) => {
    const e = c.compile(b.expr, scope);
    if (e.type.kind !== "union" || !e.type.types.some((t) => t.kind === "null")) {
      throw schemaError("PFA_TYPE_MISMATCH", `ifnotnull needs a union with null, found ${typeName(e.type)}`, b.path);
    }
    const rest = e.type.types.filter((t) => t.kind !== "null");
    const t = rest.length === 1 ? rest[0]! : T.union(rest);
    return { code: e.code, set: varSetter(inner.declare(b.name, t), inner) };
  });
  const then = c.block(node.then, inner);
  const els = node.else ? c.block(node.else, scope.child()) : null;
  const type = els ? broadestType([then.type, els.type]) : T.null;
  const tc = then.code;
  const ecode = els?.code;
  return {
    type,
    code: (f) => {
      const vals = binds.map((b) => b.code(f));
      if (vals.some((v) => v === null)) return ecode ? ecode(f) : null;
      for (let i = 0; i < binds.length; i++) binds[i]!.set(f, vals[i]);
      const r = tc(f);
      return ecode ? r : null;
    },
  };
}

export function compileError(node: ErrorNode): Compiled {
  const { message, code } = node;
  return {
    type: T.exception,
    code: () => {
      throw new EvaluationError("PFA_USER_ERROR", message, { pfaCode: code });
    },
  };
}

/** `try` catches PFA errors (the filtered ones), never the engine's limits. */
export function compileTry(c: Compiler, node: TryNode, scope: Scope): Compiled {
  const body = c.block(node.body, scope.child());
  const filter = node.filter;
  const t = asAvro(body.type, node.path, "try");
  const type = t.kind === "null" ? T.null : broadestType([t, T.null]);
  const bc = body.code;
  return {
    type,
    code: (f) => {
      try {
        return bc(f);
      } catch (e) {
        if (!(e instanceof EvaluationError) || LIMIT_CODES.has(e.code)) throw e;
        if (filter && !filter.some((x) => x === e.message || x === e.pfaCode)) throw e;
        return null;
      }
    },
  };
}

export function compileLog(c: Compiler, node: LogNode, scope: Scope): Compiled {
  const items = node.values.map((e) => c.compile(e, scope).code);
  const ns = node.namespace;
  const rt = c.inp.rt;
  return {
    type: T.null,
    code: (f) => {
      rt.log(
        items.map((i) => i(f)),
        ns,
      );
      return null;
    },
  };
}
