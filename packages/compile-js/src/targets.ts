import {
  EvaluationError,
  SchemaError,
  formatValue,
  targetDefaultValue,
  targetPriors,
  toDataType,
  type ModelBase,
  type Target,
  type Value,
  type DataField,
  type Pipeline,
} from "@porta/ir";
import { _, join, type Code, type NameScope } from "./codegen.ts";
import { MISSING_CODE } from "./columns.ts";
import type { FamilyRow } from "./kernel.ts";
import { NotCompilable } from "./unsupported.ts";

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
  /** The MiningField's optype, else the DataField's (or DerivedField's), as the interpreter. */
  opType?: DataField["opType"];
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
    opType: mining?.opType ?? field?.opType ?? derived?.opType,
    target: model.targets.find((t) => t.field === undefined || t.field === name),
  };
  return facts;
}

/** Display value of a category as the interpreter finds it (Targets first, then DataField Values). */
export function displayValueOf(facts: TargetFacts, category: Value): string | undefined {
  if (category === null) return undefined;
  const t = facts.target;
  const fromTarget = t?.values.find((tv) => tv.value !== undefined && tv.displayValue !== undefined && facts.category(tv.value) === category)?.displayValue;
  return fromTarget ?? (facts.opType === "continuous" ? undefined : facts.displayValues?.get(formatValue(category)));
}

/** Targets post-processing, mirroring the interpreter's applyTargets; may replace row.value. */
export function targetsCode(
  model: ModelBase,
  row: FamilyRow,
  target: TargetFacts,
  names: NameScope,
  fail?: (kind: { code: string; message: string; path?: string }) => Code,
): Code {
  const t = target.target;
  if (!t) return _``;
  /** Targets the interpreter refuses once a prediction is missing: the row fails then, with its code. */
  const refused = <T>(f: () => T): { ok: T } | { failure: Code } => {
    try {
      return { ok: f() };
    } catch (e) {
      if (!(e instanceof SchemaError || e instanceof EvaluationError)) throw e;
      if (!fail) throw new NotCompilable(`Targets the interpreter refuses for a missing prediction: ${e.message}`);
      return { failure: fail({ code: e.code, message: e.message, path: model.path }) };
    }
  };
  if (model.functionName === "regression") {
    if (row.kind !== "number") throw new NotCompilable("Targets on a categorical regression");
    const v = row.value;
    const out: Code[] = [];
    const d = refused(() => targetDefaultValue(t));
    const dflt = "ok" in d ? d.ok : null;
    const x = names.name("tv");
    out.push(_`let ${x} = ${v};`);
    if (dflt !== null) out.push(_`if (${x} !== ${x}) ${x} = ${dflt};`);
    if ("failure" in d) out.push(_`if (${x} !== ${x}) { ${d.failure} }`);
    const steps: Code[] = [];
    if (model.mathContext === "float") {
      // FloatValue (the interpreter's applyTargets): restrict, multiply and add, each on floats and rounded to float.
      const f = Math.fround;
      steps.push(_`${x} = Math.fround(${x});`);
      if (t.min !== undefined) steps.push(_`if (${x} < ${f(t.min)}) ${x} = ${f(t.min)};`);
      if (t.max !== undefined) steps.push(_`if (${x} > ${f(t.max)}) ${x} = ${f(t.max)};`);
      if (t.rescaleFactor !== 1) steps.push(_`${x} = Math.fround(${x} * ${f(t.rescaleFactor)});`);
      if (t.rescaleConstant !== 0) steps.push(_`${x} = Math.fround(${x} + ${f(t.rescaleConstant)});`);
    } else {
      if (t.min !== undefined) steps.push(_`if (${x} < ${t.min}) ${x} = ${t.min};`);
      if (t.max !== undefined) steps.push(_`if (${x} > ${t.max}) ${x} = ${t.max};`);
      steps.push(_`${x} = ${x} * ${t.rescaleFactor} + ${t.rescaleConstant};`);
    }
    if (t.castInteger) steps.push(_`${x} = ${{ round: _`Math.round`, ceiling: _`Math.ceil`, floor: _`Math.floor` }[t.castInteger]}(${x});`);
    out.push(_`if (${x} === ${x}) { ${join(steps, " ")} }`);
    row.value = x;
    return join(out, "\n");
  }
  if (model.functionName === "classification") {
    const d = refused(() => targetPriors(t));
    if ("failure" in d) {
      if (row.kind !== "category") throw new NotCompilable("Targets the interpreter refuses for a missing prediction, on a non-categorical row");
      return _`if (${row.value} === ${MISSING_CODE}) { ${d.failure} }`;
    }
    const priors = d.ok ?? [];
    if (priors.length === 0 || row.kind !== "category") return _``;
    const categories = row.categories!;
    const probs = row.probabilities ?? [];
    const declared = probs.length;
    const slot = (c: Value): number => {
      let k = categories.findIndex((x) => x === c);
      if (k < 0) {
        categories.push(c);
        probs.push(names.name("p"));
        k = categories.length - 1;
      }
      return k;
    };
    // A category written twice keeps its first place and its last prior, as the interpreter's map.
    const prior = new Map<number, number>();
    for (const tv of priors) prior.set(slot(target.category(tv.value)), tv.probability);
    row.probabilities = probs;
    let best = -1,
      bestP = -Infinity;
    for (const [k, p] of prior)
      if (p > bestP) {
        best = k;
        bestP = p;
      }
    const assigns = probs.map((p, k) => _`${p} = ${prior.get(k) ?? 0};`);
    const extra = probs.slice(declared);
    if (extra.length) row.staticProbabilities = false;
    return _`${
      extra.length
        ? _`let ${join(
            extra.map((p) => _`${p} = NaN`),
            ", ",
          )};`
        : _``
    }
if (${row.value} === ${MISSING_CODE}) { ${row.value} = ${best}; ${join(assigns, " ")} }`;
  }
  return _``;
}
