import { Bool, Dictionary, Float64, Int32, Int64, Null, Utf8, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { valueAt } from "@porta/backend";
import { columnOfVector } from "./arrow.ts";

const values = (column: ReturnType<typeof columnOfVector>, n: number) => Array.from({ length: n }, (_, i) => valueAt(column, i));

describe("Arrow columns as Batch columns (porta score's Arrow input)", () => {
  it("integers (Int32, Int64) and floats are number columns; a null is missing, a NaN with nulls around stays a value", () => {
    const ints = columnOfVector(vectorFromArray([1, null, 3], new Int32()), "f:a");
    expect(ints.kind).toBe("number");
    expect(values(ints, 3)).toEqual([1, null, 3]);
    expect(values(columnOfVector(vectorFromArray([10n, null, -2n], new Int64()), "f:b"), 3)).toEqual([10, null, -2]);
    const floats = columnOfVector(vectorFromArray([NaN, null, 2.5], new Float64()), "f:c");
    expect(floats.kind === "number" && floats.missing ? [...floats.missing] : undefined).toEqual([0, 1, 0]);
  });

  it("strings are a category column; dictionary-encoded strings keep their dictionary and codes, a null index is missing", () => {
    const texts = columnOfVector(vectorFromArray(["a", null, "b", "a"], new Utf8()), "f:s");
    expect(texts.kind).toBe("category");
    expect(values(texts, 4)).toEqual(["a", null, "b", "a"]);
    const dict = columnOfVector(vectorFromArray(["x", "y", null, "x"], new Dictionary(new Utf8(), new Int32())), "f:d");
    expect(dict.kind === "category" ? { codes: [...dict.codes], dictionary: dict.dictionary } : dict).toEqual({ codes: [0, 1, -1, 0], dictionary: ["x", "y"] });
  });

  it("booleans are values, an all-null column is missing throughout", () => {
    expect(values(columnOfVector(vectorFromArray([true, null, false], new Bool()), "f:t"), 3)).toEqual([true, null, false]);
    expect(values(columnOfVector(vectorFromArray([null, null], new Null()), "f:n"), 2)).toEqual([null, null]);
  });

  it("any other type is ARROW_UNSUPPORTED_TYPE with the file:column path and the type as value", () => {
    expect(() => columnOfVector(vectorFromArray([new Date(0)]), "rows.arrow:when")).toThrow(
      expect.objectContaining({ code: "ARROW_UNSUPPORTED_TYPE", path: "rows.arrow:when", value: "Timestamp<MILLISECOND>" }),
    );
  });
});
