import { describe, expect, it } from "vitest";
import { betaI, betaIInverse, erf, erfc, gammaP, gammaPInverse, gammaQ, lnBeta, lnGamma, normalCdf, normalQuantile } from "./special.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe("special functions (reference values from DLMF / Abramowitz & Stegun tables)", () => {
  it("lnGamma matches ln((n-1)!) and Γ(1/2) = √π", () => {
    expect(rel(lnGamma(10), Math.log(362880))).toBeLessThan(1e-14);
    expect(rel(lnGamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(rel(lnGamma(100), 359.13420536957539878)).toBeLessThan(1e-14);
    expect(rel(lnGamma(1e-5), 11.512919692895828)).toBeLessThan(1e-12);
    expect(rel(lnGamma(-0.5), Math.log(2 * Math.sqrt(Math.PI)))).toBeLessThan(1e-14);
    expect(lnGamma(1)).toBe(0);
    expect(lnGamma(0)).toBe(Infinity);
    expect(rel(lnBeta(2, 3), Math.log(1 / 12))).toBeLessThan(1e-14);
  });
  it("erf and erfc", () => {
    expect(rel(erf(0.5), 0.5204998778130465)).toBeLessThan(1e-14);
    expect(rel(erf(1), 0.8427007929497149)).toBeLessThan(1e-14);
    expect(rel(erf(-2), -0.9953222650189527)).toBeLessThan(1e-14);
    expect(rel(erfc(3), 2.209049699858544e-5)).toBeLessThan(1e-12);
    expect(rel(erfc(10), 2.088487583762545e-45)).toBeLessThan(1e-12);
    expect(rel(erfc(-1), 1.8427007929497148)).toBeLessThan(1e-14);
    expect(erf(0)).toBe(0);
  });
  it("regularized incomplete gamma", () => {
    for (const x of [0.1, 1, 3, 20]) expect(rel(gammaP(1, x), -Math.expm1(-x))).toBeLessThan(1e-13);
    // P(3, x) = 1 - e^-x (1 + x + x²/2)
    for (const x of [0.5, 2, 7]) expect(rel(gammaQ(3, x), Math.exp(-x) * (1 + x + (x * x) / 2))).toBeLessThan(1e-13);
    expect(rel(gammaP(0.5, 4), erf(2))).toBeLessThan(1e-14);
    // integer a: Q(n, x) = e^-x Σ_{k<n} x^k / k!
    let term = Math.exp(-480);
    let q = 0;
    for (let k = 0; k < 500; k++) {
      q += term;
      term *= 480 / (k + 1);
    }
    expect(rel(gammaP(500, 480), 1 - q)).toBeLessThan(1e-11);
  });
  it("regularized incomplete beta", () => {
    expect(rel(betaI(0.3, 1, 1), 0.3)).toBeLessThan(1e-14);
    expect(rel(betaI(0.3, 2.5, 1), Math.pow(0.3, 2.5))).toBeLessThan(1e-13);
    expect(rel(betaI(0.3, 1, 4), 1 - Math.pow(0.7, 4))).toBeLessThan(1e-13);
    // I_x(2,2) = 3x² - 2x³
    expect(rel(betaI(0.8, 2, 2), 3 * 0.64 - 2 * 0.512)).toBeLessThan(1e-13);
  });
  it("inverses round-trip", () => {
    for (const [a, p] of [
      [0.5, 0.1],
      [3, 0.5],
      [50, 0.99],
      [0.05, 0.7],
    ] as const) {
      expect(rel(gammaP(a, gammaPInverse(p, a)), p)).toBeLessThan(1e-12);
    }
    for (const [a, b, p] of [
      [0.5, 0.5, 0.2],
      [2, 5, 0.9],
      [30, 0.3, 0.01],
      [1, 1, 0.42],
    ] as const) {
      expect(rel(betaI(betaIInverse(p, a, b), a, b), p)).toBeLessThan(1e-12);
    }
  });
  it("normal quantile", () => {
    expect(rel(normalQuantile(0.975), 1.959963984540054)).toBeLessThan(1e-14);
    expect(rel(normalQuantile(1e-10), -6.361340902404056)).toBeLessThan(1e-13);
    expect(rel(normalQuantile(0.3), -0.5244005127080407)).toBeLessThan(1e-14);
    expect(normalQuantile(0.5)).toBe(0);
    expect(rel(normalCdf(1.959963984540054), 0.975)).toBeLessThan(1e-15);
  });
});
