import { SchemaError, type Characteristic, type ModelBase, type Scorecard, type ScorecardAttribute } from "@porta/ir";
import { booleanAttr, enumAttr, numberAttr } from "../attributes.ts";
import { expressionChild } from "../dictionary.ts";
import { parseExpression } from "../expressions.ts";
import { predicateChild } from "../model-common.ts";
import type { XmlElement } from "../xml.ts";

/** Scorecard (PMML 4.4 §Scorecard). */
export function parseScorecard(el: XmlElement, base: ModelBase): Scorecard {
  const characteristicsEl = el.child("Characteristics");
  if (!characteristicsEl) {
    throw new SchemaError("PMML_MISSING_ELEMENT", "Scorecard needs Characteristics", { path: el.path, value: "Characteristics" });
  }
  const useReasonCodes = booleanAttr(el, "useReasonCodes", true);
  const baselineScore = numberAttr(el, "baselineScore");
  const characteristics = characteristicsEl.children("Characteristic").map(parseCharacteristic);
  if (characteristics.length === 0) {
    throw new SchemaError("PMML_MISSING_ELEMENT", "Characteristics needs at least one Characteristic", {
      path: characteristicsEl.path,
      value: "Characteristic",
    });
  }
  if (useReasonCodes) {
    for (const c of characteristics) {
      if (c.baselineScore === undefined && baselineScore === undefined) {
        throw new SchemaError("PMML_MISSING_ATTRIBUTE", "with useReasonCodes, a Characteristic (or the Scorecard) needs a baselineScore", {
          path: c.path,
          value: "baselineScore",
        });
      }
    }
  }
  return {
    ...base,
    kind: "scorecard",
    initialScore: numberAttr(el, "initialScore", 0),
    useReasonCodes,
    reasonCodeAlgorithm: enumAttr(el, "reasonCodeAlgorithm", ["pointsAbove", "pointsBelow"] as const, "pointsBelow"),
    baselineScore,
    baselineMethod: enumAttr(el, "baselineMethod", ["max", "min", "mean", "neutral", "other"] as const, "other"),
    characteristics,
  };
}

function parseCharacteristic(el: XmlElement): Characteristic {
  const attributes = el.children("Attribute").map(parseAttribute);
  if (attributes.length === 0) {
    throw new SchemaError("PMML_MISSING_ELEMENT", "Characteristic needs at least one Attribute", { path: el.path, value: "Attribute" });
  }
  return {
    name: el.attr("name"),
    reasonCode: el.attr("reasonCode"),
    baselineScore: numberAttr(el, "baselineScore"),
    attributes,
    path: el.path,
  };
}

function parseAttribute(el: XmlElement): ScorecardAttribute {
  const complex = el.child("ComplexPartialScore");
  const partialScore = numberAttr(el, "partialScore");
  if (!complex && partialScore === undefined) {
    throw new SchemaError("PMML_MISSING_ATTRIBUTE", "Attribute needs a partialScore or a ComplexPartialScore", { path: el.path, value: "partialScore" });
  }
  return {
    predicate: predicateChild(el),
    partialScore,
    complexPartialScore: complex ? parseExpression(expressionChild(complex)) : undefined,
    reasonCode: el.attr("reasonCode"),
    path: el.path,
  };
}
