/**
 * `a.*`: array manipulation (spec §7, "Array manipulation"). Arrays are never changed in place.
 * Generic functions order values by the Avro sort order of their bound item type.
 */
import { checkInt, checkLong, comparator, pfaError, toBig, valueEquals, type Comparator } from "../values.ts";
import { sized, sliceBounds, type CallSite, type LibImpl, type LibModule } from "./site.ts";

type Fn = (...a: any[]) => any;
type Arr = unknown[];

const itemCmp = (site: CallSite): Comparator => comparator(site.bindings.get("A")!);
const ltCmp =
  (lt: Fn): Comparator =>
  (x, y) =>
    lt(x, y) ? -1 : lt(y, x) ? 1 : 0;
const isFloating = (site: CallSite) => {
  const k = site.bindings.get("A")!.kind;
  return k === "float" || k === "double";
};

function nonEmpty(a: Arr, code: number): void {
  if (a.length === 0) throw pfaError(code, "empty array");
}

function indexOfSeq(h: Arr, n: Arr, from: number): number {
  outer: for (let i = from; i <= h.length - n.length; i++) {
    for (let j = 0; j < n.length; j++) if (!valueEquals(h[i + j], n[j])) continue outer;
    return i;
  }
  return -1;
}

/**
 * Whether a search takes its needle as a subsequence: signature 0, and also signature 1 when the
 * needle is itself an array (nested arrays): the reference implementation then searches for the
 * needle's items, not for the needle as one item.
 */
const bySubsequence = (site: CallSite) => site.sigIndex === 0 || (site.sigIndex === 1 && site.argTypes[1]!.kind === "array");

/** a.contains / count / index / rindex: signature 0 is a subsequence, 1 an element, 2 a predicate. */
function search(kind: "contains" | "count" | "index" | "rindex"): LibImpl {
  return (site) => {
    const sig = site.sigIndex;
    const pred = (needle: unknown): ((x: unknown) => boolean) => (sig === 2 ? (needle as Fn) : (x) => valueEquals(x, needle));
    if (bySubsequence(site)) {
      return (h: Arr, n: Arr) => {
        switch (kind) {
          case "contains":
            return indexOfSeq(h, n, 0) >= 0;
          case "index":
            return indexOfSeq(h, n, 0);
          case "rindex": {
            for (let i = h.length - n.length; i >= 0; i--) if (indexOfSeq(h, n, i) === i) return i;
            return -1;
          }
          case "count": {
            if (n.length === 0) return 0;
            let c = 0;
            for (let i = indexOfSeq(h, n, 0); i >= 0; i = indexOfSeq(h, n, i + n.length)) c++;
            return c;
          }
        }
      };
    }
    return (h: Arr, needle: unknown) => {
      const p = pred(needle);
      switch (kind) {
        case "contains":
          return h.some((x) => p(x));
        case "index":
          return h.findIndex((x) => p(x));
        case "rindex": {
          for (let i = h.length - 1; i >= 0; i--) if (p(h[i])) return i;
          return -1;
        }
        case "count": {
          let c = 0;
          for (const x of h) if (p(x)) c++;
          return c;
        }
      }
    };
  };
}

function extreme(code: number, sign: 1 | -1, useLt: boolean, arg: boolean): LibImpl {
  return (site) => {
    const base = itemCmp(site);
    return (a: Arr, lt?: Fn) => {
      nonEmpty(a, code);
      const cmp = useLt ? ltCmp(lt!) : base;
      let best = 0;
      for (let i = 1; i < a.length; i++) if (sign * cmp(a[i], a[best]) > 0) best = i;
      return arg ? best : a[best];
    };
  };
}

/** maxN/minN/argmaxN/argminN (and LT forms): ties keep their original order. */
function extremeN(emptyCode: number, sign: 1 | -1, useLt: boolean, arg: boolean): LibImpl {
  return (site) => {
    const base = itemCmp(site);
    return (a: Arr, n: number, lt?: Fn) => {
      nonEmpty(a, emptyCode);
      if (n < 0) throw pfaError(emptyCode + 1, "n < 0");
      const cmp = useLt ? ltCmp(lt!) : base;
      const idx = a.map((_, i) => i).sort((i, j) => sign * -cmp(a[i], a[j]) || i - j);
      const top = idx.slice(0, n);
      return arg ? top : top.map((i) => a[i]);
    };
  };
}

