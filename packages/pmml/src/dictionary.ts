import {
  DATA_TYPES,
  SchemaError,
  UnsupportedFeatureError,
  toDataType,
  type DataField,
  type DataType,
  type DefineFunction,
  type DerivedField,
  type Interval,
  type OpType,
  type Value,
} from "@porta/ir";
import { enumAttr, numberAttr, requiredAttr } from "./attributes.ts";
import { parseExpression } from "./expressions.ts";
import type { XmlElement } from "./xml.ts";

export const OP_TYPES: readonly OpType[] = ["categorical", "ordinal", "continuous"];
const CLOSURES = ["openClosed", "openOpen", "closedOpen", "closedClosed"] as const;

export function dataTypeAttr(el: XmlElement, name = "dataType"): DataType | undefined {
  return enumAttr(el, name, DATA_TYPES);
}

/** Converts a literal from the document to `dataType`, failing with the element's path. */
export function typedLiteral(el: XmlElement, text: string, dataType: DataType | undefined): Value {
  if (!dataType) return text;
  const v = toDataType(text, dataType);
  if (v === undefined) {
    throw new SchemaError("PMML_BAD_VALUE", `"${text}" is not a valid ${dataType}`, { path: el.path, value: text });
  }
  return v;
}

export function parseInterval(el: XmlElement): Interval {
  return {
    closure: enumAttr(el, "closure", CLOSURES, "closedClosed"),
    left: numberAttr(el, "leftMargin"),
    right: numberAttr(el, "rightMargin"),
  };
}

export function parseDataDictionary(el: XmlElement): DataField[] {
  const seen = new Set<string>();
  return el.children("DataField").map((f) => {
    const field = parseDataField(f);
    if (seen.has(field.name)) {
      throw new SchemaError("PMML_DUPLICATE_FIELD", `DataField "${field.name}" is declared twice`, { path: f.path, value: field.name });
    }
    seen.add(field.name);
    return field;
  });
}

function parseDataField(el: XmlElement): DataField {
  const name = requiredAttr(el, "name");
  const dataType = dataTypeAttr(el) ?? "string";
  const opType = enumAttr(el, "optype", OP_TYPES) ?? (dataType === "string" || dataType === "boolean" ? "categorical" : "continuous");
  const field: DataField = {
    name,
    dataType,
    opType,
    displayName: el.attr("displayName"),
    validValues: [],
    invalidValues: [],
    missingValues: [],
    intervals: [],
    isCyclic: el.attr("isCyclic") === "1",
  };
  for (const v of el.children("Value")) {
    const text = requiredAttr(v, "value");
    const property = enumAttr(v, "property", ["valid", "invalid", "missing"] as const, "valid");
    if (property === "missing") {
      // Missing-value markers are matched as written; they need not parse as the type.
      const typed = toDataType(text, dataType);
      field.missingValues.push(typed === undefined ? text : typed);
      if (typed !== undefined && typed !== text) field.missingValues.push(text);
      continue;
    }
    const typed = typedLiteral(v, text, dataType);
    if (property === "valid") field.validValues.push(typed);
    else field.invalidValues.push(typed);
    const display = v.attr("displayValue");
    if (display !== undefined && property === "valid") {
      field.displayValues ??= new Map();
      field.displayValues.set(text, display);
    }
  }
  field.intervals = el.children("Interval").map(parseInterval);
  return field;
}

export function parseDerivedField(el: XmlElement): DerivedField {
  const name = requiredAttr(el, "name");
  const dataType = dataTypeAttr(el);
  const opType = enumAttr(el, "optype", OP_TYPES);
  if (!dataType || !opType) {
    // PMML 3.x allowed omitting them; infer from the expression as JPMML does.
  }
  const exprEl = expressionChild(el);
  const expr = parseExpression(exprEl);
  const values = el.children("Value").map((v) => typedLiteral(v, requiredAttr(v, "value"), dataType));
  return {
    name,
    displayName: el.attr("displayName"),
    dataType: dataType ?? inferDataType(expr.kind),
    opType: opType ?? (dataType === "string" ? "categorical" : "continuous"),
    expr,
    values: values.length > 0 ? values : undefined,
  };
}

function inferDataType(kind: string): DataType {
  // TextIndex: a term frequency (integer) or a weight (double); double holds both.
  return kind === "normContinuous" || kind === "normDiscrete" || kind === "textIndex" ? "double" : "string";
}

const EXPRESSION_ELEMENTS = new Set([
  "Constant",
  "FieldRef",
  "NormContinuous",
  "NormDiscrete",
  "Discretize",
  "MapValues",
  "TextIndex",
  "Apply",
  "Aggregate",
  "Lag",
]);

/** The one expression child of a DerivedField/DefineFunction/OutputField. */
export function expressionChild(el: XmlElement): XmlElement {
  const found = el.children().filter((c) => EXPRESSION_ELEMENTS.has(c.name));
  if (found.length !== 1) {
    throw new SchemaError("PMML_EXPRESSION_EXPECTED", `${el.name} needs exactly one expression element, found ${found.length}`, {
      path: el.path,
      value: found.map((f) => f.name),
    });
  }
  return found[0];
}

export function optionalExpressionChild(el: XmlElement): XmlElement | undefined {
  return el.children().find((c) => EXPRESSION_ELEMENTS.has(c.name));
}

export function parseTransformations(el: XmlElement | undefined): { derived: DerivedField[]; functions: DefineFunction[] } {
  if (!el) return { derived: [], functions: [] };
  const derived = el.children("DerivedField").map(parseDerivedField);
  const functions = el.children("DefineFunction").map(parseDefineFunction);
  return { derived, functions };
}

function parseDefineFunction(el: XmlElement): DefineFunction {
  const name = requiredAttr(el, "name");
  const params = el.children("ParameterField").map((p) => ({
    name: requiredAttr(p, "name"),
    dataType: dataTypeAttr(p),
    opType: enumAttr(p, "optype", OP_TYPES),
  }));
  const dataType = dataTypeAttr(el);
  if (!dataType) throw new SchemaError("PMML_MISSING_ATTRIBUTE", `DefineFunction "${name}" needs a dataType`, { path: el.path, value: name });
  return {
    name,
    dataType,
    opType: enumAttr(el, "optype", OP_TYPES) ?? "continuous",
    params,
    expr: parseExpression(expressionChild(el)),
  };
}

export function unsupported(el: XmlElement, what = el.name): never {
  throw new UnsupportedFeatureError(what, undefined, { path: el.path });
}
