/**
 * `map.*`: map manipulation, including sets represented as maps from base64 Avro of the item
 * to the item (spec §7, "Map manipulation"). Maps are never changed in place.
 */
import { avroBinary } from "../avro-binary.ts";
import { bytesToBase64, comparator, newMap, pfaError, valueEquals, type Comparator } from "../values.ts";
import type { AvroType } from "@porta/ir/avro";
import type { LibImpl, LibModule } from "./site.ts";

type Fn = (...a: any[]) => any;
type M = Record<string, unknown>;

const has = (m: M, k: string) => Object.hasOwn(m, k);
const ltCmp =
  (lt: Fn): Comparator =>
  (x, y) =>
    lt(x, y) ? -1 : lt(y, x) ? 1 : 0;
const setKey = (t: AvroType) => (v: unknown) => bytesToBase64(avroBinary(t, v));

function copy(m: M): M {
  return Object.assign(newMap(), m);
}

function argExtreme(code: number, sign: 1 | -1, useLt: boolean): LibImpl {
  return (site) => {
    const base = comparator(site.bindings.get("A")!);
    return (m: M, lt?: Fn) => {
      const keys = Object.keys(m).sort();
      if (keys.length === 0) throw pfaError(code, "empty map");
      const cmp = useLt ? ltCmp(lt!) : base;
      let best = keys[0]!;
      for (const k of keys) if (sign * cmp(m[k], m[best]) > 0) best = k;
      return best;
    };
  };
}

function argExtremeN(code: number, sign: 1 | -1, useLt: boolean): LibImpl {
  return (site) => {
    const base = comparator(site.bindings.get("A")!);
    return (m: M, n: number, lt?: Fn) => {
      const keys = Object.keys(m).sort();
      if (keys.length === 0) throw pfaError(code, "empty map");
      if (n < 0) throw pfaError(code + 1, "n < 0");
      const cmp = useLt ? ltCmp(lt!) : base;
      const order = keys.map((k, i) => [k, i] as const).sort((x, y) => -sign * cmp(m[x[0]], m[y[0]]) || x[1] - y[1]);
      return order.slice(0, n).map((x) => x[0]);
    };
  };
}

function zipmap(code: number, withKey: boolean): LibImpl {
  return () =>
    (...args: any[]) => {
      const fn = args[args.length - 1] as Fn;
      const maps = args.slice(0, -1) as M[];
      const keys = Object.keys(maps[0]!);
      for (const m of maps) {
        const mk = Object.keys(m);
        if (mk.length !== keys.length || !keys.every((k) => has(m, k))) throw pfaError(code, "misaligned maps");
      }
      const out = newMap();
      for (const k of keys) {
        const vals = maps.map((m) => m[k]);
        out[k] = withKey ? fn(k, ...vals) : fn(...vals);
      }
      return out;
    };
}

