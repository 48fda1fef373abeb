import type { DerivedField } from "../fields.ts";
import type { BayesDistribution, NaiveBayesModel } from "../models/naive-bayes.ts";
import { parseNumber, toDataType, type Value } from "../values.ts";
import { memoizedPlan } from "./plan-cache.ts";

/**
 * NaiveBayesModel (PMML 4.4 §NaiveBayesModel) lowered: the typed target categories with their
 * ln(count) priors, and per input everything a row adds that does not depend on the row: for a
 * discrete input each PairCounts' category read as a number and as a boolean and the (category,
 * ln P(Ij | Tk)) run it adds, P = count / Σ counts of that category over the input (a near-zero
 * count replaced by the threshold); for a continuous input each category's distribution.
 * Backends hold only the per-row match, density and softmax.
 */

/** The target as lowering needs it: how a document category is typed. */
export interface NaiveBayesTarget {
  category(text: string): Value;
}

/** One term of a log sum: `log` added to category `category`. */
export interface NaiveBayesTerm {
  readonly category: number;
  readonly log: number;
}

export interface PairCountsPlan {
  /** The input category as written: a text value matches it as text. */
  readonly text: string;
  /** The category read as a number (a number matches it numerically); undefined when it is none. */
  readonly number: number | undefined;
  /** The category read as a boolean; undefined when it is none. */
  readonly boolean: boolean | undefined;
  readonly terms: readonly NaiveBayesTerm[];
}

export type NaiveBayesInputPlan =
  | {
      readonly kind: "discrete";
      readonly field: string;
      /** Maps the input onto the PairCounts categories (usually a Discretize), typed to its dataType. */
      readonly derived: DerivedField | undefined;
      /** In document order: the first one a value matches is used. */
      readonly pairs: readonly PairCountsPlan[];
      readonly path: string;
    }
  | {
      readonly kind: "continuous";
      readonly field: string;
      /** One per TargetValueStat, in document order; a Gaussian of variance ≤ 0 is left out (it contributes nothing). */
      readonly densities: readonly { readonly category: number; readonly distribution: BayesDistribution }[];
      readonly path: string;
    };

export interface NaiveBayesPlan {
  /**
   * The typed target categories: the BayesOutput's first, in their order (each row's result holds
   * them in this order), then those only an input names, in document order (a row's result holds
   * one only once an input added to it, in the order the row added them).
   */
  readonly categories: readonly Value[];
  /** How many of `categories` the BayesOutput counts. */
  readonly counted: number;
  /** ln(count) of each counted category (summed when a category is counted twice). */
  readonly priors: readonly number[];
  /** Probability used in place of zero counts and of densities below it. */
  readonly threshold: number;
  readonly inputs: readonly NaiveBayesInputPlan[];
}

/** JPMML's Precision.EPSILON test for a zero count. */
const ZERO_COUNT = 1.1102230246251565e-16;

/** The plan of `model` whose target types categories as `target` does (memoized per node: a node has one target). */
export const lowerNaiveBayes: (model: NaiveBayesModel, target: NaiveBayesTarget) => NaiveBayesPlan = memoizedPlan(lower);

function lower(model: NaiveBayesModel, target: NaiveBayesTarget): NaiveBayesPlan {
  const categories: Value[] = [];
  const slots = new Map<Value, number>();
  const slot = (text: string): number => {
    const value = target.category(text);
    let k = slots.get(value);
    if (k === undefined) {
      k = categories.length;
      categories.push(value);
      slots.set(value, k);
    }
    return k;
  };
  const priors: number[] = [];
  for (const c of model.bayesOutput.counts) {
    const k = slot(c.value);
    priors[k] = (priors[k] ?? 0) + Math.log(c.count);
  }
  const counted = categories.length;
  const inputs = model.inputs.map((input): NaiveBayesInputPlan => {
    if (input.stats) {
      const densities = input.stats
        .filter((stat) => !(stat.distribution.kind === "gaussian" && stat.distribution.variance <= 0))
        .map((stat) => ({ category: slot(stat.value), distribution: stat.distribution }));
      return { kind: "continuous", field: input.field, densities, path: input.path };
    }
    // Σ over the input's PairCounts of each target category's count (the denominator of P(Ij | Tk)).
    const sums = new Map<string, number>();
    for (const pair of input.pairCounts) {
      for (const c of pair.counts) {
        const prev = sums.get(c.value);
        sums.set(c.value, prev === undefined ? c.count : prev + c.count);
      }
    }
    const pairs = input.pairCounts.map((pair): PairCountsPlan => {
      const boolean = toDataType(pair.value, "boolean");
      return {
        text: pair.value,
        number: parseNumber(pair.value),
        boolean: typeof boolean === "boolean" ? boolean : undefined,
        terms: pair.counts.map((c) => ({
          category: slot(c.value),
          log: Math.log(Math.abs(c.count) <= ZERO_COUNT ? model.threshold : c.count / (sums.get(c.value) ?? NaN)),
        })),
      };
    });
    return { kind: "discrete", field: input.field, derived: input.derived, pairs, path: input.path };
  });
  return { categories, counted, priors, threshold: model.threshold, inputs };
}
