/**
 * Runtime values of a PFA engine and their Avro-JSON form.
 *
 * Representation: null, boolean, number (int, float, double, long within ±2^53), bigint (long
 * beyond ±2^53, so that exact 64-bit semantics survive), string (string, enum symbol),
 * Uint8Array (bytes, fixed), arrays, and null-prototype objects (map, record). Unions are
 * untagged at runtime; the tag is recovered from the value when encoding.
 */
import { EvaluationError, pfaStringOrder, SchemaError } from "@porta/ir";
import type { AvroType, ExprType, RecordType } from "@porta/ir/avro";
import { checkArrayLength, DEFAULT_MAX_ARRAY_LENGTH, DEFAULT_MAX_DEPTH, DEFAULT_MAX_STRING_LENGTH } from "./limits.ts";

export type PfaValue = unknown;

/** A PFA runtime error: `code` is the spec's error code (e.g. 18000 for int overflow in `+`). */
export function pfaError(code: number, message: string, value?: unknown): EvaluationError {
  return new EvaluationError("PFA_RUNTIME_ERROR", message, { pfaCode: code, value });
}

export function newMap(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

// ---------------------------------------------------------------- integers

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;
const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;
const SAFE_MAX = 9007199254740991n;

/** A long as number when exact, as bigint otherwise. */
export function normLong(b: bigint): number | bigint {
  return b >= -SAFE_MAX && b <= SAFE_MAX ? Number(b) : b;
}
export function toBig(x: unknown): bigint {
  if (typeof x === "bigint") return x;
  return BigInt(Math.trunc(x as number));
}
export function checkLong(b: bigint, code: number): number | bigint {
  if (b > LONG_MAX || b < LONG_MIN) throw pfaError(code, "long overflow");
  return normLong(b);
}
export function checkInt(r: number, code: number): number {
  if (r > INT_MAX || r < INT_MIN) throw pfaError(code, "int overflow");
  return r;
}
/** A double that must become a long (rounding done by the caller). */
export function doubleToLong(x: number, code: number): number | bigint {
  if (!Number.isFinite(x) || x >= 9223372036854775808 || x < -9223372036854775808) throw pfaError(code, "long overflow");
  return Number.isSafeInteger(x) ? x : normLong(BigInt(x));
}

export function longAdd(a: unknown, b: unknown, code: number): number | bigint {
  if (typeof a === "number" && typeof b === "number") {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  return checkLong(toBig(a) + toBig(b), code);
}
export function longSub(a: unknown, b: unknown, code: number): number | bigint {
  if (typeof a === "number" && typeof b === "number") {
    const r = a - b;
    if (Number.isSafeInteger(r)) return r;
  }
  return checkLong(toBig(a) - toBig(b), code);
}
export function longMul(a: unknown, b: unknown, code: number): number | bigint {
  if (typeof a === "number" && typeof b === "number") {
    const r = a * b;
    if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
  }
  return checkLong(toBig(a) * toBig(b), code);
}
/** Floor division on bigints (Python's //). */
export function bigFloorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
/** Python's % (sign of the divisor) on bigints. */
export function bigMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}
export function toNumber(x: unknown): number {
  return typeof x === "bigint" ? Number(x) : (x as number);
}

// ---------------------------------------------------------------- comparison

export type Comparator = (a: any, b: any) => number;

function cmpNum(a: any, b: any): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a == b) return 0;
  // NaN sorts above every number
  const na = a !== a;
  const nb = b !== b;
  return na && nb ? 0 : na ? 1 : -1;
}
function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
}
/** Code-point order (Python's), which differs from UTF-16 order only for astral characters. */
const cmpString = pfaStringOrder;

