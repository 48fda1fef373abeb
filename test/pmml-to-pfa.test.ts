import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { preparePipeline } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { compilePfa, decodeInput, encodeOutput, parsePfa, pfaDocumentText, pfaInputRecord, pmmlToPfa } from "@porta/pfa";
import { type CaseReport, readManifest, runCaseWith } from "../packages/cli/src/conformance/pmml.ts";
import { porta, tempFiles } from "./porta-cli.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CORPUS = resolve(ROOT, process.env.PORTA_CONFORMANCE_DIR ?? "../shared/conformance");

/**
 * The fewest visible cases (pmml/ and pmml-wild/ together) that convert to PFA: a conversion
 * rule lost is a failed test, not a quietly shorter list.
 */
const CONVERTED_AT_LEAST = 135;

/** A PFA output map's values as plain values (Avro JSON tags its union branches: {"double": 1.5}). */
function untagged(map: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(map)) out[k] = v !== null && typeof v === "object" ? Object.values(v as object)[0] : v;
  return out;
}

interface Outcome {
  report: CaseReport;
  /** Why the converter refused the document; absent when it converted. */
  refusal?: string;
  /** The converted document. */
  document?: Record<string, unknown>;
}

/**
 * Every visible PMML conformance case converted to PFA (pmmlToPfa on the IR, after the
 * preparation `porta convert` does), the document parsed, checked and compiled by Porta's PFA
 * engine and scored on the case's input: the results must equal the expected ones under the
 * case's tolerance, under the same field names, compared by the conformance runner's own rules.
 */
function convertAndScore(dir: string): Outcome[] {
  const { dir: caseDir, cases } = readManifest(dir);
  return cases.map((c) => {
    let refusal: string | undefined;
    let document: Record<string, unknown> | undefined;
    const report = runCaseWith(caseDir, c, (text) => {
      const pipeline = parsePmml(text);
      preparePipeline(pipeline);
      let converted: ReturnType<typeof pmmlToPfa>;
      try {
        converted = pmmlToPfa(pipeline);
      } catch (e) {
        refusal = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        throw e;
      }
      document = converted.document;
      const engine = compilePfa(parsePfa(JSON.stringify(converted.document)));
      engine.begin();
      return (row) => untagged(encodeOutput(engine, engine.action(decodeInput(engine, pfaInputRecord(converted.inputs, row)))) as Record<string, unknown>);
    });
    return { report, refusal, document };
  });
}

const corpora = ["pmml", "pmml-wild"].map((name) => ({ name, dir: join(CORPUS, name) })).filter((c) => existsSync(join(c.dir, "manifest.json")));

if (corpora.length === 0)
  console.warn(
    `\n${"!".repeat(78)}\n!! PMML conformance corpus NOT FOUND at ${CORPUS}\n!! Set PORTA_CONFORMANCE_DIR; the PMML → PFA corpus checks did not run.\n${"!".repeat(78)}\n`,
  );
else describeCorpus();

