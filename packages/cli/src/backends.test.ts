import { describe, expect, it } from "vitest";
import { registeredBackends, type Backend } from "@porta/backend";
import { gpuJsBackend, webGpuBackend } from "@porta/compile-gpu/backend";
import { compileJsBackend } from "@porta/compile-js/backend";
import { interpreterBackend } from "@porta/interp/backend";
import { onnxBackend } from "@porta/onnx/backend";
import { pfaBackend } from "@porta/pfa/backend";
import "./backends.ts";
import { modulesLoadedBy } from "./loaded-modules.test-helper.ts";

describe("porta/backends: light descriptors of the backends porta ships (issue 13, start-up)", () => {
  const implementations: [string, Backend, number][] = [
    ["webgpu", webGpuBackend, 130],
    ["gpu", gpuJsBackend, 120],
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

  it('import("porta") loads no backend implementation, no PMML reader, no PFA library and not the IR\'s index', async () => {
    const loaded = await modulesLoadedBy("porta");
    expect(loaded.some((u) => u.includes("/packages/cli/src/index.ts"))).toBe(true); // the probe works
    const heavy = loaded.filter((u) =>
      /\/packages\/(compile-js|compile-gpu|onnx|interp|pfa|pmml)\/|\/packages\/ir\/src\/index\.ts|onnxruntime|@bufbuild|js-yaml|gpu\.js|webgpu/.test(u),
    );
    expect(heavy).toEqual([]);
  });
});