/** Avro sort order for values of type `t` (spec: records field by field, enums by index). */
export function comparator(t: ExprType): Comparator {
  switch (t.kind) {
    case "int":
    case "long":
    case "float":
    case "double":
      return cmpNum;
    case "boolean":
      return (a, b) => (a === b ? 0 : a ? 1 : -1);
    case "null":
      return () => 0;
    case "string":
      return cmpString;
    case "bytes":
    case "fixed":
      return cmpBytes;
    case "enum": {
      const idx = new Map(t.symbols.map((s, i) => [s, i]));
      return (a, b) => cmpNum(idx.get(a), idx.get(b));
    }
    case "array": {
      let inner: Comparator | undefined;
      return (a: unknown[], b: unknown[]) => {
        inner ??= comparator(t.items);
        const n = Math.min(a.length, b.length);
        for (let i = 0; i < n; i++) {
          const c = inner(a[i], b[i]);
          if (c !== 0) return c;
        }
        return cmpNum(a.length, b.length);
      };
    }
    case "map": {
      let inner: Comparator | undefined;
      return (a: Record<string, unknown>, b: Record<string, unknown>) => {
        inner ??= comparator(t.values);
        const ka = Object.keys(a).sort();
        const kb = Object.keys(b).sort();
        const n = Math.min(ka.length, kb.length);
        for (let i = 0; i < n; i++) {
          const c = cmpString(ka[i]!, kb[i]!) || inner(a[ka[i]!], b[kb[i]!]);
          if (c !== 0) return c;
        }
        return cmpNum(ka.length, kb.length);
      };
    }
    case "record": {
      let fields: { name: string; cmp: Comparator; sign: number }[] | undefined;
      return (a: Record<string, unknown>, b: Record<string, unknown>) => {
        fields ??= t.fields
          .filter((f) => f.order !== "ignore")
          .map((f) => ({ name: f.name, cmp: comparator(f.type), sign: f.order === "descending" ? -1 : 1 }));
        for (const f of fields) {
          const c = f.cmp(a[f.name], b[f.name]);
          if (c !== 0) return c * f.sign;
        }
        return 0;
      };
    }
    case "union": {
      const branches = t.types;
      const cmps = branches.map((b) => comparator(b));
      return (a, b) => {
        const ia = unionBranchIndex(t.types, a);
        const ib = unionBranchIndex(t.types, b);
        if (ia !== ib) return ia < ib ? -1 : 1;
        return cmps[ia]!(a, b);
      };
    }
    default:
      return () => 0;
  }
}

/** Structural equality of two runtime values of the same PFA type. */
export function valueEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = typeof a;
  const tb = typeof b;
  if (ta === "bigint" || tb === "bigint") return (ta === "number" || ta === "bigint") && (tb === "number" || tb === "bigint") && (a as number) == (b as number);
  if (a === null || b === null || ta !== "object" || tb !== "object") return false;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && cmpBytes(a, b) === 0;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valueEquals(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || b instanceof Uint8Array) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b as object, k)) return false;
    if (!valueEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

// ---------------------------------------------------------------- union branches

/** Whether runtime value `v` is a member of type `t` (used to recover union tags). */
export function isInstance(t: AvroType, v: unknown): boolean {
  switch (t.kind) {
    case "null":
      return v === null;
    case "boolean":
      return typeof v === "boolean";
    case "int":
      return typeof v === "number" && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX;
    case "long":
      return (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint";
    case "float":
    case "double":
      return typeof v === "number";
    case "string":
      return typeof v === "string";
    case "enum":
      return typeof v === "string" && t.symbols.includes(v);
    case "bytes":
      return v instanceof Uint8Array;
    case "fixed":
      return v instanceof Uint8Array && v.length === t.size;
    case "array":
      return Array.isArray(v) && v.every((x) => isInstance(t.items, x));
    case "map":
      return (
        v !== null &&
        typeof v === "object" &&
        !Array.isArray(v) &&
        !(v instanceof Uint8Array) &&
        Object.values(v as object).every((x) => isInstance(t.values, x))
      );
    case "record": {
      if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof Uint8Array) return false;
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      return keys.length === t.fields.length && t.fields.every((f) => f.name in o && isInstance(f.type, o[f.name]));
    }
    case "union":
      return t.types.some((b) => isInstance(b, v));
  }
}

/**
 * The union branch a runtime value belongs to. Numbers are ambiguous in JS (2.0 === 2), so
 * integral values prefer int/long branches and others prefer float/double.
 */
export function unionBranchIndex(types: readonly AvroType[], v: unknown): number {
  if (typeof v === "number" && !Number.isInteger(v)) {
    const i = types.findIndex((t) => t.kind === "double" || t.kind === "float");
    if (i >= 0) return i;
  }
  for (let i = 0; i < types.length; i++) {
    if (isInstance(types[i]!, v)) return i;
  }
  return -1;
}

// ---------------------------------------------------------------- Avro JSON

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function base64ToBytes(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "base64"));
}
export function bytesToBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

function branchName(t: AvroType): string {
  switch (t.kind) {
    case "record":
    case "enum":
    case "fixed":
      return t.fullName;
    default:
      return t.kind;
  }
}

