import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { gpuDeviceNodes, gpuJsAutoRefusal, isSoftwareAdapter, probeAdapter, resetAdapterProbe, webGpuAutoRefusal } from "./adapter.ts";

describe("adapter probe: auto picks a GPU backend only with a hardware adapter", () => {
  afterEach(() => {
    delete process.env.PORTA_GPU;
    resetAdapterProbe();
  });

  it("device nodes: NVIDIA's and DRM render nodes, nothing else", () => {
    const dev = mkdtempSync(join(tmpdir(), "porta-dev-"));
    mkdirSync(join(dev, "dri"));
    for (const f of ["nvidia0", "nvidiactl", "nvidia-uvm", "null", "dri/renderD128", "dri/card0"]) writeFileSync(join(dev, f), "");
    expect(gpuDeviceNodes(dev).sort()).toEqual([`${dev}/dri/renderD128`, `${dev}/nvidia0`]);
    expect(gpuDeviceNodes(join(dev, "absent"))).toEqual([]);
  });

  it("software adapters (SwiftShader, llvmpipe, a CPU type, the fallback) are never a GPU", () => {
    expect(isSoftwareAdapter({ isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ info: { type: "cpu" } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: "google", architecture: "swiftshader" } })).toBe(true);
    expect(isSoftwareAdapter({ info: { description: "llvmpipe (LLVM 15.0.6, 256 bits)" } })).toBe(true);
    expect(isSoftwareAdapter({ info: { vendor: "nvidia", architecture: "hopper", type: "discrete GPU" } })).toBe(false);
  });

  it("here (no GPU): not found, quickly, with the reason auto reports; PORTA_GPU=off short-circuits", async () => {
    const t = performance.now();
    const probe = await probeAdapter();
    expect(probe.found).toBe(false);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(await webGpuAutoRefusal()).toBe(probe.found ? undefined : probe.reason);
    process.env.PORTA_GPU = "off";
    resetAdapterProbe();
    expect(await probeAdapter()).toEqual({ found: false, reason: "PORTA_GPU=off" });
  });

  it("gpu.js has no GL context here (the `gl` stand-in), so auto passes over it", () => {
    expect(gpuJsAutoRefusal()).toMatch(/no GL context/);
  });
});
