/**
 * The backends `porta` ships, registered by importing their packages: compile-js (tried first),
 * onnx (onnxruntime-node, loaded on first use), the reference interpreter (scores what nothing faster can) and the PFA engine.
 */
import "@porta/compile-js";
import "@porta/onnx";
import "@porta/interp";
import "@porta/pfa";
