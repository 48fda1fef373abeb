/**
 * `model.cluster.*`, `model.neighbor.*`, `model.reg.*`, `model.naive.*`, `model.neural.*`,
 * `model.svm.*`: scoring functions for models whose parameters are PFA values (spec §7, "Models").
 */
import { newMap, pfaError, valueEquals } from "../values.ts";
import { chi2Cdf } from "./prob.ts";
import { withFields, type LibImpl, type LibModule } from "./site.ts";

type Fn = (...a: any[]) => any;
type Rec = Record<string, any>;
type DMap = Record<string, number>;

/**
 * Indexes of the n smallest values, by insertion: a value goes before the first kept value it is
 * less than, so ties keep their order and NaN (never less than anything) sinks to the end.
 */
export function argLowestN(values: readonly number[], n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    let at = out.length;
    for (let k = 0; k < out.length; k++) {
      if (x < values[out[k]!]!) {
        at = k;
        break;
      }
    }
    out.splice(at, 0, i);
    if (out.length > n) out.pop();
  }
  return out;
}

/** Σ (a_i - b_i)² over the common length (Python's zip). */
function sqDist(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

function residual(code: number): LibImpl {
  return (site) => {
    switch (site.sigIndex) {
      case 0:
        return (o: number, p: number) => o - p;
      case 1:
        return (o: number[], p: number[]) => {
          if (o.length !== p.length) throw pfaError(code, "misaligned prediction");
          return o.map((v, i) => v - p[i]!);
        };
      default:
        return (o: DMap, p: DMap) => {
          if (!sameKeys(o, p)) throw pfaError(code, "misaligned prediction");
          const out = newMap();
          for (const k of Object.keys(o)) out[k] = o[k]! - p[k]!;
          return out;
        };
    }
  };
}
function pull(code: number): LibImpl {
  return (site) => {
    switch (site.sigIndex) {
      case 0:
        return (o: number, p: number, u: number) => (o - p) / u;
      case 1:
        return (o: number[], p: number[], u: number[]) => {
          if (o.length !== p.length) throw pfaError(code, "misaligned prediction");
          if (o.length !== u.length) throw pfaError(code + 1, "misaligned uncertainty");
          return o.map((v, i) => (v - p[i]!) / u[i]!);
        };
      default:
        return (o: DMap, p: DMap, u: DMap) => {
          if (!sameKeys(o, p)) throw pfaError(code, "misaligned prediction");
          if (!sameKeys(o, u)) throw pfaError(code + 1, "misaligned uncertainty");
          const out = newMap();
          for (const k of Object.keys(o)) out[k] = (o[k]! - p[k]!) / u[k]!;
          return out;
        };
    }
  };
}
function sameKeys(a: object, b: object): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k));
}

