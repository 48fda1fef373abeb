import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateOpened } from "./validate.ts";
import { loadPackageModel, verifyOpened } from "./verify.ts";

const CHURN = join(import.meta.dirname, "..", "..", "..", "fixtures", "packages", "churn-pmml");

describe("verifyOpened with a model already loaded (the registry verifies the instance it serves)", () => {
  it("runs the sets on that instance and leaves it to the caller, undisposed", async () => {
    const { manifest } = validateOpened(CHURN);
    const model = await loadPackageModel(CHURN, manifest!, { scoring: "sync" });
    let disposed = 0;
    const watched = Object.assign(Object.create(model) as typeof model, {
      dispose: async () => {
        disposed++;
      },
    });
    const report = await verifyOpened(CHURN, { model: watched });
    expect(report).toMatchObject({ ok: true, backend: model.backend, endToEnd: { passed: 6 }, confidence: { value: 0.75 } });
    expect(report.loadMs).toBeUndefined();
    expect(disposed).toBe(0);
    expect(model.score({ x1: 1, x2: 2 })).toMatchObject({ predicted_churn: "yes" });
    await model.dispose();
  });

  it("loads and disposes its own model otherwise, timing the load", async () => {
    const report = await verifyOpened(CHURN);
    expect(report.ok).toBe(true);
    expect(report.loadMs).toBeGreaterThan(0);
  });
});
