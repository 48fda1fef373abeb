import { SchemaError, UnsupportedFeatureError, type ModelBase, type SupportVectorMachineModel, type SvmKernel, type SvmVectorField } from "@porta/ir";
import { booleanAttr, enumAttr, numberArray, numberAttr, requiredAttr } from "../attributes.ts";
import { unsupported } from "../dictionary.ts";
import type { XmlElement } from "../xml.ts";

/** SupportVectorMachineModel (PMML 4.4 §SupportVectorMachine). */
export function parseSupportVectorMachineModel(el: XmlElement, base: ModelBase): SupportVectorMachineModel {
  const dictionary = el.child("VectorDictionary");
  if (!dictionary) throw missing(el, "VectorDictionary");
  const fieldsEl = dictionary.child("VectorFields");
  if (!fieldsEl) throw missing(dictionary, "VectorFields");
  const vectorFields = fieldsEl
    .children()
    .filter((f) => f.name !== "Extension")
    .map((f): SvmVectorField => {
      if (f.name === "FieldRef") return { kind: "fieldRef", field: requiredAttr(f, "field") };
      if (f.name === "CategoricalPredictor") {
        const coefficient = numberAttr(f, "coefficient", 1);
        if (coefficient !== 1) {
          throw new SchemaError("PMML_BAD_ATTRIBUTE", "a VectorFields CategoricalPredictor must have coefficient 1", {
            path: `${f.path}/@coefficient`,
            value: coefficient,
          });
        }
        return { kind: "categoricalPredictor", field: requiredAttr(f, "name"), value: requiredAttr(f, "value"), coefficient };
      }
      return unsupported(f, `VectorFields/${f.name}`);
    });
  const vectors: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
  for (const v of dictionary.children("VectorInstance")) {
    const id = requiredAttr(v, "id");
    const values = vectorValues(v, vectorFields.length);
    if (values.length !== vectorFields.length) {
      throw new SchemaError("PMML_SVM_VECTOR", `VectorInstance "${id}" has ${values.length} values for ${vectorFields.length} vector fields`, {
        path: v.path,
        value: values.length,
      });
    }
    vectors[id] = values;
  }
  const representation = enumAttr(el, "svmRepresentation", ["SupportVectors", "Coefficients"] as const, "SupportVectors");
  // JPMML's evaluator refuses both when it is built, before any row: maxWins, and the
  // Coefficients representation (one coefficient per vector field, linear kernels only).
  const maxWins = booleanAttr(el, "maxWins", false);
  if (maxWins) {
    throw new UnsupportedFeatureError("SupportVectorMachineModel@maxWins=true", "SupportVectorMachineModel@maxWins=true is not supported (JPMML refuses it)", {
      path: `${el.path}/@maxWins`,
    });
  }
  if (representation === "Coefficients") {
    throw new UnsupportedFeatureError(
      "SupportVectorMachineModel@svmRepresentation=Coefficients",
      "SupportVectorMachineModel@svmRepresentation=Coefficients is not supported (JPMML refuses it)",
      { path: `${el.path}/@svmRepresentation` },
    );
  }
  const kernel = parseKernel(el);
  const machines = el.children("SupportVectorMachine").map((m) => {
    const coefficients = m.child("Coefficients");
    if (!coefficients) throw missing(m, "Coefficients");
    return {
      targetCategory: m.attr("targetCategory"),
      alternateTargetCategory: m.attr("alternateTargetCategory"),
      threshold: numberAttr(m, "threshold"),
      supportVectors: (m.child("SupportVectors")?.children("SupportVector") ?? []).map((s) => requiredAttr(s, "vectorId")),
      coefficients: coefficients.children("Coefficient").map((c) => numberAttr(c, "value", 0)),
      absoluteValue: numberAttr(coefficients, "absoluteValue", 0),
      path: m.path,
    };
  });
  if (machines.length === 0) throw missing(el, "SupportVectorMachine");
  return {
    ...base,
    kind: "svm",
    kernel,
    representation,
    classificationMethod: enumAttr(el, "classificationMethod", ["OneAgainstAll", "OneAgainstOne"] as const),
    threshold: numberAttr(el, "threshold", 0),
    maxWins,
    alternateBinaryTargetCategory: el.attr("alternateBinaryTargetCategory"),
    vectorFields,
    vectors,
    machines,
  };
}

function parseKernel(el: XmlElement): SvmKernel {
  const linear = el.child("LinearKernelType");
  if (linear) return { kind: "linear" };
  const poly = el.child("PolynomialKernelType");
  if (poly) return { kind: "polynomial", gamma: numberAttr(poly, "gamma", 1), coef0: numberAttr(poly, "coef0", 1), degree: numberAttr(poly, "degree", 1) };
  const rbf = el.child("RadialBasisKernelType");
  if (rbf) return { kind: "radialBasis", gamma: numberAttr(rbf, "gamma", 1) };
  const sigmoid = el.child("SigmoidKernelType");
  if (sigmoid) return { kind: "sigmoid", gamma: numberAttr(sigmoid, "gamma", 1), coef0: numberAttr(sigmoid, "coef0", 1) };
  throw missing(el, "kernel (LinearKernelType, PolynomialKernelType, RadialBasisKernelType or SigmoidKernelType)");
}

/** A VectorInstance's values: a dense Array or a REAL-SparseArray (1-based Indices, zeros elsewhere). */
function vectorValues(v: XmlElement, n: number): number[] {
  const array = v.child("Array");
  const sparse = v.child("REAL-SparseArray") ?? v.child("INT-SparseArray");
  if (array && !sparse) return numberArray(array);
  if (sparse && !array) {
    const size = numberAttr(sparse, "n", n);
    const indices = sparse.child("Indices");
    const entries = sparse.child("REAL-Entries") ?? sparse.child("INT-Entries");
    const idx = indices ? numberArray(indices) : [];
    const vals = entries ? numberArray(entries) : [];
    if (idx.length !== vals.length) {
      throw new SchemaError("PMML_SPARSE_ARRAY", `${idx.length} Indices for ${vals.length} Entries`, { path: sparse.path, value: idx.length });
    }
    const out = new Array<number>(size).fill(0);
    idx.forEach((i, k) => {
      if (!Number.isInteger(i) || i < 1 || i > size) {
        throw new SchemaError("PMML_SPARSE_ARRAY", `index ${i} is outside 1..${size}`, { path: sparse.path, value: i });
      }
      out[i - 1] = vals[k];
    });
    return out;
  }
  throw new SchemaError("PMML_SVM_VECTOR", "VectorInstance needs exactly one of Array and REAL-SparseArray", { path: v.path, value: null });
}

function missing(el: XmlElement, name: string): SchemaError {
  return new SchemaError("PMML_MISSING_ELEMENT", `${el.name} needs a ${name}`, { path: el.path, value: name });
}