/** Solve A x = b by Gaussian elimination with partial pivoting (A is copied). */
export function solveLinear(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((r, i) => [...r, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]!;
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / piv;
      if (f !== 0) for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

function mahalanobis(code: number): LibImpl {
  return (site) => {
    const finish = (x: number[], c: number[][]) => {
      const s = solveLinear(c, x).reduce((acc, v, i) => acc + v * x[i]!, 0);
      return s < 0 ? NaN : Math.sqrt(s);
    };
    if (site.sigIndex === 0) {
      return (o: number[], p: number[], cov: number[][]) => {
        if (o.length < 1) throw pfaError(code, "too few rows/cols");
        if (o.length !== p.length) throw pfaError(code + 1, "misaligned prediction");
        if (cov.length !== o.length || cov.some((r) => r.length !== o.length)) throw pfaError(code + 2, "misaligned covariance");
        return finish(
          o.map((v, i) => v - p[i]!),
          cov,
        );
      };
    }
    return (o: DMap, p: DMap, cov: Record<string, DMap>) => {
      const keys = Object.keys(o);
      if (keys.length < 1) throw pfaError(code, "too few rows/cols");
      if (!sameKeys(o, p)) throw pfaError(code + 1, "misaligned prediction");
      const c = keys.map((k1) =>
        keys.map((k2) => {
          const v = cov[k1]?.[k2];
          if (v === undefined) throw pfaError(code + 2, "misaligned covariance");
          return v;
        }),
      );
      return finish(
        keys.map((k) => o[k]! - p[k]!),
        c,
      );
    };
  };
}

function updateChi2(dofField: string): LibImpl {
  return (site) => {
    const sumSq =
      site.sigIndex === 0
        ? (p: number) => p * p
        : site.sigIndex === 1
          ? (p: number[]) => p.reduce((s, y) => s + y * y, 0)
          : (p: DMap) => Object.values(p).reduce((s, y) => s + y * y, 0);
    return (p: any, st: Rec) => withFields(st, { chi2: st.chi2 + sumSq(p), [dofField]: st[dofField] + 1 });
  };
}

function chi2Prob(code: number, dofField: string): LibImpl {
  return () => (st: Rec) => {
    const chi2 = st.chi2 as number;
    const dof = st[dofField] as number;
    if (dof < 0) throw pfaError(code, "invalid parameterization");
    if (dof === 0) return chi2 > 0 ? 1 : 0;
    if (Number.isNaN(chi2)) return NaN;
    if (chi2 === Infinity) return 1;
    if (chi2 === -Infinity) return 0;
    return chi2Cdf(chi2, dof);
  };
}

const linearVariance = (x: number[], c: number[][]) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) for (let j = 0; j < x.length; j++) s += x[i]! * c[i]![j]! * x[j]!;
  return s;
};

// ------------------------------------------------------------ Gaussian process (Kriging)

function cholesky(a: number[][]): number[][] | null {
  const n = a.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  }
  return l;
}
function forward(l: number[][], b: number[]): number[] {
  const x: number[] = [];
  for (let i = 0; i < b.length; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * x[k]!;
    x.push(s / l[i]![i]!);
  }
  return x;
}
function backward(l: number[][], b: number[]): number[] {
  const n = b.length;
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}
const meanOf = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const stdOf = (v: number[]) => {
  const m = meanOf(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length);
};

/** Universal Kriging with a constant trend, as Titus does it (features and targets standardized first). */
function krige(x: number[], xs: number[][], y: number[], beta: number | null, nugget: number[], kernel: Fn): number {
  const n = xs.length;
  const d = x.length;
  const xm: number[] = [];
  const xsd: number[] = [];
  for (let j = 0; j < d; j++) {
    const col = xs.map((r) => r[j]!);
    xm.push(meanOf(col));
    xsd.push(stdOf(col));
  }
  const norm = (r: number[]) => r.map((v, j) => (v - xm[j]!) / xsd[j]!);
  const xn = xs.map(norm);
  const ym = meanOf(y);
  const ys = stdOf(y);
  const yn = y.map((v) => (v - ym) / ys);
  const r = xn.map((_, i) => xn.map((__, j) => (i === j ? 1 + nugget[i]! : 0)));
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const k = kernel(xn[i], xn[j]) as number;
      r[i]![j] = k;
      r[j]![i] = k;
    }
  const c = cholesky(r);
  if (!c) throw pfaError(31088, "matrix of kernel results is not positive definite");
  const ft = forward(c, new Array<number>(n).fill(1));
  const yt = forward(c, yn);
  const b = beta ?? ft.reduce((s, v, i) => s + v * yt[i]!, 0) / ft.reduce((s, v) => s + v * v, 0);
  const rho = yt.map((v, i) => v - ft[i]! * b);
  const gamma = backward(c, rho);
  const xp = norm(x);
  let out = b;
  for (let i = 0; i < n; i++) out += (kernel(xp, xn[i]) as number) * gamma[i]!;
  return ym + ys * out;
}

