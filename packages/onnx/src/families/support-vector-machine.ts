import { PortaError, lowerSvm, type SupportVectorMachineModel, type SvmPlan, type SvmTarget } from "@porta/ir";
import type { GraphBuilder } from "../graph.ts";
import { NotExportable } from "../refusal.ts";
import { codeOf, type GraphScope } from "../scope.ts";
import { loweringTarget } from "./target.ts";

/**
 * SupportVectorMachineModel (PMML 4.4 §SupportVectorMachine): every machine's
 * f(x) = Σ αᵢ K(x, xᵢ) + b, one column per machine [N, machines], from the lowered plan; the
 * backend combines them with the interpreter's svmResult (one-against-all, votes by threshold,
 * binary rounding, tie order).
 *
 * Not ai.onnx.ml SVMRegressor/SVMClassifier: their support vectors, coefficients, rho and
 * kernel_params are FLOATS attributes (32 bits), ~1e-7 from the document's doubles, while the
 * corpus compares to 1e-15 (JPMML) and 1e-6; and SVMClassifier's libsvm vote is not PMML's
 * (thresholds, first-category ties). Standard double ops reproduce the interpreter instead: every
 * sum runs in its order (over vector fields for a kernel, over support vectors for f) as
 * step-by-step Add nodes, each step vectorised across dictionary vectors or machines.
 */
export function svmValues(model: SupportVectorMachineModel, scope: GraphScope, top: boolean): { values: string; plan: SvmPlan; machines: number } {
  const plan = lowered(model, loweringTarget(model, "SupportVectorMachineModel", scope.root.pipeline, top));
  const g = scope.g;
  const x = inputColumns(plan, scope);
  const machines = plan.kind === "regression" ? [plan.machine] : plan.machines;
  const M = machines.length;
  const b = g.doubles(
    machines.map((m) => m.absoluteValue),
    [1, M],
  );
  let f = g.doubles(new Float64Array(M), [1, M]);
  if (plan.representation === "Coefficients") {
    // Linear kernel written as one coefficient per vector field: Σ αq·xq.
    x.forEach((xq, q) => {
      f = g.add(
        f,
        g.mul(
          xq,
          g.doubles(
            machines.map((m) => m.coefficients[q]),
            [1, M],
          ),
        ),
      );
    });
  } else {
    const K = kernelMatrix(plan, x, g);
    const steps = Math.max(0, ...machines.map((m) => m.supportVectors.length));
    for (let i = 0; i < steps; i++) {
      // Step i of every machine's sum: its i-th support vector's column of K times αᵢ; a machine
      // with fewer vectors adds exactly 0 (Where, not 0·K, which is NaN where K overflows).
      const columns = g.op("Gather", [K, g.int64s(machines.map((m) => m.supportVectors[i] ?? 0))], { axis: { kind: "int", value: 1 } });
      const term = g.mul(
        g.doubles(
          machines.map((m) => m.coefficients[i] ?? 0),
          [1, M],
        ),
        columns,
      );
      const short = machines.some((m) => i >= m.supportVectors.length);
      f = g.add(
        f,
        short
          ? g.where(
              g.op("Equal", [
                g.doubles(
                  machines.map((m) => (i < m.supportVectors.length ? 1 : 0)),
                  [1, M],
                ),
                g.scalar(1),
              ]),
              term,
              g.scalar(0),
            )
          : term,
      );
    }
  }
  return { values: g.add(f, b), plan, machines: M };
}

/** A plan the interpreter rejects is an error on every row it scores: left to the interpreter. */
function lowered(model: SupportVectorMachineModel, target: SvmTarget): SvmPlan {
  try {
    return lowerSvm(model, target);
  } catch (e) {
    if (e instanceof PortaError) throw new NotExportable(`SupportVectorMachineModel (${e.code}${e.path ? ` at ${e.path}` : ""})`);
    throw e;
  }
}

/** x as the interpreter reads it: a FieldRef's number, a categorical predictor's 0/1 (NaN missing: the backend then leaves the row to the interpreter). */
function inputColumns(plan: SvmPlan, scope: GraphScope): string[] {
  const g = scope.g;
  return plan.vectorFields.map((vf) => {
    const v = scope.resolve(vf.field);
    if (vf.kind === "fieldRef") {
      if (v.kind !== "number") throw new NotExportable(`VectorFields FieldRef field="${vf.field}" is text`);
      return v.tensor;
    }
    let literal: number;
    if (v.kind === "code") literal = codeOf(v.table, vf.value);
    else {
      literal = Number(vf.value);
      if (vf.value.trim() === "" || Number.isNaN(literal))
        throw new NotExportable(`CategoricalPredictor name="${vf.field}" value="${vf.value}" is not a number`);
    }
    return g.where(g.isNaN(v.tensor), g.scalar(NaN), g.where(g.op("Equal", [v.tensor, g.scalar(literal)]), g.scalar(1), g.scalar(0)));
  });
}

/** K(x, vᵥ) for every dictionary vector v: [N, vectors], each sum over the vector fields in order. */
function kernelMatrix(plan: SvmPlan, x: string[], g: GraphBuilder): string {
  const V = plan.vectors.length;
  if (V === 0) throw new NotExportable("SupportVectorMachineModel without VectorInstance elements is not exported");
  const row = (q: number): string =>
    g.doubles(
      plan.vectors.map((v) => v[q]),
      [1, V],
    );
  const zeros = g.doubles(new Float64Array(V), [1, V]);
  const k = plan.kernel;
  if (k.kind === "radialBasis") {
    let sum = zeros;
    x.forEach((xq, q) => {
      const d = g.sub(xq, row(q));
      sum = g.add(sum, g.mul(d, d));
    });
    return g.op("Exp", [g.mul(g.op("Neg", [sum]), g.scalar(k.gamma))]);
  }
  let dot = zeros;
  x.forEach((xq, q) => {
    dot = g.add(dot, g.mul(xq, row(q)));
  });
  switch (k.kind) {
    case "linear":
      return dot;
    case "polynomial":
      return g.op("Pow", [g.add(g.mul(dot, g.scalar(k.gamma)), g.scalar(k.coef0)), g.scalar(k.degree)]);
    case "sigmoid":
      return g.op("Tanh", [g.add(g.mul(dot, g.scalar(k.gamma)), g.scalar(k.coef0))]);
  }
}
