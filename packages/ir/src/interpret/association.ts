import type { AssociationModel, AssociationRule } from "../models/association.ts";
import type { ModelResult, OutputField, ResultFeature } from "../model.ts";
import { EvaluationError, SchemaError, UnsupportedFeatureError } from "../errors.ts";
import { formatValue, valuesEqual, type Value } from "../values.ts";
import { coerceLiteral } from "./predicate.ts";
import type { ModelScope } from "./scope.ts";
import type { TargetInfo } from "./target.ts";

type RuleFeature = "antecedent" | "consequent" | "rule" | "ruleId" | "confidence" | "support" | "lift" | "leverage" | "affinity";

/**
 * AssociationModel (PMML 4.4 §AssociationRules): finds the items present in the input, marks
 * each rule whose antecedent (consequent) itemset is contained in them, and answers the
 * rule-valued OutputFields: recommendation (antecedent ⊆ input), exclusiveRecommendation (and
 * consequent ⊄ input), ruleAssociation (both ⊆ input), ranked by rankBasis/rankOrder.
 */
export function evaluateAssociation(model: AssociationModel, scope: ModelScope, _target: TargetInfo): ModelResult {
  if (model.functionName !== "associationRules") {
    throw new SchemaError("PMML_FUNCTION_NAME", `AssociationModel cannot do ${model.functionName}`, { path: model.path, value: model.functionName });
  }
  const active = activeItemIds(model, scope);
  const contained = new Map<string, boolean>();
  for (const set of model.itemsets)
    contained.set(
      set.id,
      set.itemRefs.every((ref) => active.has(ref)),
    );
  const flag = (rule: AssociationRule, which: "antecedent" | "consequent"): boolean => {
    const f = contained.get(rule[which]);
    if (f === undefined) throw new SchemaError("PMML_UNKNOWN_ITEMSET", `AssociationRule/@${which} names no Itemset`, { path: rule.path, value: rule[which] });
    return f;
  };
  const antecedent = model.rules.map((r) => flag(r, "antecedent"));
  const consequent = model.rules.map((r) => flag(r, "consequent"));
  const ruleValue = (field: OutputField, feature: RuleFeature): Value => {
    const selected = model.rules
      .map((rule, i) => ({ rule, i }))
      .filter(({ i }) => {
        // OutputField/@algorithm defaults to exclusiveRecommendation (PMML 4.4 schema, as JPMML).
        switch (field.algorithm ?? "exclusiveRecommendation") {
          case "recommendation":
            return antecedent[i];
          case "exclusiveRecommendation":
            return antecedent[i] && !consequent[i];
          case "ruleAssociation":
            return antecedent[i] && consequent[i];
          default:
            throw new UnsupportedFeatureError(`OutputField@algorithm=${field.algorithm}`, undefined, { path: field.path });
        }
      });
    const basis = (field.rankBasis ?? "confidence") as RuleFeature;
    if (!["confidence", "support", "lift", "leverage", "affinity"].includes(basis)) {
      throw new SchemaError("PMML_BAD_ATTRIBUTE", "OutputField/@rankBasis must be confidence, support, lift, leverage or affinity", {
        path: field.path,
        value: basis,
      });
    }
    const sign = field.rankOrder === "ascending" ? 1 : -1;
    selected.sort((a, b) => sign * (rankValue(a.rule, basis) - rankValue(b.rule, basis))); // stable
    const featureOf = ({ rule, i }: { rule: AssociationRule; i: number }): Value | Value[] => ruleFeature(model, rule, i, feature);
    if (field.isMultiValued) {
      if (field.rank < 0) throw new SchemaError("PMML_BAD_ATTRIBUTE", "OutputField/@rank must not be negative", { path: field.path, value: field.rank });
      // "A zero value indicates that all output values are to be returned."
      const n = field.rank === 0 ? selected.length : Math.min(field.rank, selected.length);
      return selected.slice(0, n).map(featureOf) as unknown as Value;
    }
    if (field.rank <= 0) throw new SchemaError("PMML_BAD_ATTRIBUTE", "OutputField/@rank must be positive", { path: field.path, value: field.rank });
    const chosen = selected[field.rank - 1];
    return chosen ? (featureOf(chosen) as Value) : null;
  };
  const extras: Partial<Record<ResultFeature, (f: OutputField) => Value>> = {
    ruleValue: (f) => {
      const feature = (f.ruleFeature ?? "consequent") as RuleFeature;
      return ruleValue(f, feature);
    },
    antecedent: (f) => ruleValue(f, "antecedent"),
    consequent: (f) => ruleValue(f, "consequent"),
    rule: (f) => ruleValue(f, "rule"),
    ruleId: (f) => ruleValue(f, "ruleId"),
    entityId: (f) => ruleValue(f, "ruleId"),
    confidence: (f) => ruleValue(f, "confidence"),
    support: (f) => ruleValue(f, "support"),
    lift: (f) => ruleValue(f, "lift"),
    leverage: (f) => ruleValue(f, "leverage"),
  };
  return { value: null, extras };
}

