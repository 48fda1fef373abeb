import { LoweredSession } from "@porta/backend";
import { nestedModels, type ModelNode, type Predicate, type TreeNode } from "@porta/ir";
import { PortaModel, type Model } from "@porta/runtime";
import type { SegmentView, TreeNodeView } from "./structure-view.ts";

export type { SegmentView, TreeNodeView } from "./structure-view.ts";

/**
 * What a model is made of, for the web console's tree viewer (`GET /v1/models/:name/structure`):
 * a TreeModel's nodes, a MiningModel's segments, any other family's sizes. Every answer is
 * bounded: at most `maxNodes` tree nodes (breadth first; a node whose subtree is cut says how
 * many nodes it hides) and `maxSegments` segments, so a 5 000-tree ensemble is a segment list
 * and one tree at a time, never the whole forest in one answer.
 */

/** Bounds of one answer. */
export interface StructureLimits {
  maxNodes: number;
  maxSegments: number;
}

export const STRUCTURE_LIMITS: StructureLimits = { maxNodes: 1000, maxSegments: 1000 };
/** Longest predicate text (a SimpleSetPredicate of thousands of values is shortened). */
const PREDICATE_CHARS = 240;

export interface ModelView {
  kind: string;
  functionName?: string;
  modelName?: string;
  algorithmName?: string;
  /** Where this model sits: segment indices from the top model, dot-separated ("" the top). */
  segment: string;
  /** A tree: its size and its nodes (bounded). */
  tree?: {
    nodes: number;
    leaves: number;
    depth: number;
    shown: number;
    missingValueStrategy: string;
    splitCharacteristic: string;
    root: TreeNodeView;
  };
  /** An ensemble or chain: its method and segments (bounded). */
  mining?: { multipleModelMethod: string; segmentCount: number; segments: SegmentView[] };
  /** Any other family: the sizes of its lists (tables, neurons, vectors, rules…). */
  facts?: Record<string, number | string>;
}

/** The document's model tree, when the model keeps one (a PMML document, or PFA lowered into it). */
export function modelTreeOf(model: Model): ModelNode | undefined {
  if (!(model instanceof PortaModel)) return undefined;
  if (model.plan?.format === "pmml") return model.plan.pipeline.model;
  if (model.session instanceof LoweredSession) return model.session.plan.pipeline.model;
  return undefined;
}

/**
 * The model at `segment` ("2.15": segment 2 of the top model, then its segment 15), or an error
 * naming the first index that does not exist.
 */
export function modelAt(top: ModelNode, segment: string): { model: ModelNode } | { error: string } {
  let model = top;
  if (segment === "") return { model };
  const walked: string[] = [];
  for (const part of segment.split(".")) {
    const index = /^\d{1,9}$/.test(part) ? Number(part) : Number.NaN;
    const inner = nestedModels(model);
    if (!Number.isInteger(index) || index >= inner.length) {
      const where = walked.length === 0 ? "the top model" : `segment ${walked.join(".")}`;
      return { error: `${where} (${model.kind}) has ${inner.length === 0 ? "no segments" : `segments 0 to ${inner.length - 1}`}; "${part}" is none of them` };
    }
    model = inner[index]!;
    walked.push(part);
  }
  return { model };
}

/** One model's view: its own facts, its nodes or its segments, within the limits. */
export function viewOf(model: ModelNode, segment: string, limits: StructureLimits = STRUCTURE_LIMITS): ModelView {
  const base: ModelView = {
    kind: model.kind,
    functionName: model.functionName,
    modelName: model.modelName,
    algorithmName: model.algorithmName,
    segment,
  };
  switch (model.kind) {
    case "tree": {
      const stats = treeStats(model.root);
      const { root, shown } = boundedTree(model.root, limits.maxNodes);
      return {
        ...base,
        tree: {
          ...stats,
          shown,
          missingValueStrategy: model.missingValueStrategy,
          splitCharacteristic: model.splitCharacteristic,
          root,
        },
      };
    }
    case "mining":
      return {
        ...base,
        mining: {
          multipleModelMethod: model.multipleModelMethod,
          segmentCount: model.segments.length,
          segments: model.segments.slice(0, limits.maxSegments).map((s, index) => ({
            index,
            id: s.id,
            weight: s.weight,
            predicate: predicateText(s.predicate),
            ...segmentFacts(s.model),
          })),
        },
      };
    case "anomalyDetection":
      return {
        ...base,
        mining: {
          multipleModelMethod: "anomalyDetection",
          segmentCount: 1,
          segments: [{ index: 0, weight: 1, predicate: "true", ...segmentFacts(model.model) }],
        },
      };
    default:
      return { ...base, facts: listSizes(model) };
  }
}

function segmentFacts(m: ModelNode): Omit<SegmentView, "index" | "id" | "weight" | "predicate"> {
  const facts = { kind: m.kind, modelName: m.modelName, functionName: m.functionName };
  if (m.kind === "tree") return { ...facts, ...treeStats(m.root) };
  if (m.kind === "mining") return { ...facts, segments: m.segments.length };
  return facts;
}

