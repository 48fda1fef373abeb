import type { ModelBase, ModelNode, OutputField, TargetInfo, Value } from "@porta/ir";
import { type Block, type Code, type Json, asNullable, cannotConvert, lift, literal, missing } from "./code.ts";
import { compileExpr } from "./expressions.ts";
import { type ModelEnv, scalarOf } from "./fields.ts";
import { category, type ModelCode } from "./models/result.ts";
import { toSinglePrecision } from "./single-precision.ts";
import { categoryText, displayValueOf, withPriors } from "./target-values.ts";

/** One model element converted: its result after Targets and its OutputFields by name. */
export interface ModelRunCode {
  model: ModelNode;
  target: TargetInfo;
  code: ModelCode;
  outputs: Map<string, Code>;
  /** The model's scope, where an OutputField of its parent naming its segment (segmentId) is evaluated. */
  env: ModelEnv;
}

/**
 * PMML Targets (§Targets) on a regression result: clamp to min/max, rescale, castInteger, as
 * the interpreter's applyTargets; a classification's priors and display values (target-values.ts).
 * A regression's default value (TargetValue) is refused.
 */
export function applyTargets(model: ModelBase, code: ModelCode, target: TargetInfo, block: Block): ModelCode {
  const t = model.targets.find((x) => x.field === undefined || x.field === target.name);
  if (model.functionName !== "regression" || !t) {
    // Priors stand in for a missing classification; display values label the prediction.
    const withPrior = t && model.functionName === "classification" ? withPriors(t, code, target, block, model.path) : code;
    if (withPrior.displayValue) return withPrior;
    const displayValue = displayValueOf(t, withPrior, target, block);
    if (typeof displayValue === "string") return { ...withPrior, displayValueRefusal: displayValue };
    return displayValue ? { ...withPrior, displayValue } : withPrior;
  }
  if (t.values.length > 0) cannotConvert("TargetValue", "a regression target's default value is not converted", model.path);
  if (model.mathContext === "float") cannotConvert("Target (mathContext=float)", "single-precision targets are not converted", model.path);
  const value = lift(block, [code.value], ([v]) => {
    let x: Json = v.expr;
    if (t.min !== undefined) x = { if: { "<": [x, literal(t.min, "double").expr] }, then: literal(t.min, "double").expr, else: x };
    if (t.max !== undefined) {
      const y = block.fresh("y");
      x = { do: [{ let: { [y]: x } }, { if: { ">": [y, literal(t.max, "double").expr] }, then: literal(t.max, "double").expr, else: y }] };
    }
    x = { "+": [{ "*": [x, literal(t.rescaleFactor, "double").expr] }, literal(t.rescaleConstant, "double").expr] };
    switch (t.castInteger) {
      case "round":
        // Java's Math.round (half up): floor(x + 0.5).
        x = { "m.floor": { "+": [x, { double: 0.5 }] } };
        break;
      case "ceiling":
        x = { "m.ceil": x };
        break;
      case "floor":
        x = { "m.floor": x };
        break;
      default:
        break;
    }
    return { expr: x, type: "double", nullable: false };
  });
  return { ...code, value: block.bind(value, "target") };
}

/**
 * A model's OutputFields in document order (§Output), each defined in the model's scope for
 * the ones after it. A missing target value makes every output missing (JPMML's OutputUtil).
 */
export function computeOutputs(
  model: ModelNode,
  code: ModelCode,
  target: TargetInfo,
  env: ModelEnv,
  block: Block,
  inherited?: Map<string, Code>,
  segmentRuns?: ReadonlyMap<string, ModelRunCode>,
): Map<string, Code> {
  const out = new Map<string, Code>(inherited ?? []);
  for (const field of model.output) {
    const raw = field.segmentId === undefined ? outputValue(field, code, target, env, block) : segmentOutput(field, field.segmentId, segmentRuns, block);
    // A prediction drawn from the model's categories can be written as text category by category.
    const categories = raw === code.value && code.valueIsCategory ? code.categories : undefined;
    const value = block.bind(castOutput(field, raw, block, categories), "out");
    out.set(field.name, value);
    env.define(field.name, value);
  }
  return out;
}

/**
 * OutputField/@segmentId (PMML 4.4 §Output): the feature of that segment's result, whatever the
 * MiningModel's own prediction; missing when the segment did not run (as the interpreter's
 * segmentOutputValue). A transformedValue or decision names the segment's field in @value, or
 * holds an expression evaluated in the segment's scope; other features are missing with the
 * segment's prediction.
 */
function segmentOutput(field: OutputField, id: string, runs: ReadonlyMap<string, ModelRunCode> | undefined, block: Block): Code {
  if (!runs) return cannotConvert("OutputField@segmentId", "only a MiningModel's OutputField names a segment", field.path);
  const run = runs.get(id);
  if (!run) return missing(field.dataType ? scalarOf(field.dataType, "OutputField", field.path) : "double");
  if (field.feature === "transformedValue" || field.feature === "decision") {
    if (field.value === undefined) {
      if (!field.expr) return cannotConvert("OutputField@segmentId", "a transformedValue with neither @value nor an expression is not converted", field.path);
      return compileExpr(field.expr, run.env, block);
    }
    return run.outputs.get(field.value) ?? (run.target.name === field.value ? run.code.value : missing("double"));
  }
  return gated(run.code, outputValue(field, run.code, run.target, run.env, block), block);
}

