/**
 * Reading a PFA document (JSON or YAML) into a validated top-level model (spec §2): the
 * sections, their shapes and the JSON paths of problems. Expressions stay as JSON here; the
 * compiler type-checks them with their paths.
 */
import yaml from "js-yaml";
import { ParseError, SchemaError } from "@porta/ir";
import { parseJsonLossless } from "./values.ts";
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_DOCUMENT_BYTES } from "./limits.ts";

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

const TOP_KEYS = new Set([
  "name",
  "method",
  "input",
  "output",
  "begin",
  "action",
  "end",
  "fcns",
  "cells",
  "pools",
  "zero",
  "merge",
  "randseed",
  "options",
  "metadata",
  "version",
  "doc",
]);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FCN_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Limits of the reader (see `parsePfa`). */
export interface PfaParseOptions {
  /** Largest document in UTF-8 bytes. Default 256 MiB. Beyond: ParseError PFA_DOCUMENT_TOO_LARGE. */
  maxBytes?: number;
  /** Deepest nesting of JSON arrays/objects (YAML sequences/mappings). Default 1000. Beyond: ParseError PFA_DOCUMENT_TOO_DEEP. */
  maxDepth?: number;
  /**
   * YAML aliases are allowed, but the nodes they add when expanded (a "billion laughs" document
   * adds billions) are capped. Default 1,000,000; 0 rejects every alias. Beyond: ParseError PFA_YAML_ALIAS_LIMIT.
   */
  maxAliasExpansion?: number;
}

const DEFAULT_MAX_ALIAS_EXPANSION = 1_000_000;

/** Where in `text` a reader stopped: 1-based line and column, 0-based offset. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

function positionAt(text: string, offset: number): TextPosition {
  const o = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < o; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: o - lineStart + 1, offset: o };
}

/**
 * Parse PFA text: JSON when it looks like JSON, YAML (safe JSON schema) otherwise. Malformed
 * text is a ParseError whose `value` is the position `{line, column, offset}`; size, nesting and
 * YAML alias expansion are limited (see `PfaParseOptions`).
 */
export function parsePfa(text: string, options: PfaParseOptions = {}): PfaDocument {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (text.length > maxBytes || (text.length * 3 > maxBytes && Buffer.byteLength(text, "utf8") > maxBytes)) {
    throw new ParseError("PFA_DOCUMENT_TOO_LARGE", `PFA document is larger than ${maxBytes} bytes`, { path: "", value: text.length });
  }
  const trimmed = text.trimStart();
  let json: unknown;
  const tooDeep = (cause?: unknown) =>
    new ParseError("PFA_DOCUMENT_TOO_DEEP", `PFA document nests deeper than ${maxDepth} levels`, { path: "", value: maxDepth, cause });
  if (trimmed.startsWith("{")) {
    try {
      json = parseJsonLossless(text);
    } catch (e) {
      if (e instanceof RangeError) throw tooDeep(e);
      const msg = (e as Error).message;
      const m = /position (\d+)/.exec(msg);
      const pos = positionAt(text, m ? Number(m[1]) : text.length);
      throw new ParseError("PFA_JSON_MALFORMED", `PFA document is not valid JSON at line ${pos.line}, column ${pos.column}: ${msg}`, {
        path: "",
        value: pos,
        cause: e,
      });
    }
    const members = checkStructure(json, maxDepth, null, tooDeep);
    // JSON.parse keeps the last of duplicate keys silently; a duplicate shows as fewer members
    // in the parsed objects than name/value separators in the text, and only then is the text
    // tokenized to find which key it is (both passes are linear)
    if (members !== countMemberSeparators(text)) {
      const dup = findDuplicateKey(text);
      if (dup) throw duplicateKeyError(dup.path, dup.key, positionAt(text, dup.offset));
    }
  } else {
    try {
      // js-yaml has its own nesting limit (default 100), which throws a YAMLException
      json = yaml.load(text, { schema: yaml.JSON_SCHEMA, maxDepth } as yaml.LoadOptions);
    } catch (e) {
      if (e instanceof RangeError || /nesting exceeded maxDepth/.test((e as Error).message)) throw tooDeep(e);
      const mark = (e as { mark?: { line: number; column: number; position: number } }).mark;
      const pos: TextPosition = mark ? { line: mark.line + 1, column: mark.column + 1, offset: mark.position } : positionAt(text, text.length);
      const reason = (e as { reason?: string }).reason ?? (e as Error).message;
      // js-yaml refuses duplicate keys itself (its `json` option would make them last-wins);
      // its mark is where the repeated key starts, so the key is read from there
      if (reason === "duplicated mapping key") throw duplicateKeyError(undefined, yamlKeyAt(text, pos.offset), pos, e);
      throw new ParseError("PFA_YAML_MALFORMED", `PFA document is not valid YAML at line ${pos.line}, column ${pos.column}: ${reason}`, {
        path: "",
        value: pos,
        cause: e,
      });
    }
    checkStructure(json, maxDepth, options.maxAliasExpansion ?? DEFAULT_MAX_ALIAS_EXPANSION, tooDeep);
  }
  return validateDocument(json, MAY_HOLD_AT.test(text));
}

