/**
 * Names that are also properties of every JS object (issue 11, item 10): cells, pools, functions,
 * variables, record fields and map keys named __proto__, constructor, toString or
 * hasOwnProperty are ordinary PFA names. Dictionaries keyed by document names are Maps or
 * null-prototype objects, and membership is tested with hasOwn, never `in` or a plain lookup.
 */
import { describe, expect, it } from "vitest";
import { EvaluationError, SchemaError } from "@porta/ir";
import { compilePfa, decodeInput, encodeOutput, parsePfa } from "./index.ts";

const NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty"] as const;

/** Compile the document from its JSON text (so "__proto__" is an ordinary key, as in a file). */
function engine(doc: unknown) {
  const e = compilePfa(parsePfa(JSON.stringify(doc)));
  return (input: unknown) => encodeOutput(e, e.action(decodeInput(e, input)));
}

describe.each(NAMES)("the name %s", (name) => {
  it("names a cell, read and updated", () => {
    const run = engine({
      input: "int",
      output: "int",
      cells: { [name]: { type: "int", init: 5 } },
      action: [{ cell: name, to: { "+": [{ cell: name }, "input"] } }, { cell: name }],
    });
    expect(run(2)).toBe(7);
    expect(run(3)).toBe(10);
  });

  it("names a pool and a pool item", () => {
    const run = engine({
      input: "int",
      output: "int",
      pools: { [name]: { type: "int", init: JSON.parse(`{"${name}": 1}`) as unknown } },
      action: [
        { pool: name, path: [{ string: name }], to: { params: [{ n: "int" }], ret: "int", do: { "+": ["n", "input"] } }, init: 0 },
        { pool: name, path: [{ string: name }] },
      ],
    });
    expect(run(4)).toBe(5);
  });

  it("names a user function, called and passed by reference", () => {
    const fcns = { [name]: { params: [{ x: "int" }], ret: "int", do: { "*": ["x", 2] } } };
    expect(engine({ input: "int", output: "int", fcns, action: { [`u.${name}`]: "input" } })(21)).toBe(42);
    expect(
      engine({ input: { type: "array", items: "int" }, output: { type: "array", items: "int" }, fcns, action: { "a.map": ["input", { fcn: `u.${name}` }] } })([
        1, 2,
      ]),
    ).toEqual([2, 4]);
  });

  it("names a variable and a parameter", () => {
    expect(engine({ input: "int", output: "int", action: [{ let: { [name]: "input" } }, { set: { [name]: { "+": [name, 1] } } }, name] })(1)).toBe(2);
    expect(engine({ input: "int", output: "int", fcns: { f: { params: [{ [name]: "int" }], ret: "int", do: name } }, action: { "u.f": "input" } })(3)).toBe(3);
  });

  it("names a record field (decoded, built with new, encoded) and a map key (read and written)", () => {
    const R = {
      type: "record",
      name: "R",
      fields: [
        { name, type: "int" },
        { name: "x", type: "int" },
      ],
    };
    const run = engine({ input: R, output: "R", action: { type: "R", new: { [name]: { "+": [`input.${name}`, 1] }, x: "input.x" } } });
    const out = run(JSON.parse(`{"${name}": 1, "x": 2}`)) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(out, name)?.value).toBe(2);
    expect(JSON.stringify(out)).toBe(`{"${name}":2,"x":2}`);
    const M = { type: "map", values: "int" };
    const m = engine({ input: M, output: M, action: { "map.add": ["input", { string: name }, { "+": [{ attr: "input", path: [{ string: "k" }] }, 1] }] } });
    expect(JSON.stringify(m(JSON.parse('{"k": 1}')))).toBe(`{"k":1,"${name}":2}`);
  });

  it("is not a field of an input record that lacks it", () => {
    const R = { type: "record", name: "R", fields: [{ name, type: "int" }] };
    expect(() => engine({ input: R, output: "int", action: `input.${name}` })({})).toThrow(/missing field/);
  });

  it("is not a built-in function, nor a tree operator", () => {
    expect(() => engine({ input: "int", output: "int", action: { [name]: "input" } })).toThrow(expect.objectContaining({ code: "PFA_UNKNOWN_FUNCTION" }));
    const node = {
      type: "record",
      name: "N",
      fields: [
        { name: "field", type: { type: "enum", name: "F", symbols: ["x"] } },
        { name: "operator", type: "string" },
        { name: "value", type: "int" },
      ],
    };
    const run = engine({
      input: { type: "record", name: "D", fields: [{ name: "x", type: "int" }] },
      output: "boolean",
      cells: { n: { type: node, init: { field: "x", operator: name, value: 1 } } },
      action: { "model.tree.simpleTest": ["input", { cell: "n" }] },
    });
    const e = (() => {
      try {
        run({ x: 1 });
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(EvaluationError);
    expect((e as EvaluationError).pfaCode).toBe(32000);
  });
});

it("cells and functions are still unknown when they are not defined", () => {
  expect(() => engine({ input: "int", output: "int", action: { cell: "toString" } })).toThrow(SchemaError);
  expect(() => engine({ input: "int", output: "int", action: { "u.constructor": "input" } })).toThrow(
    expect.objectContaining({ code: "PFA_UNKNOWN_FUNCTION" }),
  );
});
