import {
  SchemaError,
  UnsupportedFeatureError,
  type BayesianNetworkModel,
  type BayesNetDistribution,
  type BayesNetNode,
  type DiscreteProbabilities,
  type Expr,
  type ModelBase,
  type ParentValue,
} from "@porta/ir";
import { requiredAttr, requiredNumberAttr } from "../attributes.ts";
import { expressionChild } from "../dictionary.ts";
import { parseExpression } from "../expressions.ts";
import type { XmlElement } from "../xml.ts";

/** BayesianNetworkModel (PMML 4.4 §BayesianNetworkModel). */
export function parseBayesianNetworkModel(el: XmlElement, base: ModelBase): BayesianNetworkModel {
  const nodesEl = el.child("BayesianNetworkNodes");
  if (!nodesEl)
    throw new SchemaError("PMML_MISSING_ELEMENT", "BayesianNetworkModel needs BayesianNetworkNodes", { path: el.path, value: "BayesianNetworkNodes" });
  const nodes = nodesEl
    .children()
    .filter((c) => c.name === "DiscreteNode" || c.name === "ContinuousNode")
    .map(parseNode);
  if (nodes.length === 0) throw new SchemaError("PMML_MISSING_ELEMENT", "BayesianNetworkNodes needs nodes", { path: nodesEl.path, value: "DiscreteNode" });
  return { ...base, kind: "bayesianNetwork", nodes };
}

function parseNode(el: XmlElement): BayesNetNode {
  const derived = el.child("DerivedField");
  if (derived) throw new UnsupportedFeatureError(`${el.name}/DerivedField`, undefined, { path: derived.path });
  const name = requiredAttr(el, "name");
  if (el.name === "DiscreteNode") {
    const conditional = el.children("DiscreteConditionalProbability");
    const tables: DiscreteProbabilities[] =
      conditional.length > 0
        ? conditional.map((c) => ({ parents: parentValues(c), probabilities: valueProbabilities(c) }))
        : [{ parents: [], probabilities: valueProbabilities(el) }];
    const values: string[] = [];
    for (const t of tables) for (const p of t.probabilities) if (!values.includes(p.value)) values.push(p.value);
    if (values.length === 0)
      throw new SchemaError("PMML_MISSING_ELEMENT", `DiscreteNode "${name}" has no ValueProbability`, { path: el.path, value: "ValueProbability" });
    return { kind: "discrete", name, values, tables, path: el.path };
  }
  const conditional = el.children("ContinuousConditionalProbability");
  const tables =
    conditional.length > 0
      ? conditional.map((c) => ({ parents: parentValues(c), distribution: distribution(c) }))
      : [{ parents: [], distribution: distribution(el) }];
  return { kind: "continuous", name, tables, path: el.path };
}

function parentValues(el: XmlElement): ParentValue[] {
  return el.children("ParentValue").map((p) => ({ parent: requiredAttr(p, "parent"), value: requiredAttr(p, "value") }));
}

function valueProbabilities(el: XmlElement): { value: string; probability: number }[] {
  return el.children("ValueProbability").map((v) => ({ value: requiredAttr(v, "value"), probability: requiredNumberAttr(v, "probability") }));
}

function distribution(holder: XmlElement): BayesNetDistribution {
  const cd = holder.child("ContinuousDistribution");
  const d = cd?.children().find((c) => c.name.endsWith("DistributionForBN"));
  if (!d)
    throw new SchemaError("PMML_MISSING_ELEMENT", `${holder.name} needs a ContinuousDistribution`, { path: holder.path, value: "ContinuousDistribution" });
  const expr = (name: string): Expr => {
    const p = d.child(name);
    if (!p) throw new SchemaError("PMML_MISSING_ELEMENT", `${d.name} needs ${name}`, { path: d.path, value: name });
    return parseExpression(expressionChild(p));
  };
  switch (d.name) {
    case "NormalDistributionForBN":
      return { kind: "normal", mean: expr("Mean"), variance: expr("Variance") };
    case "LognormalDistributionForBN":
      return { kind: "lognormal", mean: expr("Mean"), variance: expr("Variance") };
    case "UniformDistributionForBN":
      return { kind: "uniform", lower: expr("Lower"), upper: expr("Upper") };
    case "TriangularDistributionForBN":
      return { kind: "triangular", mean: expr("Mean"), lower: expr("Lower"), upper: expr("Upper") };
    default:
      throw new UnsupportedFeatureError(d.name, undefined, { path: d.path });
  }
}
