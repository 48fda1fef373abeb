import type { GaussianProcessKernel, GaussianProcessModel } from "../models/gaussian-process.ts";
import type { ModelResult } from "../model.ts";
import { SchemaError } from "../errors.ts";
import { toNumber } from "../values.ts";
import type { ModelScope } from "./scope.ts";
import type { TargetInfo } from "./target.ts";

/**
 * The kernel without its noise term (PMML 4.4 §GaussianProcessModel), in the GPML parameterisation
 * the spec's authors export: γ·exp(−‖x−z‖²/(2λ²)) (radialBasis), γ·exp(−½·Σ(xk−zk)²/λk²) (ARD
 * squared exponential), γ·exp(−½·Σ|xk−zk|/λk) (absolute exponential), γ·exp(−½·Σ|xk−zk|^degree/λk)
 * (generalized exponential). The noise variance is added where x and z are the same instance.
 */
export function kernelValue(k: GaussianProcessKernel, x: number[], z: number[]): number {
  let s = 0;
  switch (k.kind) {
    case "radialBasis":
      for (let i = 0; i < x.length; i++) s += (x[i] - z[i]) ** 2;
      return k.gamma * Math.exp(-s / (2 * k.lambda * k.lambda));
    case "ardSquaredExponential":
      for (let i = 0; i < x.length; i++) s += (x[i] - z[i]) ** 2 / (k.lambdas[i] * k.lambdas[i]);
      return k.gamma * Math.exp(-s / 2);
    case "absoluteExponential":
      for (let i = 0; i < x.length; i++) s += Math.abs(x[i] - z[i]) / k.lambdas[i];
      return k.gamma * Math.exp(-s / 2);
    case "generalizedExponential":
      for (let i = 0; i < x.length; i++) s += Math.abs(x[i] - z[i]) ** k.degree / k.lambdas[i];
      return k.gamma * Math.exp(-s / 2);
    default: {
      const never: never = k;
      return never;
    }
  }
}

interface Fitted {
  /** Lower Cholesky factor of K + σ²·I. */
  chol: Float64Array[];
  /** (K + σ²·I)⁻¹·y. */
  alpha: Float64Array;
}

const FITTED = new WeakMap<GaussianProcessModel, Fitted>();

/** Cholesky factor and weights, once per model (O(n³)); rows then cost O(n²). */
function fitted(model: GaussianProcessModel): Fitted {
  let f = FITTED.get(model);
  if (f) return f;
  const n = model.x.length;
  const L: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    L.push(new Float64Array(n));
    for (let j = 0; j <= i; j++) {
      let s = kernelValue(model.kernel, model.x[i], model.x[j]) + (i === j ? model.kernel.noiseVariance : 0);
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0))
          throw new SchemaError("PMML_GP_NOT_POSITIVE_DEFINITE", "the training covariance matrix is not positive definite", { path: model.path, value: i + 1 });
        L[i][i] = Math.sqrt(s);
      } else {
        L[i][j] = s / L[j][j];
      }
    }
  }
  const alpha = backSolve(L, forwardSolve(L, Float64Array.from(model.y)));
  f = { chol: L, alpha };
  FITTED.set(model, f);
  return f;
}

function forwardSolve(L: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length,
    v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * v[k];
    v[i] = s / L[i][i];
  }
  return v;
}

function backSolve(L: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length,
    v = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k][i] * v[k];
    v[i] = s / L[i][i];
  }
  return v;
}

/**
 * GaussianProcessModel (PMML 4.4): the posterior of a zero-mean process given the training
 * instances. Predicted value μ = k*ᵀ·(K + σ²I)⁻¹·y; OutputField feature="standardDeviation" is
 * the predictive standard deviation sqrt(k(x,x) + σ² − k*ᵀ·(K + σ²I)⁻¹·k*), noise included as in
 * GPML's ys2. A missing input gives a missing prediction.
 */
export function evaluateGaussianProcess(model: GaussianProcessModel, scope: ModelScope, _target: TargetInfo): ModelResult {
  const x: number[] = [];
  for (const name of model.inputs) {
    const v = scope.resolve(name);
    if (v === null) return { value: null, extras: { standardDeviation: () => null, standardError: () => null } };
    x.push(toNumber(v));
  }
  const { chol, alpha } = fitted(model);
  const n = model.x.length;
  const kStar = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    kStar[i] = kernelValue(model.kernel, x, model.x[i]);
    mean += kStar[i] * alpha[i];
  }
  const v = forwardSolve(chol, kStar);
  let vv = 0;
  for (let i = 0; i < n; i++) vv += v[i] * v[i];
  const variance = Math.max(0, kernelValue(model.kernel, x, x) + model.kernel.noiseVariance - vv);
  const sd = Math.sqrt(variance);
  return { value: mean, extras: { standardDeviation: () => sd, standardError: () => sd } };
}
