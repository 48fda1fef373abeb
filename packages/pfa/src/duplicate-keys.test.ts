/**
 * Duplicate keys (issue 11, item 9): JSON.parse keeps the last of two equal keys silently, so a
 * document could say one thing to a reader and another to Porta. A repeated key in one object
 * is a ParseError PFA_DUPLICATE_KEY with the JSON path of the member and the key.
 */
import { describe, expect, it } from "vitest";
import { ParseError } from "@porta/ir";
import { compilePfa, parsePfa } from "./index.ts";

function parseError(text: string): ParseError {
  try {
    parsePfa(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return e as ParseError;
  }
  throw new Error("expected a ParseError");
}

describe("a repeated key in a JSON document is a ParseError", () => {
  it("at the top level", () => {
    const e = parseError('{"input": "int", "output": "int", "action": "input", "output": "string"}');
    expect([e.code, e.path, e.value]).toEqual(["PFA_DUPLICATE_KEY", "/output", "output"]);
    expect(e.message).toMatch(/at \/output, line 1, column 54/);
  });

  it("inside expressions, with the JSON path through arrays and objects", () => {
    const e = parseError('{"input": "int", "output": "int",\n "action": [1, {"if": true, "then": 1, "else": 2, "then": 3}]}');
    expect([e.code, e.path, e.value]).toEqual(["PFA_DUPLICATE_KEY", "/action/1/then", "then"]);
    expect(e.message).toMatch(/at \/action\/1\/then, line 2, column 51/);
  });

  it("in cell data, fcns and types", () => {
    const cell = parseError(
      '{"input": "int", "output": "int", "action": "input", "cells": {"c": {"type": {"type": "map", "values": "int"}, "init": {"a": 1, "b": 2, "a": 3}}}}',
    );
    expect([cell.path, cell.value]).toEqual(["/cells/c/init/a", "a"]);
    const fcn = parseError(
      '{"input": "int", "output": "int", "action": "input", "fcns": {"f": {"params": [], "ret": "int", "do": 1}, "f": {"params": [], "ret": "int", "do": 2}}}',
    );
    expect([fcn.path, fcn.value]).toEqual(["/fcns/f", "f"]);
    const type = parseError('{"input": {"type": "record", "name": "R", "fields": [{"name": "x", "type": "int", "name": "y"}]}, "output": "int", "action": 1}');
    expect([type.path, type.value]).toEqual(["/input/fields/0/name", "name"]);
  });

  it("keys equal after JSON escapes are duplicates; colons and quotes inside strings are not keys", () => {
    const e = parseError('{"input": "int", "output": "int", "action": "input", "\\u0061ction": "input"}');
    expect([e.path, e.value]).toEqual(["/action", "action"]);
    const ok = parsePfa('{"input": "int", "output": "string", "action": {"string": "a: \\"b\\": c"}, "doc": "{\\"x\\": 1, \\"x\\": 2}"}');
    expect(compilePfa(ok).action(1)).toBe('a: "b": c');
  });

  it('"@" may repeat: annotations are dropped', () => {
    const doc = parsePfa('{"@": "line 1", "@": "again", "input": "int", "output": "int", "action": {"@": 1, "@": 2, "+": ["input", 1]}}');
    expect(compilePfa(doc).action(1)).toBe(2);
  });

  it("a key named __proto__ is a key like any other (no false duplicate, a true one found)", () => {
    expect(parsePfa('{"input": "int", "output": "int", "action": "input", "metadata": {"__proto__": "x", "a": "y"}}').metadata).toBeDefined();
    const e = parseError('{"input": "int", "output": "int", "action": "input", "metadata": {"__proto__": "x", "__proto__": "y"}}');
    expect([e.path, e.value]).toEqual(["/metadata/__proto__", "__proto__"]);
  });

  it("stays linear on a large document", () => {
    const init = Array.from({ length: 50_000 }, (_, i) => ({ id: `c${i}`, center: [i, i + 0.5, 2], weight: { w: 1 } }));
    const doc = {
      input: "int",
      output: "int",
      action: "input",
      cells: {
        c: {
          type: {
            type: "array",
            items: {
              type: "record",
              name: "C",
              fields: [
                { name: "id", type: "string" },
                { name: "center", type: { type: "array", items: "double" } },
                { name: "weight", type: { type: "map", values: "int" } },
              ],
            },
          },
          init,
        },
      },
    };
    const text = JSON.stringify(doc);
    const t0 = performance.now();
    parsePfa(text);
    const clean = performance.now() - t0;
    // the same document with one duplicate near its end: found, with its path
    const bad = text.replace('"c49999","center":[49999,49999.5,2],"weight":{"w":1}', '"c49999","center":[49999,49999.5,2],"weight":{"w":1,"w":2}');
    const t1 = performance.now();
    const e = parseError(bad);
    const dirty = performance.now() - t1;
    expect([e.path, e.value]).toEqual(["/cells/c/init/49999/weight/w", "w"]);
    // a quadratic search (a rescan per object) would take minutes on these 2.5 MB
    expect(clean).toBeLessThan(10_000);
    expect(dirty).toBeLessThan(10_000);
  });
});

describe("a repeated key in a YAML document is a ParseError too (js-yaml refuses it)", () => {
  it("with the key and its position", () => {
    const e = parseError("input: int\noutput: int\naction:\n  - {+: [input, 1]}\ninput: double\n");
    expect([e.code, e.value]).toEqual(["PFA_DUPLICATE_KEY", "input"]);
    expect(e.message).toMatch(/line 5, column 1/);
    const q = parseError('input: int\noutput: int\naction:\n  - if: true\n    then: 1\n    "then": 2\n');
    expect([q.code, q.value]).toEqual(["PFA_DUPLICATE_KEY", "then"]);
  });
});
