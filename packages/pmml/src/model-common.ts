import {
  SchemaError,
  type MiningField,
  type MiningFunction,
  type ModelVerification,
  type ModelBase,
  type OutputField,
  type Predicate,
  type ResultFeature,
  type SimplePredicate,
  type Target,
  type UsageType,
  parseNumber,
  SIMPLE_OPERATORS,
} from "@porta/ir";
import { arrayValues, booleanAttr, enumAttr, numberAttr, requiredAttr, requiredSharedAttr } from "./attributes.ts";
import { OP_TYPES, dataTypeAttr, optionalExpressionChild, parseDerivedField, unsupported } from "./dictionary.ts";
import { parseExpression } from "./expressions.ts";
import type { XmlElement } from "./xml.ts";
import { SimplePredicateAt, TrueAt, type HasPath } from "./path-step.ts";
import { notice } from "./notices.ts";
import { parseModelVerification } from "./verification.ts";

const MINING_FUNCTIONS: readonly MiningFunction[] = ["regression", "classification", "clustering", "associationRules", "sequences", "timeSeries", "mixed"];
const USAGE_TYPES: readonly UsageType[] = ["active", "predicted", "target", "supplementary", "group", "order", "frequencyWeight", "analysisWeight"];
const RESULT_FEATURES: readonly ResultFeature[] = [
  "predictedValue",
  "predictedDisplayValue",
  "transformedValue",
  "decision",
  "probability",
  "affinity",
  "residual",
  "standardError",
  "standardDeviation",
  "clusterId",
  "clusterAffinity",
  "entityId",
  "entityAffinity",
  "warning",
  "ruleValue",
  "reasonCode",
  "antecedent",
  "consequent",
  "rule",
  "ruleId",
  "confidence",
  "support",
  "lift",
  "leverage",
  "confidenceIntervalLower",
  "confidenceIntervalUpper",
];

/** The parts every model element shares: MiningSchema, LocalTransformations, Targets, Output. */
export function parseModelBase(el: XmlElement): ModelBase {
  const miningSchema = el.child("MiningSchema");
  if (!miningSchema) {
    throw new SchemaError("PMML_MISSING_ELEMENT", `${el.name} needs a MiningSchema`, { path: el.path, value: "MiningSchema" });
  }
  const local = el.child("LocalTransformations");
  return {
    modelName: el.attr("modelName"),
    functionName: enumAttr(el, "functionName", MINING_FUNCTIONS) ?? missingFunctionName(el),
    algorithmName: el.attr("algorithmName"),
    isScorable: booleanAttr(el, "isScorable", true),
    mathContext: mathContextAttr(el),
    miningSchema: parseMiningSchema(miningSchema),
    localTransformations: local ? local.children("DerivedField").map(parseDerivedField) : [],
    targets: parseTargets(el.child("Targets")),
    output: parseOutput(el.child("Output")),
    ...verificationOf(el),
    path: el.path,
  };
}

/** The ModelVerification property, left out entirely when the element has none. */
function verificationOf(el: XmlElement): { verification?: ModelVerification } {
  const verification = parseModelVerification(el.child("ModelVerification"));
  return verification ? { verification } : {};
}

/**
 * PMML 4.4 mathContext; converters built on JPMML wrote it as x-mathContext before 4.4 was final
 * (jpmml-xgboost, jpmml-lightgbm), and JPMML reads both.
 */
function mathContextAttr(el: XmlElement): "float" | "double" | undefined {
  const name = el.attr("mathContext") !== undefined ? "mathContext" : "x-mathContext";
  return enumAttr(el, name, ["float", "double"] as const);
}

function missingFunctionName(el: XmlElement): never {
  throw new SchemaError("PMML_MISSING_ATTRIBUTE", `${el.name} needs the attribute "functionName"`, { path: el.path, value: "functionName" });
}

/**
 * The MiningFields, one per name. A name written more than once is merged (producer habit:
 * nyoka's DataFrameMapper writes an imputed string column once with its missingValueReplacement
 * and again plain): each attribute comes from the first occurrence that writes it, and optype
 * overrides that disagree cancel out, so the DataField's optype applies. Occurrences with
 * different usageTypes cannot be reconciled and are refused.
 */
function parseMiningSchema(schema: XmlElement): MiningField[] {
  // A forest's trees repeat one MiningSchema: one alike the last one read (the same MiningField
  // attributes, as written) reads the same, a copy of each field (a 1200-tree forest has 61k).
  const last = lastSchema.get(schema.table);
  if (last !== undefined && schema.sameChildAttributes(last.schema, "MiningField")) return last.fields.map((f) => ({ ...f }));
  const byName = new Map<string, XmlElement[]>();
  for (const el of schema.children("MiningField")) {
    const name = requiredAttr(el, "name");
    const same = byName.get(name);
    if (same) same.push(el);
    else byName.set(name, [el]);
  }
  const repeated = [...byName.values()].some((els) => els.length > 1);
  const fields = [...byName.entries()].map(([name, els]) => (els.length === 1 ? parseMiningField(els[0]) : mergeRepeatedMiningField(name, els, schema)));
  // A merged field's notice names its schema: such a schema is read each time.
  if (!repeated) lastSchema.set(schema.table, { schema, fields });
  return fields;
}