function outputValue(field: OutputField, code: ModelCode, target: TargetInfo, env: ModelEnv, block: Block): Code {
  const what = `OutputField[@feature=${field.feature}]`;
  switch (field.feature) {
    case "predictedValue":
      return code.value;
    case "probability":
      return probability(field, code, target, block);
    case "predictedDisplayValue":
      if (code.displayValueRefusal) return cannotConvert(what, code.displayValueRefusal, field.path);
      // Without a display value, "the raw predicted value is used" (JPMML), cast to the field's dataType.
      return code.displayValue ? gated(code, code.displayValue, block) : code.value;
    case "affinity":
    case "entityAffinity":
    case "clusterAffinity": {
      const a = code.affinities;
      if (!a || field.rank !== 1) return cannotConvert(what, "affinities of this model (or a rank other than 1) are not converted", field.path);
      if (field.feature !== "affinity" && field.value === undefined) return gated(code, nanAsMissing(a.winner, block), block);
      if (field.value === undefined) return cannotConvert(what, "the affinity of the predicted value (no @value) is not converted", field.path);
      const found = a.byId.get(field.value);
      // An entity the result does not hold answers the least optimal affinity (JPMML).
      return gated(code, found ? nanAsMissing(found, block) : literal(a.absent, "double"), block);
    }
    case "entityId": {
      if (!code.entityId || field.rank !== 1) return cannotConvert(`${what}`, "no entity id of this model (or a rank other than 1) is converted", field.path);
      // Missing with the prediction (JPMML's OutputUtil), as every feature.
      if (!code.value.nullable) return code.entityId;
      const g = block.fresh("g");
      return { expr: { ifnotnull: { [g]: code.value.expr }, then: asNullable(code.entityId), else: null }, type: "string", nullable: true };
    }
    case "transformedValue":
    case "decision": {
      if (!field.expr) return code.value;
      const expr = field.expr;
      // Evaluated only when the target value is present; the expression itself may be missing.
      const computed = compileExpr(expr, env, block);
      if (!code.value.nullable) return computed;
      const q = block.fresh("q");
      return {
        expr: {
          ifnotnull: { [q]: code.value.expr },
          then: computed.nullable ? computed.expr : { upcast: computed.expr, as: ["null", computed.type] },
          else: missing(computed.type).expr,
        },
        type: computed.type,
        nullable: true,
      };
    }
    default:
      return cannotConvert(what, "this output feature is not converted", field.path);
  }
}

/** probability(@value): the category's probability; a category the model does not know is 0; none without probabilities. */
function probability(field: OutputField, code: ModelCode, target: TargetInfo, block: Block): Code {
  if (!code.probabilities || !code.categories) return cannotConvert("OutputField[@feature=probability]", "the model gives no probabilities", field.path);
  if (field.value === undefined)
    return cannotConvert("OutputField[@feature=probability]", "the probability of the predicted category (no @value) is not converted", field.path);
  // The category as the target types it (a numeric target's "1" is 1), as the interpreter's toCategory.
  const wanted: Value = category(field.value, target);
  const k = code.categories.findIndex((c) => c === wanted || String(c) === String(wanted));
  const p = block.fresh("pr");
  const value: Json = k < 0 ? { double: 0 } : { attr: p, path: [{ int: k }] };
  // Missing when the prediction is missing (every output is then missing) or the model gives no distribution.
  const bindings: Record<string, Json> = { [p]: code.probabilities };
  if (code.value.nullable) bindings[block.fresh("g")] = code.value.expr;
  return {
    expr: { ifnotnull: bindings, then: { upcast: value, as: ["null", "double"] }, else: null },
    type: "double",
    nullable: true,
  };
}

/**
 * The OutputField's dataType: a number stays a double (an integer is exact in it), a float is
 * rounded to single precision (PMML's toDataType "float"), text stays text, a numeric category
 * becomes its text; other casts are refused.
 */
function castOutput(field: OutputField, value: Code, block: Block, categories?: readonly Value[]): Code {
  if (!field.dataType) return value;
  const numeric = field.dataType === "double" || field.dataType === "integer";
  if (numeric && value.type === "double") return value;
  if (field.dataType === "float" && value.type === "double") return toSinglePrecision(value, block);
  if (field.dataType === "string" && value.type === "string") return value;
  if (field.dataType === "string" && value.type === "double" && categories) return categoryText(value, categories, block);
  if (field.dataType === "boolean" && value.type === "boolean") return value;
  return cannotConvert(
    `OutputField[@name=${field.name}]@dataType=${field.dataType}`,
    `a ${value.type} value cast to ${field.dataType} is not converted`,
    field.path,
  );
}

/** A value that is missing whenever the prediction is (JPMML's OutputUtil). */
function gated(code: ModelCode, value: Code, block: Block): Code {
  if (!code.value.nullable) return value;
  const g = block.fresh("g");
  return { expr: { ifnotnull: { [g]: code.value.expr }, then: asNullable(value), else: null }, type: value.type, nullable: true };
}

/** A NaN affinity (every compared input missing) is answered as missing, as the interpreter does. */
function nanAsMissing(value: Code, block: Block): Code {
  const v = block.bind(value, "aff");
  return {
    expr: { if: { "!=": [v.expr, v.expr] }, then: missing("double").expr, else: { upcast: v.expr, as: ["null", "double"] } },
    type: "double",
    nullable: true,
  };
}
