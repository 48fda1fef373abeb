import { formatValue, toDataType, type ModelBase, type Target, type Value, type DataField, type Pipeline } from "@porta/ir";

/** What compile-time code needs to know of the model's target field. */
export interface TargetFacts {
  name: string | null;
  dataType: DataField["dataType"];
  /** Declared categories (typed), in order. */
  categories: Value[];
  /** Converts a category written in the document to the target's type (as the interpreter). */
  category(text: string): Value;
  displayValues?: Map<string, string>;
  target?: Target;
}

export function targetFacts(model: ModelBase, pipeline: Pipeline, explicitName?: string): TargetFacts {
  const mining = model.miningSchema.find((f) => f.usageType === "predicted" || f.usageType === "target");
  const name = mining?.name ?? explicitName ?? null;
  const field = name === null ? undefined : pipeline.dataFields.find((f) => f.name === name);
  const derived = name === null ? undefined : pipeline.transformations.find((f) => f.name === name);
  const dataType = field?.dataType ?? derived?.dataType ?? "string";
  const facts: TargetFacts = {
    name,
    dataType,
    categories: field?.validValues ?? derived?.values ?? [],
    category(text: string): Value {
      const typed = toDataType(text, dataType);
      return typed === undefined || typed === null ? text : typed;
    },
    displayValues: field?.displayValues,
    target: model.targets.find((t) => t.field === undefined || t.field === name),
  };
  return facts;
}

/** Display value of a category as the interpreter finds it (Targets first, then DataField Values). */
export function displayValueOf(facts: TargetFacts, category: Value): string | undefined {
  if (category === null) return undefined;
  const t = facts.target;
  const fromTarget = t?.values.find((tv) => tv.value !== undefined && tv.displayValue !== undefined && facts.category(tv.value) === category)?.displayValue;
  return fromTarget ?? facts.displayValues?.get(formatValue(category));
}
