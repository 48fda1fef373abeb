/**
 * The two GPU backends on the seam:
 * - "webgpu": WGSL shaders through Dawn, chosen by `auto` only when a hardware adapter exists;
 * - "gpu": the same families as gpu.js kernels. In Node gpu.js reaches a GPU only through
 *   headless-gl, which is not installed (see no-gl/), so `auto` passes over it and `--backend gpu`
 *   runs its kernels on the CPU (tests, and a reference for the WebGPU path).
 * On a real GPU a session scores a batch on the GPU only from the measured break-even size up
 * (break-even.ts) and hands smaller batches to compile-js, found through the seam (the backends
 * of one layer import each other not).
 */
import {
  pipelineFacts,
  refuse,
  registeredBackends,
  type Backend,
  type Batch,
  type ModelFacts,
  type ScoredBatch,
  type ScoringPlan,
  type Session,
} from "@porta/backend";
import { preparePipeline, PROGRAM_REFUSAL } from "@porta/ir";
import { gpuJsAutoRefusal, gpuJsGlAvailable, probeAdapter, webGpuAutoRefusal } from "./adapter.ts";
import { breakEven, type BreakEven } from "./break-even.ts";
import type { KernelEngine } from "./engine.ts";
import { GpuJsEngine } from "./gpujs.ts";
import { NotGpuScorable, planPipeline, type GpuPlan } from "./plan.ts";
import { GpuSession } from "./session.ts";
import { WebGpuEngine } from "./webgpu.ts";

/**
 * A GPU session beside compile-js's session of the same pipeline. `routed` (a real GPU): batches
 * below the break-even go to the CPU session, measured on the first batch (once per engine and
 * model shape, then recalled). Unrouted (gpu.js in CPU mode, named explicitly): every batch runs
 * the kernels, and `breakEven` is there for `porta bench` and the bench suites.
 */
export class RoutedSession implements Session {
  readonly backend: string;
  readonly facts: ModelFacts;
  private measured: Promise<BreakEven> | undefined;
  private cpuSession: Promise<Session | undefined> | undefined;

  constructor(
    readonly gpu: GpuSession,
    /** compile-js's session of the same pipeline, compiled on first need (undefined: it refuses). */
    private readonly makeCpu: () => Promise<Session | undefined>,
    readonly routed: boolean,
  ) {
    this.backend = gpu.backend;
    this.facts = gpu.facts;
  }

  private cpu(): Promise<Session | undefined> {
    this.cpuSession ??= this.makeCpu();
    return this.cpuSession;
  }

  /** The break-even of this model's shape on this engine (measured on first ask); 1 row when compile-js cannot score the model. */
  breakEven(): Promise<BreakEven> {
    this.measured ??= this.cpu().then((cpu) =>
      cpu
        ? breakEven(
            `${this.gpu.engine.name}|${this.gpu.plan.shapeKey}`,
            this.gpu.plan.fields,
            (b) => this.gpu.run(b),
            (b) => cpu.run(b),
          )
        : { rows: 1, timings: [] },
    );
    return this.measured;
  }

  async run(batch: Batch): Promise<ScoredBatch> {
    if (!this.routed) return this.gpu.run(batch);
    const cpu = await this.cpu();
    if (!cpu) return this.gpu.run(batch);
    const { rows } = await this.breakEven();
    return rows !== null && batch.length >= rows ? this.gpu.run(batch) : cpu.run(batch);
  }

  async dispose(): Promise<void> {
    this.gpu.dispose();
    const cpu = await this.cpuSession;
    await cpu?.dispose?.();
  }
}

/**
 * compile-js's session for the same plan (the CPU side of the break-even), if it is registered
 * and compiles it; the GPU session scores alone otherwise.
 */
async function cpuSession(plan: ScoringPlan): Promise<Session | undefined> {
  const js = registeredBackends().find((r) => r.name === "js")?.backend;
  if (!js) return undefined;
  await js.load?.();
  const out = await js.compile(plan);
  return "refused" in out ? undefined : out;
}

/** The plan of a PMML pipeline for `name`, or the refusal (a PFA document reaches IR backends lowered). */
function gpuPlan(plan: ScoringPlan): { plan: GpuPlan; facts: ModelFacts } | { reason: string } {
  if (plan.format !== "pmml") return { reason: "scores IR pipelines only" };
  if (plan.pipeline.model.kind === "program") return { reason: PROGRAM_REFUSAL };
  try {
    return { plan: planPipeline(plan.pipeline), facts: pipelineFacts(plan.pipeline) };
  } catch (e) {
    if (e instanceof NotGpuScorable) return { reason: e.message };
    throw e;
  }
}

async function compileWith(
  name: string,
  plan: ScoringPlan,
  engine: () => Promise<KernelEngine>,
  routed: boolean,
): Promise<Session | ReturnType<typeof refuse>> {
  const gp = gpuPlan(plan);
  if ("reason" in gp) return refuse(gp.reason);
  if (plan.format !== "pmml") return refuse("scores IR pipelines only");
  const prepared = preparePipeline(plan.pipeline, plan.limits);
  const session = new GpuSession(name, await engine(), gp.plan, prepared, gp.facts);
  return new RoutedSession(session, () => cpuSession(plan), routed);
}

/** The families as gpu.js kernels (CPU mode where gpu.js has no GL context). */
export const gpuJsBackend: Backend = {
  name: "gpu",
  description: "gpu.js kernels over the lowered plans (regression tables, network layers, distances, tree node tables); CPU mode without headless-gl",
  sync: false,
  formats: ["pmml"],
  scoresLowered: true,
  autoRefusal: gpuJsAutoRefusal,
  compile: (plan) => compileWith("gpu", plan, async () => new GpuJsEngine(), gpuJsGlAvailable()),
};

/** The families as WGSL compute shaders through WebGPU (Dawn); refuses without a hardware adapter. */
export const webGpuBackend: Backend = {
  name: "webgpu",
  description: "WGSL compute shaders over the lowered plans through WebGPU (Dawn, Vulkan), from the measured break-even batch size",
  sync: false,
  formats: ["pmml"],
  scoresLowered: true,
  autoRefusal: webGpuAutoRefusal,
  async compile(plan) {
    const probe = await probeAdapter();
    if (!probe.found) return refuse(`no WebGPU adapter: ${probe.reason}`);
    return compileWith("webgpu", plan, () => WebGpuEngine.create(probe.adapter, probe.description), true);
  },
};

/**
 * The break-even of a GPU backend's session (measured on first ask), or undefined for another
 * backend's; for an unrouted one (gpu.js in CPU mode) only when `unrouted` asks for it.
 */
export function breakEvenOf(session: unknown, options: { unrouted?: boolean } = {}): Promise<BreakEven> | undefined {
  if (!(session instanceof RoutedSession) || (!session.routed && !options.unrouted)) return undefined;
  return session.breakEven();
}
