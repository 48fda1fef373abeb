/**
 * The bandit policies and the comparison behind silent deploys, without a server. The seeded
 * simulations run the policies exactly as the server does (chooseArm over the arms' pulls and
 * rewards), with Bernoulli rewards of 0.5 and 0.7.
 */
import { describe, expect, it } from "vitest";
import { chooseArm, probabilityBest, ucb1Choice } from "./bandit.ts";
import { rowAgrees, shadowReport, valuesAgree } from "./compare.ts";
import { LatencyHistogram, quantile } from "./quantiles.ts";
import { beta, seededRandom, stableFraction } from "./random.ts";

/** Runs `requests` then `window` more requests; returns the better arm's share of the window. */
function simulate(algorithm: "thompson" | "ucb1", seed: number, requests: number, window: number, rewardProbabilities = [0.5, 0.7]): number {
  const random = seededRandom(seed);
  const world = seededRandom(seed * 7919 + 1);
  const arms = rewardProbabilities.map(() => ({ pulls: 0, rewards: 0 }));
  const best = rewardProbabilities.indexOf(Math.max(...rewardProbabilities));
  let wins = 0;
  for (let i = 0; i < requests + window; i++) {
    const a = chooseArm(algorithm, arms, random);
    arms[a]!.pulls++;
    if (world() < rewardProbabilities[a]!) arms[a]!.rewards++;
    if (i >= requests && a === best) wins++;
  }
  return wins / window;
}

