/**
 * A checked PFA engine lowered into the IR's program model (`ProgramModel`, @porta/ir
 * models/program.ts): every document the engine compiles whose constants JSON can hold.
 * The checker's facts (types, calls with their sites, function references, decoded constants,
 * path steps, cast cases) are made explicit, names resolved to unique variable ids; cells, pools
 * and a fold engine's zero are Avro JSON of their types. The pipeline carries the program as its
 * model and nothing else: the program reads the document's own row (`LoweredInput` "avro").
 *
 * Refused (NotLowerable, with the construct and its path) is only what the model cannot hold as
 * JSON: a record field default beyond 2^53. A recursive named type stays the cycle the checker
 * built (programToJson names it).
 */
import type { Pipeline, ProgramCell, ProgramModel, ProgramPool } from "@porta/ir";
import type { AvroType } from "@porta/ir/avro";
import type { EngineFacts, PfaEngine } from "../../engine.ts";
import { decodeAvroJson } from "../../values.ts";
import { lowerUserFunction } from "./calls.ts";
import { constJson, plainJson } from "./constants.ts";
import { ProgramLowering } from "./lowering.ts";
import { Scope } from "./scope.ts";

/** The engine as a program model, or NotLowerable. */
export function lowerProgramModel(engine: PfaEngine, facts: EngineFacts): ProgramModel {
  const ast = facts.ast;
  const l = new ProgramLowering(facts.checked);
  const inputType = l.types.of(engine.inputType, "/input");
  const outputType = l.types.of(engine.outputType, "/output");

  // cells and pools: their inits decoded (as the engine does) and written back as Avro JSON
  const cells: ProgramCell[] = [...ast.cells].map(([name, c]) => {
    const type = facts.cellTypes.get(name)!;
    const value = decodeAvroJson(type, c.init, `${c.path}/init`, facts.limits);
    return { name, type: l.types.of(type, c.type.path), init: constJson(type, value, `${c.path}/init`) };
  });
  const pools: ProgramPool[] = [...ast.pools].map(([name, p]) => {
    const type = facts.poolTypes.get(name)!;
    const items: AvroType = { kind: "map", values: type };
    const value = decodeAvroJson(items, p.init ?? {}, `${p.path}/init`, facts.limits);
    return { name, type: l.types.of(type, p.type.path), init: constJson(items, value, `${p.path}/init`) as Record<string, unknown> };
  });

  const functions = [...ast.fcns].map(([name, def]) => lowerUserFunction(l, name, def));

  // begin sees no input; the action sees `input` (and a fold engine's `tally`); end a fold engine's `tally`
  const begin = ast.begin ? l.block(ast.begin, new Scope(null)) : [];
  const actionScope = new Scope(null);
  const input = l.declare(actionScope, "input", engine.inputType, "/input");
  const tally = ast.method === "fold" ? l.declare(actionScope, "tally", engine.outputType, "/output") : undefined;
  const action = l.block(ast.action, actionScope);
  const endScope = new Scope(null);
  if (tally) endScope.vars.set("tally", tally);
  const end = ast.end ? l.block(ast.end, endScope) : [];

  const zero = ast.method === "fold" ? constJson(engine.outputType, decodeAvroJson(engine.outputType, ast.zero, "/zero", facts.limits), "/zero") : undefined;
  return {
    kind: "program",
    name: ast.name ?? "",
    method: ast.method,
    inputType,
    outputType,
    inputVar: input.id,
    ...(tally && { tallyVar: tally.id, zero }),
    cells,
    pools,
    functions,
    begin,
    action,
    end,
    ...(ast.randseed !== undefined && { randseed: ast.randseed }),
    options: plainJson(ast.options, "/options", "an option") as Record<string, unknown>,
    // ModelBase: no MiningFields, DerivedFields, Targets or OutputFields (the program reads the row itself)
    ...(ast.name !== undefined && { modelName: ast.name }),
    functionName: "mixed",
    isScorable: true,
    miningSchema: [],
    localTransformations: [],
    targets: [],
    output: [],
    path: "/",
  };
}

/** The pipeline whose model is the engine's program: no DataFields, no transformations. */
export function programPipeline(engine: PfaEngine, facts: EngineFacts): Pipeline {
  const model = lowerProgramModel(engine, facts);
  const name = facts.ast.name;
  return {
    format: "pmml",
    version: "4.4",
    header: { application: "Porta PFA lowering", description: name },
    dataFields: [],
    transformations: [],
    functions: [],
    model,
    notices: [
      `lowered from the PFA document${name ? ` "${name}"` : ""}: a PFA ${model.method} program (${model.functions.length} user functions, ${model.cells.length} cells, ${model.pools.length} pools)`,
    ],
  };
}
