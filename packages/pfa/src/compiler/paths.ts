/**
 * Run-time steps of `attr`, `cell` and `pool` paths (spec §5.5): read a value at a path, or
 * build an updated copy (PFA values are immutable: every container on the path is copied).
 */
import { newMap, pfaError } from "../values.ts";
import type { Code, Frame } from "./frames.ts";

export type Step = { kind: "field"; name: string } | { kind: "index"; code: Code } | { kind: "key"; code: Code };

/** An array index, checked (PFA error 2000); the closure engine's and compiled programs' paths alike. */
export function checkedIndex(a: readonly unknown[], i: unknown): number {
  const n = Number(i);
  if (n < 0 || n >= a.length) throw pfaError(2000, `array index ${n} out of range`, n);
  return n;
}

/** A map key that must be present (PFA error 2001). */
export function presentKey(m: Record<string, unknown>, k: string): string {
  if (!Object.hasOwn(m, k)) throw pfaError(2001, `map key ${JSON.stringify(k)} not found`, k);
  return k;
}

export function getPath(v: any, steps: readonly Step[], f: Frame): unknown {
  for (const s of steps) {
    if (s.kind === "field") v = v[s.name];
    else if (s.kind === "index") v = v[checkedIndex(v, s.code(f))];
    else v = v[presentKey(v, s.code(f))];
  }
  return v;
}

/** A copy of `v` with the value at `steps[i..]` replaced by `upd(old)`. */
export function setPath(v: any, steps: readonly Step[], i: number, f: Frame, upd: (f: Frame, old: unknown) => unknown): unknown {
  if (i === steps.length) return upd(f, v);
  const s = steps[i]!;
  if (s.kind === "index") {
    const copy = (v as unknown[]).slice();
    const j = checkedIndex(copy, s.code(f));
    copy[j] = setPath(copy[j], steps, i + 1, f, upd);
    return copy;
  }
  const k = s.kind === "field" ? s.name : presentKey(v, s.code(f));
  const copy = Object.assign(newMap(), v);
  copy[k] = setPath(copy[k], steps, i + 1, f, upd);
  return copy;
}
