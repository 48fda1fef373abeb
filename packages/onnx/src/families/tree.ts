import { toDataType, type Predicate, type SimplePredicate, type TreeModel, type TreeNode } from "@porta/ir";
import type { GraphBuilder } from "../graph.ts";
import { ML } from "../graph.ts";
import { doubleTensor, uint8Tensor } from "../proto.ts";
import { NotExportable } from "../refusal.ts";
import { codeOf, type GraphScope } from "../scope.ts";

/** TreeEnsemble (ai.onnx.ml 5) nodes_modes. */
const MODE = { LEQ: 0, LT: 1, GTE: 2, GT: 3, EQ: 4 } as const;

/** Where a branch goes: a leaf (shared freely) or an internal node (emitted once per use). */
type Ref = { leaf: boolean; id: number };
interface Target {
  emit(): Ref;
}

/** Most TreeEnsemble nodes one document may become (subtrees copied for missing-value routes). */
const MAX_NODES = 500_000;

/**
 * Every TreeModel of a document in one TreeEnsemble whose output k is the leaf reached in tree k
 * (the leaf's row in `leaves`, as a double): the backend reads the leaf's TreeNode and takes its
 * result from the interpreter's own rule (treeNodeResult), so scores, probabilities, entity ids
 * and confidences are those of the interpreter. The walk itself — predicates, missing-value
 * strategies, noTrueChildStrategy — is the graph's.
 */
export class TreeForest {
  readonly trees: TreeModel[] = [];
  /** Leaf rows: the TreeNode reached (null: a missing prediction) and the tree it belongs to. */
  readonly leaves: { node: TreeNode | null; tree: number }[] = [];
  private readonly features: string[] = [];
  private readonly featureIds = new Map<string, number>();
  private readonly n = {
    features: [] as number[],
    modes: [] as number[],
    splits: [] as number[],
    trueIds: [] as number[],
    trueLeafs: [] as number[],
    falseIds: [] as number[],
    falseLeafs: [] as number[],
    missingTrue: [] as number[],
  };
  private readonly roots: number[] = [];

  /** Adds a tree; returns its output column. */
  add(model: TreeModel, scope: GraphScope): number {
    const where = `TreeModel${model.modelName ? ` "${model.modelName}"` : ""}`;
    const strategy = model.missingValueStrategy;
    if (strategy === "weightedConfidence" || strategy === "aggregateNodes")
      throw new NotExportable(`${where} missingValueStrategy="${strategy}" is not exported`);
    if (model.missingValuePenalty !== 1 && strategy === "defaultChild") throw new NotExportable(`${where} missingValuePenalty is not exported`);
    const tree = this.trees.length;
    this.trees.push(model);
    const leafCache = new Map<TreeNode | null, Ref>();
    const leaf = (node: TreeNode | null): Target => ({
      emit: () => {
        let r = leafCache.get(node);
        if (!r) {
          r = { leaf: true, id: this.leaves.length };
          this.leaves.push({ node, tree });
          leafCache.set(node, r);
        }
        return r;
      },
    });
    const nullLeaf = leaf(null);
    const subtree = (node: TreeNode): Target => {
      if (node.children.length === 0) return leaf(node);
      const chain = (i: number): Target => {
        if (i === node.children.length) {
          if (model.noTrueChildStrategy === "returnNullPrediction" || node.score === undefined) return nullLeaf;
          return leaf(node);
        }
        const child = node.children[i];
        const T = subtree(child);
        const F = lazy(() => chain(i + 1));
        let U: Target;
        switch (strategy) {
          case "none":
            U = F;
            break;
          case "nullPrediction":
            U = nullLeaf;
            break;
          case "lastPrediction":
            U = leaf(node);
            break;
          case "defaultChild": {
            const d = node.children.findIndex((c) => c.id !== undefined && c.id === node.defaultChild);
            if (d < 0) throw new NotExportable(`${where} Node "${node.id ?? ""}" has no defaultChild to follow`);
            U = d === i ? T : fallsThrough(node.children, i, d) ? F : subtree(node.children[d]);
            break;
          }
        }
        return { emit: () => this.branch(child.predicate, T, F, U!, scope, where).emit() };
      };
      return lazy(() => chain(0));
    };
    const root = this.branch(model.root.predicate, subtree(model.root), nullLeaf, nullLeaf, scope, where).emit();
    // A root that is a leaf still needs a node: one whose both branches reach it.
    if (root.leaf) this.roots.push(this.node(this.feature(firstFeature(scope, this.features)), MODE.LEQ, 0, root, root, 0).id);
    else this.roots.push(root.id);
    // Leaf weights are the leaf rows; tree k writes target k.
    return tree;
  }

