/**
 * Lowering a checked PFA engine into the IR: when the action is one recognised model call over
 * parameters held in cells (see models.ts) and an output built from it (outputs.ts), the engine
 * becomes the pipeline PMML's reader would give for the same model, and every IR backend
 * (compile-js) scores it; a stateless scalar action becomes DerivedFields (program.ts); any other
 * engine becomes a program (program-model/), which compile-js compiles. What none takes is a
 * refusal with its reason and path, never an error: the document stays on the PFA engine.
 *
 * What keeps the semantics exact: only map engines without begin/end, and only cells nothing
 * writes (so the parameters are the decoded inits); inputs fail on missing or invalid values as
 * PFA's decoding does; trees test with PFA's operators, pass before fail; sums run in PFA's order.
 */
import type { DataField, MiningField, ModelNode, Pipeline } from "@porta/ir";
import type { LoweredInput } from "@porta/backend";
import { parseDocumentAst } from "../ast/parse.ts";
import { ENGINE_FACTS, type EngineFacts, type PfaEngine } from "../engine.ts";
import type { ExprNode } from "../ast/nodes.ts";
import type { AvroType } from "@porta/ir/avro";
import { arrayInputs, recordInputs, type LoweredInputs } from "./inputs.ts";
import { clusteringModel, datumFields, lowerModelCall, type LowerContext, type ModelValue } from "./models.ts";
import { lowerOutputs } from "./outputs.ts";
import { Bindings } from "./bindings.ts";
import { naiveBayesRefusal } from "./naive-bayes.ts";
import { lowerProgram } from "./program.ts";
import { programPipeline } from "./program-model/index.ts";
import { NotLowerable, notLowerable, type LoweringRefusal } from "./refusal.ts";

export type { LoweringRefusal } from "./refusal.ts";

/** Which lowering applied: a recognised model call, the scalar core (DerivedFields), or the whole engine as a program. */
export type LoweringKind = "model call" | "scalar core" | "program";

/** A PFA engine lowered into the IR: the pipeline, and how the engine's input rows reach its fields. */
export interface LoweredPfa {
  readonly lowered: true;
  readonly via: LoweringKind;
  readonly pipeline: Pipeline;
  readonly input: LoweredInput;
  /** Output fields of type float or double, which the PFA session writes as Avro JSON ("nan", "inf", "-inf"). */
  readonly avroDoubles?: readonly string[];
}

export interface LowerPfaOptions {
  /** Lower what no columnar lowering takes as a program (default true); false: only model calls and the scalar core. */
  readonly programs?: boolean;
}

/** Lowers a compiled (so checked) engine into an IR pipeline, or says why not. */
export function lowerPfa(engine: PfaEngine, options: LowerPfaOptions = {}): LoweredPfa | LoweringRefusal {
  try {
    return lowerEngine(engine, options.programs ?? true);
  } catch (e) {
    if (e instanceof NotLowerable) return { lowered: false, reason: `${e.message} (at ${e.path || "/"})`, path: e.path };
    // the engine checked the document under its depth limits; a tree deeper than this recursion
    // reaches stays on the engine rather than failing the load
    if (e instanceof RangeError && /call stack/i.test(e.message)) return { lowered: false, reason: "nested too deeply to lower", path: "/" };
    throw e;
  }
}

/** The action is not one of the model-call shapes: it may still lower as expressions (program.ts). */
class NotAModelCall extends NotLowerable {}

/**
 * The model call of the action and the name it is bound to: `[call]`, or lets then the result,
 * the model call bound by one of them (`[{let: {name: call}}, result]`) or the result itself; the
 * other lets are variables the model reads (its datum, an intermediate array: bindings.ts).
 */
function modelOfAction(ctx: LowerContext, exprs: readonly ExprNode[]): { value: ModelValue; name: string | undefined; result: ExprNode } {
  const result = exprs[exprs.length - 1]!;
  let found: { value: ModelValue; name: string } | undefined;
  for (const e of exprs.slice(0, -1)) {
    if (e.kind !== "let") throw new NotAModelCall("an action other than a model call, or lets and the output built from the model's value", e.path);
    if (found) return notLowerable("a let after the model call", e.path);
    for (const b of e.bindings) {
      const value: ModelValue | undefined = found ? undefined : lowerModelCall(ctx, b.expr);
      if (value) found = { value, name: b.name };
      else ctx.env.bind(b.name, b.expr, b.path);
    }
  }
  if (found) return { ...found, result };
  const value = lowerModelCall(ctx, result);
  if (!value)
    throw new NotAModelCall(exprs.length === 1 ? "an action that is not a recognised model call" : "lets that bind no recognised model call", result.path);
  return { value, name: undefined, result };
}

/**
 * The columnar lowerings first (a model call, then the scalar core: pipelines every IR backend
 * reads), the whole engine as a program for everything else. When the program is refused too,
 * its reason is the document's.
 */
function lowerEngine(engine: PfaEngine, programs: boolean): LoweredPfa {
  const facts = ENGINE_FACTS.get(engine);
  if (!facts) return notLowerable("not an engine made by compilePfa", "/");
  try {
    return lowerColumnar(engine, facts);
  } catch (e) {
    if (!(e instanceof NotLowerable) || !programs) throw e;
    return { lowered: true, via: "program", pipeline: programPipeline(engine, facts), input: { kind: "avro" } };
  }
}

