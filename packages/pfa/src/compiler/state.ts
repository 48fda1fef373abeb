/**
 * Paths into values and the engine's state (spec §5.5, §5.6): `attr` reads (or, with `to`,
 * copies with a replacement) a value at a path; `cell` and `pool` read and update the engine's
 * cells and pool items, charging every new value to the state budget before it is stored.
 */
import type { AttrNode, CellNode, ExprNode, PoolNode, UpdateNode } from "../ast/nodes.ts";
import { accepts, T, typeName, type AvroType } from "../types.ts";
import { pfaError } from "../values.ts";
import { compileFcnArg, isFcnArg } from "./calls.ts";
import { asAvro, schemaError, type Compiled } from "./compiled.ts";
import type { Compiler } from "./compiler.ts";
import type { Frame, Scope } from "./frames.ts";
import { getPath, setPath, type Step } from "./paths.ts";

/** A record field in a path must be written as a string literal (`["x"]` or `{"string": "x"}`). */
function fieldName(step: ExprNode): string | undefined {
  return step.kind === "literal" && step.type === "string" ? (step.value as string) : undefined;
}

/** The steps from a value of type `base`, and the type they reach. */
function pathSteps(c: Compiler, base: AvroType, steps: readonly ExprNode[], scope: Scope): { steps: Step[]; type: AvroType } {
  const out: Step[] = [];
  let t: AvroType = base;
  for (const pe of steps) {
    if (t.kind === "record") {
      const name = fieldName(pe);
      if (name === undefined) throw schemaError("PFA_BAD_PATH", "a record field in a path must be a string literal", pe.path);
      const field = t.fields.find((fl) => fl.name === name);
      if (!field) throw schemaError("PFA_BAD_PATH", `record ${t.fullName} has no field ${name}`, pe.path, name);
      c.types.set(pe, T.string);
      out.push({ kind: "field", name });
      t = field.type;
    } else if (t.kind === "array") {
      const e = c.compile(pe, scope);
      if (e.type.kind !== "int" && e.type.kind !== "long")
        throw schemaError("PFA_TYPE_MISMATCH", `array index must be int, found ${typeName(e.type)}`, pe.path);
      out.push({ kind: "index", code: e.code });
      t = t.items;
    } else if (t.kind === "map") {
      const e = c.compile(pe, scope);
      if (e.type.kind !== "string") throw schemaError("PFA_TYPE_MISMATCH", `map key must be string, found ${typeName(e.type)}`, pe.path);
      out.push({ kind: "key", code: e.code });
      t = t.values;
    } else {
      throw schemaError("PFA_BAD_PATH", `cannot index into ${typeName(t)}`, pe.path);
    }
  }
  return { steps: out, type: t };
}

/** `to` is a value or a function from old value to new value. */
function updater(c: Compiler, to: UpdateNode, t: AvroType, scope: Scope): (f: Frame, old: unknown) => unknown {
  if (isFcnArg(to)) {
    const fa = compileFcnArg(c, to, scope);
    const ft = fa.type.kind === "libfcn" ? fa.type.resolve([t]) : fa.type;
    if (ft?.kind !== "fcn" || ft.params.length !== 1 || !accepts(ft.params[0]!, t) || !accepts(t, ft.ret)) {
      throw schemaError("PFA_TYPE_MISMATCH", `update function must take and return ${typeName(t)}`, to.path);
    }
    const mk = fa.make(ft);
    return (f, old) => mk(f)(old);
  }
  const code = c.checked(to, t, scope);
  return (f) => code(f);
}

export function compileAttr(c: Compiler, node: AttrNode, scope: Scope): Compiled {
  const base = c.compile(node.base, scope);
  const bt = asAvro(base.type, node.base.path, "attr");
  const { steps, type } = pathSteps(c, bt, node.steps, scope);
  const bc = base.code;
  if (!node.to) {
    if (steps.length === 1) {
      const s = steps[0]!;
      if (s.kind === "field") {
        const n = s.name;
        return { type, code: (f) => bc(f)[n] };
      }
    }
    return { type, code: (f) => getPath(bc(f), steps, f) };
  }
  const upd = updater(c, node.to, type, scope);
  return { type: bt, code: (f) => setPath(bc(f), steps, 0, f, upd) };
}

function cellType(c: Compiler, key: "cell" | "pool", name: string, path: string): AvroType {
  const info = c.inp.cells.get(`${key}:${name}`);
  if (!info) throw schemaError("PFA_UNKNOWN_CELL", `unknown ${key} ${JSON.stringify(name)}`, `${path}/${key}`, name);
  return info.type;
}

export function compileCell(c: Compiler, node: CellNode, scope: Scope): Compiled {
  const name = node.name;
  const cellT = cellType(c, "cell", name, node.path);
  const cells = c.inp.rt.cells;
  if (node.steps.length === 0 && !node.to) return { type: cellT, code: () => cells[name] };
  const { steps, type } = pathSteps(c, cellT, node.steps, scope);
  if (!node.to) return { type, code: (f) => getPath(cells[name], steps, f) };
  const upd = updater(c, node.to, type, scope);
  const state = c.inp.rt.state;
  // the new value is charged to the state budget before it replaces the old one
  if (steps.length === 0)
    return {
      type: cellT,
      code: (f) => {
        const old = cells[name];
        const v = upd(f, old);
        state.cell(name, v, old);
        return (cells[name] = v);
      },
    };
  return {
    type: cellT,
    code: (f) => {
      const old = cells[name];
      const v = setPath(old, steps, 0, f, upd);
      state.cell(name, v, old);
      return (cells[name] = v);
    },
  };
}

export function compilePool(c: Compiler, node: PoolNode, scope: Scope): Compiled {
  const name = node.name;
  const itemT = cellType(c, "pool", name, node.path);
  const key = c.compile(node.key, scope);
  if (key.type.kind !== "string") throw schemaError("PFA_TYPE_MISMATCH", "pool key must be a string", node.key.path);
  const { steps, type } = pathSteps(c, itemT, node.steps, scope);
  const pools = c.inp.rt.pools;
  const kc = key.code;
  if (!node.to) {
    return {
      type,
      code: (f) => {
        const k = kc(f) as string;
        const p = pools[name]!;
        if (!Object.hasOwn(p, k)) throw pfaError(2002, `pool item ${JSON.stringify(k)} not found`, k);
        return steps.length ? getPath(p[k], steps, f) : p[k];
      },
    };
  }
  const upd = updater(c, node.to, type, scope);
  const state = c.inp.rt.state;
  const init = node.init ? c.checked(node.init, itemT, scope) : null;
  return {
    type: itemT,
    code: (f) => {
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
    },
  };
}
