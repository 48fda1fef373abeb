/**
 * Control flow (spec §5.2–§5.4, §5.7) as JS statements: branches assign their value to a `let`,
 * loops are JS loops that count every iteration against the call's loop budget and tick its wall
 * clock (as pfa/src/compiler/control.ts), `try` catches PFA errors but never the engine's limits.
 */
import type {
  CastExpr,
  CondExpr,
  DoUntilExpr,
  ErrorExpr,
  ForeachExpr,
  ForExpr,
  ForkeyvalExpr,
  IfExpr,
  IfNotNullExpr,
  LogExpr,
  ProgramBlock,
  TryExpr,
  WhileExpr,
} from "@porta/ir";
import { _, join, literal, type Code } from "../codegen.ts";
import type { ProgramGen } from "./generate.ts";

const NULL = (g: ProgramGen): Code => g.fixed(_`null`);

/** `{ stmts; r = value; }` */
function assignBlock(g: ProgramGen, b: ProgramBlock, r: Code): Code {
  const { stmts, value } = g.blockParts(b);
  return _`{\n${join(stmts, "\n")}\n${r} = ${value};\n}`;
}

export function genIf(g: ProgramGen, e: IfExpr): Code {
  const test = g.expr(e.test);
  if (!e.else) {
    g.emit(_`if (${test}) {\n${g.blockStatements(e.then)}\n}`);
    return NULL(g);
  }
  const t = g.blockParts(e.then);
  const f = g.blockParts(e.else);
  if (t.stmts.length === 0 && f.stmts.length === 0) return _`(${test} ? ${t.value} : ${f.value})`;
  const r = g.local();
  g.emit(_`if (${test}) {\n${join(t.stmts, "\n")}\n${r} = ${t.value};\n} else {\n${join(f.stmts, "\n")}\n${r} = ${f.value};\n}`);
  return r;
}

/** Clauses in order; the first true test's block. Without `else` the value is null. */
export function genCond(g: ProgramGen, e: CondExpr): Code {
  const r = e.else ? g.local() : null;
  const clause = (i: number): Code => {
    if (i === e.clauses.length) {
      if (!e.else) return _``;
      return assignBlock(g, e.else, r!);
    }
    const c = e.clauses[i]!;
    const { stmts, value: test } = g.capture(() => g.expr(c.test));
    const then = r ? assignBlock(g, c.then, r) : _`{\n${g.blockStatements(c.then)}\n}`;
    const rest = clause(i + 1);
    return _`${join(stmts, "\n")}\nif (${test}) ${then} else {\n${rest}\n}`;
  };
  g.emit(clause(0));
  return r ?? NULL(g);
}

/** A loop's test as statements that leave the loop when it fails. */
function exitUnless(g: ProgramGen, test: () => Code, negate: boolean): Code {
  const { stmts, value } = g.capture(test);
  return _`${join(stmts, "\n")}\nif (${negate ? _`!(${value})` : value}) break;`;
}

export function genWhile(g: ProgramGen, e: WhileExpr): Code {
  const test = exitUnless(g, () => g.expr(e.test), true);
  const body = g.blockStatements(e.body);
  g.emit(_`for (;;) {\n${test}\n${g.loopCheck()}\n${body}\n}`);
  return NULL(g);
}

/** The body runs first; the test sees its variables. */
export function genDoUntil(g: ProgramGen, e: DoUntilExpr): Code {
  const body = g.blockStatements(e.body);
  const test = exitUnless(g, () => g.expr(e.test), false);
  g.emit(_`for (;;) {\n${g.loopCheck()}\n${body}\n${test}\n}`);
  return NULL(g);
}

export function genFor(g: ProgramGen, e: ForExpr): Code {
  g.effect(g.expr({ op: "let", bindings: e.init, path: e.path }));
  const test = exitUnless(g, () => g.expr(e.test), true);
  const body = g.blockStatements(e.body);
  const step = g.statements(() => {
    const values = g.ordered(e.step.map((s) => () => g.expr(s.expr)));
    const held = values.length > 1 ? values.map((v) => g.temp(v)) : values;
    e.step.forEach((s, i) => g.emit(_`${g.target(s.id)} = ${held[i]!};`));
  });
  g.emit(_`for (;;) {\n${test}\n${g.loopCheck()}\n${body}\n${step}\n}`);
  return NULL(g);
}

