import type { ClusteringJob, ForestJob, NeuralJob, RegressionJob } from "./plan.ts";

/**
 * What a GPU engine computes for a batch: `x` is the input matrix, row-major [n × width] float32
 * (the plan's fields in order), and every result is row-major float32 [n × outputs], read back.
 * gpu.js (packages/compile-gpu/src/gpujs.ts) and WebGPU (webgpu.ts) implement it.
 */
export interface KernelEngine {
  /** "gpu.js cpu", "webgpu NVIDIA …": what `porta bench` and inspect show. */
  readonly name: string;
  /** Each table's sum: [n × tables]. */
  regression(job: RegressionJob, x: Float32Array, n: number, width: number): Promise<Float32Array>;
  /** Every layer's activations, [n × neurons] each; `inputs` is [n × job.inputs.length], normalised. */
  neural(job: NeuralJob, inputs: Float32Array, n: number): Promise<Float32Array[]>;
  /** Each center's distance: [n × clusters]. */
  distances(job: ClusteringJob, x: Float32Array, n: number, width: number): Promise<Float32Array>;
  /** Each tree's leaf (a node table index): [n × trees]. */
  forestLeaves(job: ForestJob, x: Float32Array, n: number, width: number): Promise<Float32Array>;
  /** Σ scores[leaf] over the trees, per row: one thread per row × block of trees, the blocks summed after. */
  forestSums(job: ForestJob, scores: Float32Array, x: Float32Array, n: number, width: number): Promise<Float32Array>;
  dispose(): void;
}

/** Trees walked by one thread in `forestSums` (a row × block of trees): enough rows × blocks to fill a GPU at 10k rows. */
export const TREE_BLOCK = 32;

/** Adds the per-block sums [n × blocks] into one value per row. */
export function sumBlocks(partial: Float32Array, n: number, blocks: number): Float32Array {
  if (blocks === 1) return partial;
  const out = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let b = 0; b < blocks; b++) s += partial[r * blocks + b]!;
    out[r] = s;
  }
  return out;
}