/**
 * Decode a value from Avro's JSON encoding (tagged unions, base64 bytes and fixed, the strings
 * "inf", "-inf" and "nan" for non-finite floats, bigint for longs beyond 2^53) to a runtime value.
 */
export function decodeAvroJson(t: AvroType, json: unknown, path = "", limits?: DecodeLimits): PfaValue {
  return decode(t, json, path, limits ?? NO_LIMITS, 0);
}

/** Limits applied while decoding (see `PfaEngineOptions`). */
export interface DecodeLimits {
  readonly maxArrayLength: number;
  readonly maxStringLength: number;
  readonly maxDepth: number;
}
const NO_LIMITS: DecodeLimits = { maxArrayLength: DEFAULT_MAX_ARRAY_LENGTH, maxStringLength: DEFAULT_MAX_STRING_LENGTH, maxDepth: DEFAULT_MAX_DEPTH };

function decode(t: AvroType, json: unknown, path: string, lim: DecodeLimits, depth: number): PfaValue {
  if (depth > lim.maxDepth) throw new EvaluationError("PFA_VALUE_TOO_DEEP", `value nests deeper than maxDepth (${lim.maxDepth})`, { path });
  switch (t.kind) {
    case "null":
      if (json !== null) throw badValue(t, json, path, "expected null");
      return null;
    case "boolean":
      if (typeof json !== "boolean") throw badValue(t, json, path, "expected boolean");
      return json;
    case "int":
      if (typeof json !== "number" || !Number.isInteger(json) || json < INT_MIN || json > INT_MAX) throw badValue(t, json, path, "expected 32-bit integer");
      return json;
    case "long":
      if (typeof json === "bigint") {
        if (json > LONG_MAX || json < LONG_MIN) throw badValue(t, json, path, "long out of range");
        return normLong(json);
      }
      if (typeof json !== "number" || !Number.isInteger(json)) throw badValue(t, json, path, "expected integer");
      return json;
    case "float":
    case "double":
      if (typeof json === "number") return json;
      if (typeof json === "bigint") return Number(json);
      if (json === "inf") return Infinity;
      if (json === "-inf") return -Infinity;
      if (json === "nan") return NaN;
      throw badValue(t, json, path, "expected number");
    case "string":
      if (typeof json !== "string") throw badValue(t, json, path, "expected string");
      return json;
    case "bytes":
      if (typeof json !== "string" || !B64.test(json)) throw badValue(t, json, path, "expected base64 string");
      return base64ToBytes(json);
    case "fixed": {
      if (typeof json !== "string" || !B64.test(json)) throw badValue(t, json, path, "expected base64 string");
      const b = base64ToBytes(json);
      if (b.length !== t.size) throw badValue(t, json, path, `expected ${t.size} bytes`);
      return b;
    }
    case "enum":
      if (typeof json !== "string" || !t.symbols.includes(json)) throw badValue(t, json, path, "expected enum symbol");
      return json;
    case "array":
      if (!Array.isArray(json)) throw badValue(t, json, path, "expected array");
      if (json.length > lim.maxArrayLength) checkArrayLength(lim, json.length, "array value", path);
      return json.map((x, i) => decode(t.items, x, `${path}/${i}`, lim, depth + 1));
    case "map": {
      if (json === null || typeof json !== "object" || Array.isArray(json)) throw badValue(t, json, path, "expected object");
      const out = newMap();
      for (const [k, v] of Object.entries(json)) out[k] = decode(t.values, v, `${path}/${k}`, lim, depth + 1);
      return out;
    }
    case "record":
      return decodeRecord(t, json, path, lim, depth);
    case "union": {
      if (json === null) {
        if (!t.types.some((b) => b.kind === "null")) throw badValue(t, json, path, "null is not a branch");
        return null;
      }
      if (typeof json === "object" && !Array.isArray(json)) {
        const keys = Object.keys(json as object);
        if (keys.length === 1) {
          const br = t.types.find((b) => branchName(b) === keys[0] || (isNamedBranch(b) && b.name === keys[0]));
          if (br) return decode(br, (json as Record<string, unknown>)[keys[0]!], `${path}/${keys[0]}`, lim, depth + 1);
        }
      }
      // untagged: the first branch that decodes
      for (const br of t.types) {
        if (br.kind === "null") continue;
        try {
          return decode(br, json, path, lim, depth);
        } catch (e) {
          if (e instanceof EvaluationError) throw e; // a limit, not a mismatch
        }
      }
      throw badValue(t, json, path, "no union branch matches");
    }
  }
}