function gaussianProcess(): LibImpl {
  return (site) => {
    const vectorX = site.sigIndex >= 2;
    const vectorTo = site.sigIndex === 1 || site.sigIndex === 3;
    return (x: number | number[], table: Rec[], krigingWeight: number | null, kernel: Fn) => {
      if (table.length < 1) throw pfaError(31080, "table must have at least 1 entry");
      const xv = vectorX ? (x as number[]) : [x as number];
      if (vectorX) {
        if (xv.length < 1) throw pfaError(31081, "x must have at least 1 feature");
        if (table.some((t) => (t.x as number[]).length !== xv.length)) throw pfaError(31082, "table must have the same number of features as x");
      }
      let nOut = 0;
      if (vectorTo) {
        nOut = (table[0]!.to as number[]).length;
        if (nOut < 1) throw pfaError(31083, "table outputs must have at least 1 dimension");
        if (table.some((t) => (t.to as number[]).length !== nOut)) throw pfaError(31084, "table outputs must all have the same number of dimensions");
      }
      if (xv.some((v) => !Number.isFinite(v))) throw pfaError(31085, "x is not finite");
      const tos = table.map((t) => (vectorTo ? (t.to as number[]) : [t.to as number]));
      if (tos.some((t) => t.some((v) => !Number.isFinite(v)))) throw pfaError(31086, "table value is not finite");
      const xs = table.map((t) => (vectorX ? (t.x as number[]) : [t.x as number]));
      if (xs.some((r) => r.some((v) => !Number.isFinite(v)))) throw pfaError(31086, "table value is not finite");
      if (krigingWeight !== null && !Number.isFinite(krigingWeight)) throw pfaError(31087, "krigingWeight is not finite");
      const hasSigma = "sigma" in table[0]!;
      const one = (i: number) => {
        const y = tos.map((t) => t[i]!);
        const nugget = hasSigma
          ? table.map((t, k) => {
              const s = vectorTo ? (t.sigma as number[])[i]! : (t.sigma as number);
              return y[k] !== 0 ? (s / y[k]!) ** 2 : Infinity;
            })
          : y.map(() => 10 * Number.EPSILON);
        return krige(xv, xs, y, krigingWeight, nugget, kernel);
      };
      return vectorTo ? Array.from({ length: nOut }, (_, i) => one(i)) : one(0);
    };
  };
}

const TINY = 2.2250738585072014e-308;

