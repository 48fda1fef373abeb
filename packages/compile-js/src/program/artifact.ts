/**
 * A compiled program as an artifact of the compile-js cache: the generated source, and as JSON
 * what loading it needs (the model's interface, cells, pools and options, the constants' types
 * and values, the budgets). Types are written as Avro schemas sharing one set of named types
 * (recursive records by name) and read back in the same order into one registry.
 */
import type { ModelFacts, SessionArtifact } from "@porta/backend";
import type { LibrarySite, ProgramModel } from "@porta/ir";
import { T, TypeRegistry, typeToJson, type AvroType, type ExprType } from "@porta/ir/avro";
import type { ProgramConstant } from "./emitter.ts";
import type { GeneratedProgram } from "./generate.ts";
import { ProgramInstance, type ProgramOptions } from "./instance.ts";
import { PROGRAM_META } from "./meta.ts";
import { ProgramSession } from "./session.ts";

/** What a program instance reads of its model (the action bodies are in the source). */
type ProgramInterface = Omit<ProgramModel, "functions" | "begin" | "action" | "end">;

/** Types to JSON in one order, sharing the named types written so far. */
class TypeWriter {
  private readonly written = new Set<string>();
  type(t: ExprType): unknown {
    return t.kind === "exception" ? "exception" : typeToJson(t, this.written);
  }
  types(ts: readonly ExprType[]): unknown[] {
    return ts.map((t) => this.type(t));
  }
}

/** Types from JSON in the order they were written. */
class TypeReader {
  private readonly registry = new TypeRegistry();
  type(j: unknown): ExprType {
    if (j === "exception") return T.exception;
    if (j !== null && typeof j === "object" && !Array.isArray(j) && (j as { type?: unknown }).type === "function") {
      const f = j as { params: unknown[]; ret: unknown };
      return { kind: "fcn", params: f.params.map((p) => this.avro(p)), ret: this.avro(f.ret) };
    }
    return this.registry.parse(j);
  }
  avro(j: unknown): AvroType {
    const t = this.type(j);
    if (t.kind === "fcn" || t.kind === "exception") throw new Error(`a stored program's type ${JSON.stringify(j)} is not a value type`);
    return t;
  }
  types(js: unknown): ExprType[] {
    return (js as unknown[]).map((j) => this.type(j));
  }
}

function writeSite(w: TypeWriter, s: LibrarySite): unknown {
  return {
    name: s.name,
    sigIndex: s.sigIndex,
    argTypes: w.types(s.argTypes),
    paramTypes: w.types(s.paramTypes),
    retType: w.type(s.retType),
    bindings: Object.entries(s.bindings).map(([k, t]) => [k, w.type(t)]),
  };
}

function readSite(r: TypeReader, j: Record<string, unknown>): LibrarySite {
  return {
    name: j.name as string,
    sigIndex: j.sigIndex as number,
    argTypes: r.types(j.argTypes),
    paramTypes: r.types(j.paramTypes),
    retType: r.avro(j.retType),
    bindings: Object.fromEntries((j.bindings as [string, unknown][]).map(([k, t]) => [k, r.avro(t)])),
  };
}

function writeConstant(w: TypeWriter, c: ProgramConstant): unknown {
  switch (c.kind) {
    case "lib":
      return { kind: c.kind, site: writeSite(w, c.site) };
    case "value":
      return { kind: c.kind, type: w.type(c.type), json: c.json, path: c.path };
    case "data":
      // the only data the generator passes: a cast's union branches
      return { kind: c.kind, types: w.types(c.value as AvroType[]) };
    default:
      return { kind: c.kind };
  }
}

function readConstant(r: TypeReader, j: Record<string, unknown>): ProgramConstant {
  switch (j.kind) {
    case "lib":
      return { kind: "lib", site: readSite(r, j.site as Record<string, unknown>) };
    case "value":
      return { kind: "value", type: r.avro(j.type), json: j.json, path: j.path as string };
    case "data":
      return { kind: "data", value: r.types(j.types) };
    case "state":
    case "helpers":
      return { kind: j.kind };
    default:
      throw new Error(`a stored program's constant of kind ${JSON.stringify(j.kind)}`);
  }
}

/** The artifact of a compiled program, or undefined when its data is not JSON (a bigint constant). */
export function programArtifact(model: ProgramModel, generated: GeneratedProgram, options: ProgramOptions): SessionArtifact | undefined {
  const w = new TypeWriter();
  const { functions: _f, begin: _b, action: _a, end: _e, ...iface } = model;
  const stored = {
    interface: {
      ...iface,
      inputType: w.type(model.inputType),
      outputType: w.type(model.outputType),
      cells: model.cells.map((c) => ({ ...c, type: w.type(c.type) })),
      pools: model.pools.map((p) => ({ ...p, type: w.type(p.type) })),
    },
    constants: generated.constants.map((c) => writeConstant(w, c)),
    options,
  };
  try {
    return { code: generated.source, meta: { [PROGRAM_META]: JSON.parse(JSON.stringify(stored)) as unknown } };
  } catch {
    return undefined;
  }
}

/** The session of a stored program (begin runs again: a restored session starts as a compiled one). */
export function restoreProgramSession(artifact: SessionArtifact, facts: ModelFacts): ProgramSession {
  const stored = artifact.meta[PROGRAM_META] as { interface: Record<string, unknown>; constants: Record<string, unknown>[]; options: ProgramOptions };
  const r = new TypeReader();
  const i = stored.interface;
  const model: ProgramInterface = {
    ...(i as unknown as ProgramInterface),
    inputType: r.avro(i.inputType),
    outputType: r.avro(i.outputType),
    cells: (i.cells as Record<string, unknown>[]).map((c) => ({ name: c.name as string, init: c.init, type: r.avro(c.type) })),
    pools: (i.pools as Record<string, unknown>[]).map((p) => ({ name: p.name as string, init: p.init as Record<string, unknown>, type: r.avro(p.type) })),
  };
  const constants = stored.constants.map((c) => readConstant(r, c));
  const full: ProgramModel = { ...model, functions: [], begin: [], action: [], end: [] };
  return new ProgramSession(new ProgramInstance(full, { source: artifact.code, constants }, stored.options), facts);
}
