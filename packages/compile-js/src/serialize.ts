import type { CompiledPipeline, OutputColumn } from "./compile.ts";
import type { InputColumn } from "./columns.ts";
import { instantiateCached } from "./codegen.ts";
import type { Kernel } from "./compile.ts";
import { helperByName, helperName } from "./helpers.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const TYPED = {
  Float64Array,
  Int32Array,
  Uint8Array,
} as const;
type TypedName = keyof typeof TYPED;

/** A JSON form of a constant-pool value: typed arrays as base64, helpers by name. */
function encodeConstant(v: unknown): Json | undefined {
  if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") {
    if (typeof v === "number" && !Number.isFinite(v)) return { $number: String(v) };
    return v as Json;
  }
  if (typeof v === "function") {
    const name = helperName(v);
    return name === undefined ? undefined : { $helper: name };
  }
  for (const [name, ctor] of Object.entries(TYPED)) {
    if (v instanceof ctor) return { $typed: name, data: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") };
  }
  if (Array.isArray(v)) {
    const out: Json[] = [];
    for (const x of v) {
      const e = encodeConstant(x);
      if (e === undefined) return undefined;
      out.push(e);
    }
    return out;
  }
  if (v instanceof Map) {
    const entries = encodeConstant([...v.entries()]);
    return entries === undefined ? undefined : { $map: entries };
  }
  const proto = typeof v === "object" ? Object.getPrototypeOf(v) : undefined;
  if (typeof v === "object" && (proto === Object.prototype || proto === null)) {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined) continue;
      const e = encodeConstant(x);
      if (e === undefined) return undefined;
      out[k] = e;
    }
    return { $object: out };
  }
  return undefined;
}

function decodeConstant(j: Json): unknown {
  if (j === null || typeof j !== "object") return j;
  if (Array.isArray(j)) return j.map(decodeConstant);
  if ("$number" in j) return Number(j.$number);
  if ("$helper" in j) {
    const fn = helperByName(String(j.$helper));
    if (!fn) throw new Error(`unknown runtime helper ${String(j.$helper)}`);
    return fn;
  }
  if ("$typed" in j) {
    const ctor = TYPED[j.$typed as TypedName];
    const bytes = base64Bytes(String(j.data));
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new ctor(copy.buffer, 0, copy.byteLength / ctor.BYTES_PER_ELEMENT);
  }
  if ("$map" in j) return new Map(decodeConstant(j.$map) as [unknown, unknown][]);
  if ("$object" in j) {
    // defineProperty, not assignment: a key such as "__proto__" (a column of a document's
    // InlineTable) must stay a plain property.
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(j.$object as Record<string, Json>)) {
      Object.defineProperty(out, k, { value: decodeConstant(x), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  throw new Error("malformed constant");
}

/**
 * Bytes of base64 text: Node's Buffer where there is one (a forest's tables run to megabytes on
 * every warm start), else `atob`, for the browser module of `porta convert --to browser`.
 */
function base64Bytes(text: string): Uint8Array {
  if (typeof Buffer === "function") return Buffer.from(text, "base64");
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function encodeInput(c: InputColumn): Json {
  const field = { ...c.field, displayValues: c.field.displayValues ? [...c.field.displayValues] : undefined };
  return JSON.parse(JSON.stringify({ name: c.name, kind: c.kind, field, mining: c.mining ?? null, categories: c.categories, text: c.text ?? false })) as Json;
}

function decodeInput(j: Json): InputColumn {
  const o = j as unknown as {
    name: string;
    kind: "number" | "category";
    field: InputColumn["field"] & { displayValues?: [string, string][] };
    mining: InputColumn["mining"] | null;
    categories: string[];
    text?: boolean;
  };
  const field = { ...o.field, displayValues: o.field.displayValues ? new Map(o.field.displayValues) : undefined };
  return {
    name: o.name,
    kind: o.kind,
    field,
    mining: o.mining ?? undefined,
    categories: o.categories,
    dictionary: new Map(o.categories.map((c, k) => [c, k])),
    ...(o.text ? { text: true } : {}),
  };
}

/** The compiled pipeline as a cache artifact, or undefined when a constant cannot be stored. */
export function serializeCompiled(compiled: CompiledPipeline): { code: string; meta: { [key: string]: Json } } | undefined {
  const constants: Json[] = [];
  for (const v of compiled.constants) {
    const e = encodeConstant(v);
    if (e === undefined) return undefined;
    constants.push(e);
  }
  return {
    code: compiled.source,
    meta: {
      constants,
      inputs: compiled.inputs.map(encodeInput),
      outputs: JSON.parse(JSON.stringify(compiled.outputs)) as Json,
      rowErrorKinds: JSON.parse(JSON.stringify(compiled.rowErrorKinds)) as Json,
    },
  };
}

/** Rebuilds a compiled pipeline from a cache artifact (checked by the cache's checksum). */
export function deserializeCompiled(artifact: { code: string; meta: { [key: string]: unknown } }): CompiledPipeline {
  const meta = artifact.meta as { constants: Json[]; inputs: Json[]; outputs: OutputColumn[]; rowErrorKinds: CompiledPipeline["rowErrorKinds"] };
  const constants = meta.constants.map(decodeConstant);
  const kernel = instantiateCached<Kernel>(artifact.code, constants);
  return { inputs: meta.inputs.map(decodeInput), outputs: meta.outputs, rowErrorKinds: meta.rowErrorKinds, kernel, source: artifact.code, constants };
}
