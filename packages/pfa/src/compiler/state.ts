/**
 * Code for paths into values and the engine's state (spec §5.5, §5.6): `attr` reads (or, with
 * `to`, copies with a replacement) a value at a path; `cell` and `pool` read and update the
 * engine's cells and pool items, charging every new value to the state budget before it is
 * stored.
 */
import type { AttrNode, CellNode, PoolNode, UpdateNode } from "../ast/nodes.ts";
import { pfaError } from "../values.ts";
import { compileFcnArg } from "./calls.ts";
import type { Compiler } from "./compiler.ts";
import type { Code, Frame, Scope } from "./frames.ts";
import { getPath, setPath, type Step } from "./paths.ts";

/** The run-time steps of a node's path, as the checker classified them. */
function pathSteps(c: Compiler, node: AttrNode | CellNode | PoolNode, scope: Scope): Step[] {
  const kinds = c.checked.steps.get(node)!;
  return node.steps.map((pe, i): Step => {
    const kind = kinds[i]!;
    return kind === "field" ? { kind, name: (pe as { value: string }).value } : { kind, code: c.compile(pe, scope) };
  });
}

/** `to` is a value or a function from old value to new value. */
function updater(c: Compiler, to: UpdateNode, scope: Scope): (f: Frame, old: unknown) => unknown {
  if (to.kind === "fcndef" || to.kind === "fcnref") {
    const mk = compileFcnArg(c, to, scope);
    return (f, old) => mk(f)(old);
  }
  const code = c.compile(to, scope);
  return (f) => code(f);
}

export function compileAttr(c: Compiler, node: AttrNode, scope: Scope): Code {
  const bc = c.compile(node.base, scope);
  const steps = pathSteps(c, node, scope);
  if (!node.to) {
    const s = steps[0]!;
    if (steps.length === 1 && s.kind === "field") {
      const n = s.name;
      return (f) => bc(f)[n];
    }
    return (f) => getPath(bc(f), steps, f);
  }
  const upd = updater(c, node.to, scope);
  return (f) => setPath(bc(f), steps, 0, f, upd);
}

export function compileCell(c: Compiler, node: CellNode, scope: Scope): Code {
  const name = node.name;
  const cells = c.inp.rt.cells;
  const steps = pathSteps(c, node, scope);
  if (!node.to) return steps.length === 0 ? () => cells[name] : (f) => getPath(cells[name], steps, f);
  const upd = updater(c, node.to, scope);
  const state = c.inp.rt.state;
  // the new value is charged to the state budget before it replaces the old one
  if (steps.length === 0)
    return (f) => {
      const old = cells[name];
      const v = upd(f, old);
      state.cell(name, v, old);
      return (cells[name] = v);
    };
  return (f) => {
    const old = cells[name];
    const v = setPath(old, steps, 0, f, upd);
    state.cell(name, v, old);
    return (cells[name] = v);
  };
}

export function compilePool(c: Compiler, node: PoolNode, scope: Scope): Code {
  const name = node.name;
  const kc = c.compile(node.key, scope);
  const steps = pathSteps(c, node, scope);
  const pools = c.inp.rt.pools;
  if (!node.to) {
    return (f) => {
      const k = kc(f) as string;
      const p = pools[name]!;
      if (!Object.hasOwn(p, k)) throw pfaError(2002, `pool item ${JSON.stringify(k)} not found`, k);
      return steps.length ? getPath(p[k], steps, f) : p[k];
    };
  }
  const upd = updater(c, node.to, scope);
  const state = c.inp.rt.state;
  const init = node.init ? c.compile(node.init, scope) : null;
  return (f) => {
    const k = kc(f) as string;
    const p = pools[name]!;
    let cur: unknown;
    if (Object.hasOwn(p, k)) cur = p[k];
    else if (init) cur = init(f);
    else throw pfaError(2002, `pool item ${JSON.stringify(k)} not found and no init`, k);
    const next = steps.length ? setPath(cur, steps, 0, f, upd) : upd(f, cur);
    state.poolItem(name, k, next, cur);
    p[k] = next;
    return next;
  };
}
