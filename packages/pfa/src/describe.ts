/**
 * `describePfa`: what a compiled PFA document takes, returns, keeps and calls — the data behind
 * `porta inspect model.pfa`.
 */
import { EvaluationError } from "@porta/ir";
import { ENGINE_FACTS, type PfaEngine } from "./engine.ts";
import type { PfaMethod } from "./document.ts";
import { typeToJson, type AvroType } from "@porta/ir/avro";

/** A cell or pool: its Avro type (JSON form) and whether it is shared between engines / rolled back on error. */
export interface PfaStateDescription {
  readonly name: string;
  readonly type: unknown;
  readonly shared: boolean;
  readonly rollback: boolean;
}

export interface PfaDescription {
  readonly name?: string;
  readonly method: PfaMethod;
  /** Avro schemas in their JSON form. */
  readonly input: unknown;
  readonly output: unknown;
  readonly cells: readonly PfaStateDescription[];
  readonly pools: readonly PfaStateDescription[];
  /** Library functions the document calls or references, sorted (core operators included). */
  readonly functions: readonly string[];
  /** User functions defined in `fcns`, as `u.name`. */
  readonly userFunctions: readonly string[];
  readonly randseed?: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Describe an engine made by `compilePfa`. */
export function describePfa(engine: PfaEngine): PfaDescription {
  const facts = ENGINE_FACTS.get(engine);
  if (!facts) throw new EvaluationError("PFA_NOT_AN_ENGINE", "describePfa needs an engine made by compilePfa");
  const { doc } = facts;
  const state = (defs: typeof doc.cells, types: ReadonlyMap<string, AvroType>): PfaStateDescription[] =>
    Object.entries(defs).map(([name, c]) => ({ name, type: typeToJson(types.get(name)!), shared: c.shared, rollback: c.rollback }));
  return {
    ...(doc.name !== undefined ? { name: doc.name } : {}),
    method: doc.method,
    input: typeToJson(engine.inputType),
    output: typeToJson(engine.outputType),
    cells: state(doc.cells, facts.cellTypes),
    pools: state(doc.pools, facts.poolTypes),
    functions: [...facts.functions].sort(),
    userFunctions: Object.keys(doc.fcns)
      .map((n) => `u.${n}`)
      .sort(),
    ...(doc.randseed !== undefined ? { randseed: doc.randseed } : {}),
    metadata: doc.metadata,
  };
}
