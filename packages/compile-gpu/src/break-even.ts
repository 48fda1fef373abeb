/**
 * The batch size from which the GPU beats compile-js on one model shape, transfers included
 * (the input upload and the read-back are inside every timed GPU call). Measured once per engine
 * and shape (GpuPlan.shapeKey: the jobs' sizes, not their weights) on synthetic rows, doubling ×4
 * from 256 rows until the GPU wins or the CPU batch takes over a second; kept in memory and in
 * `<cache dir>/gpu-break-even.json` (PORTA_CACHE_DIR, as the artifact cache) for later processes.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { numberColumn, type Batch } from "@porta/backend";
import { defaultCacheDir } from "@porta/cache";

export interface BreakEvenTiming {
  readonly rows: number;
  readonly gpuMs: number;
  readonly cpuMs: number;
}

export interface BreakEven {
  /** Smallest measured batch at which the GPU was faster; null: it never was up to the last size. */
  readonly rows: number | null;
  readonly timings: readonly BreakEvenTiming[];
}

export const BREAK_EVEN_SIZES: readonly number[] = [256, 1024, 4096, 16384, 65536, 262144, 1048576];
/** Stop measuring once a batch takes this long (either side): past it, batches are long enough that the GPU either won already or never will here. */
const BUDGET_MS = 1000;

const memory = new Map<string, BreakEven>();

function cacheFile(): string {
  return join(defaultCacheDir(), "gpu-break-even.json");
}

function readStore(): Record<string, BreakEven> {
  try {
    const data: unknown = JSON.parse(readFileSync(cacheFile(), "utf8"));
    return data !== null && typeof data === "object" ? (data as Record<string, BreakEven>) : {};
  } catch {
    return {};
  }
}

/** The stored break-even of a shape, if measured by this or an earlier process. */
export function storedBreakEven(key: string): BreakEven | undefined {
  const hit = memory.get(key) ?? readStore()[key];
  if (hit) memory.set(key, hit);
  return hit;
}

function store(key: string, value: BreakEven): void {
  memory.set(key, value);
  try {
    const all = { ...readStore(), [key]: value };
    mkdirSync(defaultCacheDir(), { recursive: true });
    const tmp = `${cacheFile()}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all));
    renameSync(tmp, cacheFile());
  } catch {
    // A read-only cache dir keeps the answer for this process only.
  }
}

/** Forgets the in-memory answers (tests). */
export function forgetBreakEvens(): void {
  memory.clear();
}

/** A batch of `rows` uniform numbers in [-1, 1) for each field (a fixed seed: the same rows each time). */
export function syntheticBatch(fields: readonly string[], rows: number): Batch {
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x80000000 - 1;
  };
  return { length: rows, columns: new Map(fields.map((f) => [f, numberColumn(Float64Array.from({ length: rows }, next))])) };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

/**
 * Measures (or recalls) the break-even of `key`: at each size, a warm-up call each, then the best
 * of alternating timed calls of the GPU and the CPU scorer (5 each up to 16k rows, 2 above: the
 * best, because a shared machine's pauses only ever add time). A win counts once the next size
 * confirms it (one noisy size does not set the threshold), or at the last size.
 */
export async function breakEven(
  key: string,
  fields: readonly string[],
  gpu: (batch: Batch) => Promise<unknown>,
  cpu: (batch: Batch) => Promise<unknown>,
  sizes: readonly number[] = BREAK_EVEN_SIZES,
): Promise<BreakEven> {
  const known = storedBreakEven(key);
  if (known) return known;
  const timings: BreakEvenTiming[] = [];
  let rows: number | null = null;
  let won: number | null = null;
  for (const n of sizes) {
    const batch = syntheticBatch(fields, n);
    await gpu(batch);
    await cpu(batch);
    let gpuMs = Infinity,
      cpuMs = Infinity;
    for (let k = 0; k < (n <= 16384 ? 5 : 2); k++) {
      gpuMs = Math.min(gpuMs, await timed(() => gpu(batch)));
      cpuMs = Math.min(cpuMs, await timed(() => cpu(batch)));
    }
    timings.push({ rows: n, gpuMs, cpuMs });
    if (gpuMs < cpuMs) {
      if (won !== null) {
        rows = won;
        break;
      }
      won = n;
    } else won = null;
    if (cpuMs > BUDGET_MS || gpuMs > 4 * BUDGET_MS) break;
  }
  // A win at the last size measured stands alone.
  if (rows === null && won !== null && won === timings[timings.length - 1]!.rows) rows = won;
  const result = { rows, timings };
  store(key, result);
  return result;
}
