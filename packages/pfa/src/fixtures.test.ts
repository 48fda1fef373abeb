import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateFixtures } from "../../../fixtures/pfa/generate.ts";
import { compilePfa, decodeInput, describePfa, encodeOutput, parsePfa } from "./index.ts";

const dir = new URL("../../../fixtures/pfa/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), "utf8");
const ndjson = (name: string) =>
  read(name)
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown);

/** Doubles to 1e-12 relative; everything else exactly. */
function same(actual: unknown, expected: unknown): boolean {
  if (typeof expected === "number" && typeof actual === "number") return Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected));
  if (expected !== null && typeof expected === "object" && actual !== null && typeof actual === "object") {
    const ke = Object.keys(expected);
    return ke.length === Object.keys(actual).length && ke.every((k) => same((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]));
  }
  return actual === expected;
}

describe("fixtures/pfa: generated model documents score as their independent evaluation", () => {
  const uses: Record<string, string[]> = {
    tree: ["model.tree.simpleTree"],
    forest: ["a.map", "a.mean", "model.tree.simpleTree"],
    kmeans: ["metric.simpleEuclidean", "model.cluster.closest"],
    logistic: ["m.link.logit", "model.reg.linear"],
    mlp: ["model.neural.simpleLayers", "m.link.relu", "a.argmax"],
  };
  for (const name of Object.keys(uses)) {
    it(`${name}: every row matches the expected output`, () => {
      const engine = compilePfa(parsePfa(read(`${name}.pfa.json`)));
      const inputs = ndjson(`${name}-input.ndjson`);
      const expected = ndjson(`${name}-expected.ndjson`);
      expect(inputs.length).toBe(expected.length);
      const bad = inputs
        .map((row, i) => ({ i, out: encodeOutput(engine, engine.action(decodeInput(engine, row))) }))
        .filter(({ i, out }) => !same(out, expected[i]));
      expect(bad.slice(0, 3)).toEqual([]);
      expect(describePfa(engine).functions).toEqual(expect.arrayContaining(uses[name]!));
    });
  }
  it("the checked-in files are what generate.ts writes (seed 7, 200 rows)", () => {
    for (const f of generateFixtures(7, 200)) {
      expect(read(`${f.name}.pfa.json`)).toBe(JSON.stringify(f.doc) + "\n");
      expect(ndjson(`${f.name}-expected.ndjson`)).toEqual(JSON.parse(JSON.stringify(f.expected)));
    }
  });
});
