import { SchemaError, UnsupportedFeatureError, type GaussianProcessKernel, type GaussianProcessModel, type ModelBase } from "@porta/ir";
import { numberArray, numberAttr, requiredAttr } from "../attributes.ts";
import type { XmlElement } from "../xml.ts";

const KERNELS = ["RadialBasisKernel", "ARDSquaredExponentialKernel", "AbsoluteExponentialKernel", "GeneralizedExponentialKernel"];

/** GaussianProcessModel (PMML 4.4 §GaussianProcessModel). */
export function parseGaussianProcessModel(el: XmlElement, base: ModelBase): GaussianProcessModel {
  if (base.functionName !== "regression") {
    throw new UnsupportedFeatureError(`GaussianProcessModel@functionName=${base.functionName}`, undefined, { path: el.path });
  }
  const kernelEl = el.children().find((c) => KERNELS.includes(c.name));
  if (!kernelEl) throw new SchemaError("PMML_MISSING_ELEMENT", "GaussianProcessModel needs a kernel", { path: el.path, value: KERNELS.join(" | ") });
  const inputs = base.miningSchema.filter((f) => f.usageType === "active").map((f) => f.name);
  const target = base.miningSchema.find((f) => f.usageType === "predicted" || f.usageType === "target")?.name;
  if (!target)
    throw new SchemaError("PMML_MISSING_ELEMENT", "GaussianProcessModel needs a target MiningField", {
      path: `${el.path}/MiningSchema`,
      value: "usageType=predicted",
    });
  const kernel = parseKernel(kernelEl, inputs.length);
  const training = el.child("TrainingInstances");
  if (!training) throw new SchemaError("PMML_MISSING_ELEMENT", "GaussianProcessModel needs TrainingInstances", { path: el.path, value: "TrainingInstances" });
  const table = training.child("InlineTable");
  if (!table)
    throw new UnsupportedFeatureError(training.child("TableLocator") ? "TrainingInstances/TableLocator" : "TrainingInstances without InlineTable", undefined, {
      path: training.path,
    });
  const column = new Map<string, string>();
  for (const f of training.child("InstanceFields")?.children("InstanceField") ?? []) {
    const field = requiredAttr(f, "field");
    const c = f.attr("column") ?? field;
    column.set(field, c.includes(":") ? c.slice(c.indexOf(":") + 1) : c);
  }
  const cell = (row: XmlElement, field: string): number => {
    const name = column.get(field) ?? field;
    const c = row.children().find((e) => e.name === name);
    const v = c === undefined ? NaN : Number(c.text().trim());
    if (!Number.isFinite(v))
      throw new SchemaError("PMML_BAD_VALUE", `training instance has no number for "${field}"`, { path: row.path, value: c?.text() ?? null });
    return v;
  };
  const rows = table.children("row");
  if (rows.length === 0) throw new SchemaError("PMML_MISSING_ELEMENT", "TrainingInstances has no rows", { path: table.path, value: "row" });
  return {
    ...base,
    kind: "gaussianProcess",
    kernel,
    inputs,
    x: rows.map((r) => inputs.map((f) => cell(r, f))),
    y: rows.map((r) => cell(r, target)),
  };
}

function parseKernel(el: XmlElement, dimensions: number): GaussianProcessKernel {
  const gamma = numberAttr(el, "gamma", 1);
  const noiseVariance = numberAttr(el, "noiseVariance", 1);
  if (el.name === "RadialBasisKernel") return { kind: "radialBasis", gamma, noiseVariance, lambda: numberAttr(el, "lambda", 1) };
  const lambdaEls = el.children("Lambda");
  // One Lambda with an Array of one length-scale per input, or one Lambda per input.
  let lambdas = lambdaEls.length === 1 ? numberArray(lambdaEls[0].child("Array") ?? lambdaEls[0]) : lambdaEls.map((l) => numberArray(l.child("Array") ?? l)[0]);
  if (lambdas.length === 1 && dimensions > 1) lambdas = new Array<number>(dimensions).fill(lambdas[0]);
  if (lambdas.length === 0) lambdas = new Array<number>(dimensions).fill(1);
  if (lambdas.length !== dimensions) {
    throw new SchemaError("PMML_BAD_VALUE", `${el.name} needs one Lambda per input field`, { path: el.path, value: lambdas.length });
  }
  switch (el.name) {
    case "ARDSquaredExponentialKernel":
      return { kind: "ardSquaredExponential", gamma, noiseVariance, lambdas };
    case "AbsoluteExponentialKernel":
      return { kind: "absoluteExponential", gamma, noiseVariance, lambdas };
    default:
      return { kind: "generalizedExponential", gamma, noiseVariance, degree: numberAttr(el, "degree", 1), lambdas };
  }
}
