import type { ModelBase, ScoreDistribution, TreeModel, TreeNode } from "@porta/ir";
import { enumAttr, numberAttr, requiredNumberAttr, requiredSharedAttr } from "../attributes.ts";
import { unsupported } from "../dictionary.ts";
import { predicateChild } from "../model-common.ts";
import type { XmlElement } from "../xml.ts";
import { SchemaError } from "@porta/ir";

/** TreeModel (PMML 4.4 §TreeModel). */
export function parseTreeModel(el: XmlElement, base: ModelBase): TreeModel {
  const rootEl = el.child("Node");
  if (!rootEl) throw new SchemaError("PMML_MISSING_ELEMENT", "TreeModel needs a root Node", { path: el.path, value: "Node" });
  return {
    ...base,
    kind: "tree",
    missingValueStrategy: enumAttr(
      el,
      "missingValueStrategy",
      ["lastPrediction", "nullPrediction", "defaultChild", "weightedConfidence", "aggregateNodes", "none"] as const,
      "none",
    ),
    missingValuePenalty: numberAttr(el, "missingValuePenalty", 1),
    noTrueChildStrategy: enumAttr(el, "noTrueChildStrategy", ["returnNullPrediction", "returnLastPrediction"] as const, "returnNullPrediction"),
    splitCharacteristic: enumAttr(el, "splitCharacteristic", ["binarySplit", "multiSplit"] as const, "multiSplit"),
    root: parseNode(rootEl),
  };
}

export function parseNode(el: XmlElement): TreeNode {
  if (el.child("Partition") === undefined && (el.child("Regression") || el.child("DecisionTree"))) {
    unsupported(el, "Node with an embedded model");
  }
  const node: TreeNode = {
    id: el.attr("id"),
    score: el.attr("score"),
    recordCount: numberAttr(el, "recordCount"),
    defaultChild: el.attr("defaultChild"),
    predicate: predicateChild(el),
    scoreDistributions: mapOrShared(el.children("ScoreDistribution"), parseScoreDistribution, NO_DISTRIBUTIONS),
    children: mapOrShared(el.children("Node"), parseNode, NO_NODES),
    path: el.path,
  };
  // defaultChild names a child's id: keep that child's string rather than a second copy.
  if (node.defaultChild !== undefined) node.defaultChild = node.children.find((c) => c.id === node.defaultChild)?.id ?? node.defaultChild;
  return node;
}

/**
 * Leaves have no children and regression trees no ScoreDistributions: they share one frozen
 * empty list each rather than hold a million empty arrays (nothing edits a parsed tree's lists).
 */
const NO_NODES = Object.freeze([]) as readonly TreeNode[] as TreeNode[];
const NO_DISTRIBUTIONS = Object.freeze([]) as readonly ScoreDistribution[] as ScoreDistribution[];

function mapOrShared<T>(els: XmlElement[], parse: (el: XmlElement) => T, empty: T[]): T[] {
  return els.length === 0 ? empty : els.map(parse);
}

function parseScoreDistribution(el: XmlElement): ScoreDistribution {
  return {
    value: requiredSharedAttr(el, "value"),
    recordCount: requiredNumberAttr(el, "recordCount"),
    confidence: numberAttr(el, "confidence"),
    probability: numberAttr(el, "probability"),
  };
}