/**
 * Whether text can hold an `"@"` key: an `@`, or an escape that decodes to one (JSON `\u0040`,
 * YAML also `\x40` and `\U00000040`). Without one, the annotation pass is skipped.
 */
const MAY_HOLD_AT = /@|\\(?:u0040|x40|U00000040)/i;

/**
 * A duplicate key: ParseError PFA_DUPLICATE_KEY. `path` is the JSON path of the repeated member
 * (JSON documents; for YAML only the position is known), `value` the key.
 */
function duplicateKeyError(path: string | undefined, key: string | undefined, pos: TextPosition, cause?: unknown): ParseError {
  const where = path === undefined ? "" : `${path}, `;
  return new ParseError(
    "PFA_DUPLICATE_KEY",
    `PFA document repeats ${key === undefined ? "a key" : `the key ${JSON.stringify(key)}`} in one object (at ${where}line ${pos.line}, column ${pos.column})`,
    { path: path ?? "", value: key, cause },
  );
}

/** Name/value separators (`:` outside strings) in JSON text: one per object member. */
function countMemberSeparators(text: string): number {
  let n = 0;
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) n++;
    else if (c === 0x22) {
      // skip the string; a backslash escapes the next character
      for (i++; i < len; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    }
  }
  return n;
}

/**
 * The first repeated key of valid JSON text (JSON.parse has accepted it): its JSON path, the key
 * and its offset. `"@"` may repeat: annotations are dropped (see `stripAnnotations`), so which
 * one is kept does not matter.
 */
function findDuplicateKey(text: string): { path: string; key: string; offset: number } | null {
  interface Frame {
    readonly path: string;
    readonly keys: Set<string> | null;
    index: number;
    key: string;
    expectKey: boolean;
  }
  const stack: Frame[] = [];
  const childPath = () => {
    const top = stack[stack.length - 1];
    if (!top) return "";
    return top.keys ? `${top.path}/${top.key}` : `${top.path}/${top.index}`;
  };
  const len = text.length;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x7b: // {
        stack.push({ path: childPath(), keys: new Set(), index: 0, key: "", expectKey: true });
        break;
      case 0x5b: // [
        stack.push({ path: childPath(), keys: null, index: 0, key: "", expectKey: false });
        break;
      case 0x7d:
      case 0x5d: // } ]
        stack.pop();
        break;
      case 0x2c: {
        // ,
        const top = stack[stack.length - 1]!;
        if (top.keys) top.expectKey = true;
        else top.index++;
        break;
      }
      case 0x3a: // :
        stack[stack.length - 1]!.expectKey = false;
        break;
      case 0x22: {
        // "
        const start = i;
        let escaped = false;
        for (i++; i < len; i++) {
          const d = text.charCodeAt(i);
          if (d === 0x5c) {
            escaped = true;
            i++;
          } else if (d === 0x22) break;
        }
        const top = stack[stack.length - 1];
        if (top?.keys && top.expectKey) {
          const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
          if (top.keys.has(key) && key !== "@") return { path: `${top.path}/${key}`, key, offset: start };
          top.keys.add(key);
          top.key = key;
        }
        break;
      }
    }
  }
  return null;
}

