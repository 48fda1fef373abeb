/**
 * `stat.sample.*`, `stat.test.*`, `stat.change.*`: running statistics kept in records (usually a
 * cell or the fold tally), hypothesis-test helpers and change detection (spec §7, "Statistics").
 * Each update returns a new record of the caller's type with only the statistic's fields replaced.
 */
import { SchemaError } from "@porta/ir";
import { newMap, pfaError } from "../values.ts";
import { statTestShared } from "./model.ts";
import { fieldType, sized, withFields, type LibModule } from "./site.ts";
import type { AvroType, ExprType } from "@porta/ir/avro";

type Rec = Record<string, any>;
type DMap = Record<string, number>;
type Fn = (...a: any[]) => any;

/** The record type behind a state argument (the non-null branch of a union, or an array's items). */
function stateRecord(t: ExprType | undefined): AvroType | undefined {
  if (!t) return undefined;
  if (t.kind === "union") return t.types.find((b) => b.kind !== "null");
  if (t.kind === "array") return t.items;
  return t as AvroType;
}
const has = (t: ExprType | undefined, name: string) => fieldType(stateRecord(t), name) !== undefined;

/** 0: count only, 1: count and mean, 2: count, mean and variance (which fields the state record has). */
function momentLevel(t: ExprType | undefined, fn: string): 0 | 1 | 2 {
  const mean = has(t, "mean");
  const variance = has(t, "variance");
  if (variance && !mean) throw new SchemaError("PFA_TYPE_MISMATCH", `${fn} with "variance" must also have "mean" in the state record type`);
  return variance ? 2 : mean ? 1 : 0;
}

function histogramFlows(h: Rec, w: number, flags: Record<string, boolean>, present: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of present) out[f] = (h[f] as number) + (flags[f] ? w : 0);
  return out;
}

const FLOWS_1D = ["underflow", "overflow", "nanflow", "infflow"] as const;
const FLOWS_2D = [
  "underunderflow",
  "undermidflow",
  "underoverflow",
  "midunderflow",
  "midoverflow",
  "overunderflow",
  "overmidflow",
  "overoverflow",
  "nanflow",
  "infflow",
] as const;

