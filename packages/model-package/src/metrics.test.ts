import { describe, expect, it } from "vitest";
import { accuracy, auc, f1, logLoss, mae, rmse } from "./metrics.ts";

// Expected figures are scikit-learn's for the same inputs (its documentation's examples where it has one).
describe("confidence-set metrics (scikit-learn's definitions)", () => {
  it("accuracy_score", () => {
    expect(accuracy(["a", "b", "a", "c"], ["a", "b", "c", "c"])).toBe(0.75);
  });

  it("f1_score of one class, and macro-averaged without one", () => {
    const labels = ["1", "1", "0", "0", "1"];
    const predictions = ["1", "0", "0", "1", "1"];
    expect(f1(labels, predictions, "1")).toBeCloseTo(2 / 3, 15);
    expect(f1(labels, predictions)).toBeCloseTo((2 / 3 + 1 / 2) / 2, 15);
    expect(f1(["a"], ["a"], "b")).toBe(0); // zero_division=0
  });

  it("roc_auc_score, ties between a positive and a negative counting half", () => {
    expect(auc([false, false, true, true], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(auc([false, true, false, true], [0.5, 0.5, 0.2, 0.9])).toBe(0.875);
    expect(() => auc([true, true], [0.1, 0.2])).toThrow(/both classes/);
  });

  it("root of mean_squared_error, and mean_absolute_error", () => {
    expect(rmse([3, -0.5, 2, 7], [2.5, 0, 2, 8])).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(mae([3, -0.5, 2, 7], [2.5, 0, 2, 8])).toBe(0.5);
  });

  it("log_loss, rows normalised and clipped", () => {
    const rows = [
      { ham: 0.1, spam: 0.9 },
      { ham: 0.9, spam: 0.1 },
      { ham: 0.8, spam: 0.2 },
      { ham: 0.35, spam: 0.65 },
    ];
    expect(logLoss(["spam", "ham", "ham", "spam"], rows)).toBeCloseTo(0.21616187468057912, 12);
    expect(logLoss(["spam"], [{ ham: 2, spam: 2 }])).toBeCloseTo(Math.log(2), 15);
    expect(logLoss(["spam"], [{ ham: 1, spam: 0 }])).toBeCloseTo(-Math.log(2.220446049250313e-16), 10);
  });

  it("refuses empty or unequal inputs", () => {
    expect(() => accuracy([], [])).toThrow(RangeError);
    expect(() => mae([1], [1, 2])).toThrow(/differ in length/);
  });
});
