import { nestedModels, type ModelNode, type Pipeline, type TreeNode } from "@porta/ir";
import { LoweredSession } from "@porta/backend";
import { PortaModel, type Model } from "@porta/runtime";
import { describePfa, type PfaDescription } from "@porta/pfa";
import { pfaEngineOfModel } from "./pfa-engine.ts";

export interface ModelSummary {
  format: string;
  backend: string;
  /** Backends tried before the one that scores, each with its reason. */
  refusals: { backend: string; reason: string }[];
  notices: string[];
  /** A document lowered into the IR and scored there: which lowering made its pipeline (PFA: model call, scalar core, program). */
  lowering?: string;
  version?: string;
  application?: string;
  modelTypes: string[];
  inputs: { name: string; dataType: string; opType?: string; values?: unknown[] }[];
  outputs: { name: string; dataType: string; opType?: string }[];
  derivedFields?: number;
  families: Record<string, unknown>[];
  documentBytes?: number;
  /** PFA documents: method, Avro types, cells/pools and the library functions used. */
  pfa?: PfaDescription;
}

/** Facts about a loaded model for `porta inspect`: interface, families and their sizes. */
export function summarize(model: Model, documentBytes?: number): ModelSummary {
  const plan = model instanceof PortaModel ? model.plan : undefined;
  // a PFA document lowered into the IR shows the pipeline compile-js scores
  const loweredPlan = model instanceof PortaModel && model.session instanceof LoweredSession ? model.session.plan : undefined;
  const lowered = loweredPlan?.pipeline;
  const pipeline: Pipeline | undefined = plan?.format === "pmml" ? plan.pipeline : undefined;
  const engine = pfaEngineOfModel(model);
  const families: Record<string, unknown>[] = [];
  const scored = pipeline ?? lowered;
  if (scored) walkModels(scored.model, (m, level) => families.push({ level, ...familySummary(m) }));
  return {
    format: model.format,
    backend: model.backend,
    refusals: [...model.refusals],
    notices: model.notices.filter((n) => !n.startsWith(`scored by ${model.backend}:`)),
    lowering: loweredPlan?.lowering,
    version: pipeline?.version,
    application: pipeline ? [pipeline.header.application, pipeline.header.applicationVersion].filter(Boolean).join(" ") : undefined,
    modelTypes: model.modelTypes,
    inputs: model.inputFields.map((f) => ({ name: f.name, dataType: String(f.dataType), opType: f.opType, values: f.values })),
    outputs: model.outputFields.map((f) => ({ name: f.name, dataType: String(f.dataType), opType: f.opType })),
    derivedFields: pipeline?.transformations.length,
    families,
    documentBytes,
    pfa: engine ? describePfa(engine) : undefined,
  };
}

function walkModels(model: ModelNode, visit: (m: ModelNode, depth: number) => void, depth = 0): void {
  visit(model, depth);
  for (const inner of nestedModels(model)) walkModels(inner, visit, depth + 1);
}

function familySummary(m: ModelNode): Record<string, unknown> {
  const base = { kind: m.kind, functionName: m.functionName, modelName: m.modelName, path: m.path };
  switch (m.kind) {
    case "tree": {
      const { nodes, depth, leaves } = treeStats(m.root);
      return { ...base, nodes, leaves, depth, missingValueStrategy: m.missingValueStrategy };
    }
    case "regression":
      return { ...base, tables: m.tables.length, normalizationMethod: m.normalizationMethod };
    case "neuralNetwork":
      return {
        ...base,
        layerSizes: [m.inputs.length, ...m.layers.map((l) => l.neurons.length)].join("-"),
        activationFunction: m.activationFunction,
        normalizationMethod: m.normalizationMethod,
      };
    case "mining":
      return { ...base, segments: m.segments.length, multipleModelMethod: m.multipleModelMethod };
    default: {
      const rec = m as unknown as Record<string, unknown>;
      const sizes: Record<string, number> = {};
      for (const k in rec)
        if (Array.isArray(rec[k]) && !["miningSchema", "output", "targets", "localTransformations"].includes(k)) sizes[k] = (rec[k] as unknown[]).length;
      return { ...base, ...sizes };
    }
  }
}

/** Node count, leaf count and depth, iteratively (trees can be deep). */
export function treeStats(root: TreeNode): { nodes: number; leaves: number; depth: number } {
  let nodes = 0,
    leaves = 0,
    depth = 0;
  const stack: [TreeNode, number][] = [[root, 1]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    nodes++;
    if (d > depth) depth = d;
    if (n.children.length === 0) leaves++;
    for (const c of n.children) stack.push([c, d + 1]);
  }
  return { nodes, leaves, depth };
}

export function formatSummary(s: ModelSummary): string {
  const lines: string[] = [];
  lines.push(`format: ${s.format}${s.version ? ` ${s.version}` : ""}${s.application ? ` (${s.application})` : ""}`);
  if (s.documentBytes !== undefined) lines.push(`document: ${s.documentBytes} bytes`);
  lines.push(`backend: ${s.backend}${s.lowering ? ` (lowered into the IR: ${s.lowering})` : ""}`);
  for (const r of s.refusals) lines.push(`  ${r.backend} refused: ${r.reason}`);
  for (const n of s.notices) lines.push(`notice: ${n}`);
  lines.push(`model types: ${s.modelTypes.join(", ")}`);
  lines.push(`inputs (${s.inputs.length}):`);
  for (const f of s.inputs) lines.push(`  ${f.name}: ${f.dataType}${f.opType ? ` ${f.opType}` : ""}${f.values ? ` {${f.values.join(", ")}}` : ""}`);
  lines.push(`outputs (${s.outputs.length}):`);
  for (const f of s.outputs) lines.push(`  ${f.name}: ${f.dataType}${f.opType ? ` ${f.opType}` : ""}`);
  if (s.derivedFields) lines.push(`derived fields: ${s.derivedFields}`);
  if (s.pfa) {
    const p = s.pfa;
    lines.push(`pfa: ${p.name ?? "(unnamed)"}, method ${p.method}`);
    lines.push(`  input type: ${JSON.stringify(p.input)}`);
    lines.push(`  output type: ${JSON.stringify(p.output)}`);
    for (const [kind, list] of [
      ["cell", p.cells],
      ["pool", p.pools],
    ] as const) {
      for (const c of list) lines.push(`  ${kind} ${c.name}: ${JSON.stringify(c.type)}${c.shared ? " shared" : ""}${c.rollback ? " rollback" : ""}`);
    }
    lines.push(`  functions (${p.functions.length}): ${p.functions.join(", ")}`);
    if (p.userFunctions.length) lines.push(`  user functions: ${p.userFunctions.join(", ")}`);
    return lines.join("\n");
  }
  lines.push("models:");
  for (const f of s.families) {
    const { level, kind, path: _path, ...rest } = f as { level: number; kind: string; path: string };
    const facts = Object.entries(rest)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(" ");
    lines.push(`${"  ".repeat(level + 1)}${kind} ${facts}`);
  }
  return lines.join("\n");
}