describe("bandit policies: seeded simulations (rewards 0.7 vs 0.5)", () => {
  it("Thompson sampling: after 1,000 requests the 0.7 arm takes ≥ 90 % of the next 500, for each of 20 seeds", () => {
    const shares = Array.from({ length: 20 }, (_, seed) => simulate("thompson", seed + 1, 1000, 500));
    expect(Math.min(...shares)).toBeGreaterThanOrEqual(0.9);
  });

  it("UCB1 explores longer: after 20,000 requests the 0.7 arm takes ≥ 90 % of the next 500, for each of 10 seeds", () => {
    const shares = Array.from({ length: 10 }, (_, seed) => simulate("ucb1", seed + 1, 20_000, 500));
    expect(Math.min(...shares)).toBeGreaterThanOrEqual(0.9);
  });

  it("three arms: Thompson finds the best of 0.3, 0.6, 0.5 within 1,000 requests", () => {
    expect(simulate("thompson", 42, 1000, 500, [0.3, 0.6, 0.5])).toBeGreaterThanOrEqual(0.9);
  });

  it("a seed repeats a run exactly", () => {
    const run = (seed: number) => {
      const random = seededRandom(seed);
      const arms = [
        { pulls: 3, rewards: 1 },
        { pulls: 5, rewards: 4 },
      ];
      return Array.from({ length: 50 }, () => chooseArm("thompson", arms, random));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it("UCB1 plays every arm once, then follows mean + sqrt(2 ln N / n)", () => {
    expect(
      ucb1Choice([
        { pulls: 4, rewards: 2 },
        { pulls: 0, rewards: 0 },
      ]),
    ).toBe(1);
    // means 0.9 and 0.5 over 100 pulls each: the exploration bonus is equal, the mean decides.
    expect(
      ucb1Choice([
        { pulls: 100, rewards: 50 },
        { pulls: 100, rewards: 90 },
      ]),
    ).toBe(1);
    // a barely tried arm gets its bonus: 0.5 + sqrt(2 ln 1002 / 2) ≈ 3.1 beats 0.9 + 0.12.
    expect(
      ucb1Choice([
        { pulls: 1000, rewards: 900 },
        { pulls: 2, rewards: 1 },
      ]),
    ).toBe(1);
  });

  it("P(best) from the Beta posteriors: a clear winner near 1, equal arms near 1/2", () => {
    const random = seededRandom(1);
    const [a, b] = probabilityBest(
      [
        { pulls: 200, rewards: 100 },
        { pulls: 200, rewards: 140 },
      ],
      random,
    );
    expect(b).toBeGreaterThan(0.99);
    expect(a! + b!).toBeCloseTo(1, 10);
    const [c] = probabilityBest(
      [
        { pulls: 50, rewards: 25 },
        { pulls: 50, rewards: 25 },
      ],
      random,
    );
    expect(c).toBeGreaterThan(0.4);
    expect(c).toBeLessThan(0.6);
  });

  it("Beta draws have the Beta mean; stable fractions are stable and spread", () => {
    const random = seededRandom(3);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += beta(random, 3, 7);
    expect(sum / 20_000).toBeCloseTo(0.3, 2);
    expect(stableFraction("churn\0user-1")).toBe(stableFraction("churn\0user-1"));
    const below = Array.from({ length: 10_000 }, (_, i) => stableFraction(`churn\0user-${i}`)).filter((f) => f < 0.1).length;
    expect(below).toBeGreaterThan(900);
    expect(below).toBeLessThan(1100);
  });
});

describe("comparison and quantiles", () => {
  it("numbers agree within the tolerance; other values exactly; rows field by field, failures by code", () => {
    expect(valuesAgree(1, 1 + 1e-12)).toBe(true);
    expect(valuesAgree(1, 1.001)).toBe(false);
    expect(valuesAgree(1, 1.001, { absolute: 0.01, relative: 0 })).toBe(true);
    expect(valuesAgree("yes", "yes")).toBe(true);
    expect(valuesAgree({ a: [1, "x"] }, { a: [1, "x"] })).toBe(true);
    expect(valuesAgree({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    const live = { version: "1", ms: 1, results: [{ y: 1 }, null], errors: [{ row: 1, code: "E" }] };
    expect(rowAgrees(live, { version: "2", ms: 1, results: [{ y: 1 }, null], errors: [{ row: 1, code: "E" }] }, 1)).toBe(true);
    expect(rowAgrees(live, { version: "2", ms: 1, results: [{ y: 1 }, { y: 2 }] }, 1)).toBe(false);
  });

  it("a shadow report: agreement overall and per field, differences' quantiles, failures, latency", () => {
    const line = (x: number, shadowY: number | null) => ({
      at: "2026-01-01T00:00:00Z",
      model: "m",
      rows: 1,
      live: { version: "1", ms: 1 + x / 10, results: [{ y: x, label: x > 90 ? "b" : "a" }] },
      shadow: {
        version: "2",
        ms: 2,
        results: [shadowY === null ? null : { y: shadowY, label: shadowY > 90 ? "b" : "a" }],
        ...(shadowY === null ? { errors: [{ row: 0, code: "E" }] } : {}),
      },
    });
    const lines = [...Array.from({ length: 99 }, (_, x) => line(x, x < 80 ? x : x + 1)), line(99, null), { model: "other" }];
    const report = shadowReport("m", lines);
    expect(report).toMatchObject({ requests: 100, rows: 100, agreed: 80, agreement: 0.8, errors: { live: 0, shadow: 1, both: 0 }, skipped: 1 });
    const y = report.fields.find((f) => f.field === "y")!;
    expect(y).toMatchObject({ compared: 99, agreed: 80, difference: { count: 99, min: 0, max: 1, p50: 0 } });
    expect(y.difference!.meanAbsolute).toBeCloseTo(19 / 99, 10);
    const label = report.fields.find((f) => f.field === "label")!;
    expect(label).toMatchObject({ compared: 99, agreed: 98, changes: [{ from: "a", to: "b", count: 1 }] });
    expect(report.latencyMs.shadow).toMatchObject({ count: 100, p50: 2, p99: 2 });
    expect(report.latencyMs.live.max).toBeCloseTo(10.9, 10);
  });

  it("the latency histogram's quantiles are within one bucket (≈ 9 %) above the exact ones", () => {
    const h = new LatencyHistogram();
    const values = Array.from({ length: 1000 }, (_, i) => 0.1 + i * 0.05);
    for (const v of values) h.observe(v);
    const exact = quantile(values, 0.99);
    expect(h.quantile(0.99)).toBeGreaterThanOrEqual(exact * 0.999);
    expect(h.quantile(0.99)).toBeLessThanOrEqual(exact * 1.1);
    expect(new LatencyHistogram().quantile(0.99)).toBe(0);
  });
});
