import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acceptable, ArtifactCache, loadModel, loadModelSync, loadModelVerified } from "@porta/runtime";
import { porta, ROOT, tempFiles } from "./porta-cli.ts";

const CHURN = join(ROOT, "fixtures", "pmml", "churn-verified.pmml");
const churn = readFileSync(CHURN, "utf8");

/** The churn fixture with one expected cell replaced. */
function withCell(from: string, to: string): string {
  if (!churn.includes(from)) throw new Error(`fixture lacks ${from}`);
  return churn.replace(from, to);
}

const WRONG_PROBABILITY = withCell("<data:p_yes>0.5744425168", "<data:p_yes>0.5744");

describe("ModelVerification records (checked as JPMML's verify() does)", () => {
  for (const backend of ["js", "interp"]) {
    it(`${backend}: every record of the fixture agrees; OutputFields are compared, the target is not`, async () => {
      const { model, report } = await loadModelVerified(CHURN, { backend: [backend] });
      expect(model.backend).toBe(backend);
      expect(report).toMatchObject({ records: 5, passed: 5, failures: [], compared: ["predicted_churn", "probability_yes"], declaredRecords: 5 });
    });
  }

  it("a result outside the field's precision is a failure naming the record, field, expected and actual values", async () => {
    const { report } = await loadModelVerified(WRONG_PROBABILITY);
    expect(report?.passed).toBe(4);
    expect(report?.failures).toEqual([
      {
        record: 0,
        field: "probability_yes",
        expected: "0.5744",
        actual: expect.closeTo(0.574442516811659, 12),
        message: expect.stringContaining("record 1: probability_yes"),
      },
    ]);
  });

  it("with no VerificationField naming an OutputField, the target's cells are the expected results", async () => {
    const targetOnly = churn
      .replace(/<VerificationField field="predicted_churn"[^>]*\/>/, `<VerificationField field="churn" column="data:predicted"/>`)
      .replace(/<VerificationField field="probability_yes"[^>]*\/>/, "");
    const { report } = await loadModelVerified(targetOnly);
    expect(report).toMatchObject({ compared: ["churn"], passed: 5 });
    const { report: wrong } = await loadModelVerified(
      targetOnly.replace("<data:predicted>no</data:predicted><data:p_yes>0.119", "<data:predicted>yes</data:predicted><data:p_yes>0.119"),
    );
    expect(wrong?.failures).toMatchObject([{ record: 4, field: "churn", expected: "yes", actual: "no" }]);
  });

  it("a missing expected cell is not checked", async () => {
    const { report } = await loadModelVerified(withCell("<data:p_yes>0.5744425168</data:p_yes>", ""));
    expect(report).toMatchObject({ passed: 5, failures: [] });
  });

  it("a record that fails to score is reported, not thrown", async () => {
    const { report } = await loadModelVerified(withCell("<x1>1</x1>", "<x1>one</x1>"));
    expect(report?.failures).toMatchObject([{ record: 0, message: expect.stringMatching(/record 1 failed to score: .*PMML_INVALID_VALUE/) }]);
  });

  it("a document without ModelVerification has no report", async () => {
    const { report } = await loadModelVerified(join(ROOT, "fixtures", "pmml", "iris-tree.pmml"));
    expect(report).toBeUndefined();
  });

  it("loadModel and loadModelSync with verify: true throw MODEL_VERIFICATION_FAILED at the first failing record", async () => {
    const expected = { code: "MODEL_VERIFICATION_FAILED", path: "/PMML/RegressionModel[1]/ModelVerification/InlineTable/row[1]" };
    await expect(loadModel(WRONG_PROBABILITY, { verify: true })).rejects.toMatchObject(expected);
    expect(() => loadModelSync(WRONG_PROBABILITY, { verify: true })).toThrow(expect.objectContaining(expected));
    expect((await loadModel(CHURN, { verify: true })).format).toBe("pmml");
    expect(loadModelSync(WRONG_PROBABILITY).format).toBe("pmml"); // off by default
  });

  it("verify: true on an artifact-cache hit still checks the records", async () => {
    const { dir, file } = tempFiles("porta-verify-");
    const cache = new ArtifactCache({ dir: join(dir, "cache") });
    const path = file("wrong.pmml", WRONG_PROBABILITY);
    await loadModel(path, { cache });
    const hit = await loadModel(path, { cache });
    expect(hit.loadInfo?.artifactCache?.hit).toBe(true);
    await expect(loadModel(path, { cache, verify: true })).rejects.toMatchObject({ code: "MODEL_VERIFICATION_FAILED" });
  });

  it("porta validate prints the verification line, and the disagreements with exit code 68", async () => {
    const ok = await porta("validate", CHURN);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("verification: 5/5 records agree (compared: predicted_churn, probability_yes)");
    const { file } = tempFiles("porta-verify-cli-");
    const bad = await porta("validate", file("wrong.pmml", WRONG_PROBABILITY));
    expect(bad.code).toBe(68);
    expect(bad.stdout).toContain("verification: 4/5 records agree");
    expect(bad.stdout).toContain("record 1: probability_yes is 0.574442516811659, expected 0.5744");
    const skipped = await porta("validate", "--no-verify", file("wrong2.pmml", WRONG_PROBABILITY));
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).not.toContain("verification");
  });
});

describe("acceptable (PMML's precision and zeroThreshold)", () => {
  const f = { precision: 1e-3, zeroThreshold: 1e-9 };
  it("a number within precision in proportion of the expected value, boundaries included", () => {
    expect(acceptable("100", 100.1, f)).toBe(true);
    expect(acceptable("100", 99.9, f)).toBe(true);
    expect(acceptable("100", 100.11, f)).toBe(false);
    expect(acceptable("-100", -100.1, f)).toBe(true);
    expect(acceptable("-100", -99.8, f)).toBe(false);
  });
  it("both within zeroThreshold of zero agree; one side alone does not", () => {
    expect(acceptable("0", 5e-10, f)).toBe(true);
    expect(acceptable("1e-10", -1e-10, f)).toBe(true);
    expect(acceptable("0", 1e-6, f)).toBe(false);
  });
  it("the expected text is read as the result's type", () => {
    expect(acceptable("yes", "yes", f)).toBe(true);
    expect(acceptable("1", "1.0", f)).toBe(false);
    expect(acceptable("true", true, f)).toBe(true);
    expect(acceptable("0", false, f)).toBe(true);
    expect(acceptable("abc", 1, f)).toBe(false);
    expect(acceptable("NaN", Number.NaN, f)).toBe(true);
    expect(acceptable("1", null, f)).toBe(false);
  });
});
