/**
 * Every engine document of the PFA conformance trials (`pfa/pfa-tests.json`, read as
 * test/pfa-conformance.test.ts reads it) lowered into the IR: each one no columnar lowering takes
 * becomes a program model that is JSON data (a round trip through its JSON form, @porta/ir's
 * programToJson/programFromJson, gives it back: recursive types included), or a refusal with its reason. The figures are printed; a floor keeps the lowering from shrinking unnoticed.
 * Budget: about 14 s on 2 cores (compiling the 6,966 engines is most of it).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { programFromJson, programToJson, type ProgramModel } from "@porta/ir";
import { pfaTrialEngines } from "../../conformance.ts";
import { validatePfa } from "../../document.ts";
import { compilePfa } from "../../engine.ts";
import { parseJsonLossless } from "../../values.ts";
import { lowerPfa } from "../index.ts";

const ROOT = resolve(import.meta.dirname, "../../../../..");
const FILE = join(resolve(ROOT, process.env.PORTA_CONFORMANCE_DIR ?? "../shared/conformance"), "pfa", "pfa-tests.json");

if (!existsSync(FILE)) {
  console.warn(`\n!! PFA conformance trials NOT FOUND at ${FILE}: the program lowering of the trial documents did not run.\n`);
} else {
  describe(`the PFA conformance documents lowered into the IR (${FILE})`, () => {
    it("every document compiles and lowers (a model call, the scalar core or a JSON-stable program) or says why not", { timeout: 120_000 }, () => {
      const via = new Map<string, number>();
      const reasons = new Map<string, number>();
      const unstable: string[] = [];
      const engines = pfaTrialEngines(readFileSync(FILE, "utf8"));
      for (const { id, engineText } of engines) {
        const l = lowerPfa(compilePfa(validatePfa(parseJsonLossless(engineText))));
        if (!l.lowered) {
          const key = l.reason.replace(/\d+/g, "N").slice(0, 90);
          reasons.set(key, (reasons.get(key) ?? 0) + 1);
          continue;
        }
        via.set(l.via, (via.get(l.via) ?? 0) + 1);
        if (l.via !== "program") continue;
        let back: unknown;
        try {
          back = programFromJson(JSON.parse(JSON.stringify(programToJson(l.pipeline.model as ProgramModel))));
        } catch (e) {
          unstable.push(`${id}: ${(e as Error).message}`);
          continue;
        }
        // deep equality: no bigint, bytes, Map, function or cycle (JSON would drop or change it)
        try {
          expect(back).toEqual(l.pipeline.model);
        } catch {
          unstable.push(`${id}: not JSON round-trip stable`);
        }
      }
      const programs = via.get("program") ?? 0;
      console.log(
        `PFA trial documents lowered: ${[...via].map(([k, n]) => `${n} ${k}`).join(", ")} of ${engines.length}\n` +
          `most frequent reasons the others are not lowered:\n${[...reasons]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 12)
            .map(([r, n]) => `  ${n}  ${r}`)
            .join("\n")}`,
      );
      expect(unstable).toEqual([]);
      // every document lowers: a program, or columnar (a model call, the scalar core)
      expect(reasons).toEqual(new Map());
      expect(programs).toBeGreaterThanOrEqual(6800);
    });
  });
}
