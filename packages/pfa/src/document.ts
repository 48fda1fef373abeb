/**
 * Reading a PFA document (JSON or YAML) into a validated top-level model (spec §2): the
 * sections, their shapes and the JSON paths of problems. Expressions stay as JSON here; the
 * compiler type-checks them with their paths.
 */
import yaml from "js-yaml";
import { ParseError, SchemaError } from "@porta/ir";
import { parseJsonLossless } from "./values.ts";

export type PfaMethod = "map" | "emit" | "fold";

export interface PfaCellDef {
  readonly type: unknown;
  readonly init: unknown;
  readonly shared: boolean;
  readonly rollback: boolean;
  readonly path: string;
}

export interface PfaFcnDef {
  readonly params: readonly { name: string; type: unknown }[];
  readonly ret: unknown;
  readonly do: readonly unknown[];
  readonly path: string;
}

/** A PFA document after structural validation; expressions are still JSON. */
export interface PfaDocument {
  readonly name?: string;
  readonly method: PfaMethod;
  readonly input: unknown;
  readonly output: unknown;
  readonly begin: readonly unknown[];
  readonly action: readonly unknown[];
  readonly end: readonly unknown[];
  readonly fcns: Readonly<Record<string, PfaFcnDef>>;
  readonly cells: Readonly<Record<string, PfaCellDef>>;
  readonly pools: Readonly<Record<string, PfaCellDef>>;
  readonly zero?: unknown;
  readonly merge?: readonly unknown[];
  readonly randseed?: number;
  readonly options: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly version?: number;
  readonly doc?: string;
}

const TOP_KEYS = new Set(["name", "method", "input", "output", "begin", "action", "end", "fcns", "cells", "pools", "zero", "merge", "randseed", "options", "metadata", "version", "doc"]);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FCN_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Parse PFA text: JSON when it looks like JSON, YAML (safe schema) otherwise. */
export function parsePfa(text: string): PfaDocument {
  const trimmed = text.trimStart();
  let json: unknown;
  if (trimmed.startsWith("{")) {
    try {
      json = parseJsonLossless(text);
    } catch (e) {
      throw new ParseError("PFA_JSON_MALFORMED", `PFA document is not valid JSON: ${(e as Error).message}`, { path: "", cause: e });
    }
  } else {
    try {
      json = yaml.load(text, { schema: yaml.JSON_SCHEMA });
    } catch (e) {
      throw new ParseError("PFA_YAML_MALFORMED", `PFA document is not valid YAML: ${(e as Error).message}`, { path: "", cause: e });
    }
  }
  return validatePfa(json);
}

function expressions(v: unknown, path: string): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function obj(v: unknown, path: string, what: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new SchemaError("PFA_BAD_SECTION", `${what} must be a JSON object`, { path, value: v });
  }
  return v as Record<string, unknown>;
}