/** The mapping key that starts at `offset` of YAML text (plain or quoted), if it can be read. */
function yamlKeyAt(text: string, offset: number): string | undefined {
  const m = /^(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\n:,{}[\]]+?)(?=\s*:)/.exec(text.slice(offset, offset + 4096));
  if (!m) return undefined;
  try {
    const key: unknown = yaml.load(m[0], { schema: yaml.JSON_SCHEMA });
    return typeof key === "string" ? key : String(key);
  } catch {
    return undefined;
  }
}

/**
 * Check nesting depth without recursion; with `maxAliasExpansion` (YAML), also count the nodes
 * that shared subtrees (aliases) add when expanded, and reject cycles. Returns the number of
 * object members seen (each object's own keys; shared YAML subtrees counted once).
 */
function checkStructure(root: unknown, maxDepth: number, maxAliasExpansion: number | null, tooDeep: () => Error): number {
  if (root === null || typeof root !== "object") return 0;
  let members = 0;
  interface Fr {
    node: object;
    kids: unknown[];
    i: number;
    size: number;
    height: number;
  }
  const aliases = maxAliasExpansion !== null;
  const done = aliases ? new Map<object, { size: number; height: number }>() : null;
  const active = aliases ? new Set<object>() : null;
  let distinct = 0;
  const stack: Fr[] = [];
  const push = (node: object) => {
    if (stack.length >= maxDepth) throw tooDeep();
    active?.add(node);
    distinct++;
    const kids = Array.isArray(node) ? node : Object.values(node);
    if (!Array.isArray(node)) members += kids.length;
    stack.push({ node, kids, i: 0, size: 1, height: 1 });
  };
  const aliasError = (why: string) => new ParseError("PFA_YAML_ALIAS_LIMIT", `YAML aliases ${why}`, { path: "", value: maxAliasExpansion });
  push(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i < top.kids.length) {
      const k = top.kids[top.i++];
      if (k === null || typeof k !== "object") {
        top.size++;
        distinct++;
        continue;
      }
      if (done) {
        const d = done.get(k);
        if (d) {
          if (maxAliasExpansion === 0) throw aliasError("are not allowed here (maxAliasExpansion is 0)");
          if (stack.length + d.height > maxDepth) throw tooDeep();
          top.size += d.size;
          top.height = Math.max(top.height, d.height + 1);
          continue;
        }
        if (active!.has(k)) throw aliasError("form a cycle");
      }
      push(k);
      continue;
    }
    stack.pop();
    if (done) {
      active!.delete(top.node);
      done.set(top.node, { size: top.size, height: top.height });
      const parent = stack[stack.length - 1];
      if (parent) {
        parent.size += top.size;
        parent.height = Math.max(parent.height, top.height + 1);
      } else if (top.size - distinct > maxAliasExpansion!) {
        throw aliasError(`expand the document by ${top.size - distinct} nodes, more than ${maxAliasExpansion}`);
      }
    }
  }
  return members;
}

function expressions(v: unknown): unknown[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function obj(v: unknown, path: string, what: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new SchemaError("PFA_BAD_SECTION", `${what} must be a JSON object`, { path, value: v });
  }
  return v as Record<string, unknown>;
}

/**
 * The JSON value without its `"@"` keys. Titus and Hadrian read `"@"` as an annotation (Titus's
 * producers and PrettyPFA write source lines there; Titus's YAML reader adds one to every
 * mapping) and drop it from every JSON object of the document: the top level, expressions and
 * special forms, function definitions, cells and pools, types, and embedded JSON data (`value`,
 * cell and pool `init`, `zero`, `options`), which both read with the key stripped. Its value may
 * be any JSON. Subtrees without an `"@"` are returned as they are (no copy); the caller's value
 * is never changed.
 */
