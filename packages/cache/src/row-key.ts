/**
 * Canonical encoding of an input row, the key of the result cache.
 *
 * Two rows get the same key exactly when a model cannot tell them apart:
 * - object keys are sorted (insertion order never matters), at every depth;
 * - every value carries a type tag, so `1`, `"1"`, `true`, `1n` and a `Date` at epoch+1 ms all differ;
 * - numbers are compared like `Object.is`: `-0` and `0` differ (`1 / x` tells them apart), and
 *   every NaN is the same NaN;
 * - strings are length-prefixed rather than escaped, so no delimiter inside a value can forge
 *   another row's key, and encoding needs no per-character work.
 *
 * A property whose value is `undefined` is kept (tag `u`) rather than dropped: treating
 * `{a: undefined}` like `{}` is what a PMML model does, but a wrong hit is worse than a missed one.
 *
 * The key is computed on every memoized call, hit or miss, so it is the floor under a cache hit:
 * a non-integer number is written as its 64 IEEE bits in 5 characters (decimal formatting
 * costs ~4x more), and the sorted key order of the last object shape is reused.
 */

/** Grammar of the encoding (for readers, and for anyone writing a decoder):
 *  n              null
 *  u              undefined
 *  t | f          true | false
 *  i<int>;        number that is an integer in the int32 range, not -0: `i42;`, `i-7;`
 *  N              NaN (any payload)
 *  d<5 chars>     any other number: its IEEE-754 bits, low to high, 13 bits per character,
 *                 each character U+4000 + chunk (never a surrogate, so keys survive UTF-8)
 *  b<digits>;     bigint
 *  s<len>:<text>  string, len in UTF-16 code units
 *  D<number>      Date: its time value encoded as a number (above)
 *  [<v>*]         array (holes encode as undefined)
 *  {(s<len>:<key><v>)*}  plain object, own enumerable string keys in code-unit order
 *  T<Name><len>:<v>*     typed array (`TFloat64Array3:i1;d…i3;`)
 */

/**
 * The canonical key of `row`, or `undefined` when the row holds something that has no canonical
 * form (a function, a symbol, a Map/Set, a cycle). `memoize` scores such rows without caching
 * them instead of failing.
 */
export function canonicalRowKey(row: unknown): string | undefined {
  ancestors.length = 0;
  return encode(row, 0);
}

/** Deeper than this is a row nobody should be memoizing. */
const MAX_DEPTH = 64;

/** Objects being encoded, outermost first: seeing one again is a cycle. Encoding is synchronous,
 *  so one module-level stack serves every call. */
const ancestors: object[] = [];

function encode(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case "number":
      return encodeNumber(value);
    case "string":
      return `s${value.length}:${value}`;
    case "boolean":
      return value ? "t" : "f";
    case "undefined":
      return "u";
    case "bigint":
      return `b${value};`;
    case "object": {
      if (value === null) return "n";
      if (depth >= MAX_DEPTH || ancestors.includes(value)) return undefined;
      ancestors.push(value);
      const encoded = encodeObject(value, depth + 1);
      ancestors.pop();
      return encoded;
    }
    default:
      // function, symbol
      return undefined;
  }
}

function encodeObject(value: object, depth: number): string | undefined {
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      const item = encode(value[i], depth);
      if (item === undefined) return undefined;
      out += item;
    }
    return out + "]";
  }
  if (value instanceof Date) return `D${encodeNumber(value.getTime())}`;
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) return undefined;
    const view = value as unknown as ArrayLike<number | bigint>;
    let out = `T${value.constructor.name}${view.length}:`;
    for (let i = 0; i < view.length; i++) out += encode(view[i], depth);
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  // Plain objects only: a Map, Set, class instance or boxed primitive has state that its own
  // enumerable keys do not show, so two different ones could otherwise share a key.
  if (proto !== Object.prototype && proto !== null) return undefined;
  const keys = sortedKeys(value);
  const record = value as Record<string, unknown>;
  let out = "{";
  for (const key of keys) {
    const item = encode(record[key], depth);
    if (item === undefined) return undefined;
    out += `s${key.length}:${key}${item}`;
  }
  return out + "}";
}

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

function encodeNumber(value: number): string {
  // (value | 0) === value: an int32; 1 / value > 0 rules out -0, whose String() is "0".
  if ((value | 0) === value && (value !== 0 || 1 / value > 0)) return `i${value};`;
  if (value !== value) return "N";
  bits[0] = value;
  const lo = words[LO]!;
  const hi = words[HI]!;
  return String.fromCharCode(
    100, // "d"
    0x4000 + (lo & 0x1fff),
    0x4000 + ((lo >>> 13) & 0x1fff),
    0x4000 + (((lo >>> 26) | (hi << 6)) & 0x1fff),
    0x4000 + ((hi >>> 7) & 0x1fff),
    0x4000 + (hi >>> 20),
  );
}

/** The last object shape seen and its sorted keys: rows of one model share a shape, so the
 *  sort runs once per shape change instead of once per row. */
let lastKeys: string[] = [];
let lastSorted: string[] = [];

function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  if (keys.length === lastKeys.length) {
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== lastKeys[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastSorted;
  }
  lastKeys = keys;
  lastSorted = [...keys].sort();
  return lastSorted;
}
