import { describe, expect, it } from "vitest";
import { parsePmml } from "./parse.ts";

const doc = (
  version: string | null,
  ns: string | null,
) => `<PMML${version === null ? "" : ` version="${version}"`}${ns === null ? "" : ` xmlns="${ns}"`}><Header/>
  <DataDictionary><DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
  <RegressionModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
  <RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/></RegressionTable></RegressionModel></PMML>`;

describe("PMML version and namespace: a label, never a reason to refuse", () => {
  it("reads every DMG release and patch release without a notice (4.4.1 in the 4_4 namespace, as R pmml and nyoka write)", () => {
    for (const [v, ns] of [
      ["4.4.1", "4_4"],
      ["4.4.2", "4_4"],
      ["4.4", "4_4"],
      ["4.3", "4_3"],
      ["4.2.1", "4_2"],
      ["4.0", "4_0"],
      ["3.2", "3_1"],
      ["3.0", "3_0"],
    ]) {
      const p = parsePmml(doc(v, `http://www.dmg.org/PMML-${ns}`));
      expect(p.version).toBe(v);
      expect(p.notices ?? []).toEqual([]);
    }
    expect(parsePmml(doc("4.1", null)).notices ?? []).toEqual([]);
  });

  it("reads a version it does not know as the newest it knows, and says so", () => {
    for (const v of ["4.5", "5.0", "2.1", "4.4.1-beta", ""]) {
      const p = parsePmml(doc(v, "http://www.dmg.org/PMML-4_4"));
      expect(p.model.kind).toBe("regression");
      expect(p.notices?.[0]).toMatch(/not one Porta knows .* read as PMML 4\.4/);
    }
    expect(parsePmml(doc(null, null)).notices?.[0]).toMatch(/no PMML version/);
  });

  it("a namespace that is not a DMG PMML namespace is read with a notice", () => {
    const p = parsePmml(doc("4.4", "http://example.com/not-pmml"));
    expect(p.notices).toEqual([expect.stringMatching(/namespace "http:\/\/example.com\/not-pmml" is not a DMG PMML namespace/)]);
  });
});
