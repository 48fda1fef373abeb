import type { ModelBase } from "../model.ts";
import type { ComparisonField, ComparisonMeasure } from "./comparison-measure.ts";

export interface Cluster {
  /** Explicit id, or the 1-based position of the Cluster when the document gives none. */
  id: string;
  name?: string;
  /** The center: one entry per center field, as written (converted to each field's type when compared). */
  center: string[];
  path: string;
}

/** ClusteringModel (PMML 4.4 §ClusteringModel), center-based. */
export interface ClusteringModel extends ModelBase {
  kind: "clustering";
  modelClass: "centerBased";
  measure: ComparisonMeasure;
  /** All ClusteringFields in document order; only those with isCenterField take part. */
  fields: (ComparisonField & { isCenterField: boolean })[];
  /** MissingValueWeights: one weight per center field (the adjustment for missing inputs). */
  missingValueWeights?: number[];
  clusters: Cluster[];
}