function rankValue(rule: AssociationRule, basis: RuleFeature): number {
  const v = rule[basis as "confidence" | "support" | "lift" | "leverage" | "affinity"];
  if (v === undefined) throw new SchemaError("PMML_MISSING_ATTRIBUTE", `AssociationRule needs ${basis} to be ranked by it`, { path: rule.path, value: basis });
  return v;
}

function ruleFeature(model: AssociationModel, rule: AssociationRule, index: number, feature: RuleFeature): Value | Value[] {
  switch (feature) {
    case "antecedent":
      return itemValues(model, rule.antecedent);
    case "consequent":
      return itemValues(model, rule.consequent);
    case "rule":
      return `{${itemValues(model, rule.antecedent).join(",")}}->{${itemValues(model, rule.consequent).join(",")}}`;
    case "ruleId":
      return rule.id ?? String(index + 1);
    case "confidence":
      return rule.confidence;
    case "support":
      return rule.support;
    case "lift":
      return rule.lift ?? null;
    case "leverage":
      return rule.leverage ?? null;
    case "affinity":
      return rule.affinity ?? null;
    default:
      throw new UnsupportedFeatureError(`OutputField@ruleFeature=${String(feature)}`);
  }
}

function itemValues(model: AssociationModel, itemsetId: string): string[] {
  const set = model.itemsets.find((s) => s.id === itemsetId)!;
  return set.itemRefs.map((ref) => model.items.find((it) => it.id === ref)?.value ?? ref);
}

/**
 * Ids of the items present in the input. Transactional data (one group field, one active
 * field): the active field holds the transaction's items as a list, and an item is present
 * when its value is among them. Tabular data (no group field): an item names a field (present
 * when true/1), or field=category, or carries field and category attributes.
 */
function activeItemIds(model: AssociationModel, scope: ModelScope): Set<string> {
  const groups = model.miningSchema.filter((f) => f.usageType === "group");
  const actives = model.miningSchema.filter((f) => f.usageType === "active");
  if (groups.length > 1)
    throw new SchemaError("PMML_MINING_SCHEMA", "an AssociationModel has at most one group field", { path: model.path, value: groups.length });
  const result = new Set<string>();
  if (groups.length === 1) {
    if (actives.length !== 1)
      throw new SchemaError("PMML_MINING_SCHEMA", "transactional AssociationModel input needs exactly one active field", {
        path: model.path,
        value: actives.length,
      });
    const exploded = new Map<string, Set<string>>();
    for (const item of model.items) {
      // An Item naming a field needs its category (as JPMML); otherwise its value is the category of the active field.
      if (item.field !== undefined && item.category === undefined) {
        throw new SchemaError("PMML_MISSING_ATTRIBUTE", "an Item with a field needs a category", { path: model.path, value: item.id });
      }
      const name = item.field ?? actives[0].name;
      let items = exploded.get(name);
      if (!items) {
        const raw = scope.root.rawInput(name);
        if (raw === null || raw === undefined) throw new EvaluationError("PMML_MISSING_VALUE", `the transaction field "${name}" is missing`, { value: null });
        items = new Set((Array.isArray(raw) || raw instanceof Set ? [...raw] : [raw]).map((x) => formatValue(x as Value)));
        exploded.set(name, items);
      }
      if (items.has(item.category ?? item.value)) result.add(item.id);
    }
    return result;
  }
  for (const item of model.items) {
    let field = item.field;
    let category = item.category;
    if (field === undefined) {
      if (scope.typeOf(item.value) !== undefined) {
        field = item.value;
      } else {
        const eq = item.value.indexOf("=");
        if (eq < 0 || scope.typeOf(item.value.slice(0, eq)) === undefined) {
          throw new SchemaError("PMML_ITEM_FIELD", "Item/@value names no field (nor field=category)", { path: model.path, value: item.value });
        }
        field = item.value.slice(0, eq);
        category = item.value.slice(eq + 1);
      }
    } else if (category === undefined) {
      throw new SchemaError("PMML_MISSING_ATTRIBUTE", "an Item with a field needs a category", { path: model.path, value: item.id });
    }
    const v = scope.resolve(field);
    if (v === null) continue;
    if (category !== undefined) {
      // JPMML compares the category as a value of the field's type (1.0 matches a double field's 1).
      if (formatValue(v) === category || valuesEqual(v, coerceLiteral(category, v, scope, field))) result.add(item.id);
      continue;
    }
    // "The item values are based on field names when the field has only true/false values."
    const text = formatValue(v).toLowerCase();
    if (v === true || v === 1 || text === "true" || text === "1") result.add(item.id);
    else if (!(v === false || v === 0 || text === "false" || text === "0")) {
      throw new EvaluationError("PMML_ITEM_NOT_BOOLEAN", `field "${field}" must be true or false to stand for an item`, { value: v });
    }
  }
  return result;
}