/** A model call or the scalar core, or NotLowerable. */
function lowerColumnar(engine: PfaEngine, facts: EngineFacts): LoweredPfa {
  const ast = parseDocumentAst(facts.doc);
  if (ast.method !== "map") return notLowerable(`a ${ast.method} engine (its output depends on earlier inputs)`, "/method");
  if (ast.begin || ast.end) return notLowerable("begin or end (they may change cells)", ast.begin ? "/begin" : "/end");
  const readOnlyCells = new Set([...ast.cells].filter(([, c]) => !c.shared).map(([name]) => name));
  naiveBayesRefusal(ast.action);
  const ctx: LowerContext = {
    inputType: engine.inputType,
    cellTypes: facts.cellTypes,
    cellValues: engine.cells,
    readOnlyCells,
    env: new Bindings(),
    fcns: ast.fcns,
  };
  let model: ReturnType<typeof lowerModel>;
  try {
    model = lowerModel(ctx, ast.action.exprs, engine);
  } catch (e) {
    if (!(e instanceof NotLowerable)) throw e;
    // not (exactly) a model call: the action as expressions (program.ts); when that is refused too,
    // its reason, unless the action was a model call the shapes refused for a reason of their own
    try {
      return { lowered: true, via: "scalar core", ...lowerProgram(engine, facts) };
    } catch (general) {
      throw e instanceof NotAModelCall ? general : e;
    }
  }
  return model;
}

/** The action as one recognised model call and the output built from it. */
function lowerModel(ctx: LowerContext, exprs: readonly ExprNode[], engine: PfaEngine): LoweredPfa {
  const ast = { name: ENGINE_FACTS.get(engine)!.ast.name };
  const { value, name, result } = modelOfAction(ctx, exprs);
  const out = lowerOutputs(result, name, value, engine.outputType);
  ctx.env.checkAllRead();
  if (value.kind === "scored" && out.target !== undefined) value.bindTarget?.(out.target);
  const model: ModelNode = value.kind === "scored" ? value.model : clusteringModel(value, out.clusterId);
  const inputs: LoweredInputs = value.datum.kind === "array" ? arrayInputs(engine.inputType, value.datum.length) : recordInputs(engine.inputType);
  const dataFields: DataField[] = [...inputs.dataFields];
  const targetFields: MiningField[] = [];
  if (value.kind === "scored" && out.target !== undefined) {
    const t = value.target;
    dataFields.push({
      name: out.target,
      dataType: t.dataType,
      opType: t.opType,
      validValues: [...t.categories],
      invalidValues: [],
      missingValues: [],
      intervals: [],
    });
    targetFields.push({ name: out.target, usageType: "predicted", invalidValueTreatment: "returnInvalid", outliers: "asIs" });
  }
  withSchema(model, inputs.miningFields, targetFields);
  model.output = out.outputs;
  const input: LoweredInput =
    value.datum.kind === "array"
      ? {
          kind: "array",
          name: "input",
          fields: datumFields(value.datum),
          lengthError:
            value.kind === "cluster"
              ? { code: "PFA_RUNTIME_ERROR", message: "dimensions of vectors do not match", pfaCode: 28000 }
              : (value.lengthError ?? { code: "PFA_RUNTIME_ERROR", message: "misaligned coeff", pfaCode: 31000 }),
        }
      : { kind: "fields", numbers: numberFields(engine.inputType, false), integers: numberFields(engine.inputType, true) };
  const pipeline: Pipeline = {
    format: "pmml",
    version: "4.4",
    header: { application: "Porta PFA lowering", description: ast.name },
    dataFields,
    transformations: [],
    functions: [],
    model,
    notices: [`lowered from the PFA document${ast.name ? ` "${ast.name}"` : ""}: ${describeModel(model)}`],
  };
  return { lowered: true, via: "model call", pipeline, input };
}

/** The record input's fields of number types (`integers`: int only), whose values PFA's decoding wants as JSON numbers. */
function numberFields(input: AvroType, integers: boolean): string[] {
  if (input.kind !== "record") return [];
  return input.fields.filter((f) => (integers ? f.type.kind === "int" : ["double", "float", "int"].includes(f.type.kind))).map((f) => f.name);
}

/** Gives the model its MiningSchema: the strict input fields at the top, plain ones (nothing to treat again) in segments. */
function withSchema(model: ModelNode, inputs: readonly MiningField[], targets: readonly MiningField[], top = true): void {
  model.miningSchema = [
    ...(top
      ? inputs
      : inputs.map((f) => ({ name: f.name, usageType: f.usageType, invalidValueTreatment: "returnInvalid" as const, outliers: "asIs" as const }))),
    ...targets,
  ];
  if (model.kind === "mining") for (const s of model.segments) withSchema(s.model, inputs, targets, false);
}

/** One line for the pipeline's notice (`porta inspect`): which model the action became. */
function describeModel(model: ModelNode): string {
  switch (model.kind) {
    case "mining":
      return `MiningModel ${model.multipleModelMethod} of ${model.segments.length} TreeModels`;
    case "regression":
      return `RegressionModel normalizationMethod=${model.normalizationMethod}`;
    case "clustering":
      return `ClusteringModel of ${model.clusters.length} clusters (squaredEuclidean)`;
    case "tree":
      return `TreeModel (${model.functionName})`;
    case "neuralNetwork":
      return `NeuralNetwork of ${model.layers.length} layers (${model.functionName})`;
    case "nearestNeighbor":
      return `NearestNeighborModel k=${model.numberOfNeighbors} of ${model.rows.length} instances (${model.functionName})`;
    default:
      return model.kind;
  }
}
