import type { RuleSetModel } from "../models/rule-set.ts";
import type { ModelResult, OutputField } from "../model.ts";
import { UnsupportedFeatureError } from "../errors.ts";
import { lowerRuleSet, type RuleNodePlan, type RuleSetPlan, type SimpleRulePlan } from "../lower/rule-set.ts";
import type { Value } from "../values.ts";
import { evaluatePredicate } from "./predicate.ts";
import type { ModelScope } from "./scope.ts";
import { toCategory, type TargetInfo } from "./target.ts";

/**
 * RuleSetModel (PMML 4.4 §RuleSetModel): every SimpleRule whose predicate is TRUE fires (a
 * CompoundRule only opens its nested rules when its own predicate is TRUE; UNKNOWN counts as not
 * TRUE). The first RuleSelectionMethod decides among the fired rules:
 * - firstHit: the first fired rule; the confidence of each score is that of its first fired rule.
 * - weightedSum: per score, Σ weight / (number of fired rules); the best score wins.
 * - weightedMax: per score, the rule of highest weight (the first on ties) gives its confidence;
 *   the score whose rule has the best confidence wins (JPMML's reading, which the corpus follows).
 * No fired rule: RuleSet/@defaultScore with @defaultConfidence; JPMML refuses the row without them.
 * Rules, typed scores, distributions and the default come from the plan (lower/rule-set.ts).
 */
export function evaluateRuleSet(model: RuleSetModel, scope: ModelScope, target: TargetInfo): ModelResult {
  const plan = lowerRuleSet(model, { category: (text) => toCategory(text, target) });
  const fired: SimpleRulePlan[] = [];
  collectFired(plan, plan.rules, scope, fired);
  if (fired.length === 0) {
    if ("fault" in plan.fallback) throw plan.fallback.fault;
    const value = plan.scores[plan.fallback.score].category;
    const confidences = new Map<Value, number>([[value, plan.fallback.confidence]]);
    return { value, confidences, entityId: null };
  }
  // Fired rules grouped by score (as written), in the order each score first fired.
  const byScore = new Map<number, SimpleRulePlan[]>();
  for (const rule of fired) {
    const group = byScore.get(rule.score);
    if (group) group.push(rule);
    else byScore.set(rule.score, [rule]);
  }
  const confidences = new Map<Value, number>();
  let winner: SimpleRulePlan | undefined;
  let winnerValue = -Infinity;
  for (const [score, rules] of byScore) {
    const key = plan.scores[score].category;
    if (plan.criterion === "firstHit") {
      winner ??= rules[0];
      confidences.set(key, rules[0].confidence);
      continue;
    }
    let heaviest = rules[0];
    let totalWeight = 0;
    for (const rule of rules) {
      if (rule.weight > heaviest.weight) heaviest = rule;
      totalWeight += rule.weight;
    }
    const value = plan.criterion === "weightedSum" ? totalWeight / fired.length : heaviest.confidence;
    confidences.set(key, value);
    if (winner === undefined || value > winnerValue) {
      winner = heaviest;
      winnerValue = value;
    }
  }
  const chosen = winner!;
  const scoreOf = (rule: SimpleRulePlan): Value => plan.scores[rule.score].category;
  return {
    value: scoreOf(chosen),
    confidences,
    probabilities: chosen.distribution.length === 0 ? undefined : new Map(chosen.distribution),
    entityId: chosen.id,
    extras: {
      ruleValue: (f: OutputField) => ruleValue(f, f.ruleFeature ?? "consequent", fired, scoreOf),
      ruleId: (f: OutputField) => ruleValue(f, "ruleId", fired, scoreOf),
      consequent: (f: OutputField) => ruleValue(f, "consequent", fired, scoreOf),
    },
  };
}

function collectFired(plan: RuleSetPlan, rules: readonly RuleNodePlan[], scope: ModelScope, into: SimpleRulePlan[]): void {
  for (const rule of rules) {
    if (evaluatePredicate(rule.predicate, scope) !== true) continue;
    if (rule.kind === "simple") into.push(plan.simpleRules[rule.rule]);
    else collectFired(plan, rule.rules, scope, into);
  }
}

/**
 * OutputField ruleValue/ruleId/consequent for a rule set: the rank-th fired rule, fired rules
 * ordered by their confidence (rankBasis) in rankOrder, document order on ties.
 */
function ruleValue(field: OutputField, feature: string, fired: readonly SimpleRulePlan[], scoreOf: (rule: SimpleRulePlan) => Value): Value {
  if (field.isMultiValued) {
    throw new UnsupportedFeatureError("OutputField[@isMultiValued=1]", "multi-valued rule outputs are not supported for RuleSetModel", { path: field.path });
  }
  if (field.rankBasis !== undefined && field.rankBasis !== "confidence") {
    throw new UnsupportedFeatureError(`OutputField[@rankBasis=${field.rankBasis}]`, "RuleSetModel rules rank by confidence only", { path: field.path });
  }
  const ascending = field.rankOrder === "ascending";
  const ranked = fired
    .map((rule, i) => ({ rule, i }))
    .sort((a, b) => {
      const d = ascending ? a.rule.confidence - b.rule.confidence : b.rule.confidence - a.rule.confidence;
      return d !== 0 ? d : a.i - b.i;
    });
  const rule = ranked[field.rank - 1]?.rule;
  if (!rule) return null;
  switch (feature) {
    case "ruleId":
      return rule.id;
    case "consequent":
      return scoreOf(rule);
    case "confidence":
      return rule.confidence;
    default:
      throw new UnsupportedFeatureError(`OutputField[@ruleFeature=${feature}]`, `ruleFeature "${feature}" is not supported for RuleSetModel`, {
        path: field.path,
      });
  }
}
