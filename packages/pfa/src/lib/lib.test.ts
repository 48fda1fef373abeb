import { describe, expect, it } from "vitest";
import { EvaluationError } from "@porta/ir";
import { compilePfa, decodeInput, encodeOutput, parsePfa } from "../index.ts";

/** Call one library function on literal arguments; `out` is the output type. */
function call(fn: string, args: unknown[], out: unknown, input: unknown = "null", sample: unknown = null): unknown {
  const e = compilePfa(parsePfa(JSON.stringify({ input, output: out, action: { [fn]: args } })));
  return encodeOutput(e, e.action(decodeInput(e, sample)));
}
const lit = (type: unknown, value: unknown) => ({ type, value });
const arr = (items: unknown, value: unknown[]) => lit({ type: "array", items }, value);
const mapOf = (values: unknown, value: Record<string, unknown>) => lit({ type: "map", values }, value);
function code(f: () => unknown): number | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof EvaluationError) return e.pfaCode;
    throw e;
  }
  return undefined;
}
const A = { type: "array", items: "int" };

describe("reference rounding and edge cases", () => {
  it("cast.int and cast.long round half up", () => {
    expect(call("cast.int", [0.5], "int")).toBe(1);
    expect(call("cast.int", [-0.5], "int")).toBe(0);
    expect(call("cast.long", [2.5], "long")).toBe(3);
  });
  it("la.symmetric ignores the diagonal; la.det is NaN with non-finite entries", () => {
    const M = { type: "array", items: { type: "array", items: "double" } };
    expect(
      call(
        "la.symmetric",
        [
          lit(M, [
            [1, 2],
            [2, "inf"],
          ]),
          0.01,
        ],
        "boolean",
      ),
    ).toBe(true);
    expect(
      call(
        "la.det",
        [
          lit(M, [
            [1, 2],
            [3, "inf"],
          ]),
        ],
        "double",
      ),
    ).toBe("nan");
  });
  it("rand.histogram reports the first bad entry", () => {
    expect(code(() => call("rand.histogram", [arr("double", [1, -1, "inf"])], "int"))).toBe(34072);
    expect(code(() => call("rand.histogram", [arr("double", [1, "nan", -1])], "int"))).toBe(34071);
  });
});

