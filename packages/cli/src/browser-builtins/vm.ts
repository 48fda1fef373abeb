/**
 * `node:vm` as `porta convert --to browser` bundles it. @porta/ir's regex engine runs the few
 * patterns RE2 cannot express (back references, lookahead) on V8 inside a `vm` context whose
 * timeout interrupts a runaway match. A page cannot interrupt a synchronous match on its own
 * thread, so here the job simply runs: such a pattern gives the same answer as in Node, without the
 * time limit (a pathological input stalls that tab; README "Browser module" says so).
 */
interface JobContext {
  job?: () => unknown;
}

function createContext<T extends object>(context: T): T {
  return context;
}

class Script {
  constructor(private readonly source: string) {}

  runInContext(context: JobContext, _options?: { timeout?: number }): unknown {
    // regex.ts compiles exactly one script, "job()"; anything else is not what this stand-in runs.
    if (this.source !== "job()" || context.job === undefined) throw new Error("porta: the browser module runs no other vm script");
    return context.job();
  }
}

export default { createContext, Script };
