/**
 * Titus-producer-style documents with `"@"` annotations in every JSON object (issue 10) load and
 * score through the library (`loadModel`) and through `porta score`, and the checked-in files are
 * what fixtures/pfa/generate-annotated.ts writes. Expected outputs come from the generator's own
 * plain TypeScript evaluation, not from the engine.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadModel } from "@porta/runtime";
import { generateAnnotatedFixtures } from "../fixtures/pfa/generate-annotated.ts";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const PORTA = join(ROOT, "packages", "cli", "bin", "porta.cjs");
const FIXTURES = join(ROOT, "fixtures", "pfa");
const read = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const ndjson = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown);

/** Doubles to 1e-12 relative; everything else exactly. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

const fixtures = generateAnnotatedFixtures(18, 60);

describe('Titus-producer-style PFA documents with "@" annotations everywhere', () => {
  it("the checked-in files are what generate-annotated.ts writes (seed 18, 60 rows)", () => {
    for (const f of fixtures) {
      expect(read(`${f.name}.pfa.json`)).toBe(JSON.stringify(f.annotated, null, 1) + "\n");
      expect(ndjson(read(`${f.name}-input.ndjson`))).toEqual(JSON.parse(JSON.stringify(f.inputs)));
      expect(ndjson(read(`${f.name}-expected.ndjson`))).toEqual(JSON.parse(JSON.stringify(f.expected)));
      // an annotation in the top-level object and in the first action expression, at least
      const doc = JSON.parse(read(`${f.name}.pfa.json`)) as { action: Record<string, unknown>[] };
      expect(Object.keys(doc)).toContain("@");
      expect(Object.keys(doc.action[0]!)).toContain("@");
    }
  });

  for (const f of fixtures) {
    it(`${f.name}: loadModel scores every row as expected, and as the document without annotations`, async () => {
      const annotated = await loadModel(join(FIXTURES, `${f.name}.pfa.json`));
      const plain = await loadModel(JSON.stringify(f.plain));
      const rows = ndjson(read(`${f.name}-input.ndjson`)).map((x) => (Array.isArray(x) ? { input: x } : (x as Record<string, unknown>)));
      const expected = ndjson(read(`${f.name}-expected.ndjson`)).map((y) => (typeof y === "object" && y !== null ? y : { output: y }));
      const got = rows.map((r) => annotated.score(r));
      got.forEach((g, i) => expect(same(g, expected[i]), `row ${i + 1}: ${JSON.stringify(g)} vs ${JSON.stringify(expected[i])}`).toBe(true));
      expect(rows.map((r) => plain.score(r))).toEqual(got);
    });

    it(`${f.name}: porta score prints the expected output for every row`, async () => {
      const { stdout } = await run(process.execPath, [
        PORTA,
        "score",
        join(FIXTURES, `${f.name}.pfa.json`),
        "--input",
        join(FIXTURES, `${f.name}-input.ndjson`),
      ]);
      const got = ndjson(stdout);
      const want = ndjson(read(`${f.name}-expected.ndjson`));
      expect(got).toHaveLength(want.length);
      got.forEach((g, i) => expect(same(g, want[i]), `row ${i + 1}: ${JSON.stringify(g)} vs ${JSON.stringify(want[i])}`).toBe(true));
    });
  }
});
