import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Kernel } from "./compile.ts";

/**
 * Rows of one unit of work: the threads take blocks from a shared counter until none is left, so
 * a thread slowed by other load on the machine takes fewer (the way ONNX Runtime's pool splits
 * batches). Kernels are row-independent, so any split gives the same bits.
 */
export const POOL_BLOCK_ROWS = 1024;

/** Slots of the shared control array: the next block to take, then one state per worker. */
const NEXT_BLOCK = 0;
const FIRST_WORKER = 1;
/** Worker states. */
export const WORKER_BOOTING = 0;
export const WORKER_IDLE = 1;
export const WORKER_BUSY = 2;
export const WORKER_FAILED = 3;

export type ColumnArray = Float64Array | Int32Array;

/** Least time the calling thread waits for a worker's last block before giving the pool up (ms). */
const WAIT_FLOOR_MS = 2000;

/** One batch as the threads share it: every array is backed by a SharedArrayBuffer. */
export interface PoolJob {
  n: number;
  inputs: readonly ColumnArray[];
  outputs: readonly ColumnArray[];
  rowErrors: Int32Array;
  texts?: readonly (readonly string[] | undefined)[];
}

/** Runs the kernel on blocks taken from the shared counter until the job's rows are all taken. */
export function runBlocks(kernel: Kernel, job: PoolJob, control: Int32Array): void {
  for (;;) {
    const start = Atomics.add(control, NEXT_BLOCK, 1) * POOL_BLOCK_ROWS;
    if (start >= job.n) return;
    const end = Math.min(job.n, start + POOL_BLOCK_ROWS);
    const view = <T extends ColumnArray>(a: T): T => a.subarray(start, end) as T;
    kernel(end - start, job.inputs.map(view), job.outputs.map(view), job.rowErrors.subarray(start, end), job.texts as (string[] | undefined)[] | undefined);
  }
}

/** Marks a worker's state and wakes the thread waiting on it. */
export function signal(control: Int32Array, worker: number, state: number): void {
  Atomics.store(control, FIRST_WORKER + worker, state);
  Atomics.notify(control, FIRST_WORKER + worker);
}

/**
 * Threads a batch may use: the `threads` option, else PORTA_THREADS, else
 * os.availableParallelism(); 1 (or less) scores on the calling thread only.
 */
export function threadCount(threads?: number): number {
  const env = Number.parseInt(process.env.PORTA_THREADS ?? "", 10);
  const n = threads ?? (Number.isFinite(env) ? env : availableParallelism());
  return Math.max(1, Math.floor(n));
}

/** What a worker needs to rebuild the kernel: the compile-js artifact (serialize.ts). */
export interface KernelArtifact {
  code: string;
  meta: { [key: string]: unknown };
}

/**
 * The source tree runs under tsx with the "@porta/source" export condition (as the `porta` bin
 * does from the repository, packages/cli/bin/sources.mjs); a worker starts bare, so it registers
 * both before importing the worker module. Never reached from dist/.
 */
const SOURCE_BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
const { createRequire, register } = require("node:module");
const { pathToFileURL, fileURLToPath } = require("node:url");
const HOOK = "export async function resolve(s, c, next) { return next(s, { ...c, conditions: [...new Set([...c.conditions, '@porta/source'])] }); }";
(async () => {
  // tsx/esm/api's import entry, read from tsx's exports map (a CommonJS worker would resolve its require entry).
  const manifest = createRequire(fileURLToPath(workerData.entry)).resolve("tsx/package.json");
  const api = require(manifest).exports["./esm/api"].import.default;
  const tsx = await import(new URL(api, pathToFileURL(manifest)).href);
  tsx.register();
  register("data:text/javascript," + encodeURIComponent(HOOK));
  await import(workerData.entry);
})().catch(() => {
  const control = new Int32Array(workerData.control);
  Atomics.store(control, ${FIRST_WORKER} + workerData.slot, ${WORKER_FAILED});
  Atomics.notify(control, ${FIRST_WORKER} + workerData.slot);
});
`;

/**
 * Worker threads that each hold the same compiled kernel, restored from its artifact, and score
 * blocks of a batch in shared memory while the calling thread scores blocks too. The calling
 * thread waits with Atomics.wait (allowed on Node's main thread), so the synchronous
 * `scoreColumns` uses the pool. Workers are unref'd: they never keep a process alive.
 */
export class KernelPool {
  private readonly control: Int32Array;
  private readonly workers: Worker[];
  private closed = false;

  constructor(
    artifact: KernelArtifact,
    readonly size: number,
  ) {
    this.control = new Int32Array(new SharedArrayBuffer(4 * (FIRST_WORKER + size)));
    const source = import.meta.url.endsWith(".ts");
    const entry = new URL(source ? "./kernel-worker.ts" : "./kernel-worker.js", import.meta.url);
    this.workers = Array.from({ length: size }, (_x, slot) => {
      const workerData = { artifact, control: this.control.buffer, slot, entry: entry.href };
      const worker = source ? new Worker(SOURCE_BOOTSTRAP, { eval: true, workerData }) : new Worker(entry, { workerData });
      worker.unref();
      // A worker that fails to start, or stops between batches, is left out of later ones. Within a
      // batch a worker catches the kernel's exceptions itself and hands the batch back
      // (kernel-worker.ts); a thread killed mid-batch (out of memory) would leave run() waiting.
      worker.on("error", () => signal(this.control, slot, WORKER_FAILED));
      worker.on("exit", () => signal(this.control, slot, WORKER_FAILED));
      return worker;
    });
  }

  /** Workers ready for a batch now (those still starting are not waited for). */
  ready(): number {
    let k = 0;
    for (let w = 0; w < this.size; w++) if (Atomics.load(this.control, FIRST_WORKER + w) === WORKER_IDLE) k++;
    return k;
  }

  /**
   * Scores the job with the ready workers and the calling thread; false when no worker was
   * ready or one failed (the caller then scores the batch itself, so results never depend on
   * the pool).
   */
  run(kernel: Kernel, job: PoolJob): boolean {
    if (this.closed) return false;
    const helpers: number[] = [];
    for (let w = 0; w < this.size; w++) if (Atomics.load(this.control, FIRST_WORKER + w) === WORKER_IDLE) helpers.push(w);
    if (helpers.length === 0) return false;
    Atomics.store(this.control, NEXT_BLOCK, 0);
    for (const w of helpers) {
      Atomics.store(this.control, FIRST_WORKER + w, WORKER_BUSY);
      this.workers[w].postMessage(job);
    }
    const started = performance.now();
    runBlocks(kernel, job, this.control);
    // A worker killed mid-batch never signals, and its "exit" event cannot run while this thread
    // waits: past a patience far beyond a block's time, the pool is given up and the caller
    // scores the batch itself (a late worker writes the same values).
    const patienceMs = Math.max(WAIT_FLOOR_MS, 20 * (performance.now() - started));
    let failed = false;
    for (const w of helpers) {
      if (Atomics.wait(this.control, FIRST_WORKER + w, WORKER_BUSY, patienceMs) === "timed-out") {
        this.abandon();
        return false;
      }
      if (Atomics.load(this.control, FIRST_WORKER + w) === WORKER_FAILED) failed = true;
    }
    return !failed;
  }

  /** Stops using the pool: later batches run on the calling thread. */
  private abandon(): void {
    this.closed = true;
    void this.close();
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
