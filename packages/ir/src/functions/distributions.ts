import { asNumber, argumentError } from "./arguments.ts";
import { registerBuiltins, type BuiltinFunction } from "./index.ts";

/**
 * PMML 4.3+ "erf, normalCDF, normalPDF, stdNormalCDF, stdNormalPDF, normalIDF, stdNormalIDF".
 * JPMML computes them with Apache Commons Math (Erf via the regularized incomplete gamma
 * function, NormalDistribution); the same algorithms are followed here so results agree to
 * the last few ulps.
 */

const EPSILON = 1e-15;
const MAX_ITERATIONS = 10000;
/** ln Γ(1/2) = ln √π. */
const LOG_GAMMA_HALF = 0.5723649429247001;
const SQRT2 = Math.SQRT2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Regularized lower incomplete gamma P(1/2, x) by its series (x < 1.5). */
function gammaPHalf(x: number): number {
  if (x === 0) return 0;
  if (x >= 1.5) return 1 - gammaQHalf(x);
  const a = 0.5;
  let n = 0;
  let an = 1 / a;
  let sum = an;
  while (Math.abs(an / sum) > EPSILON && n < MAX_ITERATIONS && sum < Infinity) {
    n += 1;
    an *= x / (a + n);
    sum += an;
  }
  if (!Number.isFinite(sum)) return 1;
  return Math.exp(-x + a * Math.log(x) - LOG_GAMMA_HALF) * sum;
}

/** Regularized upper incomplete gamma Q(1/2, x) by its continued fraction (modified Lentz). */
function gammaQHalf(x: number): number {
  if (x === 0) return 1;
  if (x < 1.5) return 1 - gammaPHalf(x);
  const a = 0.5;
  const small = 1e-50;
  const cfA = (n: number) => 2 * n + 1 - a + x;
  const cfB = (n: number) => n * (a - n);
  let hPrev = cfA(0);
  if (Math.abs(hPrev) <= small) hPrev = small;
  let dPrev = 0;
  let cPrev = hPrev;
  let hN = hPrev;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    const an = cfA(n),
      bn = cfB(n);
    let dN = an + bn * dPrev;
    if (Math.abs(dN) <= small) dN = small;
    let cN = an + bn / cPrev;
    if (Math.abs(cN) <= small) cN = small;
    dN = 1 / dN;
    const delta = cN * dN;
    hN = hPrev * delta;
    if (Math.abs(delta - 1) < EPSILON) break;
    dPrev = dN;
    cPrev = cN;
    hPrev = hN;
  }
  return Math.exp(-x + a * Math.log(x) - LOG_GAMMA_HALF) * (1 / hN);
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) > 40) return x > 0 ? 1 : -1;
  const r = gammaPHalf(x * x);
  return x < 0 ? -r : r;
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) > 40) return x > 0 ? 0 : 2;
  const r = gammaQHalf(x * x);
  return x < 0 ? 2 - r : r;
}

export function normalCdf(x: number, mu: number, sigma: number): number {
  const dev = x - mu;
  if (Math.abs(dev) > 40 * sigma) return dev < 0 ? 0 : 1;
  return 0.5 * erfc(-dev / (sigma * SQRT2));
}

export function normalPdf(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  return Math.exp(-0.5 * z * z - (Math.log(sigma) + HALF_LOG_2PI));
}

/**
 * Standard normal quantile: Acklam's rational approximation, then Halley steps against the
 * erfc-based CDF above, which brings it to full double precision.
 */
export function stdNormalQuantile(p: number): number {
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5,
      r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  for (let i = 0; i < 3; i++) {
    // Halley's method on Φ(x) - p, with the error taken from the tail that keeps precision.
    const e = x < 0 ? 0.5 * erfc(-x / SQRT2) - p : -(0.5 * erfc(x / SQRT2) - (1 - p));
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    const next = x - u / (1 + (x * u) / 2);
    if (next === x) break;
    x = next;
  }
  return x;
}

function checkSigma(name: string, sigma: number): void {
  // JPMML: InvalidArgumentException "sigma ... Must be greater than 0".
  if (!(sigma > 0)) throw argumentError(name, "sigma must be greater than 0", sigma);
}

function checkProbability(name: string, p: number): void {
  // Commons Math NormalDistribution.inverseCumulativeProbability: OutOfRangeException.
  if (!(p >= 0 && p <= 1)) throw argumentError(name, "probability must be in [0, 1]", p);
}

const num = asNumber;

export const distributionFunctions: BuiltinFunction[] = [
  { name: "erf", minArgs: 1, maxArgs: 1, resultType: "double", fn: (a) => erf(num("erf", a[0])) },
  {
    name: "normalCDF",
    minArgs: 3,
    maxArgs: 3,
    resultType: "double",
    fn: (a) => {
      const sigma = num("normalCDF", a[2]);
      checkSigma("normalCDF", sigma);
      return normalCdf(num("normalCDF", a[0]), num("normalCDF", a[1]), sigma);
    },
  },
  {
    name: "normalPDF",
    minArgs: 3,
    maxArgs: 3,
    resultType: "double",
    fn: (a) => {
      const sigma = num("normalPDF", a[2]);
      checkSigma("normalPDF", sigma);
      return normalPdf(num("normalPDF", a[0]), num("normalPDF", a[1]), sigma);
    },
  },
  {
    name: "normalIDF",
    minArgs: 3,
    maxArgs: 3,
    resultType: "double",
    fn: (a) => {
      const p = num("normalIDF", a[0]);
      const sigma = num("normalIDF", a[2]);
      checkSigma("normalIDF", sigma);
      checkProbability("normalIDF", p);
      return num("normalIDF", a[1]) + sigma * stdNormalQuantile(p);
    },
  },
  { name: "stdNormalCDF", minArgs: 1, maxArgs: 1, resultType: "double", fn: (a) => normalCdf(num("stdNormalCDF", a[0]), 0, 1) },
  { name: "stdNormalPDF", minArgs: 1, maxArgs: 1, resultType: "double", fn: (a) => normalPdf(num("stdNormalPDF", a[0]), 0, 1) },
  {
    name: "stdNormalIDF",
    minArgs: 1,
    maxArgs: 1,
    resultType: "double",
    fn: (a) => {
      const p = num("stdNormalIDF", a[0]);
      checkProbability("stdNormalIDF", p);
      return stdNormalQuantile(p);
    },
  },
];

registerBuiltins(distributionFunctions);
