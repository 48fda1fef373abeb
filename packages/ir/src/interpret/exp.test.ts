import { describe, expect, it } from "vitest";
import { exp, expReference } from "./exp.ts";

/** Inputs where exp (fast path + certificate) and the slow path differ, as [x, fast, slow] (first few). */
function mismatches(xs: Float64Array): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const x of xs) {
    const a = exp(x),
      b = expReference(x);
    if (!Object.is(a, b) && out.length < 5) out.push([x, a, b]);
  }
  return out;
}

/** A deterministic generator (xorshift) so a failure reproduces. */
function uniform(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

describe("exp's fast path gives the double-double slow path's correctly rounded exp bit for bit", () => {
  it("on 3 million random inputs over the whole range, small and tiny arguments", () => {
    const rnd = uniform(20240611);
    const xs = new Float64Array(3_000_000);
    for (let i = 0; i < xs.length; i++) {
      const r = rnd() - 0.5,
        r2 = rnd();
      switch (i % 5) {
        case 0:
          xs[i] = r * 1420;
          break; // -710..710: overflow, subnormal and normal results
        case 1:
          xs[i] = r * 40;
          break; // logistic / softmax arguments
        case 2:
          xs[i] = r * 2;
          break;
        case 3:
          xs[i] = r * 2 ** -(r2 * 60);
          break; // near zero, every scale down to 2^-60
        default:
          xs[i] = r * 2 ** (r2 * 10) * (1 + rnd() * 2 ** -40);
          break; // random low bits
      }
    }
    expect(mismatches(xs)).toEqual([]);
  });

  it("at the edges: table points j·ln2/256 ± ulps, integers, range limits, specials", () => {
    const xs: number[] = [
      0,
      -0,
      NaN,
      Infinity,
      -Infinity,
      1e-300,
      -1e-300,
      5e-324,
      2 ** -53,
      -(2 ** -54),
      -708,
      -707.9999999999999,
      -708.0000000000001,
      709.78,
      709.7799999999999,
      709.7,
      709.78271289338397,
      -745.2,
    ];
    for (let n = -200_000; n <= 200_000; n += 7) {
      const base = (n * Math.LN2) / 256;
      let y = base;
      for (let u = 0; u < 3; u++) {
        xs.push(y);
        y = nextUp(y);
      }
    }
    for (let i = -708; i <= 709; i++) xs.push(i, i + 0.5, i / 1000, i / 7);
    expect(mismatches(Float64Array.from(xs))).toEqual([]);
  });
});

function nextUp(x: number): number {
  const b = new Float64Array([x]);
  const v = new BigInt64Array(b.buffer);
  v[0] += x >= 0 ? 1n : -1n;
  return b[0];
}
