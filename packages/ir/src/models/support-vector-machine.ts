import type { ModelBase } from "../model.ts";

export type SvmKernel =
  | { kind: "linear" }
  | { kind: "polynomial"; gamma: number; coef0: number; degree: number }
  | { kind: "radialBasis"; gamma: number }
  | { kind: "sigmoid"; gamma: number; coef0: number };

/** One entry of VectorFields: a numeric field, or a 0/1 indicator of one category. */
export type SvmVectorField = { kind: "fieldRef"; field: string } | { kind: "categoricalPredictor"; field: string; value: string; coefficient: number };

export interface SupportVectorMachine {
  targetCategory?: string;
  alternateTargetCategory?: string;
  threshold?: number;
  /** Vector ids (SupportVectors representation); empty for the Coefficients representation. */
  supportVectors: string[];
  coefficients: number[];
  /** b in f(x) = Σ αᵢ K(x, xᵢ) + b. */
  absoluteValue: number;
  path: string;
}

/** SupportVectorMachineModel (PMML 4.4 §SupportVectorMachine). */
export interface SupportVectorMachineModel extends ModelBase {
  kind: "svm";
  kernel: SvmKernel;
  representation: "SupportVectors" | "Coefficients";
  /** As written; undefined when the document leaves it out (it is then inferred, as JPMML does). */
  classificationMethod?: "OneAgainstAll" | "OneAgainstOne";
  threshold: number;
  maxWins: boolean;
  alternateBinaryTargetCategory?: string;
  vectorFields: SvmVectorField[];
  /** VectorDictionary: vector id → dense values, in VectorFields order. */
  vectors: Record<string, number[]>;
  machines: SupportVectorMachine[];
}