export function genForeach(g: ProgramGen, e: ForeachExpr): Code {
  const a = g.temp(g.expr(e.array), "a");
  const v = g.declare(e.id);
  const i = g.names.name("i");
  const body = g.blockStatements(e.body);
  g.emit(_`for (let ${i} = 0; ${i} < ${a}.length; ${i}++) {\n${g.loopCheck()}\n${v} = ${a}[${i}];\n${body}\n}`);
  return NULL(g);
}

export function genForkeyval(g: ProgramGen, e: ForkeyvalExpr): Code {
  const m = g.temp(g.expr(e.map), "m");
  const k = g.declare(e.key);
  const v = g.declare(e.value);
  const key = g.names.name("k");
  const body = g.blockStatements(e.body);
  g.emit(_`for (const ${key} of Object.keys(${m})) {\n${g.loopCheck()}\n${k} = ${key};\n${v} = ${m}[${key}];\n${body}\n}`);
  return NULL(g);
}

/** The value's union branch picks the case the checker assigned to it (none: null). */
export function genCast(g: ProgramGen, e: CastExpr): Code {
  const v = g.temp(g.expr(e.expr), "c");
  const bi = e.branches.length === 1 ? _`0` : _`${g.h.unionBranchIndex}(${g.data(e.branches)}, ${v})`;
  const r = e.partial ? null : g.local();
  const arms = e.cases.map((c, ci) => {
    const labels = e.caseOf.flatMap((to, b) => (to === ci ? [_`case ${b}:`] : []));
    if (labels.length === 0) return _``;
    const x = g.declare(c.id);
    const body = r ? assignBlock(g, c.body, r) : _`{\n${g.blockStatements(c.body)}\n}`;
    return _`${join(labels, " ")} {\n${x} = ${v};\n${body}\nbreak;\n}`;
  });
  if (r) g.emit(_`${r} = null;`);
  g.emit(_`switch (${bi}) {\n${join(arms, "\n")}\n}`);
  return r ?? NULL(g);
}

/** Every binding evaluated; none null: bound and `then`, else `else` (or null). */
export function genIfNotNull(g: ProgramGen, e: IfNotNullExpr): Code {
  const values = g.ordered(e.bindings.map((b) => () => g.expr(b.expr))).map((v) => g.temp(v));
  const names = e.bindings.map((b) => g.declare(b.id));
  const bind = join(
    names.map((n, i) => _`${n} = ${values[i]!};`),
    "\n",
  );
  const none = join(
    values.map((v) => _`${v} !== null`),
    " && ",
  );
  if (!e.else) {
    g.emit(_`if (${none}) {\n${bind}\n${g.blockStatements(e.then)}\n}`);
    return NULL(g);
  }
  const r = g.local();
  g.emit(_`if (${none}) {\n${bind}\n${assignBlock(g, e.then, r)}\n} else ${assignBlock(g, e.else, r)}`);
  return r;
}

export function genError(g: ProgramGen, e: ErrorExpr): Code {
  g.emit(_`throw ${g.h.userError}(${e.message}, ${literal(e.code)});`);
  return NULL(g);
}

/** The body's value, or null when it raises a PFA error that `filter` lists (any, without one). */
export function genTry(g: ProgramGen, e: TryExpr): Code {
  const r = g.local();
  const err = g.names.name("e");
  const body = assignBlock(g, e.body, r);
  const listed = e.filter
    ? join(
        e.filter.map((x) => (typeof x === "string" ? _`${err}.message === ${x}` : _`${err}.pfaCode === ${x}`)),
        " || ",
      )
    : null;
  const rethrow = listed ? _`if (!${g.h.catchable}(${err}) || !(${listed})) throw ${err};` : _`if (!${g.h.catchable}(${err})) throw ${err};`;
  g.emit(_`try ${body} catch (${err}) {\n${rethrow}\n${r} = null;\n}`);
  return r;
}

export function genLog(g: ProgramGen, e: LogExpr): Code {
  const values = g.ordered(e.values.map((x) => () => g.expr(x)));
  g.emit(_`${g.rt}.log([${join(values, ", ")}], ${literal(e.namespace)});`);
  return NULL(g);
}
