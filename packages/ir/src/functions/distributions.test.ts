import { describe, expect, it } from "vitest";
import "./all.ts";
import { getBuiltin } from "./index.ts";
import type { Value } from "../values.ts";

const call = (name: string, ...args: Value[]) => getBuiltin(name)!.fn(args) as number;
const close = (actual: number, expected: number, rel = 1e-14) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * rel + 1e-300);

// Reference values: Apache Commons Math 3.6 (JPMML's implementation) / high-precision tables.
describe("PMML 4.3+ erf", () => {
  it("matches tabulated values", () => {
    close(call("erf", 0.5), 0.5204998778130465);
    close(call("erf", 1), 0.8427007929497149);
    close(call("erf", -1), -0.8427007929497149);
    close(call("erf", 2), 0.9953222650189527);
    close(call("erf", 3), 0.9999779095030014);
    expect(call("erf", 0)).toBe(0);
  });
  it("saturates beyond |x| > 40 like Commons Math", () => {
    expect(call("erf", 41)).toBe(1);
    expect(call("erf", -41)).toBe(-1);
  });
});

describe("PMML 4.3+ normal distribution functions", () => {
  it("stdNormalCDF", () => {
    expect(call("stdNormalCDF", 0)).toBe(0.5);
    close(call("stdNormalCDF", 1.96), 0.9750021048517795);
    close(call("stdNormalCDF", -1), 0.15865525393145705);
    close(call("stdNormalCDF", -10), 7.619853024160527e-24, 1e-12);
  });
  it("stdNormalPDF", () => {
    close(call("stdNormalPDF", 0), 0.3989422804014327);
    close(call("stdNormalPDF", 1), 0.24197072451914337);
  });
  it("normalCDF / normalPDF with mu and sigma", () => {
    close(call("normalCDF", 5, 3, 2), 0.8413447460685429);
    close(call("normalPDF", 5, 3, 2), 0.12098536225957168);
  });
  it("stdNormalIDF inverts the CDF to ~1e-15", () => {
    close(call("stdNormalIDF", 0.975), 1.959963984540054);
    close(call("stdNormalIDF", 0.025), -1.959963984540054);
    close(call("stdNormalIDF", 0.999), 3.090232306167813);
    close(call("stdNormalIDF", 1e-10), -6.361340902404056);
    expect(call("stdNormalIDF", 0.5)).toBe(0);
  });
  it("IDF of 0 and 1 are -Infinity and Infinity", () => {
    expect(call("stdNormalIDF", 0)).toBe(-Infinity);
    expect(call("stdNormalIDF", 1)).toBe(Infinity);
  });
  it("normalIDF(p, mu, sigma) = mu + sigma * stdNormalIDF(p)", () => {
    close(call("normalIDF", 0.975, 10, 2), 10 + 2 * 1.959963984540054);
  });
  it("a probability outside [0, 1] is an error (Commons Math OutOfRangeException)", () => {
    expect(() => call("stdNormalIDF", 1.5)).toThrow(/\[0, 1\]/);
    expect(() => call("normalIDF", -0.1, 0, 1)).toThrow(/\[0, 1\]/);
  });
  it("sigma <= 0 is an error (JPMML: 'Must be greater than 0')", () => {
    expect(() => call("normalCDF", 1, 0, 0)).toThrow(/sigma/);
    expect(() => call("normalPDF", 1, 0, -1)).toThrow(/sigma/);
  });
});