export const map: LibModule = {
  "map.len": () => (m: M) => Object.keys(m).length,
  "map.keys": () => (m: M) => Object.keys(m),
  "map.values": () => (m: M) => Object.values(m),
  "map.containsKey": (site) => (site.sigIndex === 0 ? (m: M, k: string) => has(m, k) : (m: M, f: Fn) => Object.keys(m).some((k) => f(k))),
  "map.containsValue": (site) =>
    site.sigIndex === 0 ? (m: M, v: unknown) => Object.values(m).some((x) => valueEquals(x, v)) : (m: M, f: Fn) => Object.values(m).some((x) => f(x)),
  "map.add": (site) => {
    if (site.sigIndex === 0)
      return (m: M, k: string, v: unknown) => {
        const out = copy(m);
        out[k] = v;
        return out;
      };
    const key = setKey(site.bindings.get("A")!);
    return (m: M, v: unknown) => {
      const out = copy(m);
      out[key(v)] = v;
      return out;
    };
  },
  "map.remove": () => (m: M, k: string) => {
    const out = copy(m);
    delete out[k];
    return out;
  },
  "map.only": () => (m: M, keys: string[]) => {
    const out = newMap();
    for (const k of keys) if (has(m, k)) out[k] = m[k];
    return out;
  },
  "map.except": () => (m: M, keys: string[]) => {
    const out = copy(m);
    for (const k of keys) delete out[k];
    return out;
  },
  "map.update": () => (base: M, overlay: M) => Object.assign(copy(base), overlay),
  "map.split": () => (m: M) =>
    Object.keys(m).map((k) => {
      const o = newMap();
      o[k] = m[k];
      return o;
    }),
  "map.join": () => (arr: M[]) => Object.assign(newMap(), ...arr),
  "map.argmax": argExtreme(26120, 1, false),
  "map.argmin": argExtreme(26130, -1, false),
  "map.argmaxLT": argExtreme(26140, 1, true),
  "map.argminLT": argExtreme(26150, -1, true),
  "map.argmaxN": argExtremeN(26160, 1, false),
  "map.argminN": argExtremeN(26170, -1, false),
  "map.argmaxNLT": argExtremeN(26180, 1, true),
  "map.argminNLT": argExtremeN(26190, -1, true),
  "map.toset": (site) => {
    const key = setKey(site.bindings.get("A")!);
    return (a: unknown[]) => {
      const out = newMap();
      for (const v of a) out[key(v)] = v;
      return out;
    };
  },
  "map.fromset": () => (s: M) => Object.values(s),
  "map.in": (site) => {
    const key = setKey(site.bindings.get("A")!);
    return (s: M, x: unknown) => has(s, key(x));
  },
  "map.union": () => (x: M, y: M) => Object.assign(copy(x), y),
  "map.intersection": () => (x: M, y: M) => {
    const out = newMap();
    for (const k of Object.keys(x)) if (has(y, k)) out[k] = x[k];
    return out;
  },
  "map.diff": () => (x: M, y: M) => {
    const out = newMap();
    for (const k of Object.keys(x)) if (!has(y, k)) out[k] = x[k];
    return out;
  },
  "map.symdiff": () => (x: M, y: M) => {
    const out = newMap();
    for (const k of Object.keys(x)) if (!has(y, k)) out[k] = x[k];
    for (const k of Object.keys(y)) if (!has(x, k)) out[k] = y[k];
    return out;
  },
  "map.subset": () => (x: M, y: M) => Object.keys(x).every((k) => has(y, k)),
  "map.disjoint": () => (x: M, y: M) => !Object.keys(x).some((k) => has(y, k)),
  "map.map": () => (m: M, f: Fn) => {
    const out = newMap();
    for (const k of Object.keys(m)) out[k] = f(m[k]);
    return out;
  },
  "map.mapWithKey": () => (m: M, f: Fn) => {
    const out = newMap();
    for (const k of Object.keys(m)) out[k] = f(k, m[k]);
    return out;
  },
  "map.filter": () => (m: M, f: Fn) => {
    const out = newMap();
    for (const k of Object.keys(m)) if (f(m[k])) out[k] = m[k];
    return out;
  },
  "map.filterWithKey": () => (m: M, f: Fn) => {
    const out = newMap();
    for (const k of Object.keys(m)) if (f(k, m[k])) out[k] = m[k];
    return out;
  },
  "map.filterMap": () => (m: M, f: Fn) => {
    const out = newMap();
    for (const k of Object.keys(m)) {
      const r = f(m[k]);
      if (r !== null) out[k] = r;
    }
    return out;
  },
  "map.filterMapWithKey": () => (m: M, f: Fn) => {
    const out = newMap();
    for (const k of Object.keys(m)) {
      const r = f(k, m[k]);
      if (r !== null) out[k] = r;
    }
    return out;
  },
  "map.flatMap": () => (m: M, f: Fn) => {
    const out = newMap();
    for (const k of Object.keys(m)) Object.assign(out, f(m[k]));
    return out;
  },
  "map.flatMapWithKey": () => (m: M, f: Fn) => {
    const out = newMap();
    for (const k of Object.keys(m)) Object.assign(out, f(k, m[k]));
    return out;
  },
  "map.zipmap": zipmap(26370, false),
  "map.zipmapWithKey": zipmap(26380, true),
  "map.corresponds": () => (x: M, y: M, f: Fn) => {
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => has(y, k) && f(x[k], y[k]));
  },
  "map.correspondsWithKey": () => (x: M, y: M, f: Fn) => {
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => has(y, k) && f(k, x[k], y[k]));
  },
};
