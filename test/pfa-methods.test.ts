/**
 * Emit and fold engines scored row by row (PFA §2.3), on the PFA engine and compiled by compile-js
 * alike, through the library and `porta score`: a fold engine's result is its tally after the row,
 * an emit engine's `{ emitted: [...] }` the values the row emitted, in order.
 */
import { describe, expect, it } from "vitest";
import { loadModel } from "@porta/runtime";
import { porta, tempFiles } from "./porta-cli.ts";

/** Emits x, then 2x, for a positive x; nothing otherwise; a cell counts the rows. */
const EMIT = JSON.stringify({
  input: "double",
  output: "double",
  method: "emit",
  cells: { rows: { type: "int", init: 0 } },
  action: [
    { cell: "rows", to: { params: [{ n: "int" }], ret: "int", do: { "+": ["n", 1] } } },
    { if: { ">": ["input", 0] }, then: [{ emit: ["input"] }, { emit: [{ "*": ["input", 2] }] }] },
  ],
});

/** A running count and sum of its inputs, as a record tally. */
const FOLD = JSON.stringify({
  input: "double",
  output: {
    type: "record",
    name: "Tally",
    fields: [
      { name: "n", type: "int" },
      { name: "sum", type: "double" },
    ],
  },
  method: "fold",
  zero: { n: 0, sum: 0 },
  action: { new: { n: { "+": ["tally.n", 1] }, sum: { "+": ["tally.sum", "input"] } }, type: "Tally" },
  merge: { new: { n: { "+": ["tallyOne.n", "tallyTwo.n"] }, sum: { "+": ["tallyOne.sum", "tallyTwo.sum"] } }, type: "Tally" },
});

const ROWS = [{ input: 1.5 }, { input: -1 }, { input: 3 }];

describe("emit and fold engines scored row by row", () => {
  for (const backend of ["pfa", "js"] as const) {
    it(`on ${backend}: emit rows give what they emitted, fold rows the running tally`, async () => {
      const emit = await loadModel(EMIT, { backend: [backend] });
      expect(emit.backend).toBe(backend);
      expect(emit.outputFields.map((f) => [f.name, f.dataType])).toEqual([["emitted", "array<double>"]]);
      expect(emit.scoreBatch(ROWS).results).toEqual([{ emitted: [1.5, 3] }, { emitted: [] }, { emitted: [3, 6] }]);
      const fold = await loadModel(FOLD, { backend: [backend] });
      expect(fold.backend).toBe(backend);
      expect(fold.scoreBatch(ROWS).results).toEqual([
        { n: 1, sum: 1.5 },
        { n: 2, sum: 0.5 },
        { n: 3, sum: 3.5 },
      ]);
    });
  }

  it("porta score writes one line per input row: the emitted values, and the tally", async () => {
    const temp = tempFiles("porta-pfa-methods-");
    const rows = temp.file("rows.ndjson", `${ROWS.map((r) => JSON.stringify(r.input)).join("\n")}\n`);
    const document = temp.file("emit.pfa.json", EMIT);
    // twice: compiled, then restored from the artifact cache (its bare-value rows read as the document's input type)
    for (const run of ["compiled", "restored"]) {
      const emit = await porta("score", document, "--input", rows, "--verbose");
      expect(emit.stderr, run).toContain("backend js");
      expect(
        emit.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l)),
      ).toEqual([{ emitted: [1.5, 3] }, { emitted: [] }, { emitted: [3, 6] }]);
    }
    const fold = await porta("score", temp.file("fold.pfa.json", FOLD), "--input", rows, "--backend", "pfa");
    expect(
      fold.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { n: 1, sum: 1.5 },
      { n: 2, sum: 0.5 },
      { n: 3, sum: 3.5 },
    ]);
  });
});
