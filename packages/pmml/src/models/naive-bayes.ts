import { SchemaError, type BayesDistribution, type BayesInput, type ModelBase, type NaiveBayesModel, type TargetValueCount } from "@porta/ir";
import { requiredAttr, requiredNumberAttr } from "../attributes.ts";
import { parseDerivedField, unsupported } from "../dictionary.ts";
import type { XmlElement } from "../xml.ts";

/** NaiveBayesModel (PMML 4.4 §NaiveBayesModel). */
export function parseNaiveBayesModel(el: XmlElement, base: ModelBase): NaiveBayesModel {
  const inputsEl = el.child("BayesInputs");
  if (!inputsEl) throw new SchemaError("PMML_MISSING_ELEMENT", "NaiveBayesModel needs BayesInputs", { path: el.path, value: "BayesInputs" });
  const outputEl = el.child("BayesOutput");
  if (!outputEl) throw new SchemaError("PMML_MISSING_ELEMENT", "NaiveBayesModel needs a BayesOutput", { path: el.path, value: "BayesOutput" });
  // Before PMML 4.2, R's pmml package wrapped continuous BayesInputs in an Extension; JPMML reads them too.
  const inputEls = [...inputsEl.children("BayesInput"), ...inputsEl.children("Extension").flatMap((x) => x.children("BayesInput"))];
  return {
    ...base,
    kind: "naiveBayes",
    threshold: requiredNumberAttr(el, "threshold"),
    inputs: inputEls.map(parseBayesInput),
    bayesOutput: { field: requiredAttr(outputEl, "fieldName"), counts: targetValueCounts(outputEl) },
  };
}

function parseBayesInput(el: XmlElement): BayesInput {
  const statsEl = el.child("TargetValueStats");
  const derivedEl = el.child("DerivedField");
  return {
    kind: "bayesInput",
    field: requiredAttr(el, "fieldName"),
    derived: derivedEl ? parseDerivedField(derivedEl) : undefined,
    pairCounts: el.children("PairCounts").map((p) => ({ value: requiredAttr(p, "value"), counts: targetValueCounts(p) })),
    stats: statsEl ? statsEl.children("TargetValueStat").map((s) => ({ value: requiredAttr(s, "value"), distribution: parseDistribution(s) })) : undefined,
    path: el.path,
  };
}

function targetValueCounts(parent: XmlElement): TargetValueCount[] {
  const el = parent.child("TargetValueCounts");
  if (!el) throw new SchemaError("PMML_MISSING_ELEMENT", `${parent.name} needs TargetValueCounts`, { path: parent.path, value: "TargetValueCounts" });
  return el.children("TargetValueCount").map((c) => ({ value: requiredAttr(c, "value"), count: requiredNumberAttr(c, "count") }));
}

const DISTRIBUTIONS = new Set(["GaussianDistribution", "PoissonDistribution", "UniformDistribution", "AnyDistribution"]);

function parseDistribution(stat: XmlElement): BayesDistribution {
  const d = stat.children().find((c) => DISTRIBUTIONS.has(c.name));
  if (!d) throw new SchemaError("PMML_MISSING_ELEMENT", "TargetValueStat needs a continuous distribution", { path: stat.path, value: "GaussianDistribution" });
  switch (d.name) {
    case "GaussianDistribution":
      return { kind: "gaussian", mean: requiredNumberAttr(d, "mean"), variance: requiredNumberAttr(d, "variance") };
    case "PoissonDistribution":
      return { kind: "poisson", mean: requiredNumberAttr(d, "mean") };
    default:
      // "For Naive Bayes models, continuous distribution types are restricted to Gaussian and Poisson."
      return unsupported(d, `TargetValueStat/${d.name}`);
  }
}
