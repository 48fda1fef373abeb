import {
  attachTreeTable,
  parseNumber,
  releaseTreeTable,
  SchemaError,
  TREE_TABLE_PREDICATES,
  TREE_TABLE_TEXTS,
  treeTableText,
  type ModelBase,
  type Predicate,
  type ScoreDistribution,
  type SimpleOperator,
  type TreeModel,
  type TreeNode,
  type TreeTable,
} from "@porta/ir";
import { PathFromParent, SimplePredicateAt, TrueAt, type HasPath } from "../path-step.ts";
import { enumAttr, numberAttr, requiredNumberAttr, requiredSharedAttr } from "../attributes.ts";
import { unsupported } from "../dictionary.ts";
import { predicateChild, type LastValue } from "../model-common.ts";
import { pathStep, type XmlElement } from "../xml.ts";
import { readTreeTable } from "./tree-table.ts";

/** TreeModel (PMML 4.4 §TreeModel). */
export function parseTreeModel(el: XmlElement, base: ModelBase): TreeModel {
  const rootEl = el.child("Node");
  if (!rootEl) throw new SchemaError("PMML_MISSING_ELEMENT", "TreeModel needs a root Node", { path: el.path, value: "Node" });
  const model: Omit<TreeModel, "root"> = {
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
  };
  const table = readTreeTable(rootEl);
  if (table === undefined) return { ...model, root: parsedTree(rootEl, { path: el.path }) };
  return withTableRoot(model as TreeModel, table, el.path);
}

/**
 * `model` with its nodes as `table`: `root` is an accessor that makes the IR nodes on first
 * access (then an ordinary property, and the table released: the nodes may be edited), for the
 * consumers that walk nodes (interpreter, ONNX and PFA exporters, inspect); lowering and
 * compile-js's forests read the table (treeTableOf) and never make them.
 */
function withTableRoot(model: TreeModel, table: TreeTable, treePath: string): TreeModel {
  const settle = (root: TreeNode): TreeNode => {
    Object.defineProperty(model, "root", { value: root, writable: true, enumerable: true, configurable: true });
    releaseTreeTable(model);
    return root;
  };
  Object.defineProperty(model, "root", {
    get: () => settle(tableNodes(table, treePath)),
    set: (root: TreeNode) => settle(root),
    enumerable: true,
    configurable: true,
  });
  attachTreeTable(model, table);
  return model;
}

/**
 * The IR nodes of a tree read as a table: the same nodes, paths and predicates parseNode makes
 * from the document (node for node; the reader's rules keep to what parseNode reads), iteratively.
 */
function tableNodes(table: TreeTable, treePath: string): TreeNode {
  const holder: HasPath = { path: treePath };
  const nodes: ParsedNode[] = new Array(table.size);
  const filled = new Int32Array(table.size);
  const open: number[] = [];
  const fields = new Set<string>();
  const trueStep = pathStep("True", 1),
    simpleStep = pathStep("SimplePredicate", 1);
  for (let k = 0; k < table.size; k++) {
    while (open.length > 0 && table.end[open[open.length - 1]] <= k) open.pop();
    const up = open.length > 0 ? open[open.length - 1] : -1;
    const node = new ParsedNode(up < 0 ? holder : nodes[up], up < 0 ? pathStep("Node", undefined) : pathStep("Node", filled[up] + 1));
    node.id = treeTableText(table, k, TREE_TABLE_TEXTS.id);
    node.score = treeTableText(table, k, TREE_TABLE_TEXTS.score);
    const recordCount = treeTableText(table, k, TREE_TABLE_TEXTS.recordCount);
    node.recordCount = recordCount === undefined ? undefined : parseNumber(recordCount);
    const code = table.predicate[k];
    if (code === 0) node.predicate = new TrueAt(node, trueStep);
    else {
      const field = table.fields[table.field[k]];
      fields.add(field);
      node.predicate = new SimplePredicateAt(
        node,
        simpleStep,
        field,
        TREE_TABLE_PREDICATES[code] as SimpleOperator,
        treeTableText(table, k, TREE_TABLE_TEXTS.value),
      );
    }
    node.scoreDistributions = NO_DISTRIBUTIONS;
    node.children = table.childCount[k] === 0 ? NO_NODES : new Array<TreeNode>(table.childCount[k]);
    if (up >= 0) nodes[up].children[filled[up]++] = node;
    nodes[k] = node;
    if (table.childCount[k] > 0) open.push(k);
  }
  for (let k = 0; k < table.size; k++) {
    const defaultChild = treeTableText(table, k, TREE_TABLE_TEXTS.defaultChild);
    const node = nodes[k];
    node.defaultChild = defaultChild === undefined ? undefined : (node.children.find((c) => c.id === defaultChild)?.id ?? defaultChild);
  }
  treeFields.set(nodes[0], fields);
  return nodes[0];
}

