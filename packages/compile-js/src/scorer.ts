import { EvaluationError } from "@porta/ir/errors";
import { formatValue, toDataType, type Value } from "@porta/ir/values";
import type { CompiledPipeline, OutputColumn } from "./compile.ts";
import { encodeRows } from "./columns.ts";
import { KernelPool, threadCount, type ColumnArray } from "./kernel-pool.ts";
import { serializeCompiled } from "./serialize.ts";

export type OutputArrays = (Float64Array | Int32Array)[];

/**
 * Rows per kernel call on large batches: 50 float64 inputs × 1024 rows is 400 KB, which stays
 * in cache while every tree of an ensemble passes over it. Whole 100k-row batches did not
 * (`npm run bench -- peers`, per-row time grew with the batch); with the compact forest walk,
 * CPU time per row of the 500-tree forest at 100k rows, blocks of 512/1024/2048/4096:
 * 22.8/22.1/23.4/24.4 µs (16k-row blocks: twice as slow).
 */
export const KERNEL_BLOCK_ROWS = 1024;

/**
 * A batch goes to the worker pool when the kernel's measured time for it (the last
 * single-threaded batch's time per row × rows) reaches this: below it, handing blocks to other
 * threads costs more than it saves.
 */
export const PARALLEL_MIN_MS = 5;

/**
 * Nor below this many milliseconds per row: inputs are copied into shared memory first, which for
 * a cheap kernel costs about what scoring does (logistic-3class, 50 inputs, 100k rows: 0.71 µs a
 * row on one thread, 0.84 µs with two, alternating runs on a loaded machine).
 */
export const PARALLEL_MIN_ROW_MS = 0.002;

export interface ScorerOptions {
  /** Threads for large batches (see threadCount); 1: the calling thread only. */
  threads?: number;
  /** Overrides PARALLEL_MIN_MS; 0 also drops PARALLEL_MIN_ROW_MS (tests: every batch of two blocks or more goes to the pool). */
  parallelMinMs?: number;
}

/** Runs a compiled pipeline over row objects or ready columns, and decodes results. */
export class CompiledScorer {
  /** undefined: not started yet; null: no pool (one thread, or a kernel without an artifact). */
  private pool: KernelPool | null | undefined;
  /** Milliseconds per row of the last single-threaded batch of a block or more (NaN: none yet). */
  private msPerRow = Number.NaN;
  private readonly threads: number;
  private readonly parallelMinMs: number;

  constructor(
    readonly compiled: CompiledPipeline,
    options: ScorerOptions = {},
  ) {
    this.threads = threadCount(options.threads);
    this.parallelMinMs = options.parallelMinMs ?? PARALLEL_MIN_MS;
    if (this.threads <= 1) this.pool = null;
  }

  /** Scores rows; `errors[i]` is set for a row whose input was invalid (its result is null). */
  scoreRows(rows: readonly Readonly<Record<string, unknown>>[]): { results: (Record<string, Value> | null)[]; errors: (EvaluationError | undefined)[] } {
    const errors: (EvaluationError | undefined)[] = new Array(rows.length);
    const texts: (string[] | undefined)[] = new Array(this.compiled.inputs.length);
    const inputs = encodeRows(this.compiled.inputs, rows, errors, texts);
    const { outputs, rowErrors } = this.runWithErrors(rows.length, inputs, texts);
    for (let i = 0; i < rows.length; i++) {
      if (rowErrors[i] === 0 || errors[i]) continue;
      errors[i] = this.rowError(rowErrors[i], i);
    }
    const results: (Record<string, Value> | null)[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      if (errors[i]) {
        results[i] = null;
        continue;
      }
      try {
        results[i] = this.decodeRow(outputs, i);
      } catch (e) {
        // An OutputField value its dataType cannot hold fails the row, as in the interpreter.
        if (!(e instanceof EvaluationError)) throw e;
        errors[i] = e;
        results[i] = null;
      }
    }
    return { results, errors };
  }

  /** The typed error of a row the kernel flagged with `flag` (k + 1 for the k-th error kind). */
  rowError(flag: number, row: number): EvaluationError {
    const kind = this.compiled.rowErrorKinds[flag - 1];
    return new EvaluationError(kind.code, kind.message, { path: kind.path, value: { row }, ...(kind.pfaCode !== undefined && { pfaCode: kind.pfaCode }) });
  }

  /** Runs the kernel on encoded input columns (see InputColumn for the layout). */
  run(n: number, inputs: readonly (Float64Array | Int32Array)[]): OutputArrays {
    return this.runWithErrors(n, inputs).outputs;
  }

