/**
 * A scoring fleet on Redis Streams: rows per second through `porta serve --stream` with 1 and
 * with 2 worker processes on one consumer group, a real redis-server on loopback, the iris tree
 * (fixtures/pmml/iris-tree.pmml). Three workers start once (1 on one stream pair, 2 on another);
 * each round adds N entries to one input stream (pipelined XADD, 2 000 at a time) and times from
 * the first XADD to the N-th result in the output stream. Rounds alternate 1, 2, 1, 2 (smoke: 1, 2)
 * so both see the same machine; the median round counts.
 *
 * The workers, Redis and this producer share the machine's cores (2 on the reference machine):
 * 2 workers can only beat 1 by what the cores leave them.
 *
 * On a machine others load, wall time says little: each round also reports the CPU seconds the
 * workers and redis-server spent (/proc), and `rows-per-cpu-s@1` (rows ÷ worker CPU seconds,
 * one worker: its cost per row whatever the load).
 *
 * Smoke size runs the same workers in this process (StreamWorker), not as processes: it checks
 * the suite in a second, where starting three processes from the sources costs npm test 15 s.
 *
 * Ratios: `rows-per-s@1`, `rows-per-s@2`, `speedup@2` (rows/s with 2 ÷ with 1).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { startRedisServer } from "@porta/cache/testing";
import { DirectorySource, StreamWorker } from "@porta/serve";
import { serve } from "../../test/serve-process.ts";
import { defineSuite, type BenchResult } from "../harness.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const CHUNK = 2000;

export default defineSuite({
  name: "fleet",
  description: "rows/s through a Redis stream: porta serve --stream with 1 and 2 worker processes (real redis-server on loopback)",
  async run(ctx) {
    const n = ctx.size === "full" ? 50_000 : 500;
    const rounds = ctx.size === "full" ? [1, 2, 1, 2] : [1, 2];
    const redis = await startRedisServer();
    const client = new Redis(redis.url);
    const models = mkdtempSync(join(tmpdir(), "porta-bench-fleet-"));
    cpSync(join(ROOT, "fixtures", "pmml", "iris-tree.pmml"), join(models, "iris.pmml"));
    const workers: { stop(): Promise<unknown>; child?: { pid?: number } }[] = [];
    const source = ctx.size === "full" ? undefined : await DirectorySource.open(models);
    try {
      const start = (pair: string, id: string): Promise<{ stop(): Promise<unknown>; child?: { pid?: number } }> =>
        source
          ? StreamWorker.start({ source, redis: redis.url, input: `in${pair}`, output: `out${pair}`, group: "g", consumer: id })
          : serve(["--models", models, "--no-cache", "--redis", redis.url, "--stream", `in${pair}:out${pair}`, "--group", "g", "--consumer", id], {
              PORTA_SOURCE: "1",
            });
      ctx.log(`fleet: starting 3 workers (1 on stream pair 1, 2 on stream pair 2)${source ? ", in this process (smoke)" : ""}`);
      workers.push(...(await Promise.all([start("1", "solo"), start("2", "a"), start("2", "b")])));
      const rows = Array.from({ length: n }, (_, i) =>
        JSON.stringify({
          sepal_length: 4.3 + (i % 36) / 10,
          sepal_width: 2 + (i % 24) / 10,
          petal_length: 1 + (i % 59) / 10,
          petal_width: 0.1 + (i % 24) / 10,
        }),
      );
      const seconds: Record<number, number[]> = { 1: [], 2: [] };
      const cpu: Record<number, { workers: number; redis: number }[]> = { 1: [], 2: [] };
      // The processes of each stream pair (none in smoke: the workers run here).
      const pids = (k: number) => (k === 1 ? workers.slice(0, 1) : workers.slice(1)).flatMap((w) => (w.child?.pid === undefined ? [] : [w.child.pid]));
      for (const k of rounds) {
        const [input, output] = [`in${k}`, `out${k}`];
        await client.del(output);
        await client.xtrim(input, "MAXLEN", 0);
        const cpuBefore = { workers: sum(pids(k).map(cpuSeconds)), redis: cpuSeconds(redis.pid) };
        const started = performance.now();
        for (let i = 0; i < n; i += CHUNK) {
          const batch = client.pipeline();
          for (const row of rows.slice(i, i + CHUNK)) batch.xadd(input, "*", "model", "iris", "row", row);
          await batch.exec();
        }
        while ((await client.xlen(output)) < n) await new Promise((r) => setTimeout(r, 2));
        const elapsed = (performance.now() - started) / 1000;
        const errors = (await client.xrange(output, "-", "+", "COUNT", 50)).filter(([, f]) => f.includes("error")).length;
        if (errors > 0) throw new Error(`fleet bench: ${errors} error results among the first 50: the rows do not fit the model`);
        seconds[k]!.push(elapsed);
        const used = { workers: sum(pids(k).map(cpuSeconds)) - cpuBefore.workers, redis: cpuSeconds(redis.pid) - cpuBefore.redis };
        cpu[k]!.push(used);
        ctx.log(
          `fleet: ${k} worker${k === 1 ? "" : "s"}: ${n} rows in ${elapsed.toFixed(2)} s (${Math.round(n / elapsed)} rows/s); CPU: workers ${used.workers.toFixed(2)} s, redis-server ${used.redis.toFixed(2)} s`,
        );
      }
      const results: BenchResult[] = [1, 2].map((k) => {
        const s = median(seconds[k]!);
        return {
          case: `${k} worker${k === 1 ? "" : "s"}`,
          n,
          meanMs: s * 1000,
          medianMs: s * 1000,
          rme: 0,
          samples: seconds[k]!.length,
          hz: 1 / s,
          elementsPerSec: n / s,
        };
      });
      const [one, two] = results as [BenchResult, BenchResult];
      return {
        ratios: {
          "rows-per-s@1": Math.round(one.elementsPerSec!),
          "rows-per-s@2": Math.round(two.elementsPerSec!),
          "speedup@2": Number((two.elementsPerSec! / one.elementsPerSec!).toPrecision(4)),
          // Smoke runs the workers in this process: no worker CPU of their own to read there.
          ...(ctx.size === "full" ? { "rows-per-cpu-s@1": Math.round(n / median(cpu[1]!.map((c) => c.workers))) } : {}),
        },
        results,
        chart: {
          kind: "bars",
          title: `porta serve --stream: rows/s, ${n} iris rows per round`,
          yLabel: "rows/s",
          bars: results.map((r) => ({ label: r.case, value: r.elementsPerSec! })),
        },
        notes: [
          `rounds ${rounds.join(", ")} workers; seconds per round: 1 worker ${seconds[1]!.map((s) => s.toFixed(2)).join(", ")}; 2 workers ${seconds[2]!.map((s) => s.toFixed(2)).join(", ")}`,
          `CPU seconds per round (workers + redis-server): 1 worker ${cpu[1]!.map((c) => `${c.workers.toFixed(2)} + ${c.redis.toFixed(2)}`).join(", ")}; 2 workers ${cpu[2]!
            .map((c) => `${c.workers.toFixed(2)} + ${c.redis.toFixed(2)}`)
            .join(", ")}`,
          `batches of 256 entries (the default); workers, redis-server and the producer share ${cpus().length} cores; load average at the end ${loadavg()
            .map((x) => x.toFixed(1))
            .join(", ")}`,
        ],
      };
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await source?.close();
      client.disconnect();
      await redis.stop();
      rmSync(models, { recursive: true, force: true });
    }
  },
});

/** User + system CPU seconds of a process so far (Linux /proc; 0 where there is none). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
