import { registerBackend } from "@porta/backend";
import { onnxBackend } from "./backend.ts";

export { onnxBackend, OnnxSession } from "./backend.ts";
export { exportPipeline, type ExportedPipeline } from "./export.ts";
export { NotExportable } from "./refusal.ts";

/** Importing the package registers it between compile-js (100) and the interpreter (10). */
registerBackend("onnx", onnxBackend, 50);
