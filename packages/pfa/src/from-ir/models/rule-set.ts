import type { RuleNodePlan, RuleSetModel, TargetInfo } from "@porta/ir";
import { lowerRuleSet } from "@porta/ir";
import { type Block, type Json, cannotConvert, literal } from "../code.ts";
import type { Env } from "../fields.ts";
import { TRUE, compilePredicate } from "../predicates.ts";
import { category, type ModelCode } from "./result.ts";

/**
 * RuleSetModel with RuleSelectionMethod firstHit (PMML 4.4 §RuleSetModel): the first SimpleRule,
 * depth first in document order, whose predicate and enclosing CompoundRules' predicates are
 * all TRUE; none: the defaultScore (without one, the row fails, as JPMML refuses it). Each rule's
 * firing is one boolean let, then one chain picks the first, so no rule is written twice.
 */
export function convertRuleSet(model: RuleSetModel, target: TargetInfo, env: Env, block: Block): ModelCode {
  if (model.criterion !== "firstHit") cannotConvert(`RuleSelectionMethod@criterion=${model.criterion}`, "only firstHit is converted", model.path);
  const plan = lowerRuleSet(model, { category: (text) => category(text, target) });
  const categories = plan.scores.map((s) => s.category);
  const type = categories.every((c) => typeof c === "number") ? "double" : "string";
  const lit = (k: number): Json => literal(type === "double" ? Number(categories[k]) : String(categories[k]), type).expr;
  const fires: { flag: string; score: number }[] = [];
  const visit = (rules: readonly RuleNodePlan[], enclosing: Json): void => {
    for (const rule of rules) {
      const truth = compilePredicate(rule.predicate, env, block);
      const fired = block.bind({ expr: { "&&": [enclosing, { "==": [truth, { int: TRUE }] }] }, type: "boolean", nullable: false }, "fires").expr as string;
      if (rule.kind === "simple") {
        const simple = plan.simpleRules[rule.rule];
        fires.push({ flag: fired, score: simple.score });
      } else visit(rule.rules, fired);
    }
  };
  visit(plan.rules, true);
  let value: Json;
  if ("fault" in plan.fallback) value = { error: plan.fallback.fault.message };
  else value = { upcast: lit(plan.fallback.score), as: ["null", type] };
  for (let i = fires.length - 1; i >= 0; i--) value = { if: fires[i].flag, then: { upcast: lit(fires[i].score), as: ["null", type] }, else: value };
  return { value: block.bind({ expr: value, type, nullable: true }, "rule"), categories };
}
