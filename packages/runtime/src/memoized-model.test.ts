import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { LocalResultCache } from "@porta/cache";
import { loadModelSync } from "./load.ts";
import { withResultCache } from "./memoized-model.ts";
import type { ScoreResult } from "./model.ts";

const TREE = join(import.meta.dirname, "..", "..", "..", "fixtures", "pmml", "iris-tree.pmml");

describe("withResultCache", () => {
  it("answers a repeated row from the cache with the same result; errors are not cached", () => {
    const cache = new LocalResultCache<ScoreResult>({ maxEntries: 100 });
    const model = withResultCache(loadModelSync(TREE), cache);
    const row = { sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5 };
    const first = model.score(row);
    const second = model.score({ ...row });
    expect(second).toBe(first);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    expect(() => model.score({ petal_length: "x" })).toThrow(/invalid value/);
    expect(() => model.score({ petal_length: "x" })).toThrow(/invalid value/);
    expect(model.outputFields.map((f) => f.name)).toContain("p_setosa");
    const { results, errors } = model.scoreBatch([row, { petal_length: "x" }], { onError: "collect" });
    expect(results[0]).toBe(first);
    expect(errors).toHaveLength(1);
  });
});
