/**
 * The structure route's tree and segment views (routes/insight.ts): plain types with no imports, so
 * that the web console's browser build (console/api.ts) reads the same declarations.
 */
export interface TreeNodeView {
  id?: string;
  score?: string;
  recordCount?: number;
  /** The node's predicate as text: `petal_length ≤ 2.45`, `color ∈ {red, blue}`, `true`. */
  predicate: string;
  /** ScoreDistribution entries: value, record count, and probability or confidence when written. */
  distribution?: { value: string; recordCount: number; probability?: number; confidence?: number }[];
  defaultChild?: string;
  children: TreeNodeView[];
  /** Nodes below this one left out of the answer (maxNodes). */
  hidden?: number;
}

export interface SegmentView {
  /** Position among the segments (0-based): `segment` query parameter addresses it. */
  index: number;
  id?: string;
  weight: number;
  predicate: string;
  kind: string;
  modelName?: string;
  functionName?: string;
  /** A tree's node count, leaves and depth; an ensemble's segment count. */
  nodes?: number;
  leaves?: number;
  depth?: number;
  segments?: number;
}