export const stat: LibModule = {
  // ---------------------------------------------------------------- stat.sample
  "stat.sample.update": (site) => {
    const level = momentLevel(site.argTypes[2], site.name);
    return (x: number, w: number, st: Rec) => {
      const original = st.count as number;
      const count = original + w;
      if (level === 0) return withFields(st, { count });
      const delta = x - st.mean;
      const shift = (delta * w) / count;
      const mean = st.mean + shift;
      if (level === 1) return withFields(st, { count, mean });
      const vc = st.variance * original + original * delta * shift;
      return withFields(st, { count, mean, variance: vc / count });
    };
  },
  "stat.sample.updateCovariance": (site) => {
    if (site.sigIndex === 0) {
      return (x: number[], w: number, st: Rec) => {
        const size = x.length;
        if (size < 2) throw pfaError(14011, "too few components");
        const oldCount = st.count as number;
        const oldMean = st.mean as number[];
        const oldCov = st.covariance as number[][];
        if (size !== oldMean.length || size !== oldCov.length || oldCov.some((r) => r.length !== size)) throw pfaError(14012, "unequal length arrays");
        const count = oldCount + w;
        const mean = oldMean.map((m, i) => m + ((x[i]! - m) * w) / count);
        const covariance = oldCov.map((row, i) =>
          row.map((c, j) => (c * oldCount + ((x[i]! - oldMean[i]!) * (x[j]! - oldMean[j]!) * w * oldCount) / count) / count),
        );
        return withFields(st, { count, mean, covariance });
      };
    }
    return (x: DMap, w: number, st: Rec) => {
      if (Object.keys(x).length < 2) throw pfaError(14011, "too few components");
      const oldCount = st.count as Record<string, DMap>;
      const oldMean = st.mean as DMap;
      const oldCov = st.covariance as Record<string, DMap>;
      const keys = new Set(Object.keys(x));
      for (const m of [oldCount, oldCov])
        for (const [k, row] of Object.entries(m)) {
          keys.add(k);
          for (const j of Object.keys(row)) keys.add(j);
        }
      const inX = (k: string) => Object.hasOwn(x, k);
      const count = newMap() as Record<string, DMap>;
      const mean = newMap() as DMap;
      const covariance = newMap() as Record<string, DMap>;
      for (const i of keys) {
        const row = newMap() as DMap;
        for (const j of keys) {
          const old = oldCount[i]?.[j] ?? 0;
          row[j] = inX(i) && inX(j) ? old + w : old;
        }
        count[i] = row;
      }
      for (const i of keys) {
        const old = oldMean[i] ?? 0;
        mean[i] = inX(i) ? old + ((x[i]! - old) * w) / count[i]![i]! : old;
      }
      for (const i of keys) {
        const row = newMap() as DMap;
        for (const j of keys) {
          const oldC = oldCov[i]?.[j] ?? 0;
          if (inX(i) && inX(j)) {
            const n0 = oldCount[i]?.[j] ?? 0;
            const n1 = count[i]![j]!;
            row[j] = (oldC * n0 + ((x[i]! - (oldMean[i] ?? 0)) * (x[j]! - (oldMean[j] ?? 0)) * w * n0) / n1) / n1;
          } else row[j] = oldC;
        }
        covariance[i] = row;
      }
      return withFields(st, { count, mean, covariance });
    };
  },
  "stat.sample.updateWindow": (site) => {
    const level = momentLevel(site.argTypes[2], site.name);
    const recType = stateRecord(site.argTypes[2]);
    const fields = recType && recType.kind === "record" ? recType.fields.map((f) => f.name) : [];
    return (x: number, w: number, state: Rec[], windowSize: number) => {
      if (windowSize < 2) throw pfaError(14020, "windowSize must be at least 2");
      if (state.length === 0) {
        const init: Record<string, number> = { x, w, count: w, mean: x, variance: 0 };
        const out = newMap();
        for (const f of fields) {
          if (!(f in init)) throw pfaError(14021, "cannot initialize unrecognized fields");
          out[f] = init[f];
        }
        return [out];
      }
      const record = state[state.length - 1]!;
      const original = record.count as number;
      const count = original + w;
      if (state.length >= windowSize) {
        const splitAt = state.length - windowSize + 1;
        const remove = state.slice(0, splitAt);
        const keep = state.slice(splitAt);
        const count2 = count - remove.reduce((s, r) => s + r.w, 0);
        if (level === 0) return [...keep, withFields(record, { x, w, count: count2 })];
        const delta = x - record.mean;
        const shift = (delta * w) / count;
        let mean = record.mean + shift;
        let accumulated = count;
        let correction = 0;
        for (const r of remove) {
          const ow = -r.w;
          accumulated += ow;
          const delta2 = r.x - mean;
          const shift2 = (delta2 * ow) / accumulated;
          mean += shift2;
          correction += (accumulated - ow) * delta2 * shift2;
        }
        if (level === 1) return [...keep, withFields(record, { x, w, count: count2, mean })];
        const vc = record.variance * original + original * delta * shift + correction;
        return [...keep, withFields(record, { x, w, count: count2, mean, variance: vc / count2 })];
      }
      if (level === 0) return [...state, withFields(record, { x, w, count })];
      const delta = x - record.mean;
      const shift = (delta * w) / count;
      const mean = record.mean + shift;
      if (level === 1) return [...state, withFields(record, { x, w, count, mean })];
      const vc = record.variance * original + original * delta * shift;
      return [...state, withFields(record, { x, w, count, mean, variance: vc / count })];
    };
  },
  "stat.sample.updateEWMA": (site) => {
    const hasVariance = has(site.argTypes[2], "variance");
    return (x: number, alpha: number, st: Rec) => {
      if (alpha < 0 || alpha > 1) throw pfaError(14030, "alpha out of range");
      const diff = x - st.mean;
      const incr = alpha * diff;
      if (!hasVariance) return withFields(st, { mean: st.mean + incr });
      return withFields(st, { mean: st.mean + incr, variance: (1 - alpha) * (st.variance + diff * incr) });
    };
  },
  "stat.sample.updateHoltWinters": () => (x: number, alpha: number, beta: number, st: Rec) => {
    if (alpha < 0 || alpha > 1) throw pfaError(14040, "alpha out of range");
    if (beta < 0 || beta > 1) throw pfaError(14041, "beta out of range");
    const level = alpha * x + (1 - alpha) * (st.level + st.trend);
    const trend = beta * (level - st.level) + (1 - beta) * st.trend;
    return withFields(st, { level, trend });
  },
  "stat.sample.updateHoltWintersPeriodic": () => (x: number, alpha: number, beta: number, gamma: number, st: Rec) => {
    if (alpha < 0 || alpha > 1) throw pfaError(14050, "alpha out of range");
    if (beta < 0 || beta > 1) throw pfaError(14051, "beta out of range");
    if (gamma < 0 || gamma > 1) throw pfaError(14052, "gamma out of range");
    const cyc = st.cycle as number[];
    if (cyc.length === 0) throw pfaError(14053, "empty cycle");
    const rotated = [...cyc.slice(1), cyc[0]!];
    const prev = rotated[0]!;
    let level: number, trend: number, cycle: number;
    if (st.multiplicative) {
      level = (alpha * x) / prev + (1 - alpha) * (st.level + st.trend);
      trend = beta * (level - st.level) + (1 - beta) * st.trend;
      cycle = (gamma * x) / level + (1 - gamma) * prev;
    } else {
      level = alpha * (x - prev) + (1 - alpha) * (st.level + st.trend);
      trend = beta * (level - st.level) + (1 - beta) * st.trend;
      cycle = gamma * (x - level) + (1 - gamma) * prev;
    }
    return withFields(st, { level, trend, cycle: [cycle, ...rotated.slice(1)] });
  },
  "stat.sample.forecast1HoltWinters": (site) => {
    const periodic = has(site.argTypes[0], "cycle");
    return (st: Rec) => {
      if (!periodic) return st.level + st.trend;
      const cyc = st.cycle as number[];
      if (cyc.length === 0) throw pfaError(14060, "empty cycle");
      const c = cyc[1 % cyc.length]!;
      return st.multiplicative ? (st.level + st.trend) * c : st.level + st.trend + c;
    };
  },
  "stat.sample.forecastHoltWinters": (site) => {
    const periodic = has(site.argTypes[1], "cycle");
    return (n: number, st: Rec) => {
      sized(site, n);
      const out: number[] = [];
      if (!periodic) {
        for (let i = 1; i <= n; i++) out.push(st.level + i * st.trend);
        return out;
      }
      const cyc = st.cycle as number[];
      if (cyc.length === 0) throw pfaError(14070, "empty cycle");
      for (let i = 1; i <= n; i++) {
        const c = cyc[i % cyc.length]!;
        out.push(st.multiplicative ? (st.level + i * st.trend) * c : st.level + i * st.trend + c);
      }
      return out;
    };
  },
  "stat.sample.fillHistogram": (site) => {
    const t = site.argTypes[2];
    const m0 = has(t, "numbins") && has(t, "low") && has(t, "high");
    const m1 = has(t, "low") && has(t, "binsize");
    const m2 = has(t, "ranges");
    if (Number(m0) + Number(m1) + Number(m2) !== 1) {
      throw new SchemaError("PFA_TYPE_MISMATCH", `${site.name} needs "numbins", "low", "high" xor "low", "binsize" xor "ranges"`);
    }
    const present = FLOWS_1D.filter((f) => has(t, f));
    const infflow = has(t, "infflow");
    const finish = (h: Rec, w: number, values: number[], flag: string | null) =>
      withFields(h, { values, ...histogramFlows(h, w, flag ? { [flag]: true } : {}, present) });
    const flagOf = (x: number, under: boolean, over: boolean): string | null => {
      if (infflow && (x === Infinity || x === -Infinity)) return "infflow";
      if (Number.isNaN(x)) return "nanflow";
      if (over) return "overflow";
      if (under) return "underflow";
      return null;
    };
    if (m0) {
      return (x: number, w: number, h: Rec) => {
        const { numbins, low, high } = h as { numbins: number; low: number; high: number };
        const values = h.values as number[];
        if (numbins < 1) throw pfaError(14082, "bad histogram scale");
        if (values.length !== numbins) throw pfaError(14080, "wrong histogram size");
        if (!(low < high) || !Number.isFinite(low) || !Number.isFinite(high)) throw pfaError(14081, "bad histogram range");
        const flag = flagOf(x, x < low, x >= high);
        if (flag) return finish(h, w, values, flag);
        const index = Math.min(numbins - 1, Math.floor(((x - low) / (high - low)) * numbins));
        const nv = values.slice();
        nv[index] = nv[index]! + w;
        return finish(h, w, nv, null);
      };
    }
    if (m1) {
      return (x: number, w: number, h: Rec) => {
        const low = h.low as number;
        const binsize = h.binsize as number;
        const values = h.values as number[];
        if (!(binsize > 0) || binsize === Infinity) throw pfaError(14082, "bad histogram scale");
        const flag = flagOf(x, x < low, x === Infinity);
        if (flag) return finish(h, w, values, flag);
        const span = binsize * values.length;
        // Titus divides by (currentHigh - low); an empty histogram makes that zero and the index 0
        const index = span === 0 ? 0 : Math.floor(((x - low) / span) * values.length);
        if (index < values.length) {
          const nv = values.slice();
          nv[index] = nv[index]! + w;
          return finish(h, w, nv, null);
        }
        sized(site, index + 1);
        const nv = values.concat(new Array<number>(index - values.length).fill(0), [w]);
        return finish(h, w, nv, null);
      };
    }
    return (x: number, w: number, h: Rec) => {
      const ranges = h.ranges as number[][];
      const values = h.values as number[];
      if (values.length !== ranges.length) throw pfaError(14080, "wrong histogram size");
      if (ranges.some((r) => r.length !== 2 || !(r[0]! < r[1]!) || !Number.isFinite(r[0]!) || !Number.isFinite(r[1]!)))
        throw pfaError(14083, "bad histogram ranges");
      const nv = values.slice();
      let hit = false;
      if (Number.isFinite(x)) {
        ranges.forEach((r, i) => {
          if ((r[0] === r[1] && x === r[0]) || (x >= r[0]! && x < r[1]!)) {
            nv[i] = nv[i]! + w;
            hit = true;
          }
        });
      }
      let flag: string | null = null;
      if (infflow && (x === Infinity || x === -Infinity)) flag = "infflow";
      else if (Number.isNaN(x)) flag = "nanflow";
      else if (!hit) flag = "underflow";
      return finish(h, w, nv, flag);
    };
  },
  "stat.sample.fillHistogram2d": (site) => {
    const t = site.argTypes[3];
    const present = FLOWS_2D.filter((f) => has(t, f));
    const infflow = has(t, "infflow");
    return (x: number, y: number, w: number, h: Rec) => {
      const values = h.values as number[][];
      const { xnumbins, xlow, xhigh, ynumbins, ylow, yhigh } = h as Record<string, number>;
      if (xnumbins! < 1 || ynumbins! < 1) throw pfaError(14092, "bad histogram scale");
      if (values.length !== xnumbins || values.some((r) => r.length !== ynumbins)) throw pfaError(14090, "wrong histogram size");
      if (!(xlow! < xhigh!) || !(ylow! < yhigh!) || ![xlow, xhigh, ylow, yhigh].every((v) => Number.isFinite(v))) throw pfaError(14091, "bad histogram range");
      let flag: string | null = null;
      if (Number.isNaN(x) || Number.isNaN(y)) flag = "nanflow";
      else if (infflow && (!Number.isFinite(x) || !Number.isFinite(y))) flag = "infflow";
      else {
        const xs = x >= xhigh! ? "over" : x >= xlow! ? "mid" : "under";
        const ys = y >= yhigh! ? "over" : y >= ylow! ? "mid" : "under";
        if (!(xs === "mid" && ys === "mid")) flag = `${xs}${ys}flow`;
      }
      let nv = values;
      if (flag === null) {
        const xi = Math.min(xnumbins! - 1, Math.floor(((x - xlow!) / (xhigh! - xlow!)) * xnumbins!));
        const yi = Math.min(ynumbins! - 1, Math.floor(((y - ylow!) / (yhigh! - ylow!)) * ynumbins!));
        nv = values.map((r) => r.slice());
        nv[xi]![yi] = nv[xi]![yi]! + w;
      }
      return withFields(h, { values: nv, ...histogramFlows(h, w, flag ? { [flag]: true } : {}, present) });
    };
  },
  "stat.sample.fillCounter": () => (x: string, w: number, counter: Rec) => {
    const values = Object.assign(newMap(), counter.values) as DMap;
    values[x] = (values[x] ?? 0) + w;
    return withFields(counter, { values });
  },
  "stat.sample.topN": () => (x: unknown, top: unknown[], n: number, lessThan: Fn) => {
    if (n <= 0) return [];
    let index = 0;
    while (index < top.length && !lessThan(top[index], x)) index++;
    return [...top.slice(0, index), x, ...top.slice(index)].slice(0, n);
  },

  // ---------------------------------------------------------------- stat.test
  "stat.test.kolmogorov": () => (xs: number[], ys: number[]) => {
    const x = xs.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    const y = ys.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    const n1 = x.length;
    const n2 = y.length;
    if (n1 === n2 && x.every((v, i) => v === y[i])) return 1;
    if (n1 === 0 || n2 === 0) return 0;
    let j1 = 0,
      j2 = 0,
      fn1 = 0,
      fn2 = 0,
      d = 0;
    while (j1 < n1 && j2 < n2) {
      const d1 = x[j1]!;
      const d2 = y[j2]!;
      if (d1 <= d2) fn1 = ++j1 / n1;
      if (d2 <= d1) fn2 = ++j2 / n2;
      d = Math.max(d, Math.abs(fn2 - fn1));
    }
    const en = Math.sqrt((n1 * n2) / (n1 + n2));
    return 1 - kolmogorovCdf((en + 0.12 + 0.11 / en) * d);
  },
  "stat.test.residual": statTestShared.residual(38010),
  "stat.test.pull": statTestShared.pull(38020),
  "stat.test.mahalanobis": statTestShared.mahalanobis(38030),
  "stat.test.updateChi2": statTestShared.updateChi2("dof"),
  "stat.test.reducedChi2": () => (st: Rec) => st.chi2 / st.dof,
  "stat.test.chi2Prob": statTestShared.chi2Prob(38060, "dof"),

  // ---------------------------------------------------------------- stat.change
  "stat.change.updateTrigger": () => (predicate: boolean, h: Rec) => {
    let { numEvents, numRuns, currentRun, longestRun } = h as Record<string, number>;
    if (numEvents! < 0 || numRuns! < 0 || currentRun! < 0 || longestRun! < 0) throw pfaError(37000, "counter out of range");
    if (predicate) {
      numEvents!++;
      if (currentRun === 0) numRuns!++;
      currentRun!++;
      if (currentRun! > longestRun!) longestRun = currentRun;
    } else currentRun = 0;
    return withFields(h, { numEvents, numRuns, currentRun, longestRun });
  },
  "stat.change.zValue": (site) => (x: number, mv: Rec, unbiased?: boolean) => {
    const sigma = mv.variance >= 0 ? Math.sqrt(mv.variance) : NaN;
    const z = (x - mv.mean) / sigma;
    if (site.sigIndex === 0 || !unbiased) return z;
    const ratio = mv.count / (mv.count - 1);
    return z * (ratio >= 0 ? Math.sqrt(ratio) : NaN);
  },
  "stat.change.updateCUSUM": () => (llr: number, last: number, reset: number) => {
    const out = llr + last;
    return out > reset ? out : reset;
  },
};

/** The asymptotic Kolmogorov distribution, by its theta-function series (as Titus sums it). */
function kolmogorovCdf(z: number): number {
  const l = Math.sqrt(2 * Math.PI) / z;
  let s = 0;
  for (let v = 1; v < 150; v++) s += Math.exp(-((2 * v - 1) ** 2) * ((Math.PI * Math.PI) / (8 * z * z)));
  return l * s;
}
