import { describe, expect, it } from "vitest";
import type { SupportVectorMachine, SupportVectorMachineModel } from "../models/support-vector-machine.ts";
import { lowerSvm, type SvmTarget } from "./support-vector-machine.ts";

const machine = (more: Partial<SupportVectorMachine>): SupportVectorMachine => ({
  supportVectors: ["s1"],
  coefficients: [1],
  absoluteValue: 0.5,
  path: "/PMML/SupportVectorMachineModel/SupportVectorMachine",
  ...more,
});

function model(more: Partial<SupportVectorMachineModel>): SupportVectorMachineModel {
  return {
    kind: "svm",
    functionName: "classification",
    path: "/PMML/SupportVectorMachineModel",
    miningSchema: [],
    output: [],
    targets: [],
    localTransformations: [],
    kernel: { kind: "radialBasis", gamma: 0.25 },
    representation: "SupportVectors",
    threshold: 0,
    maxWins: false,
    vectorFields: [
      { kind: "fieldRef", field: "a" },
      { kind: "fieldRef", field: "b" },
    ],
    vectors: { s1: [1, 2], s2: [3], s3: [4, 5, 6] },
    machines: [],
    ...more,
  } as unknown as SupportVectorMachineModel;
}
const text: SvmTarget = { category: (t) => t };

describe("lowerSvm (PMML 4.4 §SupportVectorMachine)", () => {
  it("vectors: one dense row per VectorInstance in document order, NaN where a vector is short, cut where long; support vectors as row indices", () => {
    const plan = lowerSvm(model({ functionName: "regression", machines: [machine({ supportVectors: ["s3", "s1"], coefficients: [2, -1] })] }), text);
    expect(plan).toMatchObject({
      kind: "regression",
      kernel: { kind: "radialBasis", gamma: 0.25 },
      vectorIds: ["s1", "s2", "s3"],
      vectors: [
        [1, 2],
        [3, NaN],
        [4, 5],
      ],
    });
    expect(plan.kind === "regression" && plan.machine).toMatchObject({ coefficients: [2, -1], supportVectors: [2, 0], absoluteValue: 0.5 });
  });

  it("§regression needs exactly one machine; a functionName other than regression or classification is refused", () => {
    expect(() => lowerSvm(model({ functionName: "regression", machines: [machine({}), machine({})] }), text)).toThrow(
      expect.objectContaining({ code: "PMML_SVM_MACHINES", value: 2 }),
    );
    expect(() => lowerSvm(model({ functionName: "clustering" as SupportVectorMachineModel["functionName"], machines: [machine({})] }), text)).toThrow(
      expect.objectContaining({ code: "PMML_FUNCTION_NAME" }),
    );
  });

  it("coefficients must match the support vectors (or the vector fields, Coefficients representation); a vector id must be in the VectorDictionary", () => {
    expect(() => lowerSvm(model({ functionName: "regression", machines: [machine({ coefficients: [1, 2] })] }), text)).toThrow(
      expect.objectContaining({ code: "PMML_SVM_COEFFICIENTS", value: 2 }),
    );
    expect(() =>
      lowerSvm(model({ functionName: "regression", representation: "Coefficients", machines: [machine({ supportVectors: [], coefficients: [1] })] }), text),
    ).toThrow(expect.objectContaining({ code: "PMML_SVM_COEFFICIENTS", value: 1 }));
    expect(() => lowerSvm(model({ functionName: "regression", machines: [machine({ supportVectors: ["nope"] })] }), text)).toThrow(
      expect.objectContaining({ code: "PMML_SVM_VECTOR", value: "nope" }),
    );
  });

  it("classificationMethod inferred: alternateTargetCategory on the first machine means one-against-one; thresholds per machine, else the model's", () => {
    const plan = lowerSvm(
      model({
        threshold: 0.3,
        machines: [
          machine({ targetCategory: "1", alternateTargetCategory: "2" }),
          machine({ targetCategory: "2", alternateTargetCategory: "3", threshold: 7 }),
        ],
      }),
      { category: (t) => Number(t) },
    );
    expect(plan).toMatchObject({ kind: "classification", method: "OneAgainstOne", categories: [1, 2, 3] });
    expect(plan.kind === "classification" && plan.machines.map((m) => [m.category, m.alternate, m.threshold])).toEqual([
      [0, 1, 0.3],
      [1, 2, 7],
    ]);
  });

  it("one-against-all: one category per machine; alternateTargetCategory there is misplaced; targetCategory is required", () => {
    const plan = lowerSvm(model({ maxWins: true, machines: [machine({ targetCategory: "u" }), machine({ targetCategory: "v" })] }), text);
    expect(plan).toMatchObject({ method: "OneAgainstAll", maxWins: true, categories: ["u", "v"] });
    expect(() =>
      lowerSvm(model({ classificationMethod: "OneAgainstAll", machines: [machine({ targetCategory: "u", alternateTargetCategory: "v" })] }), text),
    ).toThrow(
      expect.objectContaining({ code: "PMML_MISPLACED_ATTRIBUTE", path: "/PMML/SupportVectorMachineModel/SupportVectorMachine/@alternateTargetCategory" }),
    );
    expect(() => lowerSvm(model({ machines: [machine({})] }), text)).toThrow(
      expect.objectContaining({ code: "PMML_MISSING_ATTRIBUTE", value: "targetCategory" }),
    );
  });

  it("alternateBinaryTargetCategory: a binary plan (one machine, the alternate category the model's); several machines are refused when inferred", () => {
    const plan = lowerSvm(model({ alternateBinaryTargetCategory: "no", machines: [machine({ targetCategory: "yes" })] }), text);
    expect(plan).toMatchObject({ method: "binary", categories: ["yes", "no"], machines: [{ category: 0, alternate: 1 }] });
    expect(() =>
      lowerSvm(model({ alternateBinaryTargetCategory: "no", machines: [machine({ targetCategory: "yes" }), machine({ targetCategory: "maybe" })] }), text),
    ).toThrow(expect.objectContaining({ code: "PMML_SVM_MACHINES", value: 2 }));
    expect(() =>
      lowerSvm(
        model({
          classificationMethod: "OneAgainstOne",
          alternateBinaryTargetCategory: "no",
          machines: [machine({ targetCategory: "yes", alternateTargetCategory: "x" })],
        }),
        text,
      ),
    ).toThrow(expect.objectContaining({ code: "PMML_MISPLACED_ATTRIBUTE" }));
    expect(() => lowerSvm(model({ classificationMethod: "OneAgainstOne", machines: [machine({ targetCategory: "yes" })] }), text)).toThrow(
      expect.objectContaining({ code: "PMML_MISSING_ATTRIBUTE", value: "alternateTargetCategory" }),
    );
  });
});
