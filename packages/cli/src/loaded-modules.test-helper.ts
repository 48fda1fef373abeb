/**
 * Test support: which modules a fresh Node process loads (issue 13, start-up). The process runs
 * the sources through tsx with the "@porta/source" condition, as the tests do, and a load hook
 * names each module on stderr (hooks run on their own thread, before the module's code); the
 * module graph is the one dist/ has, since the build keeps every import.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..", "..");
const MAIN = join(ROOT, "packages", "cli", "src", "main.ts");

const PROBE = `
  import { register } from "node:module";
  (await import("tsx/esm/api")).register();
  register("data:text/javascript," + encodeURIComponent(\`
    export async function resolve(s, c, next) { return next(s, { ...c, conditions: [...new Set([...c.conditions, "@porta/source"])] }); }
    export async function load(url, c, next) { process.stderr.write("LOADED " + url + "\\\\n"); return next(url, c); }\`));`;

/** `import(specifier)` alone. */
const IMPORT = `${PROBE}\n  await import(process.argv[1]);`;

/** The `porta` command's main with the arguments after the module path. */
const PORTA = `${PROBE}
  const { main } = await import(process.argv[1]);
  process.exitCode = await main(["node", "porta", ...process.argv.slice(2)]);`;

export interface LoadedModules {
  /** URLs of the modules loaded, in load order. */
  loaded: string[];
  stdout: string;
  /** stderr without the probe's lines. */
  stderr: string;
}

async function probe(code: string, args: string[], env: Record<string, string | undefined>): Promise<LoadedModules> {
  const { stdout, stderr } = await run(process.execPath, ["--input-type=module", "-e", code, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    maxBuffer: 1 << 24,
  });
  const lines = stderr.split("\n");
  return {
    loaded: lines.filter((l) => l.startsWith("LOADED ")).map((l) => l.slice("LOADED ".length)),
    stdout,
    stderr: lines.filter((l) => !l.startsWith("LOADED ")).join("\n"),
  };
}

/** The modules `import(specifier)` loads in a fresh process. */
export async function modulesLoadedBy(specifier: string): Promise<string[]> {
  return (await probe(IMPORT, [specifier], {})).loaded;
}

/** The modules `porta ARGS…` loads in a fresh process (its main from the sources), with its output. */
export async function modulesLoadedByPorta(args: string[], env: Record<string, string | undefined> = {}): Promise<LoadedModules> {
  return probe(PORTA, [MAIN, ...args], env);
}
