/** A KernelPool worker: restores the kernel from its artifact, then scores the blocks of each batch it is sent. */
import { parentPort, workerData } from "node:worker_threads";
import { runBlocks, signal, WORKER_FAILED, WORKER_IDLE, type KernelArtifact, type PoolJob } from "./kernel-pool.ts";
import { loadPipelineHelpers as loadArtifactHelpers } from "./restore-pipeline.ts";
import { deserializeCompiled } from "./serialize.ts";

const data = workerData as { artifact: KernelArtifact; control: SharedArrayBuffer; slot: number };
const control = new Int32Array(data.control);
try {
  // Helpers that live in modules of their own (category tables) register when imported.
  await loadArtifactHelpers(data.artifact);
  const { kernel } = deserializeCompiled(data.artifact);
  parentPort!.on("message", (job: PoolJob) => {
    try {
      runBlocks(kernel, job, control);
      signal(control, data.slot, WORKER_IDLE);
    } catch {
      // The calling thread scores the batch again itself and meets the same exception there.
      signal(control, data.slot, WORKER_FAILED);
    }
  });
  signal(control, data.slot, WORKER_IDLE);
} catch {
  signal(control, data.slot, WORKER_FAILED);
}
