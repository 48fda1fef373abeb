/**
 * Is there a real GPU to run on? Asked by `auto` before every load, so it must be quick and quiet
 * where there is none (CI, this project's machines): the device nodes are looked at first, and
 * Dawn (the `webgpu` package, 20 MB of native code that prints a Vulkan warning when it finds no
 * loader) is loaded only where a GPU device node exists. The answer is kept for the process.
 */
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";

/** What the probe found: an adapter to use, or why there is none. */
export type AdapterProbe =
  | { readonly found: true; readonly adapter: GpuAdapterHandle; readonly description: string }
  | { readonly found: false; readonly reason: string };

/** The parts of a WebGPU adapter the backend uses (typed here: `@webgpu/types` are not global). */
export interface GpuAdapterHandle {
  readonly info?: { readonly vendor?: string; readonly architecture?: string; readonly device?: string; readonly description?: string; readonly type?: string };
  readonly isFallbackAdapter?: boolean;
  readonly limits: { readonly maxStorageBufferBindingSize: number; readonly maxBufferSize: number; readonly maxComputeWorkgroupsPerDimension: number };
  requestDevice(descriptor?: unknown): Promise<unknown>;
}

/** Device nodes a GPU driver creates on Linux (NVIDIA's, and DRM render nodes of Mesa/AMD/Intel). */
export function gpuDeviceNodes(dev = "/dev"): string[] {
  const out: string[] = [];
  const list = (dir: string): string[] => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  for (const name of list(dev)) if (/^nvidia\d+$/.test(name)) out.push(`${dev}/${name}`);
  for (const name of list(`${dev}/dri`)) if (/^renderD\d+$/.test(name)) out.push(`${dev}/dri/${name}`);
  return out;
}

/**
 * Whether an adapter is a software rasteriser (SwiftShader, llvmpipe / lavapipe): those run
 * shaders on the CPU, slower than compile-js, and must never be chosen as "a GPU".
 */
export function isSoftwareAdapter(adapter: Pick<GpuAdapterHandle, "info" | "isFallbackAdapter">): boolean {
  if (adapter.isFallbackAdapter === true) return true;
  const info = adapter.info ?? {};
  if (info.type === "cpu") return true;
  const text = `${info.vendor ?? ""} ${info.architecture ?? ""} ${info.device ?? ""} ${info.description ?? ""}`.toLowerCase();
  return /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/.test(text);
}

export function describeAdapter(adapter: Pick<GpuAdapterHandle, "info">): string {
  const info = adapter.info ?? {};
  return [info.vendor, info.architecture, info.device, info.description].filter((s) => s !== undefined && s !== "").join(" ") || "unnamed adapter";
}

let probed: Promise<AdapterProbe> | undefined;

/** The process's WebGPU adapter, probed once. `PORTA_GPU=off` answers "none" without probing. */
export function probeAdapter(): Promise<AdapterProbe> {
  probed ??= probe();
  return probed;
}

/** Forgets the probe (tests). */
export function resetAdapterProbe(): void {
  probed = undefined;
}

async function probe(): Promise<AdapterProbe> {
  if (process.env.PORTA_GPU === "off") return { found: false, reason: "PORTA_GPU=off" };
  const nodes = gpuDeviceNodes();
  if (nodes.length === 0) return { found: false, reason: "no GPU device (no /dev/nvidia* or /dev/dri/renderD* node)" };
  let gpu: { requestAdapter(options?: unknown): Promise<GpuAdapterHandle | null> };
  try {
    const { create } = (await import("webgpu")) as unknown as { create(flags: string[]): typeof gpu };
    gpu = create([]);
  } catch (e) {
    return { found: false, reason: `the webgpu package (Dawn) does not load here: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}` };
  }
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) return { found: false, reason: `no WebGPU adapter (Dawn found none over ${nodes.join(", ")}: is a Vulkan loader and driver installed?)` };
  if (isSoftwareAdapter(adapter)) return { found: false, reason: `the only WebGPU adapter is a software one (${describeAdapter(adapter)})` };
  return { found: true, adapter, description: describeAdapter(adapter) };
}

/**
 * Whether gpu.js can have a GPU here: only through headless-gl (`gl`), which this repository
 * replaces with a stand-in (packages/compile-gpu/no-gl) because npm 11 builds no native addon by
 * default. Without it gpu.js runs its kernels on the CPU (its "webasm" or "cpu" mode).
 */
export function gpuJsGlAvailable(): boolean {
  try {
    return typeof createRequire(import.meta.url)("gl") === "function";
  } catch {
    return false;
  }
}

/** Why `auto` passes over the gpu.js backend, or undefined when gpu.js has a GL context. */
export function gpuJsAutoRefusal(): string | undefined {
  return gpuJsGlAvailable()
    ? undefined
    : "gpu.js has no GL context here (no headless-gl `gl` module), so its kernels would run on the CPU; name it (--backend gpu) to run them anyway";
}

/** Why `auto` passes over the WebGPU backend, or undefined when a hardware adapter was found. */
export async function webGpuAutoRefusal(): Promise<string | undefined> {
  const probe = await probeAdapter();
  return probe.found ? undefined : probe.reason;
}
