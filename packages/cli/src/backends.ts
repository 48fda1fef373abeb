/**
 * The backends `porta` ships, registered as light descriptors: compile-js (tried first), onnx
 * (onnxruntime-node), the reference interpreter (scores what nothing faster can) and the PFA
 * engine. Each implementation module is loaded when a model is first compiled or restored with
 * it, so `import("porta")` and `porta --help` load none of them (issue 13, start-up). The names,
 * priorities, formats and sync flags here must match the backends' own (backends.test.ts checks).
 */
import { createRequire } from "node:module";
import { lazyBackend, registerBackend, registeredBackends } from "@porta/backend";

// The sync load path (`loadModelSync`) requires the ES module: require(esm), Node ≥ 20.19 / 22.12.
const require = createRequire(import.meta.url);

registerBackend(
  "js",
  lazyBackend({
    name: "js",
    description: "compile-js: the pipeline as generated vectorized JavaScript",
    sync: true,
    formats: ["pmml"],
    scoresLowered: true,
    restores: true,
    load: async () => (await import("@porta/compile-js/backend")).compileJsBackend,
    // A cached artifact needs the scorer, not the compiler: a warm `porta score` loads no family compiler.
    loadRestorer: async (artifact) => (await import("@porta/compile-js/restore")).loadRestorer(artifact),
    loadSync: () => (require("@porta/compile-js/backend") as typeof import("@porta/compile-js/backend")).compileJsBackend,
  }),
  100,
);

registerBackend(
  "onnx",
  lazyBackend({
    name: "onnx",
    description: "the pipeline exported to ONNX (ai.onnx.ml TreeEnsemble, MatMul layers) and run by onnxruntime-node",
    sync: false,
    formats: ["pmml"],
    restores: false,
    load: async () => (await import("@porta/onnx/backend")).onnxBackend,
  }),
  50,
);

// The GPU backends: above compile-js, so that with a GPU `auto` scores on it (from the measured
// break-even batch size up); without one each says why before anything is loaded (autoRefusal).
registerBackend(
  "webgpu",
  lazyBackend({
    name: "webgpu",
    description: "WGSL compute shaders over the lowered plans through WebGPU (Dawn, Vulkan), from the measured break-even batch size",
    sync: false,
    formats: ["pmml"],
    scoresLowered: true,
    restores: false,
    autoRefusal: async () => (await import("@porta/compile-gpu/adapter")).webGpuAutoRefusal(),
    load: async () => (await import("@porta/compile-gpu/backend")).webGpuBackend,
  }),
  130,
);

registerBackend(
  "gpu",
  lazyBackend({
    name: "gpu",
    description: "gpu.js kernels over the lowered plans (regression tables, network layers, distances, tree node tables); CPU mode without headless-gl",
    sync: false,
    formats: ["pmml"],
    scoresLowered: true,
    restores: false,
    autoRefusal: async () => (await import("@porta/compile-gpu/adapter")).gpuJsAutoRefusal(),
    load: async () => (await import("@porta/compile-gpu/backend")).gpuJsBackend,
  }),
  120,
);

registerBackend(
  "interp",
  lazyBackend({
    name: "interp",
    description: "reference interpreter: every construct Porta reads, row by row",
    sync: true,
    formats: ["pmml"],
    restores: false,
    load: async () => (await import("@porta/interp/backend")).interpreterBackend,
    loadSync: () => (require("@porta/interp/backend") as typeof import("@porta/interp/backend")).interpreterBackend,
  }),
  10,
);

registerBackend(
  "pfa",
  lazyBackend({
    name: "pfa",
    description: "PFA engine: the checked document compiled to closures",
    sync: true,
    formats: ["pfa"],
    lowers: ["pfa"],
    restores: false,
    load: async () => (await import("@porta/pfa/backend")).pfaBackend,
    loadSync: () => (require("@porta/pfa/backend") as typeof import("@porta/pfa/backend")).pfaBackend,
  }),
  5,
);

/**
 * Loads every registered backend's implementation now (a lazy one otherwise loads on first use).
 * For environments whose synchronous require cannot reach the sources (the test runner), and for
 * servers that would rather pay the load at start than on the first request.
 */
export async function loadBackends(): Promise<void> {
  await Promise.all(registeredBackends().map((r) => r.backend.load?.()));
}
