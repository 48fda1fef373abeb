/**
 * Result cache: a memoized score answered from the cache (hit) against one that must be
 * computed and stored (miss), with the local LRU and with Redis (a real redis-server started
 * here on a free loopback port, stopped at the end).
 *
 * The scorer does what an interpreter does per row: field lookups by name, a 20-tree ensemble of
 * 200-node trees walked through node objects, and a 100-term dot product, then builds a result
 * object. Its own cost is reported ("score, uncached") so every ratio can be read against it.
 * For a real reference point, the same local hit/miss is measured on the Porta reference
 * interpreter scoring fixtures/pmml/iris-tree.pmml.
 */
import { LocalResultCache, RedisResultCache, canonicalRowKey, memoize } from "@porta/cache";
import { startRedisServer } from "@porta/cache/testing";
import { loadModelSync, type ScoreResult } from "@porta/runtime";
import { defineSuite, timeRatio, type BenchResult, type Measurement } from "../harness.ts";

type Row = Record<string, number | string>;
interface Score {
  value: number;
  probability: number;
  label: string;
}

interface TreeNode {
  field: string;
  threshold: number;
  left: TreeNode | null;
  right: TreeNode | null;
  value: number;
}

const NUMERIC_FIELDS = Array.from({ length: 16 }, (_, i) => `x${i}`);
const CATEGORICAL_FIELDS = ["region", "channel", "segment", "product"];
const CATEGORIES = ["north", "south", "east", "west", "online", "store", "retail", "wholesale"];

/** xorshift32: the same model and rows on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

/** A tree of exactly `nodes` nodes (internal nodes split on a numeric field), built breadth-first. */
function buildTree(nodes: number, random: () => number): TreeNode {
  const make = (): TreeNode => ({
    field: NUMERIC_FIELDS[Math.floor(random() * NUMERIC_FIELDS.length)]!,
    threshold: random(),
    left: null,
    right: null,
    value: random() - 0.5,
  });
  const root = make();
  const queue = [root];
  let count = 1;
  for (let head = 0; count < nodes; head++) {
    const parent = queue[head]!;
    parent.left = make();
    parent.right = make();
    queue.push(parent.left, parent.right);
    count += 2;
  }
  return root;
}

export function makeScorer(seed = 7): (row: Row) => Score {
  const random = rng(seed);
  const trees = Array.from({ length: 20 }, () => buildTree(199, random));
  const terms = Array.from({ length: 100 }, (_, k) => ({
    a: NUMERIC_FIELDS[k % NUMERIC_FIELDS.length]!,
    b: NUMERIC_FIELDS[(k * 7 + 3) % NUMERIC_FIELDS.length]!,
    weight: random() * 2 - 1,
  }));
  const categoryWeight = new Map(CATEGORIES.map((c) => [c, random() - 0.5]));
  return (row) => {
    let sum = 0;
    for (const tree of trees) {
      let node = tree;
      while (node.left !== null && node.right !== null) node = (row[node.field] as number) <= node.threshold ? node.left : node.right;
      sum += node.value;
    }
    for (const term of terms) sum += term.weight * (row[term.a] as number) * (row[term.b] as number);
    for (const field of CATEGORICAL_FIELDS) sum += categoryWeight.get(row[field] as string) ?? 0;
    const probability = 1 / (1 + Math.exp(-sum));
    return { value: sum, probability, label: probability >= 0.5 ? "yes" : "no" };
  };
}

export function makeRows(count: number, seed = 11): Row[] {
  const random = rng(seed);
  return Array.from({ length: count }, () => {
    const row: Row = {};
    for (const f of NUMERIC_FIELDS) row[f] = Math.round(random() * 1e4) / 1e4;
    for (const f of CATEGORICAL_FIELDS) row[f] = CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
    return row;
  });
}

/** Results land here so that no call can be optimised away. */
export let sink = 0;

