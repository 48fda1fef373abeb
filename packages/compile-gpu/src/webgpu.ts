/**
 * The WGSL shaders (wgsl.ts) run through WebGPU: Dawn's Node bindings (the `webgpu` package, its
 * prebuilt dawn.node inside the tarball, no download at install), Vulkan underneath on Linux.
 * A pipeline per shader source and the parameter buffers per job are made once and kept; each
 * call uploads the input matrix, dispatches, and reads the output back (the transfer costs the
 * break-even includes).
 */
import type { GpuAdapterHandle } from "./adapter.ts";
import { sumBlocks, type KernelEngine } from "./engine.ts";
import type { ClusteringJob, ForestJob, NeuralJob, RegressionJob } from "./plan.ts";
import { WORKGROUP, distanceShader, forestShader, layerShader, regressionShader, type ShaderJob } from "./wgsl.ts";

/* The WebGPU surface used here, typed locally: `@webgpu/types` declares globals for browsers. */
interface Buffer {
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}
interface Device {
  readonly queue: { writeBuffer(b: Buffer, offset: number, data: ArrayBufferView): void; submit(commands: unknown[]): void };
  createBuffer(d: { size: number; usage: number; mappedAtCreation?: boolean }): Buffer;
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: { layout: "auto"; compute: { module: unknown; entryPoint: string } }): { getBindGroupLayout(i: number): unknown };
  createBindGroup(d: { layout: unknown; entries: { binding: number; resource: { buffer: Buffer } }[] }): unknown;
  createCommandEncoder(): {
    beginComputePass(): {
      setPipeline(p: unknown): void;
      setBindGroup(i: number, g: unknown): void;
      dispatchWorkgroups(x: number, y?: number): void;
      end(): void;
    };
    copyBufferToBuffer(a: Buffer, ao: number, b: Buffer, bo: number, size: number): void;
    finish(): unknown;
  };
  destroy(): void;
}

// GPUBufferUsage / GPUMapMode bits (WebGPU spec), constant across implementations.
const MAP_READ = 0x1,
  COPY_SRC = 0x4,
  COPY_DST = 0x8,
  STORAGE = 0x80;
const MODE_READ = 0x1;

export class WebGpuEngine implements KernelEngine {
  private readonly pipelines = new Map<string, ReturnType<Device["createComputePipeline"]>>();
  private readonly uploaded = new WeakMap<object, Map<string, { shader: ShaderJob; p: Buffer; q: Buffer }>>();

  private constructor(
    private readonly device: Device,
    readonly name: string,
    private readonly maxGroups: number,
  ) {}

  static async create(adapter: GpuAdapterHandle, description: string): Promise<WebGpuEngine> {
    const device = (await adapter.requestDevice({
      requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize },
    })) as Device;
    return new WebGpuEngine(device, `webgpu ${description}`, adapter.limits.maxComputeWorkgroupsPerDimension);
  }

  private buffer(data: ArrayBufferView, usage: number): Buffer {
    // Storage buffers are bound whole: at least 4 bytes, a multiple of 4.
    const size = Math.max(4, Math.ceil(data.byteLength / 4) * 4);
    const b = this.device.createBuffer({ size, usage: usage | COPY_DST });
    if (data.byteLength > 0) this.device.queue.writeBuffer(b, 0, data);
    return b;
  }

  /** The shader of `job` under `key`, its parameters uploaded once. */
  private prepared(job: object, key: string, make: () => ShaderJob): { shader: ShaderJob; p: Buffer; q: Buffer } {
    let byKey = this.uploaded.get(job);
    if (!byKey) this.uploaded.set(job, (byKey = new Map()));
    let entry = byKey.get(key);
    if (!entry) {
      const shader = make();
      entry = { shader, p: this.buffer(shader.params, STORAGE), q: this.buffer(shader.indices, STORAGE) };
      byKey.set(key, entry);
    }
    return entry;
  }

  /** Uploads x, runs the shader over n × outputs invocations, reads the output back. */
  private async dispatch(prepared: { shader: ShaderJob; p: Buffer; q: Buffer }, x: Float32Array, n: number): Promise<Float32Array> {
    const { shader } = prepared;
    const count = n * shader.outputs;
    if (count === 0) return new Float32Array(0);
    let pipeline = this.pipelines.get(shader.source);
    if (!pipeline) {
      pipeline = this.device.createComputePipeline({
        layout: "auto",
        compute: { module: this.device.createShaderModule({ code: shader.source }), entryPoint: "main" },
      });
      this.pipelines.set(shader.source, pipeline);
    }
    const input = this.buffer(x, STORAGE);
    const out = this.device.createBuffer({ size: count * 4, usage: STORAGE | COPY_SRC });
    const read = this.device.createBuffer({ size: count * 4, usage: MAP_READ | COPY_DST });
    const group = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [input, prepared.p, prepared.q, out].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const groups = Math.ceil(count / WORKGROUP);
    // Past the per-dimension limit the groups fold into a second dimension (the shader unfolds them).
    const gx = Math.min(groups, this.maxGroups),
      gy = Math.ceil(groups / gx);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
    encoder.copyBufferToBuffer(out, 0, read, 0, count * 4);
    this.device.queue.submit([encoder.finish()]);
    await read.mapAsync(MODE_READ);
    const result = new Float32Array(read.getMappedRange().slice(0));
    read.unmap();
    for (const b of [input, out, read]) b.destroy();
    return result;
  }

  regression(job: RegressionJob, x: Float32Array, n: number, width: number): Promise<Float32Array> {
    return this.dispatch(
      this.prepared(job, `r${width}`, () => regressionShader(job, width)),
      x,
      n,
    );
  }

  async neural(job: NeuralJob, inputs: Float32Array, n: number): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    let a = inputs;
    for (const [l, layer] of job.layers.entries()) {
      a = await this.dispatch(
        this.prepared(job, `l${l}`, () => layerShader(layer)),
        a,
        n,
      );
      out.push(a);
    }
    return out;
  }

  distances(job: ClusteringJob, x: Float32Array, n: number, width: number): Promise<Float32Array> {
    return this.dispatch(
      this.prepared(job, `d${width}`, () => distanceShader(job, width)),
      x,
      n,
    );
  }

  forestLeaves(job: ForestJob, x: Float32Array, n: number, width: number): Promise<Float32Array> {
    return this.dispatch(
      this.prepared(job, `t${width}`, () => forestShader(job, width, false)),
      x,
      n,
    );
  }

  async forestSums(job: ForestJob, scores: Float32Array, x: Float32Array, n: number, width: number): Promise<Float32Array> {
    const prepared = this.prepared(job, `s${width}`, () => forestShader(job, width, true, scores));
    return sumBlocks(await this.dispatch(prepared, x, n), n, prepared.shader.outputs);
  }

  dispose(): void {
    this.device.destroy();
  }
}