describe("a.* (array manipulation)", () => {
  it("searches nested arrays for an array needle as a subsequence, as the reference", () => {
    const AA = { type: "array", items: "string" };
    const hay = arr(AA, [[""], ["o", "hello"]]);
    expect(call("a.contains", [hay, arr("string", [""])], "boolean")).toBe(false);
    expect(call("a.contains", [hay, arr("string", [])], "boolean")).toBe(true);
    expect(call("a.startswith", [hay, arr("string", [])], "boolean")).toBe(true);
    expect(call("a.count", [hay, arr("string", [""])], "int")).toBe(0);
  });
  it("slices like Python and errors on empty arrays", () => {
    expect(call("a.subseq", [arr("int", [1, 2, 3, 4]), -3, -1], A)).toEqual([2, 3]);
    expect(code(() => call("a.head", [arr("int", [])], "int"))).toBe(15020);
  });
  it("sorts by Avro order and by a lessThan function", () => {
    expect(call("a.sort", [arr("string", ["b", "a", "c"])], { type: "array", items: "string" })).toEqual(["a", "b", "c"]);
    expect(call("a.sortLT", [arr("int", [1, 3, 2]), { params: [{ x: "int" }, { y: "int" }], ret: "boolean", do: { ">": ["x", "y"] } }], A)).toEqual([3, 2, 1]);
  });
  it("maxN, argmaxN, median, mode", () => {
    expect(call("a.maxN", [arr("int", [5, 1, 9, 3]), 2], A)).toEqual([9, 5]);
    expect(call("a.argminN", [arr("int", [5, 1, 9, 1]), 2], A)).toEqual([1, 3]);
    expect(call("a.median", [arr("double", [1, 2, 3, 10])], "double")).toBe(2.5);
    expect(call("a.mode", [arr("int", [1, 2, 2, 3])], "int")).toBe(2);
  });
  it("sum overflows as int, set operations keep order", () => {
    expect(code(() => call("a.sum", [arr("int", [2147483647, 1])], "int"))).toBe(15400);
    expect(call("a.union", [arr("int", [1, 2]), arr("int", [2, 3])], A)).toEqual([1, 2, 3]);
    expect(call("a.diff", [arr("int", [1, 2, 3]), arr("int", [2])], A)).toEqual([1, 3]);
  });
  it("higher-order: fold, zipmap, slidingWindow, combinations", () => {
    const add = { params: [{ x: "int" }, { y: "int" }], ret: "int", do: { "+": ["x", "y"] } };
    expect(call("a.fold", [arr("int", [1, 2, 3]), 10, add], "int")).toBe(16);
    expect(call("a.zipmap", [arr("int", [1, 2]), arr("int", [10, 20]), add], A)).toEqual([11, 22]);
    expect(code(() => call("a.zipmap", [arr("int", [1]), arr("int", [10, 20]), add], A))).toBe(15650);
    expect(call("a.slidingWindow", [arr("int", [1, 2, 3, 4]), 2, 2], { type: "array", items: A })).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(call("a.combinations", [arr("int", [1, 2, 3]), 2], { type: "array", items: A })).toEqual([
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
  });
});

describe("map.* (map manipulation)", () => {
  const M = { type: "map", values: "int" };
  it("adds, removes and overlays without changing the input", () => {
    expect(call("map.add", [mapOf("int", { a: 1 }), ["b"], 2], M)).toEqual({ a: 1, b: 2 });
    expect(call("map.except", [mapOf("int", { a: 1, b: 2 }), arr("string", ["a"])], M)).toEqual({ b: 2 });
  });
  it("argmax breaks ties by key, sets use base64 Avro keys", () => {
    expect(call("map.argmax", [mapOf("int", { b: 3, a: 3, c: 1 })], "string")).toBe("a");
    expect(call("map.toset", [arr("int", [1])], M)).toEqual({ "Ag==": 1 });
    expect(code(() => call("map.argmin", [mapOf("int", {})], "string"))).toBe(26130);
  });
});

describe("m.*, s.*, cast.*, re.*, bytes.*, parse.*, impute.*, time.*", () => {
  it("math and special functions", () => {
    expect(call("m.round", [2.5], "long")).toBe(3);
    expect(call("m.special.erf", [1], "double")).toBeCloseTo(0.8427, 4);
    expect(call("m.special.lnGamma", [5], "double")).toBeCloseTo(Math.log(24), 8);
    expect(code(() => call("m.abs", [{ int: -2147483648 }], "int"))).toBe(27020);
    expect(call("m.link.softmax", [arr("double", [0, 0])], { type: "array", items: "double" })).toEqual([0.5, 0.5]);
  });
  it("strings index by code point like Python", () => {
    expect(call("s.substr", [["hello"], 1, -1], "string")).toBe("ell");
    expect(call("s.int", [42, 5, true], "string")).toBe("00042");
    expect(code(() => call("s.hex", [-1], "string"))).toBe(39111);
    expect(call("s.translate", [["abc"], ["ab"], ["x"]], "string")).toBe("xc");
  });
  it("casts, fanout and bit truncation", () => {
    expect(call("cast.signed", [255, 8], "long")).toBe(-1);
    expect(call("cast.fanoutInt", [["b"], arr("string", ["a", "b"]), true], A)).toEqual([0, 1, 0]);
    expect(code(() => call("cast.int", [1e10], "int"))).toBe(17020);
  });
  it("regular expressions and bytes", () => {
    expect(call("re.index", [["hello"], ["l+"]], A)).toEqual([2, 4]);
    expect(code(() => call("re.contains", [["x"], ["("]], "boolean"))).toBe(35010);
    expect(call("bytes.decodeUtf8", [{ base64: "aMOp" }], "string")).toBe("hé");
    expect(code(() => call("bytes.decodeAscii", [{ base64: "/w==" }], "string"))).toBe(16090);
  });
  it("parse and impute", () => {
    expect(call("parse.int", [[" ff "], 16], "int")).toBe(255);
    expect(code(() => call("parse.int", [["12"], 1], "int"))).toBe(33001);
    expect(call("impute.defaultOnNull", [lit(["null", "int"], null), 7], "int")).toBe(7);
    expect(code(() => call("impute.errorOnNonNum", [{ double: "nan" }], "double"))).toBe(21050);
  });
  it("time fields in time zones", () => {
    expect(call("time.year", [0, [""]], "int")).toBe(1970);
    expect(call("time.hourOfDay", [0, ["America/New_York"]], "int")).toBe(19);
    expect(call("time.dayOfWeek", [0, [""]], "int")).toBe(3);
    expect(code(() => call("time.year", [0, ["Nowhere/Special"]], "int"))).toBe(40000);
  });
});
