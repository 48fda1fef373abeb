import { expect } from "vitest";
import { loadModel } from "@porta/runtime";

/**
 * Scores rows through the onnx backend alone and through the interpreter, and expects the same
 * results and the same failing rows (the interpreter is the reference every backend answers to).
 * Returns the onnx results.
 */
export async function expectOnnxAgrees(pmml: string, rows: Record<string, unknown>[]): Promise<(Record<string, unknown> | null)[]> {
  const onnx = await loadModel(pmml, { format: "pmml", backend: ["onnx"], scoring: "async" });
  expect(onnx.backend).toBe("onnx");
  const interp = await loadModel(pmml, { format: "pmml", backend: ["interp"] });
  const got = await onnx.scoreBatchAsync(rows, { onError: "collect" });
  const want = interp.scoreBatch(rows, { onError: "collect" });
  rows.forEach((row, i) => {
    const g = got.results[i],
      w = want.results[i];
    if (w === null) {
      expect(g, JSON.stringify(row)).toBeNull();
      return;
    }
    expect(g, JSON.stringify(row)).not.toBeNull();
    expect(Object.keys(g!).sort()).toEqual(Object.keys(w).sort());
    for (const k of Object.keys(w)) {
      const a = g![k],
        b = w[k];
      if (typeof b === "number" && typeof a === "number") expect(a, `${k} of ${JSON.stringify(row)}`).toBeCloseTo(b, 12);
      else expect(a, `${k} of ${JSON.stringify(row)}`).toEqual(b);
    }
  });
  await onnx.dispose();
  return got.results;
}

/** The onnx backend's refusal reason for a document. */
export async function onnxRefusal(pmml: string): Promise<string> {
  try {
    await loadModel(pmml, { format: "pmml", backend: ["onnx"], scoring: "async" });
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error("the onnx backend accepted the document");
}

export function doc(dataFields: string, model: string, transformations = ""): string {
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/><DataDictionary>${dataFields}</DataDictionary>${transformations ? `<TransformationDictionary>${transformations}</TransformationDictionary>` : ""}${model}</PMML>`;
}
