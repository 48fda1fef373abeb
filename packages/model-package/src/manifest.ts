import type { Component, MetricName } from "./schema.ts";

/** porta.json: what a model package says about its model (see schema.ts for every rule). */
export interface PackageManifest {
  $schema?: string;
  schemaVersion: 1;
  name: string;
  description?: string;
  model: { file: string; format: "pmml" | "pfa"; version: string; builtWith: BuiltWith };
  trainingData: DataSetInfo;
  validationData: DataSetInfo;
  featureExtractor: { name?: string; version: string; location?: string; builtWith?: BuiltWith };
  training: { library: string; libraryVersion: string; algorithm: string; hyperparameters: Record<string, unknown> };
  inputs: FieldDeclaration[];
  outputs: FieldDeclaration[];
  audit: Audit;
  assets: { endToEnd: EndToEndAsset; confidence: ConfidenceAsset };
}

/** Versions of the other components a component was built with. */
export type BuiltWith = Partial<Record<Component, string>>;

export interface DataSetInfo {
  version: string;
  location: string;
  description?: string;
  builtWith?: BuiltWith;
}

export interface FieldDeclaration {
  name: string;
  type: string;
  description?: string;
  /** How a consumer should read or use the field. */
  consume?: string;
}

export interface Review {
  by: string;
  at: string;
  notes?: string;
}

export interface Audit {
  builtBy: string;
  builtAt: string;
  approval?: { by: string; at: string; reason: string };
  privacyReview?: Review;
  securityReview?: Review;
}

/** Rows of `{ input, expected }` (.json array or .ndjson). */
export interface EndToEndAsset {
  file: string;
  /** A number agrees when |actual − expected| ≤ absolute + relative·|expected|; absent: exactly. */
  tolerance?: { absolute?: number; relative?: number };
}

export interface ConfidenceAsset {
  /** Rows holding the inputs and the label column (.csv, .json or .ndjson). */
  file: string;
  metric: MetricSpec;
  range: { min?: number; max?: number };
}

export interface MetricSpec {
  name: MetricName;
  label: string;
  prediction?: string;
  score?: string;
  positive?: string;
  probabilities?: Record<string, string>;
}
