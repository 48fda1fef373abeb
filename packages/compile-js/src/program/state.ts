/**
 * Paths into values and the engine's state (spec §5.5, §5.6), mirroring
 * pfa/src/compiler/{state,paths}.ts step for step: `attr` reads a value at a path or, with `to`,
 * builds an updated copy (every container on the path copied); `cell` and `pool` read and write
 * the engine's cells and pool items, charging the new value to the state budget before it is
 * stored. Step keys, the old value and the new one are evaluated in the closure engine's order.
 */
import type { AttrExpr, CellExpr, PathStep, PoolExpr, UpdateTo } from "@porta/ir";
import { _, join, type Code } from "../codegen.ts";
import { genFcnArg } from "./calls.ts";
import type { ProgramGen } from "./generate.ts";

/** The value at `steps` inside `base` (a fixed value). */
function readPath(g: ProgramGen, base: Code, steps: readonly PathStep[]): Code {
  let cur = base;
  steps.forEach((s, i) => {
    const last = i === steps.length - 1;
    let next: Code;
    if (s.kind === "field") next = _`${cur}[${s.name}]`;
    else if (s.kind === "index") next = _`${cur}[${g.h.index}(${cur}, ${g.expr(s.expr)})]`;
    else next = _`${cur}[${g.h.mapKey}(${cur}, ${g.expr(s.expr)})]`;
    cur = last ? next : g.temp(next, "s");
  });
  return cur;
}

/** The new value `to` gives in place of `old` (a fixed value): a value, or a function of the old one. */
function update(g: ProgramGen, to: UpdateTo, old: Code): Code {
  if (to.kind === "value") return g.expr(to.expr);
  return _`(${genFcnArg(g, to.fcn)})(${old})`;
}

/** A copy of `base` (a fixed value) with the value at `steps` replaced by `to`'s. */
function writePath(g: ProgramGen, base: Code, steps: readonly PathStep[], to: UpdateTo): Code {
  const frames: { container: Code; key: Code }[] = [];
  let cur = base;
  for (const s of steps) {
    if (s.kind === "index") {
      const copy = g.temp(_`${cur}.slice()`, "a");
      const j = g.temp(_`${g.h.index}(${copy}, ${g.expr(s.expr)})`, "j");
      frames.push({ container: copy, key: j });
      cur = g.temp(_`${copy}[${j}]`, "s");
    } else {
      const key = s.kind === "field" ? g.fixed(_`${s.name}`) : g.temp(_`${g.h.mapKey}(${cur}, ${g.expr(s.expr)})`, "j");
      const copy = g.temp(_`${g.h.copyMap}(${cur})`, "o");
      frames.push({ container: copy, key });
      cur = g.temp(_`${copy}[${key}]`, "s");
    }
  }
  let value = g.temp(update(g, to, cur), "n");
  for (let i = frames.length - 1; i >= 0; i--) {
    const { container, key } = frames[i]!;
    g.emit(_`${container}[${key}] = ${value};`);
    value = container;
  }
  return value;
}

export function genAttr(g: ProgramGen, e: AttrExpr): Code {
  const base = g.temp(g.expr(e.base), "b");
  return e.to ? writePath(g, base, e.steps, e.to) : readPath(g, base, e.steps);
}

export function genCell(g: ProgramGen, e: CellExpr): Code {
  const cell = _`${g.cells}[${e.name}]`;
  if (!e.to) return e.steps.length === 0 ? cell : readPath(g, g.temp(cell, "b"), e.steps);
  const old = g.temp(cell, "b");
  const value = e.steps.length === 0 ? g.temp(update(g, e.to, old), "n") : writePath(g, old, e.steps, e.to);
  // the new value is charged to the state budget before it replaces the old one
  g.emit(_`${g.rt}.state.cell(${e.name}, ${value}, ${old});`);
  g.emit(_`${cell} = ${value};`);
  return value;
}

export function genPool(g: ProgramGen, e: PoolExpr): Code {
  const key = g.temp(g.expr(e.key), "k");
  const pool = g.temp(_`${g.pools}[${e.name}]`, "p");
  if (!e.to) {
    g.emit(_`if (!${g.h.hasOwn}(${pool}, ${key})) throw ${g.h.poolMissing}(${key}, false);`);
    return readPath(g, g.temp(_`${pool}[${key}]`, "b"), e.steps);
  }
  const old = g.local("b");
  if (e.init) {
    const init = g.capture(() => g.expr(e.init!));
    g.emit(_`if (${g.h.hasOwn}(${pool}, ${key})) ${old} = ${pool}[${key}];\nelse {\n${join(init.stmts, "\n")}\n${old} = ${init.value};\n}`);
  } else {
    g.emit(_`if (!${g.h.hasOwn}(${pool}, ${key})) throw ${g.h.poolMissing}(${key}, true);`);
    g.emit(_`${old} = ${pool}[${key}];`);
  }
  const fixedOld = g.temp(old, "b");
  const value = e.steps.length === 0 ? g.temp(update(g, e.to, fixedOld), "n") : writePath(g, fixedOld, e.steps, e.to);
  g.emit(_`${g.rt}.state.poolItem(${e.name}, ${key}, ${value}, ${fixedOld});`);
  g.emit(_`${pool}[${key}] = ${value};`);
  return value;
}
