import { describe, expect, it } from "vitest";
import { canonicalRowKey } from "./row-key.ts";

describe("canonicalRowKey", () => {
  it("ignores key order, at every depth", () => {
    expect(canonicalRowKey({ a: 1, b: { x: 1, y: [1, 2] } })).toBe(canonicalRowKey({ b: { y: [1, 2], x: 1 }, a: 1 }));
  });

  it("tags types: 1, '1', true, 1n and a Date differ", () => {
    const keys = [1, "1", true, 1n, new Date(1), [1], { 0: 1 }, null, undefined].map((v) => canonicalRowKey({ a: v }));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("compares numbers like Object.is: -0 is not 0, NaN is NaN", () => {
    expect(canonicalRowKey({ a: -0 })).not.toBe(canonicalRowKey({ a: 0 }));
    expect(canonicalRowKey({ a: NaN })).toBe(canonicalRowKey({ a: Number("x") }));
    expect(canonicalRowKey({ a: 0.1 + 0.2 })).not.toBe(canonicalRowKey({ a: 0.3 }));
    expect(canonicalRowKey({ a: Infinity })).not.toBe(canonicalRowKey({ a: -Infinity }));
  });

  it("gives every double its own key, and keys that survive UTF-8 (Redis) unchanged", () => {
    const values = [0.5, 1.5, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 53, Number.MIN_VALUE, -Number.MAX_VALUE, 1e-300, 123.456];
    for (let i = 0; i < 1000; i++) values.push((Math.random() - 0.5) * 10 ** Math.floor(Math.random() * 40 - 20));
    const keys = new Map<string, number>();
    for (const v of values) {
      const key = canonicalRowKey({ v })!;
      if (keys.has(key)) expect(keys.get(key)).toBe(v);
      keys.set(key, v);
      expect(Buffer.from(key, "utf8").toString("utf8")).toBe(key);
    }
    expect(new Set(values).size).toBe(keys.size);
    expect(canonicalRowKey({ v: 1 })).toBe(canonicalRowKey({ v: 1.0 }));
    expect(canonicalRowKey({ v: 3 })).toBe(canonicalRowKey({ v: 6 / 2 }));
  });

  it("reuses the sorted order of a shape without mixing up shapes", () => {
    expect(canonicalRowKey({ b: 1, a: 2 })).toBe(canonicalRowKey({ a: 2, b: 1 }));
    expect(canonicalRowKey({ b: 1, c: 2 })).toBe(canonicalRowKey({ c: 2, b: 1 }));
    expect(canonicalRowKey({ b: 1, a: 2 })).not.toBe(canonicalRowKey({ b: 1, c: 2 }));
  });

  it("cannot be forged by delimiters inside strings", () => {
    // Without length prefixes, these two rows would spell the same text.
    expect(canonicalRowKey({ a: "x", b: "y" })).not.toBe(canonicalRowKey({ a: 'x"b:"y' }));
    expect(canonicalRowKey({ a: "s1:b" })).not.toBe(canonicalRowKey({ a: "s", b: "" }));
    expect(canonicalRowKey(["ab", "c"])).not.toBe(canonicalRowKey(["a", "bc"]));
    expect(canonicalRowKey({ a: { b: 1 } })).not.toBe(canonicalRowKey({ "a{s1:b": 1 }));
  });

  it("keeps a property set to undefined apart from an absent one (a wrong hit is worse than a miss)", () => {
    expect(canonicalRowKey({ a: undefined })).not.toBe(canonicalRowKey({}));
  });

  it("is stable across calls and for nested arrays, dates and typed arrays", () => {
    const row = { d: new Date("2024-01-02T03:04:05Z"), v: new Float64Array([1, 2.5]), n: [[1], [2, [3]]] };
    expect(canonicalRowKey(row)).toBe(canonicalRowKey(structuredClone(row)));
    expect(canonicalRowKey({ v: new Float64Array([1]) })).not.toBe(canonicalRowKey({ v: new Float32Array([1]) }));
    expect(canonicalRowKey({ v: new Float64Array([1]) })).not.toBe(canonicalRowKey({ v: [1] }));
  });

  it("has no key for functions, symbols, Maps, class instances and cycles", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    class Point {
      x = 1;
    }
    for (const row of [{ f: () => 1 }, { s: Symbol("s") }, { m: new Map() }, { p: new Point() }, cyclic]) {
      expect(canonicalRowKey(row)).toBeUndefined();
    }
    // A shared (acyclic) sub-object is fine, and the cycle check leaves no state behind.
    const shared = { x: 1 };
    expect(canonicalRowKey({ a: shared, b: shared })).toBe(canonicalRowKey({ a: { x: 1 }, b: { x: 1 } }));
  });

  it("accepts null-prototype objects like plain ones", () => {
    const row = Object.assign(Object.create(null) as object, { a: 1 });
    expect(canonicalRowKey(row)).toBe(canonicalRowKey({ a: 1 }));
  });
});
