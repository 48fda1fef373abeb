import type { BayesianNetworkModel, BayesNetDistribution, BayesNetNode, ParentValue } from "../models/bayesian-network.ts";
import type { ModelResult } from "../model.ts";
import { EvaluationError, UnsupportedFeatureError } from "../errors.ts";
import { formatValue, toNumber, type Value } from "../values.ts";
import { evaluateExpr } from "./expression.ts";
import type { ModelScope } from "./scope.ts";
import { toCategory, type TargetInfo } from "./target.ts";

/** Joint configurations of unobserved discrete nodes that exact enumeration visits at most. */
const MAX_CONFIGURATIONS = 1_000_000;

/**
 * BayesianNetworkModel, classification (PMML 4.4 §BayesianNetworkModel): exact inference by
 * enumeration. P(target = t | evidence) ∝ Σ over the unobserved discrete nodes of Π P(node | parents),
 * with observed continuous nodes contributing their density given their parents; an unobserved
 * continuous node without children integrates to 1. The prediction is the most probable value.
 */
export function evaluateBayesianNetwork(model: BayesianNetworkModel, scope: ModelScope, target: TargetInfo): ModelResult {
  if (model.functionName !== "classification") {
    throw new UnsupportedFeatureError(`BayesianNetworkModel@functionName=${model.functionName}`, undefined, { path: model.path });
  }
  const targetNode = model.nodes.find((n) => n.name === target.name);
  if (targetNode?.kind !== "discrete") {
    throw new EvaluationError("PMML_BN_TARGET", "the target of a classification network must be a DiscreteNode", { path: model.path, value: target.name });
  }
  const assignment = new Map<string, string>();
  const continuous = new Map<string, number>();
  const hidden: (BayesNetNode & { kind: "discrete" })[] = [];
  const parentsOf = new Set(model.nodes.flatMap((n) => n.tables.flatMap((t) => t.parents.map((p) => p.parent))));
  for (const node of model.nodes) {
    const v = node === targetNode ? null : scope.resolve(node.name);
    if (node.kind === "discrete") {
      if (v === null) hidden.push(node);
      else assignment.set(node.name, formatValue(v));
    } else if (v !== null) {
      continuous.set(node.name, toNumber(v));
    } else if (parentsOf.has(node.name)) {
      throw new UnsupportedFeatureError("ContinuousNode with children, unobserved", "an unobserved continuous parent cannot be summed out", {
        path: node.path,
      });
    }
  }
  const configurations = hidden.reduce((n, h) => n * Math.max(1, h.values.length), 1);
  if (configurations > MAX_CONFIGURATIONS) {
    throw new UnsupportedFeatureError(
      "BayesianNetworkModel inference",
      `${configurations} joint configurations of unobserved nodes exceed the ${MAX_CONFIGURATIONS} exact enumeration visits`,
      { path: model.path },
    );
  }
  const totals = new Map<string, number>(targetNode.values.map((v) => [v, 0]));
  const visit = (i: number): void => {
    if (i === hidden.length) {
      let p = 1;
      for (const node of model.nodes) {
        p *=
          node.kind === "discrete"
            ? discreteProbability(node, assignment)
            : continuous.has(node.name)
              ? density(node, assignment, continuous.get(node.name)!, scope)
              : 1;
        if (p === 0) break;
      }
      const t = assignment.get(targetNode.name)!;
      totals.set(t, (totals.get(t) ?? 0) + p);
      return;
    }
    const node = hidden[i];
    for (const v of node.values) {
      assignment.set(node.name, v);
      visit(i + 1);
    }
    assignment.delete(node.name);
  };
  visit(0);
  const sum = [...totals.values()].reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return { value: null };
  const probabilities = new Map<Value, number>();
  let best: Value = null,
    bestP = -Infinity;
  for (const [v, p] of totals) {
    const c = toCategory(v, target);
    probabilities.set(c, p / sum);
    if (p > bestP) {
      best = c;
      bestP = p;
    }
  }
  return { value: best, probabilities };
}

function matches(parents: ParentValue[], assignment: Map<string, string>): boolean {
  return parents.every((pv) => {
    const a = assignment.get(pv.parent);
    return a !== undefined && (a === pv.value || (Number(a) === Number(pv.value) && pv.value.trim() !== ""));
  });
}

function discreteProbability(node: BayesNetNode & { kind: "discrete" }, assignment: Map<string, string>): number {
  const value = assignment.get(node.name)!;
  const table = node.tables.find((t) => matches(t.parents, assignment));
  if (!table)
    throw new EvaluationError("PMML_BN_NO_TABLE", `DiscreteNode "${node.name}" has no probabilities for its parents' values`, {
      path: node.path,
      value: [...assignment].map(([k, v]) => `${k}=${v}`).join(", "),
    });
  const entry = table.probabilities.find((e) => e.value === value || (Number(e.value) === Number(value) && value.trim() !== ""));
  return entry ? entry.probability : 0;
}

function density(node: BayesNetNode & { kind: "continuous" }, assignment: Map<string, string>, x: number, scope: ModelScope): number {
  const table = node.tables.find((t) => matches(t.parents, assignment));
  if (!table)
    throw new EvaluationError("PMML_BN_NO_TABLE", `ContinuousNode "${node.name}" has no distribution for its parents' values`, {
      path: node.path,
      value: node.name,
    });
  return distributionDensity(table.distribution, x, scope);
}

function param(e: Parameters<typeof evaluateExpr>[0], scope: ModelScope): number {
  return toNumber(evaluateExpr(e, scope));
}

/** Densities of the BN distributions; lognormal's mean and variance are those of ln x. */
function distributionDensity(d: BayesNetDistribution, x: number, scope: ModelScope): number {
  switch (d.kind) {
    case "normal": {
      const m = param(d.mean, scope),
        v = param(d.variance, scope);
      return Math.exp(-((x - m) ** 2) / (2 * v)) / Math.sqrt(2 * Math.PI * v);
    }
    case "lognormal": {
      if (x <= 0) return 0;
      const m = param(d.mean, scope),
        v = param(d.variance, scope);
      return Math.exp(-((Math.log(x) - m) ** 2) / (2 * v)) / (x * Math.sqrt(2 * Math.PI * v));
    }
    case "uniform": {
      const a = param(d.lower, scope),
        b = param(d.upper, scope);
      return x >= a && x <= b ? 1 / (b - a) : 0;
    }
    case "triangular": {
      // The triangle on [a, b] whose mean is (a + b + c) / 3 has its mode at c = 3·mean − a − b.
      const a = param(d.lower, scope),
        b = param(d.upper, scope),
        c = 3 * param(d.mean, scope) - a - b;
      if (x < a || x > b) return 0;
      if (x < c || (x === c && c > a)) return (2 * (x - a)) / ((b - a) * (c - a));
      return c === b ? 2 / (b - a) : (2 * (b - x)) / ((b - a) * (b - c));
    }
    default: {
      const never: never = d;
      return never;
    }
  }
}
