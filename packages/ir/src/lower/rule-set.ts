import { SchemaError } from "../errors.ts";
import type { Predicate } from "../predicate.ts";
import type { Rule, RuleSelectionCriterion, RuleSetModel } from "../models/rule-set.ts";
import type { Value } from "../values.ts";
import { memoizedPlan } from "./plan-cache.ts";

/**
 * RuleSetModel (PMML 4.4 §RuleSetModel) lowered: the rule tree with each SimpleRule numbered
 * depth first (the firing order), each SimpleRule's score as an index into the distinct scores (as
 * written, with the typed category), its confidence, weight and ScoreDistribution as typed
 * probabilities, and the default prediction or the fault a row no rule fires for meets.
 * Backends hold only the predicate tests and the selection among fired rules.
 */

/** The target as lowering needs it: how a document category is typed. */
export interface RuleSetTarget {
  category(text: string): Value;
}

export interface SimpleRulePlan {
  readonly id: string;
  /** Index in `RuleSetPlan.scores`. */
  readonly score: number;
  readonly confidence: number;
  readonly weight: number;
  /** The ScoreDistributions as (typed category, probability): the explicit probability, else the record count's share. */
  readonly distribution: readonly (readonly [Value, number])[];
  readonly path: string;
}

export type RuleNodePlan =
  | { readonly kind: "simple"; readonly predicate: Predicate; readonly rule: number }
  /** A CompoundRule opens its nested rules only when its own predicate is TRUE. */
  | { readonly kind: "compound"; readonly predicate: Predicate; readonly rules: readonly RuleNodePlan[] };

export interface RuleSetPlan {
  readonly criterion: RuleSelectionCriterion;
  readonly rules: readonly RuleNodePlan[];
  /** The SimpleRules depth first: `RuleNodePlan.rule` indexes this. */
  readonly simpleRules: readonly SimpleRulePlan[];
  /**
   * The distinct scores as written (fired rules are grouped by this text), in order of first mention
   * (the rules depth first, then defaultScore), each with its typed category.
   */
  readonly scores: readonly { readonly text: string; readonly category: Value }[];
  /**
   * No rule fired: defaultScore (an index in `scores`) with defaultConfidence, or the fault JPMML
   * raises (MissingAttributeException on RuleSet) when either is absent.
   */
  readonly fallback: { readonly score: number; readonly confidence: number } | { readonly fault: SchemaError };
  readonly path: string;
}

/** The plan of `model` whose target types categories as `target` does (memoized per node: a node has one target). */
export const lowerRuleSet: (model: RuleSetModel, target: RuleSetTarget) => RuleSetPlan = memoizedPlan(lower);

function lower(model: RuleSetModel, target: RuleSetTarget): RuleSetPlan {
  const scores: { text: string; category: Value }[] = [];
  const scoreIndex = (text: string): number => {
    let k = scores.findIndex((s) => s.text === text);
    if (k < 0) {
      scores.push({ text, category: target.category(text) });
      k = scores.length - 1;
    }
    return k;
  };
  const simpleRules: SimpleRulePlan[] = [];
  const node = (rule: Rule): RuleNodePlan => {
    if (rule.kind === "compoundRule") return { kind: "compound", predicate: rule.predicate, rules: rule.rules.map(node) };
    let total = 0;
    for (const d of rule.scoreDistributions) total += d.recordCount;
    simpleRules.push({
      id: rule.id,
      score: scoreIndex(rule.score),
      confidence: rule.confidence,
      weight: rule.weight,
      distribution: rule.scoreDistributions.map((d) => [target.category(d.value), d.probability ?? (total > 0 ? d.recordCount / total : 0)] as const),
      path: rule.path,
    });
    return { kind: "simple", predicate: rule.predicate, rule: simpleRules.length - 1 };
  };
  const rules = model.rules.map(node);
  return { criterion: model.criterion, rules, simpleRules, scores, fallback: fallback(model, scoreIndex), path: model.path };
}

function fallback(model: RuleSetModel, scoreIndex: (text: string) => number): RuleSetPlan["fallback"] {
  // JPMML answers the default prediction only from both attributes, rather than predicting nothing.
  for (const [name, v] of [
    ["defaultScore", model.defaultScore],
    ["defaultConfidence", model.defaultConfidence],
  ] as const) {
    if (v === undefined) {
      return {
        fault: new SchemaError("PMML_MISSING_ATTRIBUTE", `no rule fired, and the RuleSet has no ${name}`, { path: `${model.path}/RuleSet`, value: name }),
      };
    }
  }
  return { score: scoreIndex(model.defaultScore!), confidence: model.defaultConfidence! };
}