export function stripAnnotations(root: unknown): unknown {
  if (root === null || typeof root !== "object") return root;
  // An explicit stack, not recursion: a document may nest as deep as its reader allows, and
  // the compiler, not this pass, is what reports an expression nested too deeply.
  // `out` is built only from the first child that changes (most objects have none).
  interface Frame {
    src: Record<string, unknown> | unknown[];
    keys: string[] | null;
    i: number;
    out: unknown[] | null;
  }
  const frame = (src: object): Frame =>
    Array.isArray(src) ? { src, keys: null, i: 0, out: null } : { src: src as Record<string, unknown>, keys: Object.keys(src), i: 0, out: null };
  const prefix = (f: Frame): unknown[] =>
    f.keys ? f.keys.slice(0, f.i).map((k) => [k, (f.src as Record<string, unknown>)[k]]) : (f.src as unknown[]).slice(0, f.i);
  /** Takes the (possibly new) value of the frame's current child and moves on. */
  const accept = (f: Frame, value: unknown) => {
    const key = f.keys ? f.keys[f.i]! : f.i;
    if (f.out === null && value !== (f.src as Record<string | number, unknown>)[key]) f.out = prefix(f);
    if (f.out !== null) f.out.push(f.keys ? [key, value] : value);
    f.i++;
  };
  const stack: Frame[] = [frame(root)];
  for (;;) {
    const f = stack[stack.length - 1]!;
    const n = f.keys ? f.keys.length : (f.src as unknown[]).length;
    if (f.i < n) {
      if (f.keys && f.keys[f.i] === "@") {
        f.out ??= prefix(f);
        f.i++;
        continue;
      }
      const child = (f.src as Record<string | number, unknown>)[f.keys ? f.keys[f.i]! : f.i];
      if (child !== null && typeof child === "object") stack.push(frame(child));
      else accept(f, child);
      continue;
    }
    stack.pop();
    // fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key
    const value = f.out === null ? f.src : f.keys ? Object.fromEntries(f.out as [string, unknown][]) : f.out;
    if (stack.length === 0) return value;
    accept(stack[stack.length - 1]!, value);
  }
}

/** Validate an already-parsed PFA document (a JSON value); `"@"` annotations are ignored (see `stripAnnotations`). */
export function validatePfa(json: unknown): PfaDocument {
  return validateDocument(json, true);
}

function validateDocument(json: unknown, annotated: boolean): PfaDocument {
  const top = obj(annotated ? stripAnnotations(json) : json, "", "a PFA document");
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
  const action = expressions(top.action);
  if (action.length === 0) throw new SchemaError("PFA_BAD_SECTION", "action needs at least one expression", { path: "/action" });

  // null-prototype dictionaries: a cell, pool or function may be named __proto__, constructor, ...
  const fcns: Record<string, PfaFcnDef> = Object.create(null) as Record<string, PfaFcnDef>;
  if (top.fcns !== undefined) {
    for (const [name, def] of Object.entries(obj(top.fcns, "/fcns", "fcns"))) {
      const path = `/fcns/${name}`;
      if (!FCN_NAME.test(name)) throw new SchemaError("PFA_BAD_NAME", `bad function name ${JSON.stringify(name)}`, { path, value: name });
      fcns[name] = fcnDef(def, path);
    }
  }
  const cells: Record<string, PfaCellDef> = Object.create(null) as Record<string, PfaCellDef>;
  const pools: Record<string, PfaCellDef> = Object.create(null) as Record<string, PfaCellDef>;
  for (const [section, target] of [
    ["cells", cells],
    ["pools", pools],
  ] as const) {
    if (top[section] === undefined) continue;
    for (const [name, def] of Object.entries(obj(top[section], `/${section}`, section))) {
      const path = `/${section}/${name}`;
      if (!NAME.test(name)) throw new SchemaError("PFA_BAD_NAME", `bad ${section} name ${JSON.stringify(name)}`, { path, value: name });
      const d = obj(def, path, `${section} item`);
      if (!Object.hasOwn(d, "type")) throw new SchemaError("PFA_MISSING_SECTION", `${name} needs a type`, { path: `${path}/type` });
      if (!Object.hasOwn(d, "init") && section === "cells") throw new SchemaError("PFA_MISSING_SECTION", `cell ${name} needs init`, { path: `${path}/init` });
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
    begin: expressions(top.begin),
    action,
    end: expressions(top.end),
    fcns,
    cells,
    pools,
    zero: top.zero,
    merge: top.merge === undefined ? undefined : expressions(top.merge),
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
  const body = expressions(d.do);
  if (body.length === 0) throw new SchemaError("PFA_BAD_FCNDEF", "function body is empty", { path: `${path}/do` });
  return { params, ret: d.ret, do: body, path };
}
