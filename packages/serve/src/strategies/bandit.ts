/**
 * Multi-armed bandit policies over model versions. An arm's statistics are its pulls (requests
 * routed to it) and the sum of its rewards (each in [0, 1]; a pull whose feedback never came
 * counts 0), so its mean reward is rewards / pulls.
 *
 * - Thompson sampling: each arm's mean has a Beta(1 + rewards, 1 + pulls − rewards) posterior
 *   (uniform prior; fractional rewards as fractional successes); a request goes to the arm whose
 *   posterior draw is highest, so each arm's share of traffic is its probability of being best.
 * - UCB1 (Auer et al. 2002): every arm once, then the arm with the highest
 *   mean + sqrt(2 ln N / pulls). Deterministic given the counts.
 */
import type { BanditAlgorithm } from "@porta/registry";
import { beta, type Random } from "./random.ts";

export interface ArmStats {
  readonly pulls: number;
  readonly rewards: number;
}

/** Beta posterior parameters of an arm (uniform prior). */
function posterior(arm: ArmStats): [number, number] {
  const successes = Math.min(Math.max(arm.rewards, 0), arm.pulls);
  return [1 + successes, 1 + Math.max(arm.pulls - successes, 0)];
}

/** The index of the arm a request goes to (arms non-empty). */
export function chooseArm(algorithm: BanditAlgorithm, arms: readonly ArmStats[], random: Random): number {
  return algorithm === "ucb1" ? ucb1Choice(arms) : thompsonChoice(arms, random);
}

export function thompsonChoice(arms: readonly ArmStats[], random: Random): number {
  let best = 0;
  let bestDraw = -1;
  for (let i = 0; i < arms.length; i++) {
    const [a, b] = posterior(arms[i]!);
    const draw = beta(random, a, b);
    if (draw > bestDraw) {
      bestDraw = draw;
      best = i;
    }
  }
  return best;
}

export function ucb1Choice(arms: readonly ArmStats[]): number {
  let total = 0;
  for (let i = 0; i < arms.length; i++) {
    if (arms[i]!.pulls <= 0) return i;
    total += arms[i]!.pulls;
  }
  const logTotal = Math.log(total);
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < arms.length; i++) {
    const { pulls, rewards } = arms[i]!;
    const score = rewards / pulls + Math.sqrt((2 * logTotal) / pulls);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/** Each arm's posterior probability of having the best mean reward, by `draws` Monte Carlo draws. */
export function probabilityBest(arms: readonly ArmStats[], random: Random, draws = 4000): number[] {
  const wins = new Array<number>(arms.length).fill(0);
  if (arms.length === 0) return wins;
  const params = arms.map(posterior);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    let bestDraw = -1;
    for (let i = 0; i < params.length; i++) {
      const draw = beta(random, params[i]![0], params[i]![1]);
      if (draw > bestDraw) {
        bestDraw = draw;
        best = i;
      }
    }
    wins[best]!++;
  }
  return wins.map((w) => w / draws);
}