export const model: LibModule = {
  // ---------------------------------------------------------------- model.cluster
  "model.cluster.closest": (site) => (datum: unknown, clusters: Rec[], metric?: Fn) => {
    if (clusters.length === 0) throw pfaError(29000, "no clusters");
    const d = site.sigIndex === 1 ? clusters.map((c) => metric!(datum, c.center) as number) : clusters.map((c) => sqDist(datum as number[], c.center));
    return clusters[argLowestN(d, 1)[0]!];
  },
  "model.cluster.closestN": (site) => (n: number, datum: unknown, clusters: Rec[], metric?: Fn) => {
    if (n < 0) throw pfaError(29010, "n must be nonnegative");
    const d = site.sigIndex === 1 ? clusters.map((c) => metric!(datum, c.center) as number) : clusters.map((c) => sqDist(datum as number[], c.center));
    return argLowestN(d, n).map((i) => clusters[i]);
  },
  "model.cluster.randomSeeds": (site) => (data: unknown[][], k: number, newCluster: Fn) => {
    if (k <= 0) throw pfaError(29020, "k must be greater than zero");
    const uniques: unknown[][] = [];
    for (const x of data) if (!uniques.some((u) => valueEquals(u, x))) uniques.push(x);
    if (uniques.length < k) throw pfaError(29021, "not enough unique points");
    if (new Set(uniques.map((u) => u.length)).size !== 1) throw pfaError(29022, "dimensions of vectors do not match");
    for (let i = uniques.length - 1; i > 0; i--) {
      const j = site.rt.rng.int(0, i + 1);
      [uniques[i], uniques[j]] = [uniques[j]!, uniques[i]!];
    }
    return uniques.slice(0, k).map((vec, i) => newCluster(i, vec.slice()));
  },
  "model.cluster.kmeansIteration": () => (data: unknown[][], clusters: Rec[], metric: Fn, update: Fn) => {
    if (data.length === 0) throw pfaError(29030, "no data");
    if (clusters.length === 0) throw pfaError(29031, "no clusters");
    const matched: unknown[][][] = clusters.map(() => []);
    for (const datum of data) {
      let best = 0;
      let bestD = 0;
      for (let i = 0; i < clusters.length; i++) {
        const d = metric(datum, clusters[i]!.center) as number;
        if (i === 0 || d < bestD) {
          best = i;
          bestD = d;
        }
      }
      matched[best]!.push(datum);
    }
    return clusters.map((c, i) => (matched[i]!.length === 0 ? c : update(matched[i], c)));
  },
  "model.cluster.updateMean": () => (data: number[][], cluster: Rec, weight: number) => {
    if (data.length === 0) throw pfaError(29040, "no data");
    const dim = data[0]!.length;
    const sum = new Array<number>(dim).fill(0);
    for (const v of data) {
      if (v.length !== dim) throw pfaError(29041, "dimensions of vectors do not match");
      for (let i = 0; i < dim; i++) sum[i]! += v[i]!;
    }
    const c = cluster.center as number[];
    if (c.length !== dim) throw pfaError(29041, "dimensions of vectors do not match");
    const denom = data.length + weight;
    return withFields(cluster, { center: sum.map((s, i) => (s + weight * c[i]!) / denom) });
  },

  // ---------------------------------------------------------------- model.neighbor
  "model.neighbor.mean": () => (points: number[][], weight?: Fn) => {
    if (points.length === 0) throw pfaError(30000, "not enough points");
    const dim = points[0]!.length;
    const numer = new Array<number>(dim).fill(0);
    const denom = new Array<number>(dim).fill(0);
    for (const p of points) {
      if (p.length !== dim) throw pfaError(30001, "inconsistent dimensionality");
      const w = weight ? (weight(p) as number) : 1;
      for (let i = 0; i < dim; i++) {
        numer[i]! += w * p[i]!;
        denom[i]! += w;
      }
    }
    return numer.map((v, i) => v / denom[i]!);
  },
  "model.neighbor.nearestK": (site) => (k: number, datum: unknown, codebook: unknown[], metric?: Fn) => {
    if (k < 0) throw pfaError(30010, "k must be nonnegative");
    let d: number[];
    if (site.sigIndex === 1) d = codebook.map((x) => metric!(datum, x) as number);
    else {
      if (codebook.length === 0) return [];
      const dim = (datum as number[]).length;
      if ((codebook as number[][]).some((x) => x.length !== dim)) throw pfaError(30011, "inconsistent dimensionality");
      d = (codebook as number[][]).map((x) => sqDist(datum as number[], x));
    }
    return argLowestN(d, k).map((i) => codebook[i]);
  },
  "model.neighbor.ballR": (site) => (r: number, datum: unknown, codebook: unknown[], metric?: Fn) =>
    codebook.filter((x) => (site.sigIndex === 1 ? (metric!(datum, x) as number) : Math.sqrt(sqDist(datum as number[], x as number[]))) < r),

  // ---------------------------------------------------------------- model.reg
  "model.reg.linear": (site) => {
    switch (site.sigIndex) {
      case 0:
        return (datum: number[], m: Rec) => {
          const coeff = m.coeff as number[];
          if (datum.length !== coeff.length) throw pfaError(31000, "misaligned coeff");
          let s = 0;
          for (let i = 0; i < datum.length; i++) s += coeff[i]! * datum[i]!;
          return s + (m.const as number);
        };
      case 1:
        return (datum: number[], m: Rec) => {
          const coeff = m.coeff as number[][];
          const cnst = m.const as number[];
          if (cnst.length !== coeff.length) throw pfaError(31001, "misaligned const");
          if (coeff.some((r) => r.length !== datum.length)) throw pfaError(31000, "misaligned coeff");
          return coeff.map((row, i) => row.reduce((s, c, j) => s + c * datum[j]!, 0) + cnst[i]!);
        };
      case 2:
        return (datum: DMap, m: Rec) => {
          const coeff = m.coeff as DMap;
          let s = 0;
          for (const k of new Set([...Object.keys(datum), ...Object.keys(coeff)])) s += (datum[k] ?? 0) * (coeff[k] ?? 0);
          return s + (m.const as number);
        };
      default:
        return (datum: DMap, m: Rec) => {
          const coeff = m.coeff as Record<string, DMap>;
          const cnst = m.const as DMap;
          const inner = new Set(Object.keys(datum));
          for (const row of Object.values(coeff)) for (const k of Object.keys(row)) inner.add(k);
          const out = newMap();
          for (const o of new Set([...Object.keys(cnst), ...Object.keys(coeff)])) {
            let s = 0;
            for (const k of inner) s += (datum[k] ?? 0) * (coeff[o]?.[k] ?? 0);
            out[o] = s + (cnst[o] ?? 0);
          }
          return out;
        };
    }
  },
  "model.reg.linearVariance": (site) => {
    const check = (x: number[], c: number[][]) => {
      if (x.length !== c.length || c.some((r) => r.length !== x.length)) throw pfaError(31010, "misaligned covariance");
      return linearVariance(x, c);
    };
    const mapKeys = (datum: DMap, covs: Record<string, DMap>[]) => {
      const keys = new Set([...Object.keys(datum), ""]);
      for (const c of covs) for (const row of Object.values(c)) for (const k of Object.keys(row)) keys.add(k);
      return [...keys];
    };
    const mapVariance = (datum: DMap, cov: Record<string, DMap>, keys: string[]) => {
      const x = keys.map((k) => (k === "" ? 1 : (datum[k] ?? 0)));
      return linearVariance(
        x,
        keys.map((i) => keys.map((j) => cov[i]?.[j] ?? 0)),
      );
    };
    switch (site.sigIndex) {
      case 0:
        return (datum: number[], m: Rec) => check([...datum, 1], m.covar);
      case 1:
        return (datum: number[], m: Rec) => (m.covar as number[][][]).map((c) => check([...datum, 1], c));
      case 2:
        return (datum: DMap, m: Rec) => mapVariance(datum, m.covar, mapKeys(datum, [m.covar]));
      default:
        return (datum: DMap, m: Rec) => {
          const covar = m.covar as Record<string, Record<string, DMap>>;
          const keys = mapKeys(datum, Object.values(covar));
          const out = newMap();
          for (const [dep, c] of Object.entries(covar)) out[dep] = mapVariance(datum, c, keys);
          return out;
        };
    }
  },
  "model.reg.gaussianProcess": gaussianProcess(),
  // deprecated in 0.8.1 (moved to stat.test.*), kept with their own error codes
  "model.reg.residual": residual(31020),
  "model.reg.pull": pull(31030),
  "model.reg.mahalanobis": mahalanobis(31040),
  "model.reg.updateChi2": updateChi2("DOF"),
  "model.reg.reducedChi2": () => (st: Rec) => st.chi2 / st.DOF,
  "model.reg.chi2Prob": chi2Prob(31070, "DOF"),

  // ---------------------------------------------------------------- model.naive
  "model.naive.gaussian": (site) => {
    const term = (x: number, c: Rec) => {
      const v = c.variance as number;
      if (v <= 0) throw pfaError(10001, "variance less than or equal to zero");
      return -0.5 * Math.log(2 * Math.PI * v) - (0.5 * (x - c.mean) ** 2) / v;
    };
    if (site.sigIndex === 0) {
      return (datum: number[], model: Rec[]) => {
        if (datum.length !== model.length) throw pfaError(10000, "datum and classModel misaligned");
        let ll = 0;
        for (let i = 0; i < datum.length; i++) ll += term(datum[i]!, model[i]!);
        return ll;
      };
    }
    return (datum: DMap, model: Record<string, Rec>) => {
      if (!sameKeys(datum, model)) throw pfaError(10000, "datum and classModel misaligned");
      let ll = 0;
      for (const k of Object.keys(datum)) ll += term(datum[k]!, model[k]!);
      return ll;
    };
  },
  "model.naive.multinomial": (site) => {
    const fromRecord = site.sigIndex >= 2;
    const isArray = site.sigIndex === 0 || site.sigIndex === 2;
    const positive = (vals: number[]) => {
      if (vals.length === 0 || !vals.every((v) => v > 0)) throw pfaError(10011, "classModel must be non-empty and strictly positive");
    };
    if (isArray) {
      return (datum: number[], cm: any) => {
        const model = (fromRecord ? cm.values : cm) as number[];
        positive(model);
        if (datum.length !== model.length) throw pfaError(10010, "datum and classModel misaligned");
        const norm = model.reduce((s, v) => s + v, 0);
        let ll = 0;
        for (let i = 0; i < datum.length; i++) ll += datum[i]! * Math.log(model[i]! / norm + TINY);
        return ll;
      };
    }
    return (datum: DMap, cm: any) => {
      const model = (fromRecord ? cm.values : cm) as DMap;
      positive(Object.values(model));
      if (!sameKeys(datum, model)) throw pfaError(10010, "datum and classModel misaligned");
      // Titus (the reference) takes the log of the unnormalized weight in the map form
      let ll = 0;
      for (const k of Object.keys(datum)) ll += datum[k]! * Math.log(model[k]!);
      return ll;
    };
  },
  "model.naive.bernoulli": (site) => (datum: string[], cm: any) => {
    const model = (site.sigIndex === 1 ? cm.values : cm) as DMap;
    let ll = 0;
    for (const v of Object.values(model)) {
      if (v <= 0 || v >= 1) throw pfaError(10020, "probability in classModel cannot be less than 0 or greater than 1");
      ll += Math.log(1 - v);
    }
    for (const item of datum) {
      const p = model[item];
      if (p !== undefined) ll += Math.log(p) - Math.log(1 - p);
    }
    return ll;
  },

  // ---------------------------------------------------------------- model.neural, model.svm
  "model.neural.simpleLayers": () => (datum: number[], layers: Rec[], activation: Fn) => {
    if (layers.length === 0) throw pfaError(11000, "no layers");
    let x = datum;
    for (let l = 0; l < layers.length; l++) {
      const w = layers[l]!.weights as number[][];
      const b = layers[l]!.bias as number[];
      if (b.length !== w.length || w.some((r) => r.length !== x.length)) throw pfaError(11001, "weights, bias, or datum misaligned");
      const out = w.map((row, i) => row.reduce((s, c, j) => s + c * x[j]!, 0) + b[i]!);
      x = l < layers.length - 1 ? out.map((v) => activation(v) as number) : out;
    }
    return x;
  },
  "model.svm.score": () => (datum: number[], m: Rec, kernel: Fn) => {
    const neg = m.negClass as Rec[];
    const pos = m.posClass as Rec[];
    if (neg.length === 0 && pos.length === 0) throw pfaError(12000, "no support vectors");
    const side = (svs: Rec[]) => {
      let s = 0;
      for (const sv of svs) {
        if ((sv.supVec as number[]).length !== datum.length) throw pfaError(12001, "support vectors must have same length as datum");
        s += (kernel(sv.supVec, datum) as number) * sv.coeff;
      }
      return s;
    };
    const n = side(neg);
    return n + side(pos) + (m.const as number);
  },
};

export const statTestShared = { residual, pull, mahalanobis, updateChi2, chi2Prob };