/** Validate an already-parsed PFA document (a JSON value). */
export function validatePfa(json: unknown): PfaDocument {
  const top = obj(json, "", "a PFA document");
  for (const k of Object.keys(top)) {
    if (!TOP_KEYS.has(k)) throw new SchemaError("PFA_UNKNOWN_SECTION", `unknown top-level field ${JSON.stringify(k)}`, { path: `/${k}`, value: k });
  }
  for (const k of ["input", "output", "action"]) {
    if (!(k in top)) throw new SchemaError("PFA_MISSING_SECTION", `a PFA document needs ${k}`, { path: `/${k}` });
  }
  const method = top.method ?? "map";
  if (method !== "map" && method !== "emit" && method !== "fold") {
    throw new SchemaError("PFA_BAD_METHOD", "method must be map, emit or fold", { path: "/method", value: method });
  }
  if (method === "fold" && !("zero" in top)) throw new SchemaError("PFA_MISSING_SECTION", "a fold engine needs zero", { path: "/zero" });
  if (method !== "fold" && ("zero" in top || "merge" in top)) {
    throw new SchemaError("PFA_BAD_SECTION", "zero and merge are only for fold engines", { path: "zero" in top ? "/zero" : "/merge" });
  }
  if (top.name !== undefined && (typeof top.name !== "string" || !NAME.test(top.name))) {
    throw new SchemaError("PFA_BAD_SECTION", "name must be an identifier", { path: "/name", value: top.name });
  }
  if (top.randseed !== undefined && (typeof top.randseed !== "number" || !Number.isInteger(top.randseed))) {
    throw new SchemaError("PFA_BAD_SECTION", "randseed must be an integer", { path: "/randseed", value: top.randseed });
  }
  const action = expressions(top.action, "/action");
  if (action.length === 0) throw new SchemaError("PFA_BAD_SECTION", "action needs at least one expression", { path: "/action" });

  const fcns: Record<string, PfaFcnDef> = {};
  if (top.fcns !== undefined) {
    for (const [name, def] of Object.entries(obj(top.fcns, "/fcns", "fcns"))) {
      const path = `/fcns/${name}`;
      if (!FCN_NAME.test(name)) throw new SchemaError("PFA_BAD_NAME", `bad function name ${JSON.stringify(name)}`, { path, value: name });
      fcns[name] = fcnDef(def, path);
    }
  }
  const cells: Record<string, PfaCellDef> = {};
  const pools: Record<string, PfaCellDef> = {};
  for (const [section, target] of [["cells", cells], ["pools", pools]] as const) {
    if (top[section] === undefined) continue;
    for (const [name, def] of Object.entries(obj(top[section], `/${section}`, section))) {
      const path = `/${section}/${name}`;
      if (!NAME.test(name)) throw new SchemaError("PFA_BAD_NAME", `bad ${section} name ${JSON.stringify(name)}`, { path, value: name });
      const d = obj(def, path, `${section} item`);
      if (!("type" in d)) throw new SchemaError("PFA_MISSING_SECTION", `${name} needs a type`, { path: `${path}/type` });
      if (!("init" in d) && section === "cells") throw new SchemaError("PFA_MISSING_SECTION", `cell ${name} needs init`, { path: `${path}/init` });
      target[name] = { type: d.type, init: d.init ?? {}, shared: d.shared === true, rollback: d.rollback === true, path };
    }
  }
  const options = top.options === undefined ? {} : obj(top.options, "/options", "options");
  const metadata = top.metadata === undefined ? {} : (obj(top.metadata, "/metadata", "metadata") as Record<string, string>);
  return {
    name: top.name as string | undefined,
    method,
    input: top.input,
    output: top.output,
    begin: expressions(top.begin, "/begin"),
    action,
    end: expressions(top.end, "/end"),
    fcns,
    cells,
    pools,
    zero: top.zero,
    merge: top.merge === undefined ? undefined : expressions(top.merge, "/merge"),
    randseed: top.randseed as number | undefined,
    options,
    metadata,
    version: typeof top.version === "number" ? top.version : undefined,
    doc: typeof top.doc === "string" ? top.doc : undefined,
  };
}

/** `{"params": [{"x": T}, ...], "ret": T, "do": [...]}` (spec §4: function definitions). */
export function fcnDef(def: unknown, path: string): PfaFcnDef {
  const d = obj(def, path, "a function definition");
  if (!Array.isArray(d.params)) throw new SchemaError("PFA_BAD_FCNDEF", "function needs a params array", { path: `${path}/params`, value: d.params });
  if (!("ret" in d)) throw new SchemaError("PFA_BAD_FCNDEF", "function needs ret", { path: `${path}/ret` });
  if (!("do" in d)) throw new SchemaError("PFA_BAD_FCNDEF", "function needs do", { path: `${path}/do` });
  const params = d.params.map((p, i) => {
    const pp = `${path}/params/${i}`;
    const o = obj(p, pp, "a parameter");
    const keys = Object.keys(o);
    if (keys.length !== 1 || !NAME.test(keys[0]!)) throw new SchemaError("PFA_BAD_FCNDEF", "a parameter is {name: type}", { path: pp, value: p });
    return { name: keys[0]!, type: o[keys[0]!] };
  });
  const body = expressions(d.do, `${path}/do`);
  if (body.length === 0) throw new SchemaError("PFA_BAD_FCNDEF", "function body is empty", { path: `${path}/do` });
  return { params, ret: d.ret, do: body, path };
}
