import { afterEach, describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { encodeRows } from "./columns.ts";
import { compilePipeline, type CompiledPipeline } from "./compile.ts";
import { threadCount } from "./kernel-pool.ts";
import { CompiledScorer, KERNEL_BLOCK_ROWS } from "./scorer.ts";

// A forest over x and y with an OutputField ln(x): rows with x < 0 are the kernel's per-row errors
// (an invalid result), rows with x missing take the missing-value walk.
const tree = (s: number) => `<Segment><True/><TreeModel functionName="regression" missingValueStrategy="nullPrediction">
  <MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="r" usageType="target"/></MiningSchema>
  <Node score="${s}"><True/>
    <Node score="${s + 1}"><SimplePredicate field="x" operator="lessOrEqual" value="${s * 10}"/>
      <Node score="${s + 2}"><SimplePredicate field="y" operator="lessThan" value="${s}"/></Node>
      <Node score="${s + 3}"><True/></Node></Node>
    <Node score="${s + 4}"><True/></Node>
  </Node></TreeModel></Segment>`;
const text = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
  <DataDictionary>
    <DataField name="x" optype="continuous" dataType="double"><Interval closure="closedClosed" leftMargin="-1000" rightMargin="100000"/></DataField>
    <DataField name="y" optype="continuous" dataType="double"/>
    <DataField name="r" optype="continuous" dataType="double"/>
  </DataDictionary>
  <MiningModel functionName="regression">
    <MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="r" usageType="target"/></MiningSchema>
    <Output><OutputField name="lx" feature="transformedValue" dataType="double"><Apply function="ln"><FieldRef field="x"/></Apply></OutputField></Output>
    <Segmentation multipleModelMethod="sum">${Array.from({ length: 40 }, (_, t) => tree(t * 50)).join("")}</Segmentation>
  </MiningModel></PMML>`;

const compiled = compilePipeline(parsePmml(text), { treeLayout: "table" });
const n = 5 * KERNEL_BLOCK_ROWS + 77;
// Every 97th row fails, every 89th with x missing; the rest distinct enough to catch a misplaced block.
const rows = Array.from({ length: n }, (_, i) => ({ x: i % 97 === 0 ? -5 : i % 89 === 0 ? null : (i * 37) % 3000, y: (i * 13) % 2000 }));

function encoded(count: number) {
  const errors = new Array(count);
  const texts = new Array(compiled.inputs.length);
  return encodeRows(compiled.inputs, rows.slice(0, count), errors, texts);
}

/** A scorer whose workers are ready: its first large batch starts them (and is scored on the calling thread). */
async function pooledScorer(threads: number, pipeline: CompiledPipeline = compiled): Promise<CompiledScorer> {
  const scorer = new CompiledScorer(pipeline, { threads, parallelMinMs: 0 });
  scorer.run(n, encoded(n));
  const deadline = Date.now() + 50_000;
  while (scorer.readyWorkers() < threads - 1) {
    if (Date.now() > deadline) throw new Error("workers did not start");
    await new Promise((r) => setTimeout(r, 20));
  }
  return scorer;
}

const open: CompiledScorer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe("CompiledScorer with a worker pool (KernelPool)", () => {
  it("splits a batch across threads into shared arrays: every output cell and row error as on one thread", async () => {
    const pooled = await pooledScorer(3);
    open.push(pooled);
    const inputs = encoded(n);
    const alone = new CompiledScorer(compiled, { threads: 1 }).runWithErrors(n, inputs);
    const shared = pooled.runWithErrors(n, inputs);
    expect(shared.rowErrors.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.outputs.map((o) => Array.from(o))).toEqual(alone.outputs.map((o) => Array.from(o)));
    expect(Array.from(shared.rowErrors)).toEqual(Array.from(alone.rowErrors));
    expect(alone.rowErrors.filter((e) => e !== 0).length).toBe(Math.ceil(n / 97));
  });

  it("reports a failing row as its typed per-row error, on its own row", async () => {
    const pooled = await pooledScorer(2);
    open.push(pooled);
    const got = pooled.scoreRows(rows);
    const want = new CompiledScorer(compiled, { threads: 1 }).scoreRows(rows);
    expect(got.errors.map((e) => e && [e.code, e.path])).toEqual(want.errors.map((e) => e && [e.code, e.path]));
    expect(got.results).toEqual(want.results);
    expect(got.errors[97]?.code).toBe("PMML_INVALID_RESULT");
  });

  it("scores batches under two blocks on the calling thread", async () => {
    const pooled = await pooledScorer(2);
    open.push(pooled);
    const small = pooled.runWithErrors(2 * KERNEL_BLOCK_ROWS - 1, encoded(2 * KERNEL_BLOCK_ROWS - 1));
    expect(small.rowErrors.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it("a worker that dies mid-batch is given up: the calling thread scores the batch itself, and later batches too", async () => {
    // Workers restore the kernel from `source`: this one ends its thread on its first block, as
    // a worker killed by the system would (it never signals). The calling thread keeps the real kernel.
    const dying: CompiledPipeline = {
      ...compiled,
      source: `const kernel = (() => {\n${compiled.source}\n})();\nreturn (...args) => { process.exit(1); return kernel(...args); };`,
    };
    const pooled = await pooledScorer(2, dying);
    open.push(pooled);
    // Enough blocks that the worker takes some before the calling thread has taken them all.
    const big = 100 * KERNEL_BLOCK_ROWS;
    const many = Array.from({ length: big }, (_, i) => rows[i % n]);
    const inputs = encodeRows(compiled.inputs, many, new Array(big), new Array(compiled.inputs.length));
    const alone = new CompiledScorer(compiled, { threads: 1 }).runWithErrors(big, inputs);
    const started = Date.now();
    const got = pooled.runWithErrors(big, inputs);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(got.outputs.map((o) => Array.from(o))).toEqual(alone.outputs.map((o) => Array.from(o)));
    expect(Array.from(got.rowErrors)).toEqual(Array.from(alone.rowErrors));
    expect(pooled.readyWorkers()).toBe(0);
    expect(pooled.runWithErrors(big, inputs).rowErrors.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it("starts no workers with threads: 1, and none after close", async () => {
    const single = new CompiledScorer(compiled, { threads: 1, parallelMinMs: 0 });
    for (let k = 0; k < 2; k++) expect(single.runWithErrors(n, encoded(n)).rowErrors.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(single.readyWorkers()).toBe(0);
    const pooled = await pooledScorer(2);
    const before = pooled.run(n, encoded(n));
    await pooled.close();
    expect(pooled.readyWorkers()).toBe(0);
    const after = pooled.runWithErrors(n, encoded(n));
    expect(after.rowErrors.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(after.outputs.map((o) => Array.from(o))).toEqual(before.map((o) => Array.from(o)));
  });
});

describe("threadCount", () => {
  it("takes the threads option, else PORTA_THREADS, never under 1", () => {
    const saved = process.env.PORTA_THREADS;
    try {
      process.env.PORTA_THREADS = "3";
      expect(threadCount()).toBe(3);
      expect(threadCount(1)).toBe(1);
      expect(threadCount(0)).toBe(1);
      process.env.PORTA_THREADS = "1";
      expect(threadCount()).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.PORTA_THREADS;
      else process.env.PORTA_THREADS = saved;
    }
  });
});