  /**
   * Runs the kernel; `rowErrors[i]` is k + 1 for a row that met `compiled.rowErrorKinds[k]`.
   * `texts[k]`: for an input column marked `text`, the texts of its codes past the dictionary
   * (see encodeRows); without them such a code is an error for the rows that have it.
   */
  runWithErrors(
    n: number,
    inputs: readonly (Float64Array | Int32Array)[],
    texts?: readonly (readonly string[] | undefined)[],
  ): { outputs: OutputArrays; rowErrors: Int32Array } {
    if (this.warrantsPool(n)) {
      const pool = this.poolFor();
      if (pool && pool.ready() > 0) {
        const outputs = this.compiled.outputs.map((o) => (o.storage === "f64" ? sharedFloat64(n) : sharedInt32(n)));
        const rowErrors = sharedInt32(n);
        const job = { n, inputs: inputs.map(toShared), outputs, rowErrors, texts };
        if (pool.run(this.compiled.kernel, job)) return { outputs, rowErrors };
      }
    }
    const started = performance.now();
    const result = this.runHere(n, inputs, texts);
    if (n >= KERNEL_BLOCK_ROWS) this.msPerRow = (performance.now() - started) / n;
    return result;
  }

  /** Whether a batch of n rows is worth handing to the pool (never before one was measured here). */
  private warrantsPool(n: number): boolean {
    if (this.pool === null || n < 2 * KERNEL_BLOCK_ROWS) return false;
    return this.parallelMinMs === 0 || (this.msPerRow >= PARALLEL_MIN_ROW_MS && n * this.msPerRow >= this.parallelMinMs);
  }

  /** The worker pool, started on the first batch that warrants it (that batch is scored here while the workers start). */
  private poolFor(): KernelPool | null {
    if (this.pool !== undefined) return this.pool;
    const artifact = serializeCompiled(this.compiled);
    this.pool = artifact ? new KernelPool(artifact, this.threads - 1) : null;
    return null;
  }

  /** Worker threads ready for the next large batch (0 without a pool, or while it starts). */
  readyWorkers(): number {
    return this.pool ? this.pool.ready() : 0;
  }

  /** Stops the worker pool, if one was started. */
  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }

  /** Scores on the calling thread, a block of rows at a time. */
  private runHere(
    n: number,
    inputs: readonly (Float64Array | Int32Array)[],
    texts?: readonly (readonly string[] | undefined)[],
  ): { outputs: OutputArrays; rowErrors: Int32Array } {
    const outputs = this.compiled.outputs.map((o) => (o.storage === "f64" ? new Float64Array(n) : new Int32Array(n)));
    const rowErrors = new Int32Array(n);
    if (n <= KERNEL_BLOCK_ROWS) {
      this.compiled.kernel(n, inputs, outputs, rowErrors, texts);
      return { outputs, rowErrors };
    }
    // Rows are independent: the kernel runs on views of one block of rows at a time, so that a
    // tree-major ensemble's pass over the block's input columns stays in cache.
    for (let start = 0; start < n; start += KERNEL_BLOCK_ROWS) {
      const end = Math.min(n, start + KERNEL_BLOCK_ROWS);
      const view = <T extends Float64Array | Int32Array>(a: T): T => a.subarray(start, end) as T;
      this.compiled.kernel(end - start, inputs.map(view), outputs.map(view), rowErrors.subarray(start, end), texts);
    }
    return { outputs, rowErrors };
  }

  decodeRow(outputs: OutputArrays, i: number): Record<string, Value> {
    const row: Record<string, Value> = {};
    this.compiled.outputs.forEach((o, k) => {
      if (o.hidden || (o.presence !== undefined && outputs[o.presence][i] === 0)) return;
      row[o.name] = decodeCell(o, outputs[k][i]);
    });
    return row;
  }

  /** The result value of one output cell; throws PMML_TYPE_CHECK when its dataType cannot hold it. */
  decodeCell(o: OutputColumn, cell: number): Value {
    return decodeCell(o, cell);
  }
}

function sharedFloat64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * 8));
}

function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(n * 4));
}

/** The column itself when it already lies in shared memory, else a shared copy (the workers read it in place). */
function toShared(a: ColumnArray): ColumnArray {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = a instanceof Float64Array ? sharedFloat64(a.length) : sharedInt32(a.length);
  copy.set(a);
  return copy;
}

function decodeCell(o: OutputColumn, cell: number): Value {
  let v: Value;
  switch (o.decode.kind) {
    case "number":
      v = cell !== cell ? null : cell;
      break;
    case "text":
      v = cell !== cell ? null : formatValue(cell);
      break;
    case "table":
      v = cell < 0 ? null : (o.decode.table[cell] ?? null);
      break;
  }
  if (v === null || !o.dataType) return v;
  const typed = toDataType(v, o.dataType);
  if (typed === undefined) {
    throw new EvaluationError("PMML_TYPE_CHECK", `OutputField "${o.name}" cannot hold ${JSON.stringify(formatValue(v))} as ${o.dataType}`, {
      value: formatValue(v),
    });
  }
  return typed;
}