const statsCache = new WeakMap<TreeNode, { nodes: number; leaves: number; depth: number }>();

/** Node count, leaf count and depth, iteratively (trees can be deep); cached per tree. */
export function treeStats(root: TreeNode): { nodes: number; leaves: number; depth: number } {
  const cached = statsCache.get(root);
  if (cached) return cached;
  let nodes = 0;
  let leaves = 0;
  let depth = 0;
  const stack: [TreeNode, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [n, d] = stack.pop()!;
    nodes++;
    if (d > depth) depth = d;
    if (n.children.length === 0) leaves++;
    for (const c of n.children) stack.push([c, d + 1]);
  }
  const stats = { nodes, leaves, depth };
  statsCache.set(root, stats);
  return stats;
}

/**
 * The tree's first `maxNodes` nodes breadth first (the top of the tree, every level complete
 * before the next), each cut node marked with how many nodes below it were left out.
 */
export function boundedTree(root: TreeNode, maxNodes: number): { root: TreeNodeView; shown: number } {
  const views = new Map<TreeNode, TreeNodeView>();
  const queue: TreeNode[] = [root];
  views.set(root, nodeView(root));
  let shown = 1;
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    const view = views.get(node)!;
    for (const child of node.children) {
      if (shown >= maxNodes) {
        view.hidden = (view.hidden ?? 0) + treeStats(child).nodes;
        continue;
      }
      const childView = nodeView(child);
      views.set(child, childView);
      view.children.push(childView);
      queue.push(child);
      shown++;
    }
  }
  return { root: views.get(root)!, shown };
}

function nodeView(n: TreeNode): TreeNodeView {
  const view: TreeNodeView = { predicate: predicateText(n.predicate), children: [] };
  if (n.id !== undefined) view.id = n.id;
  if (n.score !== undefined) view.score = n.score;
  if (n.recordCount !== undefined) view.recordCount = n.recordCount;
  if (n.defaultChild !== undefined) view.defaultChild = n.defaultChild;
  if (n.scoreDistributions.length > 0) {
    view.distribution = n.scoreDistributions.map((d) => {
      const entry: { value: string; recordCount: number; probability?: number; confidence?: number } = { value: d.value, recordCount: d.recordCount };
      if (d.probability !== undefined) entry.probability = d.probability;
      if (d.confidence !== undefined) entry.confidence = d.confidence;
      return entry;
    });
  }
  return view;
}

const OPERATORS: Record<string, string> = {
  equal: "=",
  notEqual: "≠",
  lessThan: "<",
  lessOrEqual: "≤",
  greaterThan: ">",
  greaterOrEqual: "≥",
};

/** A predicate as one line of text, at most PREDICATE_CHARS characters. */
export function predicateText(p: Predicate): string {
  const text = predicateLine(p, false);
  return text.length <= PREDICATE_CHARS ? text : `${text.slice(0, PREDICATE_CHARS - 1)}…`;
}

function predicateLine(p: Predicate, nested: boolean): string {
  switch (p.kind) {
    case "true":
    case "false":
      return p.kind;
    case "simple":
      if (p.operator === "isMissing") return `${p.field} is missing`;
      if (p.operator === "isNotMissing") return `${p.field} is not missing`;
      return `${p.field} ${OPERATORS[p.operator] ?? p.operator} ${p.value ?? ""}`;
    case "simpleSet": {
      // Only what fits is joined: a set of 100 000 values costs no more than a short one.
      const shown: string[] = [];
      let chars = 0;
      for (const v of p.values) {
        if (chars > PREDICATE_CHARS) break;
        shown.push(v);
        chars += v.length + 2;
      }
      const rest = p.values.length - shown.length;
      return `${p.field} ${p.booleanOperator === "isIn" ? "∈" : "∉"} {${shown.join(", ")}${rest > 0 ? `, … ${rest} more` : ""}}`;
    }
    case "compound": {
      const parts = p.predicates.map((q) => predicateLine(q, true));
      const text = p.booleanOperator === "surrogate" ? `surrogate(${parts.join(", ")})` : parts.join(` ${p.booleanOperator} `);
      return nested && p.booleanOperator !== "surrogate" ? `(${text})` : text;
    }
  }
}

/** A model of another family: the length of each of its lists, and its text settings. */
function listSizes(m: ModelNode): Record<string, number | string> {
  const facts: Record<string, number | string> = {};
  const record = m as unknown as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (["miningSchema", "output", "targets", "localTransformations", "path", "kind", "functionName", "modelName", "algorithmName"].includes(key)) continue;
    const v = record[key];
    if (Array.isArray(v)) facts[key] = v.length;
    else if (typeof v === "string" || (typeof v === "number" && Number.isFinite(v))) facts[key] = v;
  }
  facts.inputs = m.miningSchema.length;
  return facts;
}