/** Per document, the last MiningSchema read without notices, and its fields. */
const lastSchema = new WeakMap<XmlElement["table"], { schema: XmlElement; fields: MiningField[] }>();

function mergeRepeatedMiningField(name: string, els: XmlElement[], schema: XmlElement): MiningField {
  const fields = els.map(parseMiningField);
  const usages = new Set(fields.map((f) => f.usageType));
  if (usages.size > 1) {
    throw new SchemaError(
      "PMML_DUPLICATE_FIELD",
      `MiningField "${name}" is written ${els.length} times with different usageTypes (${[...usages].join(", ")})`,
      { path: els[1].path, value: name },
    );
  }
  /** The parsed value of the first occurrence that writes `attr`, else the first's (its default). */
  const first = <K extends keyof MiningField>(attr: string, key: K): MiningField[K] => {
    const i = els.findIndex((el) => el.attr(attr) !== undefined);
    return fields[Math.max(i, 0)][key];
  };
  const opTypes = new Set(fields.map((f) => f.opType).filter((t) => t !== undefined));
  notice(
    `MiningField "${name}" is written ${els.length} times in ${schema.path}; merged into one${opTypes.size > 1 ? ` (its optype overrides ${[...opTypes].join("/")} disagree and are ignored)` : ""}`,
  );
  return {
    name,
    usageType: fields[0].usageType,
    opType: opTypes.size === 1 ? [...opTypes][0] : undefined,
    missingValueReplacement: first("missingValueReplacement", "missingValueReplacement"),
    missingValueTreatment: first("missingValueTreatment", "missingValueTreatment"),
    invalidValueTreatment: first("invalidValueTreatment", "invalidValueTreatment"),
    invalidValueReplacement: first("invalidValueReplacement", "invalidValueReplacement"),
    outliers: first("outliers", "outliers"),
    lowValue: first("lowValue", "lowValue"),
    highValue: first("highValue", "highValue"),
    importance: first("importance", "importance"),
  };
}

function parseMiningField(el: XmlElement): MiningField {
  // PMML 3.x spelled these differently; JPMML accepts both.
  const usage = el.attr("usageType");
  return {
    name: requiredAttr(el, "name"),
    usageType: usage === undefined ? "active" : enumAttr(el, "usageType", USAGE_TYPES, "active"),
    opType: enumAttr(el, "optype", OP_TYPES),
    missingValueReplacement: literal(el.attr("missingValueReplacement")),
    missingValueTreatment: enumAttr(el, "missingValueTreatment", ["asIs", "asMean", "asMode", "asMedian", "asValue", "returnInvalid"] as const),
    invalidValueTreatment: enumAttr(el, "invalidValueTreatment", ["returnInvalid", "asIs", "asMissing", "asValue"] as const, "returnInvalid"),
    invalidValueReplacement: literal(el.attr("invalidValueReplacement")),
    outliers: enumAttr(el, "outliers", ["asIs", "asMissingValues", "asExtremeValues"] as const, "asIs"),
    lowValue: numberAttr(el, "lowValue"),
    highValue: numberAttr(el, "highValue"),
    importance: numberAttr(el, "importance"),
  };
}

function literal(text: string | undefined) {
  return text === undefined ? undefined : text;
}

function parseTargets(el: XmlElement | undefined): Target[] {
  if (!el) return [];
  return el.children("Target").map((t) => ({
    field: t.attr("field"),
    opType: enumAttr(t, "optype", OP_TYPES),
    castInteger: enumAttr(t, "castInteger", ["round", "ceiling", "floor"] as const),
    min: numberAttr(t, "min"),
    max: numberAttr(t, "max"),
    rescaleFactor: numberAttr(t, "rescaleFactor", 1),
    rescaleConstant: numberAttr(t, "rescaleConstant", 0),
    values: t.children("TargetValue").map((tv) => ({
      value: tv.attr("value"),
      displayValue: tv.attr("displayValue"),
      priorProbability: numberAttr(tv, "priorProbability"),
      defaultValue: numberAttr(tv, "defaultValue"),
    })),
  }));
}

