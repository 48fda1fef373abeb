import { describe, expect, it } from "vitest";
import type { Predicate } from "../predicate.ts";
import type { Rule, RuleSetModel, SimpleRule } from "../models/rule-set.ts";
import { lowerRuleSet, type RuleSetTarget } from "./rule-set.ts";

const TRUE = { kind: "true" } as unknown as Predicate;
const simple = (id: string, score: string, more: Partial<SimpleRule> = {}): SimpleRule => ({
  kind: "simpleRule",
  id,
  score,
  predicate: TRUE,
  confidence: 1,
  weight: 1,
  scoreDistributions: [],
  path: `/PMML/RuleSetModel/RuleSet/SimpleRule[${id}]`,
  ...more,
});

function model(rules: Rule[], more: Partial<RuleSetModel> = {}): RuleSetModel {
  return {
    kind: "ruleSet",
    functionName: "classification",
    path: "/PMML/RuleSetModel",
    miningSchema: [],
    output: [],
    targets: [],
    localTransformations: [],
    criterion: "weightedSum",
    defaultScore: "0",
    defaultConfidence: 0.1,
    rules,
    ...more,
  } as unknown as RuleSetModel;
}
const numeric: RuleSetTarget = { category: (t) => Number(t) };

describe("lowerRuleSet (PMML 4.4 §RuleSetModel)", () => {
  it("SimpleRules numbered depth first under their CompoundRules; scores distinct as written, typed, in order of first mention then defaultScore", () => {
    const plan = lowerRuleSet(
      model([
        simple("a", "1"),
        { kind: "compoundRule", predicate: TRUE, path: "/c", rules: [simple("b", "2", { weight: 3, confidence: 0.4 }), simple("c", "1.0")] },
        simple("d", "1"),
      ]),
      numeric,
    );
    expect(plan.rules.map((r) => (r.kind === "simple" ? r.rule : r.rules.map((n) => n.kind === "simple" && n.rule)))).toEqual([0, [1, 2], 3]);
    expect(plan.simpleRules.map((r) => [r.id, r.score, r.weight, r.confidence])).toEqual([
      ["a", 0, 1, 1],
      ["b", 1, 3, 0.4],
      ["c", 2, 1, 1],
      ["d", 0, 1, 1],
    ]);
    expect(plan.scores).toEqual([
      { text: "1", category: 1 },
      { text: "2", category: 2 },
      { text: "1.0", category: 1 },
      { text: "0", category: 0 },
    ]);
    expect(plan.fallback).toEqual({ score: 3, confidence: 0.1 });
  });

  it("§ScoreDistribution: the explicit probability, else the record count's share (0 when no records), categories typed", () => {
    const plan = lowerRuleSet(
      model([
        simple("a", "1", {
          scoreDistributions: [
            { value: "1", recordCount: 3 },
            { value: "2", recordCount: 1, probability: 0.9 },
          ],
        }),
        simple("b", "2", { scoreDistributions: [{ value: "2", recordCount: 0 }] }),
      ]),
      numeric,
    );
    expect(plan.simpleRules.map((r) => r.distribution)).toEqual([
      [
        [1, 0.75],
        [2, 0.9],
      ],
      [[2, 0]],
    ]);
  });

  it("no defaultScore or no defaultConfidence: the fault a row no rule fires for meets (defaultScore named first)", () => {
    expect(lowerRuleSet(model([], { defaultScore: undefined, defaultConfidence: undefined }), numeric).fallback).toMatchObject({
      fault: { code: "PMML_MISSING_ATTRIBUTE", value: "defaultScore", path: "/PMML/RuleSetModel/RuleSet" },
    });
    expect(lowerRuleSet(model([], { defaultConfidence: undefined }), numeric).fallback).toMatchObject({ fault: { value: "defaultConfidence" } });
  });
});
