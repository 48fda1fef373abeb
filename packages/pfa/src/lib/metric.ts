/** `metric.*`: distances and similarities between vectors, with missing-value weights (spec §7, "Metrics"). */
import { pfaError } from "../values.ts";
import type { LibImpl, LibModule } from "./site.ts";

type Fn = (a: any, b: any) => number;

/**
 * Metrics over arrays with nulls: components where either side is null are skipped, and the
 * tally is scaled by (total weight) / (weight of the components present).
 */
function withMissing(code: number, increment: (tally: number, z: number) => number, finalize: (t: number) => number): LibImpl {
  return () => (similarity: Fn, x: unknown[], y: unknown[], missingWeight?: number[]) => {
    const n = x.length;
    if (y.length !== n || (missingWeight !== undefined && missingWeight.length !== n)) throw pfaError(code, "dimensions of vectors do not match");
    let tally = 0;
    let numer = 0;
    let denom = 0;
    for (let i = 0; i < n; i++) {
      const w = missingWeight === undefined ? 1 : missingWeight[i]!;
      if (x[i] !== null && y[i] !== null) {
        tally = increment(tally, similarity(x[i], y[i]));
        denom += w;
      }
      numer += w;
    }
    return denom === 0 ? finalize(NaN) : finalize((tally * numer) / denom);
  };
}

function countPairs(x: boolean[], y: boolean[], code: number): [number, number, number, number] {
  if (x.length !== y.length) throw pfaError(code, "dimensions of vectors do not match");
  let a00 = 0,
    a01 = 0,
    a10 = 0,
    a11 = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i]) {
      if (y[i]) a11++;
      else a10++;
    } else if (y[i]) a01++;
    else a00++;
  }
  return [a00, a01, a10, a11];
}

export const metric: LibModule = {
  "metric.simpleEuclidean": () => (x: number[], y: number[]) => {
    if (x.length !== y.length) throw pfaError(28000, "dimensions of vectors do not match");
    let s = 0;
    for (let i = 0; i < x.length; i++) s += (x[i]! - y[i]!) ** 2;
    return Math.sqrt(s);
  },
  "metric.absDiff": () => (x: number, y: number) => Math.abs(x - y),
  "metric.gaussianSimilarity": () => (x: number, y: number, sigma: number) => Math.exp((-Math.LN2 * (x - y) ** 2) / sigma ** 2),
  "metric.euclidean": withMissing(28030, (t, z) => t + z * z, Math.sqrt),
  "metric.squaredEuclidean": withMissing(
    28040,
    (t, z) => t + z * z,
    (t) => t,
  ),
  // Python's max(tally, z): the first argument wins unless z is strictly greater (so NaN is skipped)
  "metric.chebyshev": withMissing(
    28050,
    (t, z) => (z > t ? z : t),
    (t) => t,
  ),
  "metric.taxicab": withMissing(
    28060,
    (t, z) => t + z,
    (t) => t,
  ),
  "metric.minkowski": () => (similarity: Fn, x: unknown[], y: unknown[], p: number, missingWeight?: number[]) => {
    const n = x.length;
    if (y.length !== n || (missingWeight !== undefined && missingWeight.length !== n)) throw pfaError(28070, "dimensions of vectors do not match");
    if (Number.isNaN(p) || p <= 0) throw pfaError(28071, "Minkowski parameter p must be positive");
    let tally = 0;
    let numer = 0;
    let denom = 0;
    for (let i = 0; i < n; i++) {
      const w = missingWeight === undefined ? 1 : missingWeight[i]!;
      if (x[i] !== null && y[i] !== null) {
        const z = similarity(x[i], y[i]);
        if (p === Infinity) {
          if (z > tally) tally = z;
        } else tally += Math.pow(z, p);
        denom += w;
      }
      numer += w;
    }
    if (denom === 0) return NaN;
    return p === Infinity ? (tally * numer) / denom : Math.pow((tally * numer) / denom, 1 / p);
  },
  "metric.simpleMatching": () => (x: boolean[], y: boolean[]) => {
    const [a00, a01, a10, a11] = countPairs(x, y, 28080);
    return (a11 + a00) / (a11 + a10 + a01 + a00);
  },
  "metric.jaccard": () => (x: boolean[], y: boolean[]) => {
    const [, a01, a10, a11] = countPairs(x, y, 28090);
    return a11 / (a11 + a10 + a01);
  },
  "metric.tanimoto": () => (x: boolean[], y: boolean[]) => {
    const [a00, a01, a10, a11] = countPairs(x, y, 28100);
    return (a11 + a00) / (a11 + 2 * (a10 + a01) + a00);
  },
  "metric.binarySimilarity":
    () => (x: boolean[], y: boolean[], c00: number, c01: number, c10: number, c11: number, d00: number, d01: number, d10: number, d11: number) => {
      const [a00, a01, a10, a11] = countPairs(x, y, 28110);
      return (c11 * a11 + c10 * a10 + c01 * a01 + c00 * a00) / (d11 * a11 + d10 * a10 + d01 * a01 + d00 * a00);
    },
};
