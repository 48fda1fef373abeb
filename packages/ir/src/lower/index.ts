/** The lowered plans of the model families: one row-independent plan per model node, memoized. */
export * from "./comparison-measure.ts";
export * from "./clustering.ts";
export * from "./nearest-neighbor.ts";
export * from "./general-regression.ts";
export * from "./regression.ts";
export * from "./support-vector-machine.ts";
export * from "./neural-network.ts";
export * from "./naive-bayes.ts";