function sortedCopy(a: Arr, cmp: Comparator): Arr {
  return a.slice().sort(cmp);
}

function distinct(a: Arr): Arr {
  const out: Arr = [];
  for (const x of a) if (!out.some((y) => valueEquals(x, y))) out.push(x);
  return out;
}
const member = (a: Arr, x: unknown) => a.some((y) => valueEquals(x, y));

function combinations(a: Arr, k: number): Arr[] {
  const out: Arr[] = [];
  const pick: number[] = [];
  const rec = (start: number) => {
    if (pick.length === k) {
      out.push(pick.map((i) => a[i]));
      return;
    }
    for (let i = start; i < a.length; i++) {
      pick.push(i);
      rec(i + 1);
      pick.pop();
    }
  };
  if (k <= a.length) rec(0);
  return out;
}

function permutations(a: Arr): Arr[] {
  // itertools.permutations order
  const out: Arr[] = [];
  const used = new Array(a.length).fill(false);
  const cur: Arr = [];
  const rec = () => {
    if (cur.length === a.length) {
      out.push(cur.slice());
      return;
    }
    for (let i = 0; i < a.length; i++) {
      if (used[i]) continue;
      used[i] = true;
      cur.push(a[i]);
      rec();
      cur.pop();
      used[i] = false;
    }
  };
  rec();
  return out;
}

function zipmap(code: number, withIndex: boolean): LibImpl {
  return () =>
    (...args: any[]) => {
      const fn = args[args.length - 1] as Fn;
      const arrays = args.slice(0, -1) as Arr[];
      const n = arrays[0]!.length;
      if (arrays.some((x) => x.length !== n)) throw pfaError(code, "misaligned arrays");
      const out: Arr = new Array(n);
      for (let i = 0; i < n; i++) {
        const vals = arrays.map((x) => x[i]);
        out[i] = withIndex ? fn(i, ...vals) : fn(...vals);
      }
      return out;
    };
}

/** Concatenate arrays, checking the total length first. */
function flatten(site: CallSite, parts: Arr[]): Arr {
  let n = 0;
  for (const p of parts) n += p.length;
  sized(site, n);
  return parts.flat();
}

