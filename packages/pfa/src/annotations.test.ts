/**
 * `"@"` annotation keys (issue 10): Titus and Hadrian drop every `"@"` key of a PFA document —
 * Titus's producers and PrettyPFA write source positions there, Titus's YAML reader adds one
 * to every mapping — so a document with annotations must read and score as the same document
 * without them.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SchemaError } from "@porta/ir";
import { annotate } from "../../../fixtures/pfa/generate-annotated.ts";
import { compilePfa, decodeInput, encodeOutput, parsePfa, validatePfa } from "./index.ts";
import { stripAnnotations } from "./document.ts";

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/pfa/${name}`, import.meta.url), "utf8");
const ndjson = (name: string) =>
  fixture(name)
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown);
const run = (doc: unknown, inputs: readonly unknown[]) => {
  const e = compilePfa(parsePfa(JSON.stringify(doc)));
  return inputs.map((x) => encodeOutput(e, e.action(decodeInput(e, x))));
};

describe('"@" keys are ignored everywhere, as Titus and Hadrian do', () => {
  it("at the top level", () => {
    const doc = parsePfa('{"@": "titus.producer.cart", "input": "int", "output": "int", "action": "input"}');
    expect(compilePfa(doc).action(4)).toBe(4);
  });

  it("inside a function call, with the key first or last", () => {
    expect(run({ input: "int", output: "int", action: { "@": "line 3", "+": [1, "input"] } }, [2])).toEqual([3]);
    expect(run({ input: "int", output: "int", action: { "+": [1, "input"], "@": "line 3" } }, [2])).toEqual([3]);
  });

  it("spelt with a JSON escape (\\u0040)", () => {
    const doc = parsePfa('{"\\u0040": "top", "input": "int", "output": "int", "action": {"\\u0040": 1, "-": ["input", 1]}}');
    expect(compilePfa(doc).action(4)).toBe(3);
  });

  it("whatever JSON the annotation holds", () => {
    for (const note of [{ line: 3, col: 7 }, ["a", 1], 12, null, true, ""]) {
      expect(run({ "@": note, input: "double", output: "double", action: { "@": note, "*": ["input", 2] } }, [1.5])).toEqual([3]);
    }
  });

  it("in fcns, parameters, cells, pools, types, data and special forms", () => {
    const doc = {
      "@": "PrettyPFA line 1",
      input: { "@": "t", type: "record", name: "In", fields: [{ "@": "f", name: "x", type: "int" }] },
      output: "int",
      fcns: { "@": "fcns", twice: { "@": "line 4", params: [{ "@": "p", v: "int" }], ret: "int", do: [{ "@": "line 5", "*": ["v", 2] }] } },
      cells: { "@": "cells", base: { "@": "cell", type: { "@": "map", type: "map", values: "int" }, init: { "@": "data", one: 1 } } },
      pools: { "@": "pools", tally: { "@": "pool", type: "int", init: { "@": "data" } } },
      action: [
        { "@": "line 8", let: { "@": "let", y: { "@": "a", "u.twice": "input.x" } } },
        { "@": "line 9", set: { "@": "set", y: { "+": ["y", { "@": "c", cell: "base", path: [{ "@": "s", string: "one" }] }] } } },
        {
          "@": "line 10",
          pool: "tally",
          path: [{ string: "k" }],
          to: { "@": "fn", params: [{ n: "int" }], ret: "int", do: { "+": ["n", "y"] } },
          init: { "@": "i", int: 0 },
        },
        { "@": "line 11", if: { "@": "cmp", ">": ["y", 10] }, then: { "@": "then", int: 10 }, else: ["y"] },
      ],
    };
    // y = 2x + 1, capped at 10; ["y"] in else is a block of one symbol
    expect(run(doc, [{ x: 2 }, { x: 7 }])).toEqual([5, 10]);
  });

  it("in a YAML document (Titus's YAML reader adds one to every mapping)", () => {
    const yaml = [
      '"@": YAML lines 1-6',
      "input: double",
      "output: double",
      "action:",
      '  - {"@": YAML line 5, +: [input, {"@": YAML line 5, double: 1}]}',
    ].join("\n");
    expect(compilePfa(parsePfa(yaml)).action(2)).toBe(3);
  });

  it("the generated fixtures score identically with annotations in every object", () => {
    for (const name of ["tree", "forest", "kmeans", "logistic"]) {
      const plain = JSON.parse(fixture(`${name}.pfa.json`)) as unknown;
      const annotated = annotate(plain, name);
      expect(JSON.stringify(annotated)).toContain('"@"');
      const inputs = ndjson(`${name}-input.ndjson`).slice(0, 40);
      expect(run(annotated, inputs)).toEqual(run(plain, inputs));
    }
  });

  it("other unknown keys are still errors", () => {
    expect(() => parsePfa('{"@": 1, "input": "int", "output": "int", "action": "input", "bogus": 1}')).toThrow(
      expect.objectContaining({ code: "PFA_UNKNOWN_SECTION", path: "/bogus" }),
    );
    const e = (() => {
      try {
        compilePfa(parsePfa('{"input": "int", "output": "int", "action": {"@": "x", "+": [1, 2], "bogus": 3}}'));
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(SchemaError);
  });
});

describe("stripAnnotations", () => {
  it("returns unannotated subtrees as they are and never changes its argument", () => {
    const shared = { type: "array", items: "double" };
    const doc = { "@": "x", input: shared, list: [1, { "@": 2, a: shared }] };
    const copy = JSON.parse(JSON.stringify(doc)) as unknown;
    const out = stripAnnotations(doc) as Record<string, unknown>;
    expect(out).toEqual({ input: shared, list: [1, { a: shared }] });
    expect(out.input).toBe(shared);
    expect(doc).toEqual(copy);
    const clean = { input: shared, action: [1] };
    expect(stripAnnotations(clean)).toBe(clean);
  });

  it("keeps a key named __proto__ as an ordinary key", () => {
    const doc = JSON.parse('{"@": 1, "__proto__": {"@": 2, "a": 1}}') as unknown;
    const out = stripAnnotations(doc) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({ a: 1 });
  });

  it("validatePfa of a parsed document ignores annotations too", () => {
    expect(validatePfa({ "@": "top", input: "int", output: "int", action: [{ "@": "e", "+": [1, 1] }] }).action).toEqual([{ "+": [1, 1] }]);
  });
});
