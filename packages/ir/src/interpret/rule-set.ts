import type { Rule, RuleSetModel, SimpleRule } from "../models/rule-set.ts";
import type { ModelResult, OutputField } from "../model.ts";
import { SchemaError, UnsupportedFeatureError } from "../errors.ts";
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
 */
export function evaluateRuleSet(model: RuleSetModel, scope: ModelScope, target: TargetInfo): ModelResult {
  const fired: SimpleRule[] = [];
  collectFired(model.rules, scope, fired);
  if (fired.length === 0) {
    // JPMML answers the default prediction only from both attributes and refuses the row without
    // them (MissingAttributeException on RuleSet), rather than predicting nothing.
    for (const [name, v] of [["defaultScore", model.defaultScore], ["defaultConfidence", model.defaultConfidence]] as const) {
      if (v === undefined) {
        throw new SchemaError("PMML_MISSING_ATTRIBUTE", `no rule fired, and the RuleSet has no ${name}`, { path: `${model.path}/RuleSet`, value: name });
      }
    }
    const value = toCategory(model.defaultScore!, target);
    const confidences = new Map<Value, number>([[value, model.defaultConfidence!]]);
    return { value, confidences, entityId: null };
  }
  // Fired rules grouped by score, in the order each score first fired.
  const byScore = new Map<string, SimpleRule[]>();
  for (const rule of fired) {
    const group = byScore.get(rule.score);
    if (group) group.push(rule);
    else byScore.set(rule.score, [rule]);
  }
  const confidences = new Map<Value, number>();
  let winner: SimpleRule | undefined;
  let winnerValue = -Infinity;
  for (const [score, rules] of byScore) {
    const key = toCategory(score, target);
    if (model.criterion === "firstHit") {
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
    const value = model.criterion === "weightedSum" ? totalWeight / fired.length : heaviest.confidence;
    confidences.set(key, value);
    if (winner === undefined || value > winnerValue) {
      winner = heaviest;
      winnerValue = value;
    }
  }
  const chosen = winner!;
  return {
    value: toCategory(chosen.score, target),
    confidences,
    probabilities: scoreDistributionProbabilities(chosen, target),
    entityId: chosen.id,
    extras: {
      ruleValue: (f: OutputField) => ruleValue(f, f.ruleFeature ?? "consequent", fired, target),
      ruleId: (f: OutputField) => ruleValue(f, "ruleId", fired, target),
      consequent: (f: OutputField) => ruleValue(f, "consequent", fired, target),
    },
  };
}

function collectFired(rules: readonly Rule[], scope: ModelScope, into: SimpleRule[]): void {
  for (const rule of rules) {
    if (evaluatePredicate(rule.predicate, scope) !== true) continue;
    if (rule.kind === "simpleRule") into.push(rule);
    else collectFired(rule.rules, scope, into);
  }
}

/** The winning rule's ScoreDistribution as probabilities (explicit, or record count shares). */
function scoreDistributionProbabilities(rule: SimpleRule, target: TargetInfo): Map<Value, number> | undefined {
  if (rule.scoreDistributions.length === 0) return undefined;
  let total = 0;
  for (const d of rule.scoreDistributions) total += d.recordCount;
  const out = new Map<Value, number>();
  for (const d of rule.scoreDistributions) {
    out.set(toCategory(d.value, target), d.probability ?? (total > 0 ? d.recordCount / total : 0));
  }
  return out;
}

/**
 * OutputField ruleValue/ruleId/consequent for a rule set: the rank-th fired rule, fired rules
 * ordered by their confidence (rankBasis) in rankOrder, document order on ties.
 */
function ruleValue(field: OutputField, feature: string, fired: readonly SimpleRule[], target: TargetInfo): Value {
  if (field.isMultiValued) {
    throw new UnsupportedFeatureError("OutputField[@isMultiValued=1]", "multi-valued rule outputs are not supported for RuleSetModel", { path: field.path });
  }
  if (field.rankBasis !== undefined && field.rankBasis !== "confidence") {
    throw new UnsupportedFeatureError(`OutputField[@rankBasis=${field.rankBasis}]`, "RuleSetModel rules rank by confidence only", { path: field.path });
  }
  const ascending = field.rankOrder === "ascending";
  const ranked = fired.map((rule, i) => ({ rule, i })).sort((a, b) => {
    const d = ascending ? a.rule.confidence - b.rule.confidence : b.rule.confidence - a.rule.confidence;
    return d !== 0 ? d : a.i - b.i;
  });
  const rule = ranked[field.rank - 1]?.rule;
  if (!rule) return null;
  switch (feature) {
    case "ruleId":
      return rule.id;
    case "consequent":
      return toCategory(rule.score, target);
    case "confidence":
      return rule.confidence;
    default:
      throw new UnsupportedFeatureError(`OutputField[@ruleFeature=${feature}]`, `ruleFeature "${feature}" is not supported for RuleSetModel`, { path: field.path });
  }
}
