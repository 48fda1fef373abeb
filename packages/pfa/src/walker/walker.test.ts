import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compilePfa, decodeInput, encodeOutput, parsePfa } from "../index.ts";
import { decodeAvroJson } from "../values.ts";
import { walkPfa } from "./walker.ts";

const dir = new URL("../../../../fixtures/pfa/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), "utf8");
const ndjson = (name: string) =>
  read(name)
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown);

/** Runs a document through both engines on the given inputs; returns [walker, compiled] outputs. */
function both(text: string, inputs: unknown[]): [unknown[], unknown[]] {
  const engine = compilePfa(parsePfa(text));
  const walker = walkPfa(parsePfa(text));
  const compiled = inputs.map((row) => encodeOutput(engine, engine.action(decodeInput(engine, row))));
  const walked = inputs.map((row) => encodeOutput(engine, walker.action(decodeAvroJson(walker.inputType, row))));
  return [walked, compiled];
}

describe("walker: the tree-walking reference interpreter agrees with the compiled engine", () => {
  for (const name of ["tree", "forest", "kmeans", "logistic"]) {
    it(`fixtures/pfa/${name}: identical outputs on every input row, equal to the expected file`, () => {
      const inputs = ndjson(`${name}-input.ndjson`);
      const [walked, compiled] = both(read(`${name}.pfa.json`), inputs);
      expect(walked).toEqual(compiled);
      const expected = ndjson(`${name}-expected.ndjson`);
      for (let i = 0; i < expected.length; i++) {
        const e = expected[i],
          w = walked[i];
        if (typeof e === "number") expect(Math.abs((w as number) - e)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)));
      }
    });
  }

  it("let is parallel, set assigns the enclosing variable, while/cond/if scope their blocks (spec §5.2)", () => {
    const doc = JSON.stringify({
      input: "int",
      output: "int",
      fcns: { twice: { params: [{ x: "int" }], ret: "int", do: { "*": ["x", 2] } } },
      action: [
        { let: { i: 0, acc: 0 } },
        { while: { "<": ["i", "input"] }, do: [{ set: { acc: { "+": ["acc", { "u.twice": ["i"] }] } } }, { set: { i: { "+": ["i", 1] } } }] },
        { cond: [{ if: { ">": ["acc", 100] }, then: { "-": ["acc", 100] } }], else: { if: { "&&": [true, { "==": ["acc", 0] }] }, then: -1, else: "acc" } },
      ],
    });
    const [walked, compiled] = both(doc, [0, 1, 5, 20]);
    expect(walked).toEqual(compiled);
    expect(walked).toEqual([-1, -1, 20, 280]);
  });

  it("refuses forms it does not walk while preparing, not at the first row", () => {
    const doc = JSON.stringify({
      input: "int",
      output: "int",
      action: [{ for: { i: 0 }, while: { "<": ["i", 3] }, step: { i: { "+": ["i", 1] } }, do: ["i"] }, 1],
    });
    // a valid document (the compiled engine runs it): the refusal is the walker's own
    expect(compilePfa(parsePfa(doc)).action(0)).toBe(1);
    expect(() => walkPfa(parsePfa(doc))).toThrow(expect.objectContaining({ code: "PFA_WALKER_UNSUPPORTED", path: "/action/0" }));
  });
});
