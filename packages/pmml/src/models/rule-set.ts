import { SchemaError, type ModelBase, type Rule, type RuleSelectionCriterion, type RuleSetModel, type ScoreDistribution } from "@porta/ir";
import { enumAttr, numberAttr, requiredAttr, requiredNumberAttr } from "../attributes.ts";
import { predicateChild } from "../model-common.ts";
import type { XmlElement } from "../xml.ts";

const CRITERIA: readonly RuleSelectionCriterion[] = ["firstHit", "weightedSum", "weightedMax"];

/** RuleSetModel (PMML 4.4 §RuleSetModel). */
export function parseRuleSetModel(el: XmlElement, base: ModelBase): RuleSetModel {
  const ruleSet = el.child("RuleSet");
  if (!ruleSet) throw new SchemaError("PMML_MISSING_ELEMENT", "RuleSetModel needs a RuleSet", { path: el.path, value: "RuleSet" });
  const methods = ruleSet.children("RuleSelectionMethod");
  if (methods.length === 0) {
    throw new SchemaError("PMML_MISSING_ELEMENT", "RuleSet needs a RuleSelectionMethod", { path: ruleSet.path, value: "RuleSelectionMethod" });
  }
  // "If more than one method is included, the first method is used as the default method for scoring."
  const criterion = enumAttr(methods[0], "criterion", CRITERIA) ?? (requiredAttr(methods[0], "criterion") as never);
  const counter = { next: 1 };
  return {
    ...base,
    kind: "ruleSet",
    criterion,
    defaultScore: ruleSet.attr("defaultScore"),
    defaultConfidence: numberAttr(ruleSet, "defaultConfidence"),
    recordCount: numberAttr(ruleSet, "recordCount"),
    nbCorrect: numberAttr(ruleSet, "nbCorrect"),
    rules: parseRules(ruleSet, counter),
  };
}

function parseRules(parent: XmlElement, counter: { next: number }): Rule[] {
  const rules: Rule[] = [];
  for (const child of parent.children()) {
    if (child.name === "SimpleRule") {
      // Implicit ids count every SimpleRule depth first, whether or not it has its own id (as JPMML).
      const implicit = String(counter.next++);
      rules.push({
        kind: "simpleRule",
        id: child.attr("id") ?? implicit,
        score: requiredAttr(child, "score"),
        predicate: predicateChild(child),
        recordCount: numberAttr(child, "recordCount"),
        nbCorrect: numberAttr(child, "nbCorrect"),
        confidence: numberAttr(child, "confidence", 1),
        weight: numberAttr(child, "weight", 1),
        scoreDistributions: child.children("ScoreDistribution").map(parseScoreDistribution),
        path: child.path,
      });
    } else if (child.name === "CompoundRule") {
      rules.push({ kind: "compoundRule", predicate: predicateChild(child), rules: parseRules(child, counter), path: child.path });
    }
  }
  return rules;
}

function parseScoreDistribution(el: XmlElement): ScoreDistribution {
  return {
    value: requiredAttr(el, "value"),
    recordCount: requiredNumberAttr(el, "recordCount"),
    confidence: numberAttr(el, "confidence"),
    probability: numberAttr(el, "probability"),
  };
}
