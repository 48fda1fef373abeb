/**
 * What scoring through a compiled kernel needs from the IR, without the interpreter: the
 * MiningField treatments of an input and the numeric functions whose bits generated code must
 * share with the interpreter. A restored artifact (the artifact cache's hit) imports this entry,
 * not the index, so `porta score` with a warm cache loads no expression or model code (issue 13).
 */
export { classifyInput, inInterval, prepareInput, type Validity } from "./interpret/input.ts";
export { exp as correctlyRoundedExp } from "./interpret/exp.ts";
export { normalCdf } from "./interpret/normal.ts";
export { pfaIntPower } from "./functions/pfa-kernels.ts";
