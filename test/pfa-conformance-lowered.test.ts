/**
 * The PFA function-level trials (`pfa/pfa-tests.json`, as test/pfa-conformance.test.ts reads
 * them) through the IR: every document the pfa backend lowers is compiled by compile-js
 * (`--backend js`), and every trial of it must give Titus's result or error code through the
 * lowered pipeline, compared by the same rules. Documents that do not lower stay on the PFA engine
 * (their trials are the other test's); the figures are printed, and a floor keeps the lowering
 * from shrinking unnoticed. Budget: about 25 s on 2 cores (nearly 7,000 documents lowered and
 * compiled, most of them as programs).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runPfaConformance, type PfaTrialScorer } from "@porta/pfa";
import { modelFromText } from "@porta/runtime";

const ROOT = resolve(import.meta.dirname, "..");
const FILE = join(resolve(ROOT, process.env.PORTA_CONFORMANCE_DIR ?? "../shared/conformance"), "pfa", "pfa-tests.json");

/** The names of the record types a document defines (an input or output may name one defined elsewhere). */
function recordNames(doc: unknown): Set<string> {
  const names = new Set<string>();
  const visit = (j: unknown, namespace?: string): void => {
    if (Array.isArray(j)) {
      for (const x of j) visit(x, namespace);
      return;
    }
    if (j === null || typeof j !== "object") return;
    const o = j as Record<string, unknown>;
    const ns = typeof o.namespace === "string" ? o.namespace : namespace;
    if (o.type === "record" && typeof o.name === "string") {
      names.add(o.name);
      if (ns) names.add(`${ns}.${o.name}`);
    }
    for (const k in o) visit(o[k], ns);
  };
  visit(doc);
  return names;
}

/** compile-js on the lowered document, or why not (the lowering's or compile-js's refusal). */
const lowered: PfaTrialScorer = (text) => {
  let model: ReturnType<typeof modelFromText>;
  try {
    model = modelFromText(text, "pfa", ["js"]);
  } catch (e) {
    return { unscored: (e as Error).message.replace(/^.*?js: /, "").replace(/ \(at [^)]*\)$/, "") };
  }
  const doc = JSON.parse(text) as { input: unknown; output: unknown };
  const records = recordNames(doc);
  const isRecord = (t: unknown) =>
    (typeof t === "object" && t !== null && (t as { type?: unknown }).type === "record") || (typeof t === "string" && records.has(t));
  const recordIn = isRecord(doc.input);
  const recordOut = isRecord(doc.output);
  return (sample) => {
    const result = model.score(recordIn ? (sample as Record<string, unknown>) : { input: sample });
    return recordOut ? result : result.output;
  };
};

if (!existsSync(FILE)) {
  console.warn(`\n!! PFA conformance trials NOT FOUND at ${FILE}: the lowered PFA trials did not run.\n`);
} else {
  describe(`PFA conformance trials through the IR and compile-js (${FILE})`, () => {
    it("every trial of every lowered document gives Titus's result or error code", { timeout: 120_000 }, async () => {
      const report = await runPfaConformance(FILE, { scorer: lowered });
      const failing = report.cases.filter((c) => !c.passed).map((c) => `${c.id}: ${c.error ?? `${c.mismatches}/${c.rows} trials differ`}`);
      const documents = report.cases.length + report.unscored!.length;
      const reasons = new Map<string, number>();
      for (const u of report.unscored!) {
        const key = u.reason.replace(/\d+/g, "N").slice(0, 90);
        reasons.set(key, (reasons.get(key) ?? 0) + 1);
      }
      console.log(
        `lowered and compiled by compile-js: ${report.cases.length} of ${documents} documents; trials passed through the lowered pipeline: ${report.passed} of ${report.total}\n` +
          `most frequent reasons the others stay on the PFA engine:\n${[...reasons]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 12)
            .map(([r, n]) => `  ${n}  ${r}`)
            .join("\n")}`,
      );
      expect(failing).toEqual([]);
      expect(report.passed).toBe(report.total);
      // every document lowers (model calls, the scalar core, or a program compile-js generates code
      // for, recursive named types included)
      expect(report.cases.length).toBe(documents);
    });
  });
}
