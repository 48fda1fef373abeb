import type { ModelBase } from "../model.ts";

/** The covariance kernels of PMML 4.4 §GaussianProcessModel. */
export type GaussianProcessKernel =
  | { kind: "radialBasis"; gamma: number; noiseVariance: number; lambda: number }
  | { kind: "ardSquaredExponential"; gamma: number; noiseVariance: number; lambdas: number[] }
  | { kind: "absoluteExponential"; gamma: number; noiseVariance: number; lambdas: number[] }
  | { kind: "generalizedExponential"; gamma: number; noiseVariance: number; degree: number; lambdas: number[] };

/** GaussianProcessModel: regression by a zero-mean Gaussian process conditioned on the training instances. */
export interface GaussianProcessModel extends ModelBase {
  kind: "gaussianProcess";
  kernel: GaussianProcessKernel;
  /** The input fields, in MiningSchema order (the order of the kernel's Lambda entries). */
  inputs: string[];
  /** Training inputs, one row per instance, in `inputs` order. */
  x: number[][];
  /** Training targets. */
  y: number[];
}
