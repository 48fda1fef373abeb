import { correctlyRoundedExp, normalCdf, pfaIntPower } from "@porta/ir/scoring";
import { walkTreeBatch, walkTreeRowFrom } from "./families/node-table.ts";
import { batchTexts, categoryNumbers } from "./category-texts.ts";
import { knnRank } from "./families/knn-rank.ts";

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
  ["batchTexts", batchTexts as (...args: never[]) => unknown],
  ["categoryNumbers", categoryNumbers as (...args: never[]) => unknown],
  ["knnRank", knnRank as (...args: never[]) => unknown],
  // PFA's exact int power (a pfa:int** of a lowered PFA document), the interpreter's own function
  ["pfaIntPower", pfaIntPower],
]);

/**
 * Helpers whose module loads the interpreter, by the module that registers them when it loads:
 * the compiler imports it; restoring an artifact imports it only when the artifact names one of
 * them (`loadHelpers`), so a warm `porta score` of a tree loads no interpreter (issue 13).
 */
const HELPER_MODULES: Readonly<Record<string, () => Promise<unknown>>> = {
  tabulateCategoryExpr: () => import("./category-tables.ts"),
};

export function registerRuntimeHelper(name: string, fn: (...args: never[]) => unknown): void {
  HELPERS.set(name, fn);
}

/** Imports the modules of the named helpers that are not registered yet; an unknown name is left for `helperByName` to report. */
export async function loadHelpers(names: Iterable<string>): Promise<void> {
  const pending: Promise<unknown>[] = [];
  for (const name of names) if (!HELPERS.has(name) && Object.hasOwn(HELPER_MODULES, name)) pending.push(HELPER_MODULES[name]!());
  await Promise.all(pending);
}

export function helperByName(name: string): ((...args: never[]) => unknown) | undefined {
  return HELPERS.get(name);
}

export function helperName(fn: unknown): string | undefined {
  for (const [name, f] of HELPERS) if (f === fn) return name;
  return undefined;
}