/** A value that does not match its type (no closure per decoded value: decode runs for every field of every row). */
function badValue(t: AvroType, json: unknown, path: string, why: string): SchemaError {
  return new SchemaError("PFA_BAD_VALUE", `value does not match type ${t.kind}: ${why}`, { path, value: json });
}

function isNamedBranch(t: AvroType): t is RecordType | Extract<AvroType, { kind: "enum" | "fixed" }> {
  return t.kind === "record" || t.kind === "enum" || t.kind === "fixed";
}

function decodeRecord(t: RecordType, json: unknown, path: string, lim: DecodeLimits, depth: number): PfaValue {
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw badValue(t, json, path, "expected object");
  const o = json as Record<string, unknown>;
  const out = newMap();
  for (const f of t.fields) {
    // own fields only: a record field may be named toString or constructor
    if (Object.hasOwn(o, f.name)) out[f.name] = decode(f.type, o[f.name], `${path}/${f.name}`, lim, depth + 1);
    else if (f.default !== undefined) out[f.name] = decode(f.type, f.default, `${path}/${f.name}`, lim, depth + 1);
    else throw badValue(t, json, path, `missing field ${f.name}`);
  }
  return out;
}

/** A record's fields in Avro JSON, in field order: a loop, not entries (every output row of a record type goes through it). */
function encodeRecord(t: RecordType, o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of t.fields) {
    const x = encodeAvroJson(f.type, o[f.name]);
    // a field named __proto__ stays a field (an assignment would set the prototype)
    if (f.name === "__proto__") Object.defineProperty(out, f.name, { value: x, enumerable: true, writable: true, configurable: true });
    else out[f.name] = x;
  }
  return out;
}

/** Encode a runtime value in Avro's JSON form (inverse of `decodeAvroJson`). */
export function encodeAvroJson(t: AvroType, v: PfaValue): unknown {
  switch (t.kind) {
    case "null":
      return null;
    case "boolean":
    case "string":
    case "enum":
    case "int":
      return v;
    case "long":
      return typeof v === "number" ? v : v;
    case "float":
    case "double": {
      const x = toNumber(v);
      if (Number.isFinite(x)) return x;
      return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
    }
    case "bytes":
    case "fixed":
      return bytesToBase64(v as Uint8Array);
    case "array":
      return (v as unknown[]).map((x) => encodeAvroJson(t.items, x));
    // fromEntries defines own properties: a map key or field named __proto__ stays a key
    case "map":
      return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, encodeAvroJson(t.values, x)]));
    case "record":
      return encodeRecord(t, v as Record<string, unknown>);
    case "union": {
      if (v === null) return null;
      const i = unionBranchIndex(t.types, v);
      if (i < 0) throw new SchemaError("PFA_BAD_VALUE", "value matches no branch of the output union", { value: v });
      const br = t.types[i]!;
      if (br.kind === "null") return null;
      return { [branchName(br)]: encodeAvroJson(br, v) };
    }
  }
}

/** JSON.stringify that writes bigint longs as plain JSON integers. */
export function stringifyJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `\u0000BIG${x.toString()}` : x)).replace(/"\\u0000BIG(-?\d+)"/g, "$1");
}

/**
 * JSON.parse that keeps integers beyond ±2^53 exact as bigint. Such tokens are rare, so the text
 * is scanned for them first and the ordinary parser does the rest.
 */
export function parseJsonLossless(text: string): unknown {
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  let marked = false;
  const replaced = text.replace(/("(?:[^"\\]|\\.)*")|(?<![\w.+-])(-?\d{16,})(?![.\deE])/g, (m, str: string | undefined, num: string | undefined) => {
    if (str !== undefined || num === undefined) return m;
    if (Number.isSafeInteger(Number(num))) return m;
    marked = true;
    return `"\\u0000BIG${num}"`;
  });
  const parsed = JSON.parse(replaced);
  return marked ? reviveBig(parsed) : parsed;
}

function reviveBig(v: unknown): unknown {
  if (typeof v === "string") return v.startsWith("\u0000BIG") ? BigInt(v.slice(4)) : v;
  if (Array.isArray(v)) return v.map(reviveBig);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reviveBig(x)]));
  }
  return v;
}
