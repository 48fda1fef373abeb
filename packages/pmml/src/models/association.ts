import { SchemaError, type AssociationModel, type AssociationRule, type ModelBase } from "@porta/ir";
import { numberAttr, requiredAttr, requiredNumberAttr } from "../attributes.ts";
import type { XmlElement } from "../xml.ts";

/** AssociationModel (PMML 4.4 §AssociationRules). */
export function parseAssociationModel(el: XmlElement, base: ModelBase): AssociationModel {
  const targets = el.child("Targets");
  if (targets) throw new SchemaError("PMML_MISPLACED_ELEMENT", "an AssociationModel has no Targets", { path: targets.path, value: "Targets" });
  // JPMML: "Expected 0 target fields" (an AssociationModel predicts no field).
  const target = base.miningSchema.find((f) => f.usageType === "predicted" || f.usageType === "target");
  if (target) throw new SchemaError("PMML_MINING_SCHEMA", "an AssociationModel has no target fields", { path: el.path, value: target.name });
  const items = el.children("Item").map((i) => ({
    id: requiredAttr(i, "id"),
    value: requiredAttr(i, "value"),
    field: i.attr("field"),
    category: i.attr("category"),
  }));
  const itemsets = el.children("Itemset").map((s) => ({
    id: requiredAttr(s, "id"),
    itemRefs: s.children("ItemRef").map((r) => requiredAttr(r, "itemRef")),
  }));
  const itemIds = new Set(items.map((i) => i.id));
  for (const [k, s] of itemsets.entries()) {
    for (const ref of s.itemRefs) {
      if (!itemIds.has(ref)) throw new SchemaError("PMML_UNKNOWN_ITEM", "ItemRef names no Item", { path: `${el.path}/Itemset[${k + 1}]`, value: ref });
    }
  }
  const rules = el.children("AssociationRule").map(
    (r): AssociationRule => ({
      id: r.attr("id"),
      antecedent: requiredAttr(r, "antecedent"),
      consequent: requiredAttr(r, "consequent"),
      support: requiredNumberAttr(r, "support"),
      confidence: requiredNumberAttr(r, "confidence"),
      lift: numberAttr(r, "lift"),
      leverage: numberAttr(r, "leverage"),
      affinity: numberAttr(r, "affinity"),
      path: r.path,
    }),
  );
  return { ...base, kind: "association", items, itemsets, rules };
}
