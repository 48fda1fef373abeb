/**
 * The PFA function-level trials (`pfa/pfa-tests.json`: DMG's generator, Titus 2's expected values
 * and error codes, compared as the corpus README says) through Porta's PFA engine. Every trial
 * must pass: a regression in one library function names that function and its trial count.
 * Budget: about 25 s on 2 cores (111,918 trials, one engine per function signature).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runPfaConformance } from "@porta/pfa";

const ROOT = resolve(import.meta.dirname, "..");
const FILE = join(resolve(ROOT, process.env.PORTA_CONFORMANCE_DIR ?? "../shared/conformance"), "pfa", "pfa-tests.json");

if (!existsSync(FILE)) {
  console.warn(
    `\n${"!".repeat(78)}\n!! PFA conformance trials NOT FOUND at ${FILE}\n!! Set PORTA_CONFORMANCE_DIR; the PFA trials did not run.\n${"!".repeat(78)}\n`,
  );
} else {
  describe(`PFA conformance trials (${FILE})`, () => {
    it("every trial gives Titus's result or error code", { timeout: 180_000 }, async () => {
      const report = await runPfaConformance(FILE);
      const failing = report.cases.filter((c) => !c.passed).map((c) => `${c.id}: ${c.error ?? `${c.mismatches}/${c.rows} trials differ`}`);
      expect(failing).toEqual([]);
      expect(report.passed).toBe(report.total);
      // The corpus README counts 111,918 trials: a truncated or swapped file must not pass quietly.
      expect(report.total).toBeGreaterThan(100_000);
    });
  });
}
