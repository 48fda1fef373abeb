/**
 * `node:worker_threads` as `porta convert --to browser` bundles it. The module is built with
 * `threads: 1`, so compile-js never starts a kernel pool; were it asked to, it fails loudly here
 * rather than scoring on a pool that does not exist.
 */
export class Worker {
  constructor() {
    throw new Error("porta: a browser module scores on the page's thread; it has no worker threads");
  }
}

export const parentPort = null;
export const workerData = undefined;
