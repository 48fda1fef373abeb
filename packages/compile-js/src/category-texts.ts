import { toNumber } from "@porta/ir/values";

// Kernel-time helpers over a category column's texts, apart from category-tables.ts (which
// evaluates expressions with the interpreter): a restored artifact calls them without loading it.

/**
 * The number of every code of a category column in one batch (entry c + 1; entry 0, the missing
 * value, NaN), read as the interpreter reads a text where a number is expected (toNumber: NaN
 * when it is no number). A GeneralRegressionModel covariate on a string field reads these.
 */
export function categoryNumbers(texts: readonly string[]): Float64Array {
  const out = new Float64Array(texts.length + 1);
  out[0] = NaN;
  for (let c = 0; c < texts.length; c++) out[c + 1] = toNumber(texts[c]);
  return out;
}

/** The texts of a category input column in one batch: its dictionary, then the batch's new values. */
export function batchTexts(categories: readonly string[], extra: readonly string[] | undefined): readonly string[] {
  return extra === undefined || extra.length === 0 ? categories : categories.concat(extra);
}
