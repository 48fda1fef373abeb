import { describe, expect, it } from "vitest";
import { Temporal, parseTemporalText, toDataType } from "./values.ts";

describe("value conversion (PMML 4.4 §DataDictionary dataType)", () => {
  it("integer accepts integral text, rejects fractions and junk", () => {
    expect(toDataType("42", "integer")).toBe(42);
    expect(toDataType("4.0", "integer")).toBe(4);
    expect(toDataType("4.5", "integer")).toBeUndefined();
    expect(toDataType("x", "integer")).toBeUndefined();
  });

  it("double accepts Java-style numbers incl. exponents and INF/NaN spellings", () => {
    expect(toDataType("1e3", "double")).toBe(1000);
    expect(toDataType(".5", "double")).toBe(0.5);
    expect(toDataType("-INF", "double")).toBe(-Infinity);
    expect(toDataType("", "double")).toBeUndefined();
  });

  it("float rounds to single precision", () => {
    expect(toDataType("0.1", "float")).toBe(Math.fround(0.1));
  });

  it("dates count days since 1970 and accept years before 100", () => {
    expect(parseTemporalText("1970-01-02")).toEqual(new Temporal("date", 1));
    expect(parseTemporalText("0001-01-01")?.toString()).toBe("0001-01-01");
    expect(parseTemporalText("2023-02-29")).toBeUndefined();
  });

  it("dateDaysSince[1960] counts days from 1960-01-01", () => {
    expect(toDataType("1960-01-10", "dateDaysSince[1960]")).toBe(9);
    expect(toDataType("1970-01-01T00:01:00", "dateTimeSecondsSince[1970]")).toBe(60);
  });
});
