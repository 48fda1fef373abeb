/**
 * `a.mode` over votes. It breaks a tie by the median of the tied values in their sort order (the
 * lower middle of an even count for strings: pfa/src/lib/a.ts), PMML's votes otherwise (a
 * MiningModel's majorityVote: the category voted first; a NearestNeighborModel's: the most
 * frequent in the training data, then the smallest). Where no tie can happen (one voter, one
 * category, two categories and an odd number of voters) the model's own vote is PFA's; elsewhere
 * a MiningModel's vote is recomputed by `modeOutputs` from its vote shares (probabilities).
 */
import type { Expr, OutputField } from "@porta/ir";
import { comparator } from "../values.ts";

export function voteWithoutTies(voters: number, categories: number): boolean {
  return voters === 1 || categories === 1 || (categories === 2 && voters % 2 === 1);
}

export function tieReason(voters: number, categories: number): string {
  return `a.mode of ${voters} votes over ${categories} categories can tie, and PFA breaks a tie by the median of the tied values, PMML's majority vote otherwise (lowered: one vote, one category, or two categories and an odd count)`;
}

/** The categories in PFA's string order (a.mode sorts the tied values with it). */
export function pfaSorted(categories: readonly string[]): string[] {
  return [...categories].sort(comparator({ kind: "string" }));
}

const apply = (fn: string, ...args: Expr[]): Expr => ({ kind: "apply", function: fn, args, invalidValueTreatment: "returnInvalid" });
const ref = (field: string): Expr => ({ kind: "fieldRef", field });
const num = (value: number): Expr => ({ kind: "constant", value, dataType: "double" });

/**
 * Hidden OutputFields that give PFA's a.mode from a MiningModel's majority vote, and the
 * expression of the mode itself. With the categories c₀ < … < cₙ₋₁ in PFA's order and pᵢ the share
 * of votes of cᵢ (votes ÷ voters: equal votes, equal shares): m = max pᵢ; Sᵢ counts the tied
 * categories up to cᵢ (pⱼ = m, j ≤ i); of the k = Sₙ₋₁ tied ones a.mode takes the one at sorted
 * index ⌊(k − 1)/2⌋, the first cᵢ with Sᵢ ≥ ⌊(k + 1)/2⌋.
 */
export function modeOutputs(categories: readonly string[], prefix: string, path: string): { hidden: OutputField[]; expr: Expr } {
  const sorted = pfaSorted(categories);
  const hidden: OutputField[] = [];
  const add = (name: string, extra: Partial<OutputField>): string => {
    hidden.push({ name, feature: "transformedValue", dataType: "double", opType: "continuous", rank: 1, isFinalResult: false, path, ...extra });
    return name;
  };
  const shares = sorted.map((c, i) => add(`${prefix}share${i}`, { feature: "probability", value: c }));
  const max = add(`${prefix}max`, { expr: apply("max", ...shares.map(ref)) });
  const counts: string[] = [];
  shares.forEach((p, i) => {
    const tied = apply("if", apply("equal", ref(p), ref(max)), num(1), num(0));
    counts.push(add(`${prefix}tied${i}`, { expr: i === 0 ? tied : apply("+", ref(counts[i - 1]!), tied) }));
  });
  const middle = add(`${prefix}middle`, { expr: apply("floor", apply("/", apply("+", ref(counts[counts.length - 1]!), num(1)), num(2))) });
  let expr: Expr = { kind: "constant", value: sorted[sorted.length - 1]!, dataType: "string" };
  for (let i = sorted.length - 2; i >= 0; i--) {
    expr = apply("if", apply("greaterOrEqual", ref(counts[i]!), ref(middle)), { kind: "constant", value: sorted[i]!, dataType: "string" }, expr);
  }
  return { hidden, expr };
}