export default defineSuite({
  name: "cache",
  description: "memoized scoring: hit vs miss, local LRU (lru-cache) vs Redis (ioredis, real redis-server on loopback)",
  async run(ctx) {
    const score = makeScorer();
    const hotRows = makeRows(ctx.size === "full" ? 1000 : 50);
    // Misses: one row whose first field takes a fresh value per call, so every key is new and
    // the cache is in steady state (each store evicts the oldest entry once full).
    const missRow = { ...hotRows[0]! };
    let fresh = 0;
    const results: BenchResult[] = [];
    const measured = new Map<string, Measurement>();
    const record = (name: string, m: Measurement) => {
      measured.set(name, m);
      results.push({ case: name, ...m });
    };
    let next = 0;
    const hotRow = () => hotRows[(next = next + 1 === hotRows.length ? 0 : next + 1)]!;

    ctx.log("cache: scorer and key alone");
    record("score, uncached", await ctx.measure("score", () => (sink += score(hotRow()).value)));
    record("canonical key only", await ctx.measure("key", () => (sink += canonicalRowKey(hotRow())!.length)));

    ctx.log("cache: local LRU");
    const local = new LocalResultCache<Score>({ maxEntries: 10_000 });
    const localScore = memoize(score, local);
    for (const row of hotRows) localScore(row);
    record("local hit", await ctx.measure("local hit", () => (sink += localScore(hotRow()).value)));
    record(
      "local miss",
      await ctx.measure("local miss", () => {
        missRow.x0 = fresh++;
        sink += localScore(missRow).value;
      }),
    );

    ctx.log("cache: reference interpreter on iris-tree.pmml");
    const iris = loadModelSync(new URL("../../fixtures/pmml/iris-tree.pmml", import.meta.url).pathname);
    const irisRandom = rng(3);
    const irisRow = () => ({
      sepal_length: 4 + Math.round(irisRandom() * 40) / 10,
      sepal_width: 2 + Math.round(irisRandom() * 20) / 10,
      petal_length: 1 + Math.round(irisRandom() * 60) / 10,
      petal_width: Math.round(irisRandom() * 25) / 10,
    });
    const irisRows = Array.from({ length: hotRows.length }, irisRow);
    const irisScore = (row: Record<string, number>) => iris.score(row);
    const irisCached = memoize(irisScore, new LocalResultCache<ScoreResult>({ maxEntries: 10_000 }));
    for (const row of irisRows) irisCached(row);
    const irisMiss = irisRow();
    let irisNext = 0;
    const irisHot = () => irisRows[(irisNext = irisNext + 1 === irisRows.length ? 0 : irisNext + 1)]!;
    record("interpreter, uncached", await ctx.measure("iris uncached", () => (sink += irisScore(irisHot()).p_setosa as number)));
    record("interpreter, local hit", await ctx.measure("iris local hit", () => (sink += irisCached(irisHot()).p_setosa as number)));
    record(
      "interpreter, local miss",
      await ctx.measure("iris local miss", () => {
        irisMiss.sepal_width = 2 + (fresh++ % 1e6) / 1e6;
        sink += irisCached(irisMiss).p_setosa as number;
      }),
    );

    ctx.log("cache: Redis (starting redis-server)");
    const server = await startRedisServer();
    // nearCache off: every get is a Redis round trip, which is what this suite measures.
    const redis = new RedisResultCache<Score>({ modelHash: "bench", redis: server.url, timeoutMs: 50, nearCache: false });
    try {
      if (!(await redis.waitUntilConnected(5000))) throw new Error("cache bench: could not connect to redis-server");
      const redisScore = memoize(score, redis);
      for (const row of hotRows) await redisScore(row);
      await new Promise((resolve) => setTimeout(resolve, 50)); // let the stores land
      record("redis hit", await ctx.measureAsync("redis hit", async () => (sink += (await redisScore(hotRow())).value)));
      record(
        "redis miss",
        await ctx.measureAsync("redis miss", async () => {
          missRow.x0 = fresh++;
          sink += (await redisScore(missRow)).value;
        }),
      );
      const stats = redis.stats();
      if (stats.fallbacks > 0 || stats.redisErrors > 0) {
        ctx.log(`cache: warning: Redis fell back ${stats.fallbacks} times (${stats.redisErrors} errors, ${stats.redisTimeouts} timeouts)`);
      }
    } finally {
      await redis.close();
      await server.stop();
    }

    const t = (name: string) => measured.get(name)!;
    return {
      ratios: {
        "miss/hit@local": timeRatio(t("local miss"), t("local hit")),
        "miss/hit@redis": timeRatio(t("redis miss"), t("redis hit")),
        "redis/local@hit": timeRatio(t("redis hit"), t("local hit")),
        "redis/local@miss": timeRatio(t("redis miss"), t("local miss")),
        "uncached/hit@local": timeRatio(t("score, uncached"), t("local hit")),
        "uncached/hit@local-interpreter": timeRatio(t("interpreter, uncached"), t("interpreter, local hit")),
        "miss/hit@local-interpreter": timeRatio(t("interpreter, local miss"), t("interpreter, local hit")),
      },
      results,
      chart: {
        kind: "bars",
        title: "Memoized scoring: ops/s (log scale)",
        yLabel: "operations per second",
        bars: results.map((r) => ({ label: r.case, value: r.hz })),
      },
      notes: [
        "scorer: 20 trees × 199 nodes walked through objects + 100-term dot product + 4 categorical lookups, on 20-field rows",
        `hit rows cycle through ${hotRows.length} warmed rows; each miss row is new (LRU of 10 000 entries in steady state)`,
        "redis: nearCache off (every get is a round trip); the store after a miss is not awaited",
        "interpreter: the reference interpreter (packages/ir) scoring fixtures/pmml/iris-tree.pmml, 4-field rows",
      ],
    };
  },
});
