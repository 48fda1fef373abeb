/**
 * `node:os` as `porta convert --to browser` bundles it: compile-js's thread count asks for the
 * machine's parallelism, and a page's module scores on the page's one thread.
 */
export function availableParallelism(): number {
  return 1;
}