  private feature(tensor: string): number {
    let id = this.featureIds.get(tensor);
    if (id === undefined) {
      id = this.features.length;
      this.features.push(tensor);
      this.featureIds.set(tensor, id);
    }
    return id;
  }

  private node(feature: number, mode: number, split: number, t: Ref, f: Ref, missingTrue: number): Ref {
    const n = this.n;
    if (n.features.length >= MAX_NODES) throw new NotExportable(`TreeModel needs more than ${MAX_NODES} TreeEnsemble nodes`);
    n.features.push(feature);
    n.modes.push(mode);
    n.splits.push(split);
    n.trueIds.push(t.id);
    n.trueLeafs.push(t.leaf ? 1 : 0);
    n.falseIds.push(f.id);
    n.falseLeafs.push(f.leaf ? 1 : 0);
    n.missingTrue.push(missingTrue);
    return { leaf: false, id: n.features.length - 1 };
  }

  /**
   * A predicate as branches: TRUE → T, FALSE → F, UNKNOWN (a missing input) → U, following PMML's
   * three-valued logic for compound predicates.
   */
  private branch(p: Predicate, T: Target, F: Target, U: Target, scope: GraphScope, where: string): Target {
    switch (p.kind) {
      case "true":
        return T;
      case "false":
        return F;
      case "simple":
        return this.simple(p, T, F, U, scope, where);
      case "simpleSet": {
        const v = scope.resolve(p.field);
        const feature = this.feature(columnOf(v.tensor, v.scalar, p.field));
        const literals = p.values.map((text) => (v.kind === "code" ? codeOf(v.table, text) : number(text, scope.dataTypeOf(p.field), p.field)));
        const [inT, inF] = p.booleanOperator === "isIn" ? [T, F] : [F, T];
        return {
          emit: () => {
            // EQ v1 → in; else EQ v2 → in; … else → out. A missing value fails every EQ.
            // Each EQ gets its own copy of the "in" subtree: TreeEnsemble shares leaves, not nodes.
            let next: Ref = inF.emit();
            for (let k = literals.length - 1; k >= 0; k--) next = this.node(feature, MODE.EQ, literals[k], inT.emit(), next, 0);
            return this.missingFirst(feature, next, U, inF);
          },
        };
      }
      case "compound": {
        const ps = p.predicates;
        switch (p.booleanOperator) {
          case "and": {
            // When UNKNOWN and TRUE lead to the same place, the rest is one target, not two copies.
            const and = (k: number, t: Target, f: Target, u: Target): Target => {
              if (k === ps.length) return t;
              const rest = and(k + 1, t, f, u);
              return lazy(() => this.branch(ps[k], rest, f, u === t ? rest : and(k + 1, u, f, u), scope, where));
            };
            return and(0, T, F, U);
          }
          case "or": {
            // When UNKNOWN and FALSE lead to the same place (missingValueStrategy "none"), likewise.
            const or = (k: number, t: Target, f: Target, u: Target): Target => {
              if (k === ps.length) return f;
              const rest = or(k + 1, t, f, u);
              return lazy(() => this.branch(ps[k], t, rest, u === f ? rest : or(k + 1, t, u, u), scope, where));
            };
            return or(0, T, F, U);
          }
          case "surrogate": {
            const sur = (k: number): Target => (k === ps.length ? U : lazy(() => this.branch(ps[k], T, F, sur(k + 1), scope, where)));
            return sur(0);
          }
          default:
            throw new NotExportable(`CompoundPredicate booleanOperator="${p.booleanOperator}" in ${where} is not exported`);
        }
      }
    }
  }

  /** A branch node preceded, when missing goes neither to its true nor false side, by a missing test. */
  private missingFirst(feature: number, branch: Ref, U: Target, F: Target): Ref {
    if (U === F) return branch;
    // x < −∞ holds for no number; a NaN with missing_value_tracks_true goes to U.
    return this.node(feature, MODE.LT, -Infinity, U.emit(), branch, 1);
  }

