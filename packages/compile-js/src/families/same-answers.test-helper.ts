import { expect } from "vitest";
import { parsePmml } from "@porta/pmml";
import { pmmlModel } from "@porta/runtime";

/**
 * Scores rows with the interpreter and with compile-js; asserts compile-js compiled the document
 * (no fallback) and that every row's result, or error code, is identical.
 */
export function expectSameAnswers(text: string, rows: Record<string, unknown>[]): void {
  const pipeline = parsePmml(text);
  const interp = pmmlModel(pipeline, "interp");
  const js = pmmlModel(pipeline, "js");
  expect(js.notices).toEqual([]);
  expect(js.backend).toBe("js");
  const a = interp.scoreBatch(rows, { onError: "collect" });
  const b = js.scoreBatch(rows, { onError: "collect" });
  expect(b.results).toEqual(a.results);
  expect(b.errors.map((e) => [e.row, e.code])).toEqual(a.errors.map((e) => [e.row, e.code]));
}

/** Rows over x, y (and z) with every missing pattern and exact ties. */
export const xyRows: Record<string, unknown>[] = [
  { x: 0, y: 0, z: "a" },
  { x: 1, y: 2, z: "b" },
  { x: -3.5, y: 7.25, z: "c" },
  { x: 5, y: 5, z: "a" },
  { x: null, y: 1, z: "b" },
  { x: 2, y: null, z: null },
  { x: null, y: null, z: "a" },
  { x: 10, y: 10, z: "zz" },
  { x: 1e-300, y: -1e300, z: "c" },
  { x: 0.1, y: 0.2, z: "b" },
];

export function pmml(dataFields: string, model: string): string {
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary>${dataFields}</DataDictionary>
${model}
</PMML>`;
}

export const xyFields = `<DataField name="x" optype="continuous" dataType="double"/>
<DataField name="y" optype="continuous" dataType="double"/>
<DataField name="z" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/><Value value="c"/></DataField>
<DataField name="t" optype="categorical" dataType="string"><Value value="yes"/><Value value="no"/></DataField>
<DataField name="r" optype="continuous" dataType="double"/>`;
