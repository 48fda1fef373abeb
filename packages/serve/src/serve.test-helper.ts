import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..", "..");
export const IRIS_ROW = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };

/**
 * y = 2x + b, x a double in [0, 100] with invalidValueTreatment="returnInvalid": x = 500 fails
 * the row (PMML §MiningField), which is how the tests make a bad row with a path and a value.
 */
export function linearPmml(intercept = 1): string {
  return `<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4"><Header/>
<DataDictionary numberOfFields="2">
<DataField name="x" optype="continuous" dataType="double"><Interval closure="closedClosed" leftMargin="0" rightMargin="100"/></DataField>
<DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
<RegressionModel functionName="regression"><MiningSchema><MiningField name="x" invalidValueTreatment="returnInvalid"/><MiningField name="y" usageType="target"/></MiningSchema>
<RegressionTable intercept="${intercept}"><NumericPredictor name="x" coefficient="2"/></RegressionTable></RegressionModel></PMML>`;
}

/** A models folder: the iris tree and the linear model as plain documents, and the churn package. */
export function modelsDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "porta-serve-"));
  cpSync(join(ROOT, "fixtures", "pmml", "iris-tree.pmml"), join(dir, "iris-tree.pmml"));
  cpSync(join(ROOT, "fixtures", "packages", "churn-pmml"), join(dir, "churn"), { recursive: true });
  writeFileSync(join(dir, "linear.pmml"), linearPmml());
  writeFileSync(join(dir, "notes.txt"), "not a model: left alone");
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