  private simple(p: SimplePredicate, T: Target, F: Target, U: Target, scope: GraphScope, where: string): Target {
    const v = scope.resolve(p.field);
    const feature = this.feature(columnOf(v.tensor, v.scalar, p.field));
    if (p.operator === "isMissing" || p.operator === "isNotMissing") {
      const [m, nm] = p.operator === "isMissing" ? [T, F] : [F, T];
      return { emit: () => this.node(feature, MODE.LT, -Infinity, m.emit(), nm.emit(), 1) };
    }
    if (p.value === undefined) throw new NotExportable(`SimplePredicate operator="${p.operator}" without a value in ${where}`);
    let literal: number;
    if (v.kind === "code") {
      if (p.operator !== "equal" && p.operator !== "notEqual")
        throw new NotExportable(`SimplePredicate operator="${p.operator}" on text field "${p.field}" in ${where}`);
      literal = codeOf(v.table, p.value);
    } else literal = number(p.value, scope.dataTypeOf(p.field), p.field);
    const modes = { lessThan: MODE.LT, lessOrEqual: MODE.LEQ, greaterThan: MODE.GT, greaterOrEqual: MODE.GTE, equal: MODE.EQ, notEqual: MODE.EQ } as const;
    const mode = modes[p.operator];
    // notEqual is EQ with its sides swapped (a NaN then fails the EQ, as PMML's UNKNOWN must not be TRUE).
    const [t, f] = p.operator === "notEqual" ? [F, T] : [T, F];
    return {
      emit: () => {
        if (U === t) return this.node(feature, mode, literal, t.emit(), f.emit(), 1);
        if (U === f) return this.node(feature, mode, literal, t.emit(), f.emit(), 0);
        return this.missingFirst(feature, this.node(feature, mode, literal, t.emit(), f.emit(), 0), U, f);
      },
    };
  }

  /**
   * Emits the TreeEnsemble: output [N, trees] of leaf rows, and the table of leaves. Returns the
   * name of the output tensor.
   */
  emit(g: GraphBuilder): string {
    if (this.features.length === 0) this.features.push(g.scalar(0));
    const X = g.concat(this.features.map((f) => f));
    const n = this.n;
    const leafIds = Array.from(this.leaves, (_, i) => i);
    return g.op(
      "TreeEnsemble",
      [X],
      {
        aggregate_function: { kind: "int", value: 1 },
        post_transform: { kind: "int", value: 0 },
        n_targets: { kind: "int", value: this.trees.length },
        tree_roots: { kind: "ints", value: this.roots },
        nodes_featureids: { kind: "ints", value: n.features },
        nodes_modes: { kind: "tensor", value: uint8Tensor(n.modes) },
        nodes_splits: { kind: "tensor", value: doubleTensor(n.splits) },
        nodes_truenodeids: { kind: "ints", value: n.trueIds },
        nodes_trueleafs: { kind: "ints", value: n.trueLeafs },
        nodes_falsenodeids: { kind: "ints", value: n.falseIds },
        nodes_falseleafs: { kind: "ints", value: n.falseLeafs },
        nodes_missing_value_tracks_true: { kind: "ints", value: n.missingTrue },
        leaf_targetids: { kind: "ints", value: this.leaves.map((l) => l.tree) },
        leaf_weights: { kind: "tensor", value: doubleTensor(leafIds) },
      },
      ML,
    );
  }
}

function lazy(make: () => Target): Target {
  return { emit: () => make().emit() };
}

function number(text: string, dataType: string | undefined, field: string): number {
  const typed = toDataType(text, (dataType ?? "double") as "double") ?? toDataType(text, "double");
  if (typeof typed !== "number") throw new NotExportable(`"${text}" compared with field "${field}" is not a number`);
  return typed;
}

function columnOf(tensor: string, scalar: boolean | undefined, field: string): string {
  if (scalar) throw new NotExportable(`a predicate on field "${field}", a Constant`);
  return tensor;
}

function firstFeature(scope: GraphScope, features: string[]): string {
  if (features.length > 0) return features[0];
  // A one-leaf tree that reads no field still needs a column to split on.
  const first = scope.root.pipeline.dataFields[0];
  if (!first) throw new NotExportable("a TreeModel of a document without DataFields");
  return scope.root.resolve(first.name).tensor;
}

/**
 * With defaultChild, an UNKNOWN child i goes to child d. When every child from i+1 up to d tests
 * the same field with a simple comparison (and d's does too, or is True), a missing value falls
 * through to d by itself: the false branch already is the defaultChild route.
 */
function fallsThrough(children: TreeNode[], i: number, d: number): boolean {
  if (d < i) return false;
  const field = simpleField(children[i].predicate);
  if (field === undefined) return false;
  for (let k = i + 1; k <= d; k++) {
    const p = children[k].predicate;
    if (k === d && p.kind === "true") continue;
    if (simpleField(p) !== field) return false;
  }
  return true;
}

function simpleField(p: Predicate): string | undefined {
  if (p.kind === "simple" && p.operator !== "isMissing" && p.operator !== "isNotMissing") return p.field;
  if (p.kind === "simpleSet") return p.field;
  return undefined;
}