function parseOutput(el: XmlElement | undefined): OutputField[] {
  if (!el) return [];
  return el.children("OutputField").map((f): OutputField => {
    const exprEl = optionalExpressionChild(f);
    return {
      name: requiredAttr(f, "name"),
      displayName: f.attr("displayName"),
      dataType: dataTypeAttr(f),
      opType: enumAttr(f, "optype", OP_TYPES),
      targetField: f.attr("targetField"),
      feature: enumAttr(f, "feature", RESULT_FEATURES, "predictedValue"),
      value: f.attr("value"),
      rank: numberAttr(f, "rank", 1),
      rankOrder: enumAttr(f, "rankOrder", ["descending", "ascending"] as const),
      rankBasis: f.attr("rankBasis"),
      segmentId: f.attr("segmentId"),
      isFinalResult: booleanAttr(f, "isFinalResult", true),
      isMultiValued: f.attr("isMultiValued") === "1" || f.attr("isMultiValued") === "true",
      expr: exprEl ? parseExpression(exprEl) : undefined,
      ruleFeature: f.attr("ruleFeature"),
      algorithm: f.attr("algorithm"),
      path: f.path,
    };
  });
}

const PREDICATE_ELEMENTS = new Set(["SimplePredicate", "CompoundPredicate", "SimpleSetPredicate", "True", "False"]);

export function isPredicateElement(el: XmlElement): boolean {
  return PREDICATE_ELEMENTS.has(el.name);
}

const isPredicateName = (name: string): boolean => PREDICATE_ELEMENTS.has(name);

/** The SimplePredicate value a reader read last among siblings (see predicateChild). */
export interface LastValue {
  text: string | undefined;
}

/**
 * The predicate child of a Node/SimpleRule/Segment/Attribute. With `owner` (the IR node `el`
 * becomes), a True or SimplePredicate takes its path from the owner's when asked (path-step.ts).
 * With `sibling`, a SimplePredicate value equal to the one read last is that same string.
 */
export function predicateChild(el: XmlElement, owner?: HasPath, sibling?: LastValue): Predicate {
  const p = el.find(isPredicateName);
  if (!p) {
    throw new SchemaError("PMML_MISSING_PREDICATE", `${el.name} needs a predicate`, { path: el.path, value: el.name });
  }
  if (owner !== undefined && p.name === "True") return new TrueAt(owner, p.step);
  if (owner !== undefined && p.name === "SimplePredicate") {
    const { field, operator, value } = parseSimplePredicate(p);
    return new SimplePredicateAt(owner, p.step, field, operator, sibling === undefined ? value : keptValue(value, sibling));
  }
  return parsePredicate(p);
}

/**
 * `value`, or the equal string `last` holds: a binary split's two children name the same
 * constant (`x ≤ v`, `x > v`), and the IR then keeps one string for both (300k strings fewer
 * in a 1200-tree forest, each of which the young-generation GC would otherwise copy).
 */
function keptValue(value: string | undefined, last: LastValue): string | undefined {
  if (value !== undefined && value === last.text) return last.text;
  last.text = value;
  return value;
}

function parseSimplePredicate(el: XmlElement): Omit<SimplePredicate, "kind" | "path"> {
  return {
    field: requiredSharedAttr(el, "field"),
    operator: enumAttr(el, "operator", SIMPLE_OPERATORS) ?? (requiredAttr(el, "operator") as never),
    value: el.attr("value"),
  };
}

export function parsePredicate(el: XmlElement): Predicate {
  switch (el.name) {
    case "True":
      return { kind: "true", path: el.path };
    case "False":
      return { kind: "false", path: el.path };
    case "SimplePredicate":
      return { kind: "simple", ...parseSimplePredicate(el), path: el.path };
    case "SimpleSetPredicate": {
      const array = el.child("Array");
      if (!array) throw new SchemaError("PMML_MISSING_ELEMENT", "SimpleSetPredicate needs an Array", { path: el.path, value: "Array" });
      return {
        kind: "simpleSet",
        field: requiredSharedAttr(el, "field"),
        booleanOperator: enumAttr(el, "booleanOperator", ["isIn", "isNotIn"] as const) ?? (requiredAttr(el, "booleanOperator") as never),
        values: arrayValues(array),
        path: el.path,
      };
    }
    case "CompoundPredicate":
      return {
        kind: "compound",
        booleanOperator: enumAttr(el, "booleanOperator", ["and", "or", "xor", "surrogate"] as const) ?? (requiredAttr(el, "booleanOperator") as never),
        predicates: el.children().filter(isPredicateElement).map(parsePredicate),
        path: el.path,
      };
    default:
      return unsupported(el);
  }
}

export function numberText(el: XmlElement, text: string): number {
  const n = parseNumber(text);
  if (n === undefined) throw new SchemaError("PMML_BAD_NUMBER", `${el.name} holds a non-number`, { path: el.path, value: text });
  return n;
}
