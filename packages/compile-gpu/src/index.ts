export { gpuJsBackend, webGpuBackend, RoutedSession, breakEvenOf } from "./backend.ts";
export { GpuSession } from "./session.ts";
export { planPipeline, NotGpuScorable, type GpuPlan, type GpuJob } from "./plan.ts";
export { probeAdapter, isSoftwareAdapter, gpuDeviceNodes, type AdapterProbe } from "./adapter.ts";
export { breakEven, storedBreakEven, type BreakEven } from "./break-even.ts";
export type { KernelEngine } from "./engine.ts";

import { registerBackend } from "@porta/backend";
import { gpuJsBackend, webGpuBackend } from "./backend.ts";

/**
 * Importing the package registers both above compile-js (100): `auto` asks them first, and
 * they pass (autoRefusal) unless there is a GPU, so without one nothing changes.
 */
registerBackend("webgpu", webGpuBackend, 130);
registerBackend("gpu", gpuJsBackend, 120);
