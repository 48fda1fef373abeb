import { correctlyRoundedExp, normalCdf } from "@porta/ir";
import { walkTreeBatch, walkTreeRowFrom } from "./families/node-table.ts";
import { batchTexts, categoryNumbers, tabulateCategoryExpr } from "./category-tables.ts";
import { knnRank } from "./families/nearest-neighbor.ts";

/**
 * Functions generated kernels may call, by a stable name: a cached artifact stores the name,
 * never the function, and gets the same function back when it is loaded.
 */
const HELPERS = new Map<string, (...args: never[]) => unknown>([
  ["walkTreeBatch", walkTreeBatch as (...args: never[]) => unknown],
  ["walkTreeRowFrom", walkTreeRowFrom as (...args: never[]) => unknown],
  ["normalCdf", normalCdf],
  // The interpreter's correctly rounded exp (@porta/ir interpret/exp.ts): the same function, so
  // the same bits. The name stays "exp" so cached artifacts keep loading.
  ["exp", correctlyRoundedExp],
  ["tabulateCategoryExpr", tabulateCategoryExpr as (...args: never[]) => unknown],
  ["batchTexts", batchTexts as (...args: never[]) => unknown],
  ["categoryNumbers", categoryNumbers as (...args: never[]) => unknown],
  ["knnRank", knnRank as (...args: never[]) => unknown],
]);

export function registerRuntimeHelper(name: string, fn: (...args: never[]) => unknown): void {
  HELPERS.set(name, fn);
}

export function helperByName(name: string): ((...args: never[]) => unknown) | undefined {
  return HELPERS.get(name);
}

export function helperName(fn: unknown): string | undefined {
  for (const [name, f] of HELPERS) if (f === fn) return name;
  return undefined;
}