function describeCorpus(): void {
  describe("PMML → PFA on the visible conformance corpus", () => {
    const outcomes = corpora.flatMap((c) => convertAndScore(c.dir));
    const converted = outcomes.filter((o) => o.refusal === undefined);
    const refused = outcomes.filter((o) => o.refusal !== undefined);
    const reasons = new Map<string, string[]>();
    for (const o of refused) {
      const reason = o.refusal!.replace(/^UnsupportedFeatureError: /, "").replace(/ \(PMML to PFA\).*$/, "");
      reasons.set(reason, [...(reasons.get(reason) ?? []), o.report.id]);
    }
    console.info(
      [
        `PMML → PFA: ${converted.length}/${outcomes.length} visible cases converted, ${converted.filter((o) => o.report.passed).length} of them equal`,
        ...[...reasons].sort((a, b) => b[1].length - a[1].length).map(([r, ids]) => `  refused ${ids.length}: ${r} (${ids.join(", ")})`),
      ].join("\n"),
    );

    for (const { report, refusal } of outcomes) {
      if (refusal !== undefined) {
        it(`${report.id} is refused with UnsupportedFeatureError naming the element`, () => {
          expect(refusal).toMatch(/^UnsupportedFeatureError: \S/);
        });
      } else {
        it(`${report.id}: the PFA scores as the PMML`, () => {
          expect({ error: report.error, firstMismatch: report.firstMismatch, mismatches: report.mismatches }).toEqual({
            error: undefined,
            firstMismatch: undefined,
            mismatches: 0,
          });
          expect(report.passed).toBe(true);
        });
      }
    }

    it("every converted document reads back from its YAML text (porta convert --yaml) as the same PFA (those under 150 kB of JSON)", () => {
      let checked = 0;
      for (const { report, document } of converted) {
        // Large ensembles (up to 40 MB) take seconds to write and read as YAML; the smaller documents hold every construct they use.
        if (JSON.stringify(document).length > 150_000) continue;
        expect(parsePfa(pfaDocumentText(document!, "yaml")), report.id).toEqual(parsePfa(pfaDocumentText(document!, "json")));
        checked++;
      }
      expect(checked).toBeGreaterThan(converted.length * 0.75);
    });

    it(`converts at least ${CONVERTED_AT_LEAST} visible cases`, () => {
      expect(converted.length).toBeGreaterThanOrEqual(CONVERTED_AT_LEAST);
    });
  });
}

describe("porta convert --to pfa", () => {
  const fixtures = join(ROOT, "fixtures", "conformance", "pmml");
  const tree = { ...readManifest(fixtures).cases.find((c) => c.id === "porta/IrisTree")! };

  for (const format of ["json", "yaml"] as const) {
    it(`writes PFA ${format.toUpperCase()} that the PFA engine scores as the PMML (the fixture's expected results)`, async () => {
      const { dir } = tempFiles("porta-pfa-convert-");
      const out = join(dir, `tree.pfa.${format}`);
      const result = await porta("convert", join(fixtures, tree.model), "--to", "pfa", "-o", out, ...(format === "yaml" ? ["--yaml"] : []));
      expect(result.stderr).toMatch(/wrote .*tree\.pfa\./);
      expect(result.code).toBe(0);
      const text = readFileSync(out, "utf8");
      expect(text.trimStart().startsWith("{")).toBe(format === "json");
      // The written file, not the text the case holds, is what the engine scores.
      const report = runCaseWith(fixtures, tree, (pmml) => {
        const { inputs } = pmmlToPfa(parsePmml(pmml));
        const engine = compilePfa(parsePfa(text));
        engine.begin();
        return (row) => untagged(encodeOutput(engine, engine.action(decodeInput(engine, pfaInputRecord(inputs, row)))) as Record<string, unknown>);
      });
      expect({ error: report.error, firstMismatch: report.firstMismatch }).toEqual({ error: undefined, firstMismatch: undefined });
      expect(report.rows).toBeGreaterThan(0);
      expect(report.passed).toBe(true);
    });
  }

  it("refuses what it cannot convert exactly with exit 67, naming the element", async () => {
    const { dir, file } = tempFiles("porta-pfa-refuse-");
    const pmml = file(
      "replace.pmml",
      `<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
  <Header/>
  <DataDictionary>
    <DataField name="s" optype="categorical" dataType="string"/>
    <DataField name="y" optype="continuous" dataType="double"/>
  </DataDictionary>
  <TransformationDictionary>
    <DerivedField name="head" optype="categorical" dataType="string">
      <Apply function="replace"><FieldRef field="s"/><Constant>x+</Constant><Constant>y</Constant></Apply>
    </DerivedField>
  </TransformationDictionary>
  <RegressionModel functionName="regression">
    <MiningSchema><MiningField name="s"/><MiningField name="y" usageType="target"/></MiningSchema>
    <RegressionTable intercept="1"><CategoricalPredictor name="head" value="ab" coefficient="2"/></RegressionTable>
  </RegressionModel>
</PMML>`,
    );
    const result = await porta("convert", pmml, "--to", "pfa", "-o", join(dir, "out.pfa.json"));
    expect(result.code).toBe(67);
    expect(result.stderr).toMatch(/Apply\[@function=replace\]/);
    expect(existsSync(join(dir, "out.pfa.json"))).toBe(false);
  });
});