/**
 * The fields each parsed tree's predicates name, by the tree's root: the parse visits every
 * predicate anyway, and the reference check (references.ts) then walks a tree's nodes only when
 * one of these is out of scope, to report the first offender. Walking a 1200-tree forest's 614k
 * nodes again, scattered over the heap, was 0.2 s of its load. Parsed trees are not edited between
 * the parse and the check (both in parsePmml), so the summary stays true.
 */
const treeFields = new WeakMap<TreeNode, ReadonlySet<string>>();

/** The fields `root`'s predicates name, when the tree came from parseTreeModel. */
export function fieldsOfParsedTree(root: TreeNode): ReadonlySet<string> | undefined {
  return treeFields.get(root);
}

function parsedTree(rootEl: XmlElement, parent: HasPath): TreeNode {
  const fields = new Set<string>();
  const root = parseNode(rootEl, parent, fields, { text: undefined });
  treeFields.set(root, fields);
  return root;
}

/** Adds the fields a predicate names (a compound one's parts too) to `into`. */
function addPredicateFields(p: Predicate, into: Set<string>): void {
  if (p.kind === "simple" || p.kind === "simpleSet") into.add(p.field);
  else if (p.kind === "compound") for (const q of p.predicates) addPredicateFields(q, into);
}

/**
 * A Node of the IR. Its path is its parent's plus its step, made when asked (path-step.ts); the
 * fields are set in document-reading order, so the first error a bad Node has is the one reported.
 */
class ParsedNode extends PathFromParent implements TreeNode {
  id: string | undefined;
  score: string | undefined;
  recordCount: number | undefined;
  defaultChild: string | undefined;
  predicate!: Predicate;
  scoreDistributions!: ScoreDistribution[];
  children!: TreeNode[];
}

/**
 * A Node element and its subtree; `parent` is the IR node (or the holder of the TreeModel's path)
 * it sits under; the fields its predicates name are added to `fields`; `sibling` is shared with
 * its siblings (see predicateChild).
 */
function parseNode(el: XmlElement, parent: HasPath, fields: Set<string>, sibling: LastValue): TreeNode {
  if (el.child("Partition") === undefined && (el.child("Regression") || el.child("DecisionTree"))) {
    unsupported(el, "Node with an embedded model");
  }
  const node = new ParsedNode(parent, el.step);
  node.id = el.attr("id");
  node.score = el.attr("score");
  node.recordCount = numberAttr(el, "recordCount");
  const defaultChild = el.attr("defaultChild");
  node.predicate = predicateChild(el, node, sibling);
  addPredicateFields(node.predicate, fields);
  node.scoreDistributions = mapOrShared(el.children("ScoreDistribution"), parseScoreDistribution, NO_DISTRIBUTIONS);
  const children = el.children("Node");
  const siblings: LastValue = { text: undefined };
  node.children = children.length === 0 ? NO_NODES : children.map((child) => parseNode(child, node, fields, siblings));
  // defaultChild names a child's id: keep that child's string rather than a second copy.
  node.defaultChild = defaultChild === undefined ? undefined : (node.children.find((c) => c.id === defaultChild)?.id ?? defaultChild);
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
