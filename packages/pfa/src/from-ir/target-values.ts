import type { Target, TargetInfo, Value } from "@porta/ir";
import { formatValue, targetPriors } from "@porta/ir";
import { type Block, type Code, type Json, cannotConvert, doubles, failure } from "./code.ts";
import { typedLiteral } from "./fields.ts";
import { category, type ModelCode } from "./models/result.ts";

/**
 * A classification's TargetValues (PMML 4.4 §Targets), as the interpreter's applyTargets: the
 * prior probabilities answer a missing prediction, and display values label the prediction.
 */

/** Categories compared by their text, as the converter's category tables hold them. */
const key = (v: Value): string => String(v);

/**
 * A missing prediction becomes the prior distribution (JPMML's TargetUtil.getPriorProbabilities:
 * priors over their sum unless it is 1) and its first most probable category. Converted where
 * the priors name the model's categories, so that the probability array keeps its alignment.
 */
export function withPriors(t: Target, code: ModelCode, target: TargetInfo, block: Block, path?: string): ModelCode {
  // The interpreter reads the priors of a missing prediction only.
  if (!code.value.nullable) return code;
  let priors: { value: string; probability: number }[] | null;
  try {
    priors = targetPriors(t, path);
  } catch (e) {
    // TargetValues that define no prior distribution fail a missing prediction (the interpreter's error there).
    const g = block.fresh("g");
    const message = `Targets: ${e instanceof Error ? e.message : String(e)}`;
    const value: Code = {
      expr: { ifnotnull: { [g]: code.value.expr }, then: g, else: failure(message, code.value.type).expr },
      type: code.value.type,
      nullable: false,
    };
    return { ...code, value: block.bind(value, "pred") };
  }
  if (priors === null) return code;
  const { categories, probabilities } = code;
  if (!categories || probabilities === undefined)
    return cannotConvert("TargetValue@priorProbability", "priors of a model without probabilities are not converted", path);
  // Later TargetValues of one category overwrite its probability but keep its place (a Map, as the interpreter's).
  const byCategory = new Map<string, { value: Value; p: number }>();
  for (const { value, probability } of priors) {
    const c = category(value, target);
    const known = byCategory.get(key(c));
    byCategory.set(key(c), { value: known?.value ?? c, p: probability });
  }
  const sameSet = byCategory.size === categories.length && categories.every((c) => byCategory.has(key(c)));
  if (!sameSet) return cannotConvert("TargetValue@priorProbability", "priors over other categories than the model's are not converted", path);
  let best: Value = null;
  let bestP = -Infinity;
  for (const { value, p } of byCategory.values())
    if (p > bestP) {
      best = value;
      bestP = p;
    }
  const g = block.fresh("g");
  const prior = typedLiteral(key(best), code.value.type, "TargetValue@value");
  const value = block.bind(
    code.value.nullable ? { expr: { ifnotnull: { [g]: code.value.expr }, then: g, else: prior.expr }, type: code.value.type, nullable: false } : code.value,
    "pred",
  );
  const priorArray = doubles(categories.map((c) => byCategory.get(key(c))!.p));
  const h = block.fresh("g");
  const probs = block.fresh("probs");
  block.statements.push({
    let: {
      [probs]: code.value.nullable
        ? { ifnotnull: { [h]: code.value.expr }, then: probabilities, else: { upcast: priorArray, as: ["null", { type: "array", items: "double" }] } }
        : probabilities,
    },
  });
  return { ...code, value, probabilities: probs };
}

/**
 * predictedDisplayValue's label of the prediction: a TargetValue's displayValue first, else the
 * DataField Value's displayValue (not for a continuous target), else none (the raw value is
 * shown). Undefined when no category has a label. A numeric prediction is labelled only where
 * every category it can take has one (its text form has no exact PFA formatting); otherwise the
 * reason, which predictedDisplayValue refuses with (a model that does not ask for it converts).
 */
export function displayValueOf(t: Target | undefined, code: ModelCode, target: TargetInfo, block: Block): Code | string | undefined {
  const labels = new Map<string, { value: Value; label: string }>();
  for (const tv of t?.values ?? []) {
    if (tv.value === undefined || tv.displayValue === undefined) continue;
    const c = category(tv.value, target);
    if (!labels.has(key(c))) labels.set(key(c), { value: c, label: tv.displayValue });
  }
  if (target.opType !== "continuous")
    for (const [text, label] of target.displayValues ?? []) {
      const c = category(text, target);
      // The interpreter looks a value up by its text form: "1.0" labels no numeric value.
      if (formatValue(c) === text && !labels.has(key(c))) labels.set(key(c), { value: c, label });
    }
  if (labels.size === 0) return undefined;
  const v = code.value;
  const dv = block.fresh("dv");
  const entries = [...labels.values()];
  let otherwise: Json;
  if (v.type === "string") otherwise = dv;
  else {
    const closed = code.valueIsCategory === true && (code.categories ?? []).every((c) => labels.has(key(c)));
    if (!closed) return "a numeric prediction without a label for each value is not converted";
    // Every value the prediction takes is labelled: the last label stands for the last test.
    otherwise = { string: entries.pop()!.label };
  }
  let chain: Json = otherwise;
  for (let i = entries.length - 1; i >= 0; i--)
    chain = { if: { "==": [dv, typedLiteral(key(entries[i].value), v.type, "TargetValue@value").expr] }, then: { string: entries[i].label }, else: chain };
  const expr: Json = v.nullable
    ? { ifnotnull: { [dv]: v.expr }, then: { upcast: chain, as: ["null", "string"] }, else: null }
    : { do: [{ let: { [dv]: v.expr } }, chain] };
  return block.bind({ expr, type: "string", nullable: v.nullable }, "display");
}

/**
 * A numeric category prediction as text (an OutputField of dataType string): each category the
 * prediction can take written as the interpreter's formatValue writes it; missing stays missing.
 */
export function categoryText(value: Code, categories: readonly Value[], block: Block): Code {
  const x = block.fresh("cv");
  const texts = categories.map((c) => ({ c, text: formatValue(c) }));
  const last = texts.pop();
  if (!last) return cannotConvert("OutputField@dataType=string", "a prediction without categories is not converted");
  let chain: Json = { string: last.text };
  for (let i = texts.length - 1; i >= 0; i--)
    chain = { if: { "==": [x, typedLiteral(texts[i].c, value.type, "category").expr] }, then: { string: texts[i].text }, else: chain };
  const expr: Json = value.nullable
    ? { ifnotnull: { [x]: value.expr }, then: { upcast: chain, as: ["null", "string"] }, else: null }
    : { do: [{ let: { [x]: value.expr } }, chain] };
  return block.bind({ expr, type: "string", nullable: value.nullable }, "text");
}
