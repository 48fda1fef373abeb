import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { registeredBackends, type Backend } from "@porta/backend";
import { compileJsBackend } from "@porta/compile-js/backend";
import { interpreterBackend } from "@porta/interp/backend";
import { onnxBackend } from "@porta/onnx/backend";
import { pfaBackend } from "@porta/pfa/backend";
import "./backends.ts";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..", "..");

describe("porta/backends: light descriptors of the backends porta ships (issue 13, start-up)", () => {
  const implementations: [string, Backend, number][] = [
    ["js", compileJsBackend, 100],
    ["onnx", onnxBackend, 50],
    ["interp", interpreterBackend, 10],
    ["pfa", pfaBackend, 5],
  ];
  it.each(implementations)("%s: the descriptor says what the implementation is (priority, description, sync, formats, restore)", (name, impl, priority) => {
    const registered = registeredBackends().find((r) => r.name === name);
    expect(registered?.priority).toBe(priority);
    const b = registered!.backend;
    expect({ name: b.name, description: b.description, sync: b.sync, formats: b.formats, restores: b.restore !== undefined }).toEqual({
      name: impl.name,
      description: impl.description,
      sync: impl.sync,
      formats: impl.formats,
      restores: impl.restore !== undefined,
    });
  });

  // Which modules a fresh process loads: the sources through tsx with the source condition, and a
  // load hook naming each module on stderr (hooks run on their own thread).
  const LOADED = `
    import { register } from "node:module";
    (await import("tsx/esm/api")).register();
    register("data:text/javascript," + encodeURIComponent(\`
      export async function resolve(s, c, next) { return next(s, { ...c, conditions: [...new Set([...c.conditions, "@porta/source"])] }); }
      export async function load(url, c, next) { process.stderr.write("LOADED " + url + "\\\\n"); return next(url, c); }\`));
    await import(process.argv[1]);`;

  async function modulesLoadedBy(specifier: string): Promise<string[]> {
    const { stderr } = await run(process.execPath, ["--input-type=module", "-e", LOADED, specifier], { cwd: ROOT, maxBuffer: 1 << 24 });
    return stderr
      .split("\n")
      .filter((l) => l.startsWith("LOADED "))
      .map((l) => l.slice("LOADED ".length));
  }

  it('import("porta") loads no backend implementation, no PMML reader, no PFA library and not the IR\'s index', async () => {
    const loaded = await modulesLoadedBy("porta");
    expect(loaded.some((u) => u.includes("/packages/cli/src/index.ts"))).toBe(true); // the probe works
    const heavy = loaded.filter((u) => /\/packages\/(compile-js|onnx|interp|pfa|pmml)\/|\/packages\/ir\/src\/index\.ts|onnxruntime|@bufbuild|js-yaml/.test(u));
    expect(heavy).toEqual([]);
  });
});
