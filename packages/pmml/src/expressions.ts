import { SchemaError, type DataType, type Expr, type InvalidValueTreatment, parseNumber } from "@porta/ir";
import { enumAttr, numberAttr, requiredAttr, requiredNumberAttr } from "./attributes.ts";
import { dataTypeAttr, parseInterval, typedLiteral, unsupported } from "./dictionary.ts";
import { parseTextIndex } from "./text-index.ts";
import type { XmlElement } from "./xml.ts";

const INVALID_TREATMENTS: readonly InvalidValueTreatment[] = ["returnInvalid", "asIs", "asMissing", "asValue"];
const OUTLIERS = ["asIs", "asMissingValues", "asExtremeValues"] as const;

/** One PMML expression element (§Transformations) to IR. */
export function parseExpression(el: XmlElement): Expr {
  const path = el.path;
  switch (el.name) {
    case "Constant": {
      const dataType = dataTypeAttr(el);
      if (el.attr("missing") === "true") return { kind: "constant", value: null, dataType, path };
      const text = el.text();
      return { kind: "constant", value: dataType ? typedLiteral(el, text, dataType) : inferConstant(text), dataType, path };
    }
    case "FieldRef":
      return { kind: "fieldRef", field: requiredAttr(el, "field"), mapMissingTo: literalAttr(el, "mapMissingTo"), path };
    case "Apply":
      return {
        kind: "apply",
        function: requiredAttr(el, "function"),
        args: el
          .children()
          .filter((c) => c.name !== "Extension")
          .map(parseExpression),
        mapMissingTo: literalAttr(el, "mapMissingTo"),
        defaultValue: literalAttr(el, "defaultValue"),
        invalidValueTreatment: enumAttr(el, "invalidValueTreatment", INVALID_TREATMENTS, "returnInvalid"),
        path,
      };
    case "NormContinuous":
      return {
        kind: "normContinuous",
        field: requiredAttr(el, "field"),
        points: el.children("LinearNorm").map((ln) => ({ orig: requiredNumberAttr(ln, "orig"), norm: requiredNumberAttr(ln, "norm") })),
        outliers: enumAttr(el, "outliers", OUTLIERS, "asIs"),
        mapMissingTo: numberAttr(el, "mapMissingTo"),
        path,
      };
    case "NormDiscrete":
      return {
        kind: "normDiscrete",
        field: requiredAttr(el, "field"),
        value: requiredAttr(el, "value"),
        mapMissingTo: numberAttr(el, "mapMissingTo"),
        path,
      };
    case "Discretize": {
      const dataType = dataTypeAttr(el);
      return {
        kind: "discretize",
        field: requiredAttr(el, "field"),
        bins: el.children("DiscretizeBin").map((b) => {
          const interval = b.child("Interval");
          if (!interval) throw new SchemaError("PMML_MISSING_ELEMENT", "DiscretizeBin needs an Interval", { path: b.path, value: "Interval" });
          return { binValue: typedLiteral(b, requiredAttr(b, "binValue"), dataType), ...parseInterval(interval) };
        }),
        mapMissingTo: typedAttr(el, "mapMissingTo", dataType),
        defaultValue: typedAttr(el, "defaultValue", dataType),
        dataType,
        path,
      };
    }
    case "MapValues": {
      const dataType = dataTypeAttr(el);
      const table = el.child("InlineTable");
      if (!table) unsupported(el, el.child("TableLocator") ? "MapValues/TableLocator" : "MapValues without InlineTable");
      return {
        kind: "mapValues",
        inputs: el.children("FieldColumnPair").map((p) => ({ field: requiredAttr(p, "field"), column: columnName(requiredAttr(p, "column")) })),
        outputColumn: columnName(requiredAttr(el, "outputColumn")),
        rows: table.children("row").map((r) => {
          const row: Record<string, string> = Object.create(null) as Record<string, string>;
          for (const cell of r.children()) row[cell.name] = cell.text();
          return row;
        }),
        mapMissingTo: typedAttr(el, "mapMissingTo", dataType),
        defaultValue: typedAttr(el, "defaultValue", dataType),
        dataType,
        path,
      };
    }
    case "TextIndex":
      return parseTextIndex(el);
    default:
      return unsupported(el);
  }
}

/**
 * An InlineTable column as the rows name it. Cells are elements of any namespace (JPMML-based
 * converters write <data:input> with xmlns:data="http://jpmml.org/jpmml-model/InlineTable") and
 * the XML reader keeps their local names, so a prefixed column="data:input" names "input".
 */
export function columnName(column: string): string {
  const colon = column.indexOf(":");
  return colon < 0 ? column : column.slice(colon + 1);
}

function typedAttr(el: XmlElement, name: string, dataType: DataType | undefined) {
  const text = el.attr(name);
  return text === undefined ? undefined : typedLiteral(el, text, dataType);
}

/** Attribute literals without a declared type: numbers when they parse, else strings. */
function literalAttr(el: XmlElement, name: string) {
  const text = el.attr(name);
  return text === undefined ? undefined : inferConstant(text);
}

function inferConstant(text: string) {
  const n = parseNumber(text);
  return n === undefined || text.trim() === "" ? text : n;
}