/** C(n, k), saturating at Infinity. */
function binomial(n: number, k: number): number {
  if (k > n) return 0;
  let c = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

function median(a: Arr, cmp: Comparator, floating: boolean): unknown {
  const s = sortedCopy(a, cmp);
  const n = s.length;
  if (n % 2 === 1) return s[(n - 1) / 2];
  const lo = s[n / 2 - 1];
  return floating ? ((lo as number) + (s[n / 2] as number)) / 2 : lo;
}

export const a: LibModule = {
  "a.len": () => (x: Arr) => x.length,
  "a.subseq": () => (x: Arr, s: number, e: number) => x.slice(...sliceBounds(x.length, s, e)),
  "a.head": () => (x: Arr) => {
    nonEmpty(x, 15020);
    return x[0];
  },
  "a.tail": () => (x: Arr) => {
    nonEmpty(x, 15030);
    return x.slice(1);
  },
  "a.last": () => (x: Arr) => {
    nonEmpty(x, 15040);
    return x[x.length - 1];
  },
  "a.init": () => (x: Arr) => {
    nonEmpty(x, 15050);
    return x.slice(0, -1);
  },
  "a.subseqto": (site) => (x: Arr, s: number, e: number, r: Arr) => {
    const [i, j] = sliceBounds(x.length, s, e);
    sized(site, x.length - (j - i) + r.length);
    return [...x.slice(0, i), ...r, ...x.slice(j)];
  },
  "a.contains": search("contains"),
  "a.count": search("count"),
  "a.index": search("index"),
  "a.rindex": search("rindex"),
  "a.startswith": (site) => (h: Arr, n: unknown) => {
    const needle = bySubsequence(site) ? (n as Arr) : [n];
    return needle.length <= h.length && needle.every((x, i) => valueEquals(h[i], x));
  },
  "a.endswith": (site) => (h: Arr, n: unknown) => {
    const needle = bySubsequence(site) ? (n as Arr) : [n];
    const off = h.length - needle.length;
    return off >= 0 && needle.every((x, i) => valueEquals(h[off + i], x));
  },
  "a.concat": (site) => (x: Arr, y: Arr) => {
    sized(site, x.length + y.length);
    return x.concat(y);
  },
  "a.append": (site) => (x: Arr, item: unknown) => {
    sized(site, x.length + 1);
    return [...x, item];
  },
  "a.cycle": () => (x: Arr, item: unknown, max: number) => {
    if (max < 0) throw pfaError(15150, "maxLength out of range");
    const out = [...x, item];
    return out.slice(Math.max(0, out.length - max));
  },
  "a.insert": (site) => (x: Arr, index: number, item: unknown) => {
    sized(site, x.length + 1);
    const i = index < 0 ? x.length + index : index;
    if (i < 0 || i >= x.length) throw pfaError(15160, "index out of range");
    return [...x.slice(0, i), item, ...x.slice(i)];
  },
  "a.replace": () => (x: Arr, index: number, item: unknown) => {
    const i = index < 0 ? x.length + index : index;
    if (i < 0 || i >= x.length) throw pfaError(15170, "index out of range");
    const out = x.slice();
    out[i] = item;
    return out;
  },
  "a.remove": (site) => {
    if (site.sigIndex === 0) {
      return (x: Arr, s: number, e: number) => {
        const [i, j] = sliceBounds(x.length, s, e);
        return [...x.slice(0, i), ...x.slice(j)];
      };
    }
    return (x: Arr, index: number) => {
      const i = index < 0 ? x.length + index : index;
      if (i < 0 || i >= x.length) throw pfaError(15180, "index out of range");
      return [...x.slice(0, i), ...x.slice(i + 1)];
    };
  },
  "a.rotate": () => (x: Arr, steps: number) => {
    if (steps < 0) throw pfaError(15190, "steps out of range");
    if (x.length === 0) return [];
    const k = steps % x.length;
    return [...x.slice(k), ...x.slice(0, k)];
  },
  "a.sort": (site) => {
    const cmp = itemCmp(site);
    return (x: Arr) => sortedCopy(x, cmp);
  },
  "a.sortLT": () => (x: Arr, lt: Fn) => sortedCopy(x, ltCmp(lt)),
  "a.shuffle": (site) => (x: Arr) => {
    const out = x.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = site.rt.rng.int(0, i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  },
  "a.reverse": () => (x: Arr) => x.slice().reverse(),
  "a.max": extreme(15240, 1, false, false),
  "a.min": extreme(15250, -1, false, false),
  "a.maxLT": extreme(15260, 1, true, false),
  "a.minLT": extreme(15270, -1, true, false),
  "a.maxN": extremeN(15280, 1, false, false),
  "a.minN": extremeN(15290, -1, false, false),
  "a.maxNLT": extremeN(15300, 1, true, false),
  "a.minNLT": extremeN(15310, -1, true, false),
  "a.argmax": extreme(15320, 1, false, true),
  "a.argmin": extreme(15330, -1, false, true),
  "a.argmaxLT": extreme(15340, 1, true, true),
  "a.argminLT": extreme(15350, -1, true, true),
  "a.argmaxN": extremeN(15360, 1, false, true),
  "a.argminN": extremeN(15370, -1, false, true),
  "a.argmaxNLT": extremeN(15380, 1, true, true),
  "a.argminNLT": extremeN(15390, -1, true, true),
  "a.sum": (site) => {
    switch (site.retType.kind) {
      case "int":
        return (x: number[]) =>
          checkInt(
            x.reduce((s, v) => s + v, 0),
            15400,
          );
      case "long":
        return (x: unknown[]) =>
          checkLong(
            x.reduce<bigint>((s, v) => s + toBig(v), 0n),
            15401,
          );
      default:
        return (x: number[]) => x.reduce((s, v) => s + v, 0);
    }
  },
  "a.product": (site) => {
    switch (site.retType.kind) {
      case "int":
        return (x: number[]) => {
          let p = 1n;
          for (const v of x) p *= BigInt(v);
          if (p > 2147483647n || p < -2147483648n) throw pfaError(15410, "int overflow");
          return Number(p);
        };
      case "long":
        return (x: unknown[]) =>
          checkLong(
            x.reduce<bigint>((s, v) => s * toBig(v), 1n),
            15411,
          );
      default:
        return (x: number[]) => x.reduce((s, v) => s * v, 1);
    }
  },
  "a.lnsum": () => (x: number[]) => x.reduce((s, v) => s + Math.log(v), 0),
  "a.mean": () => (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length,
  "a.geomean": () => (x: number[]) => Math.exp(x.reduce((s, v) => s + Math.log(v), 0) / x.length),
  "a.median": (site) => {
    const cmp = itemCmp(site);
    const fl = isFloating(site);
    return (x: Arr) => {
      nonEmpty(x, 15450);
      return median(x, cmp, fl);
    };
  },
  "a.ntile": (site) => {
    const cmp = itemCmp(site);
    const fl = isFloating(site);
    return (x: Arr, p: number) => {
      nonEmpty(x, 15460);
      if (Number.isNaN(p)) throw pfaError(15461, "p not a number");
      const s = sortedCopy(x, cmp);
      if (p <= 0) return s[0];
      if (p >= 1) return s[s.length - 1];
      const k = (s.length - 1) * p;
      const f = Math.floor(k);
      const c = Math.ceil(k);
      if (f === c) return s[k];
      if (fl) return (s[f] as number) * (c - k) + (s[c] as number) * (k - f);
      return s[f];
    };
  },
  "a.mode": (site) => {
    const cmp = itemCmp(site);
    const fl = isFloating(site);
    return (x: Arr) => {
      nonEmpty(x, 15470);
      const vals: Arr = [];
      const counts: number[] = [];
      for (const v of x) {
        const i = vals.findIndex((y) => valueEquals(y, v));
        if (i >= 0) counts[i]!++;
        else {
          vals.push(v);
          counts.push(1);
        }
      }
      const top = Math.max(...counts);
      const modes = vals.filter((_, i) => counts[i] === top);
      return modes.length === 1 ? modes[0] : median(modes, cmp, fl);
    };
  },
  "a.logsumexp": () => (x: number[]) => {
    if (x.length === 0) return NaN;
    const m = Math.max(...x);
    if (!Number.isFinite(m)) return m;
    return m + Math.log(x.reduce((s, v) => s + Math.exp(v - m), 0));
  },
  "a.distinct": () => (x: Arr) => distinct(x),
  "a.seteq": () => (x: Arr, y: Arr) => x.every((v) => member(y, v)) && y.every((v) => member(x, v)),
  "a.union": (site) => (x: Arr, y: Arr) => {
    sized(site, x.length + y.length);
    return distinct([...x, ...y]);
  },
  // as Titus: duplicates are kept, and the intersection lists the common items of a, then of b
  "a.intersection": (site) => (x: Arr, y: Arr) => {
    sized(site, x.length + y.length);
    return [...x.filter((v) => member(y, v)), ...y.filter((v) => member(x, v))];
  },
  "a.diff": () => (x: Arr, y: Arr) => x.filter((v) => !member(y, v)),
  "a.symdiff": (site) => (x: Arr, y: Arr) => {
    sized(site, x.length + y.length);
    return [...x.filter((v) => !member(y, v)), ...y.filter((v) => !member(x, v))];
  },
  "a.subset": () => (x: Arr, y: Arr) => x.every((v) => member(y, v)),
  "a.disjoint": () => (x: Arr, y: Arr) => !x.some((v) => member(y, v)),
  "a.map": () => (x: Arr, f: Fn) => x.map((v) => f(v)),
  "a.mapWithIndex": () => (x: Arr, f: Fn) => x.map((v, i) => f(i, v)),
  "a.filter": () => (x: Arr, f: Fn) => x.filter((v) => f(v)),
  "a.filterWithIndex": () => (x: Arr, f: Fn) => x.filter((v, i) => f(i, v)),
  "a.filterMap": () => (x: Arr, f: Fn) => {
    const out: Arr = [];
    for (const v of x) {
      const r = f(v);
      if (r !== null) out.push(r);
    }
    return out;
  },
  "a.filterMapWithIndex": () => (x: Arr, f: Fn) => {
    const out: Arr = [];
    x.forEach((v, i) => {
      const r = f(i, v);
      if (r !== null) out.push(r);
    });
    return out;
  },
  "a.flatMap": (site) => (x: Arr, f: Fn) =>
    flatten(
      site,
      x.map((v) => f(v) as Arr),
    ),
  "a.flatMapWithIndex": (site) => (x: Arr, f: Fn) =>
    flatten(
      site,
      x.map((v, i) => f(i, v) as Arr),
    ),
  "a.zipmap": zipmap(15650, false),
  "a.zipmapWithIndex": zipmap(15660, true),
  "a.reduce": () => (x: Arr, f: Fn) => {
    nonEmpty(x, 15670);
    let t = x[0];
    for (let i = 1; i < x.length; i++) t = f(t, x[i]);
    return t;
  },
  "a.reduceRight": () => (x: Arr, f: Fn) => {
    nonEmpty(x, 15680);
    let t = x[x.length - 1];
    for (let i = x.length - 2; i >= 0; i--) t = f(x[i], t);
    return t;
  },
  "a.fold": () => (x: Arr, zero: unknown, f: Fn) => {
    let t = zero;
    for (const v of x) t = f(t, v);
    return t;
  },
  "a.foldRight": () => (x: Arr, zero: unknown, f: Fn) => {
    let t = zero;
    for (let i = x.length - 1; i >= 0; i--) t = f(x[i], t);
    return t;
  },
  "a.takeWhile": () => (x: Arr, f: Fn) => {
    const out: Arr = [];
    for (const v of x) {
      if (!f(v)) break;
      out.push(v);
    }
    return out;
  },
  "a.dropWhile": () => (x: Arr, f: Fn) => {
    let i = 0;
    while (i < x.length && f(x[i])) i++;
    return x.slice(i);
  },
  "a.any": () => (x: Arr, f: Fn) => x.some((v) => f(v)),
  "a.all": () => (x: Arr, f: Fn) => x.every((v) => f(v)),
  "a.corresponds": () => (x: Arr, y: Arr, f: Fn) => x.length === y.length && x.every((v, i) => f(v, y[i])),
  "a.correspondsWithIndex": () => (x: Arr, y: Arr, f: Fn) => x.length === y.length && x.every((v, i) => f(i, v, y[i])),
  "a.slidingWindow": (site) => (x: Arr, size: number, step: number) => {
    if (size < 1) throw pfaError(15770, "size < 1");
    if (step < 1) throw pfaError(15771, "step < 1");
    if (x.length >= size) sized(site, (Math.floor((x.length - size) / step) + 1) * size);
    const out: Arr[] = [];
    for (let i = 0; i + size <= x.length; i += step) out.push(x.slice(i, i + size));
    return out;
  },
  "a.combinations": (site) => (x: Arr, size: number) => {
    if (size < 1) throw pfaError(15780, "size < 1");
    sized(site, binomial(x.length, size) * size);
    return combinations(x, size);
  },
  "a.permutations": (site) => (x: Arr) => {
    let count = 1;
    for (let k = 2; k <= x.length && count <= site.rt.maxArrayLength; k++) count *= k;
    sized(site, count * x.length);
    return permutations(x);
  },
  "a.flatten": (site) => (x: Arr[]) => flatten(site, x),
  "a.groupby": () => (x: Arr, f: Fn) => {
    const out: Record<string, Arr> = Object.create(null);
    for (const v of x) (out[f(v) as string] ??= []).push(v);
    return out;
  },
};
