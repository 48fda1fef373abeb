/**
 * Canonical encoding of an input row, the key of the result cache.
 *
 * Two rows get the same key exactly when a model cannot tell them apart:
 * - object keys are sorted (insertion order never matters), at every depth;
 * - every value carries a type tag, so `1`, `"1"`, `true`, `1n` and a `Date` at epoch+1 ms all differ;
 * - numbers are compared like `Object.is`: `-0` and `0` differ (`1 / x` tells them apart), and
 *   every NaN is the same NaN; `String(n)` is the shortest round-tripping form, so it is exact;
 * - strings are length-prefixed rather than escaped, so no delimiter inside a value can forge
 *   another row's key, and encoding needs no per-character work.
 *
 * A property whose value is `undefined` is kept (tag `u`) rather than dropped: treating
 * `{a: undefined}` like `{}` is what a PMML model does, but a wrong hit is worse than a missed one.
 */

/** Grammar of the encoding (for readers, and for anyone writing a decoder):
 *  n              null
 *  u              undefined
 *  t | f          true | false
 *  d<number>;     number as String(n): `d1.5;`, `d-0;`, `dNaN;`, `d-Infinity;`
 *  b<digits>;     bigint
 *  s<len>:<text>  string, len in UTF-16 code units
 *  D<ms>;         Date (its time value; NaN for an invalid date)
 *  [<v>*]         array (holes encode as undefined)
 *  {(s<len>:<key><v>)*}  plain object, own enumerable string keys in code-unit order
 *  T<Name><len>:<v>*     typed array (`TFloat64Array3:d1;d2;d3;`)
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
      // String(-0) is "0": spell it out so -0 and 0 stay distinct.
      return Object.is(value, -0) ? "d-0;" : `d${value};`;
    case "string":
      return `s${value.length}:${value}`;
    case "boolean":
      return value ? "t" : "f";
    case "undefined":
      return "u";
    case "bigint":
      return `b${value};`;
    case "object":
      if (value === null) return "n";
      if (depth >= MAX_DEPTH || ancestors.includes(value)) return undefined;
      ancestors.push(value);
      const encoded = encodeObject(value, depth + 1);
      ancestors.pop();
      return encoded;
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
  if (value instanceof Date) return `D${value.getTime()};`;
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
  const keys = Object.keys(value).sort();
  const record = value as Record<string, unknown>;
  let out = "{";
  for (const key of keys) {
    const item = encode(record[key], depth);
    if (item === undefined) return undefined;
    out += `s${key.length}:${key}${item}`;
  }
  return out + "}";
}
