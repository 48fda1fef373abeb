/**
 * Core operators (spec §7.1): arithmetic with PFA's overflow rules (int and long overflow are
 * runtime errors, floats follow IEEE 754), comparison in Avro sort order, logic and bitwise.
 */
import { bigMod, checkInt, checkLong, comparator, INT_MIN, longAdd, longMul, longSub, normLong, pfaError, toBig, valueEquals } from "../values.ts";
import type { CallSite, LibImpl, LibModule } from "./site.ts";

const kindOf = (site: CallSite) => site.retType.kind;
const argKind = (site: CallSite) => site.bindings.get("A")!.kind;

function arith(
  intCode: number,
  longCode: number,
  int: (a: number, b: number) => number,
  long: (a: unknown, b: unknown, c: number) => unknown,
  dbl: (a: number, b: number) => number,
): LibImpl {
  return (site) => {
    switch (kindOf(site)) {
      case "int":
        return (a: number, b: number) => checkInt(int(a, b), intCode);
      case "long":
        return (a: unknown, b: unknown) => long(a, b, longCode);
      default:
        return dbl;
    }
  };
}

/** Python's power for doubles: 1**y and x**0 are 1, (-1)**±inf is 1. */
export function pyPow(x: number, y: number): number {
  return Math.pow(x, y);
}

function intPow(code: number, long: boolean) {
  return (x: unknown, y: unknown): unknown => {
    const xb = toBig(x);
    const yb = toBig(y);
    if (yb < 0n) {
      // integer power with a negative exponent: truncated toward zero, 0 ** -n overflows
      if (xb === 0n) throw pfaError(code, long ? "long overflow" : "int overflow");
      if (xb === 1n) return 1;
      if (xb === -1n) return yb % 2n === 0n ? 1 : -1;
      return 0;
    }
    const ax = xb < 0n ? -xb : xb;
    if (ax > 1n && yb > 64n) throw pfaError(code, long ? "long overflow" : "int overflow");
    const r = xb ** yb;
    if (long) return checkLong(r, code);
    if (r > 2147483647n || r < -2147483648n) throw pfaError(code, "int overflow");
    return Number(r);
  };
}

function pyModD(k: number, n: number): number {
  if (n === 0) return NaN;
  let r = k % n;
  if (r !== 0 && r < 0 !== n < 0) r += n;
  return r;
}

/** Numeric order with NaN above everything (as the reference implementation orders it). */
export function numCompare(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a == b) return 0;
  const na = a !== a;
  const nb = b !== b;
  return na && nb ? 0 : na ? 1 : -1;
}

function compareImpl(test: (c: number) => boolean): LibImpl {
  return (site) => {
    const A = site.bindings.get("A")!;
    if (A.kind === "int" || A.kind === "long" || A.kind === "float" || A.kind === "double") {
      return (a: number, b: number) => test(numCompare(a, b));
    }
    const cmp = comparator(A);
    return (a: unknown, b: unknown) => test(cmp(a, b));
  };
}

function bitwise(int: (a: number, b: number) => number, long: (a: bigint, b: bigint) => bigint): LibImpl {
  return (site) => (site.retType.kind === "int" ? int : (a: unknown, b: unknown) => normLong(BigInt.asIntN(64, long(toBig(a), toBig(b)))));
}

export const core: LibModule = {
  "+": arith(
    18000,
    18001,
    (a, b) => a + b,
    longAdd,
    (a, b) => a + b,
  ),
  "-": arith(
    18010,
    18011,
    (a, b) => a - b,
    longSub,
    (a, b) => a - b,
  ),
  "*": arith(
    18020,
    18021,
    (a, b) => a * b,
    longMul,
    (a, b) => a * b,
  ),
  "/": () => (a: number, b: number) => a / b,
  "//": (site) => {
    if (kindOf(site) === "int") {
      return (a: number, b: number) => {
        if (b === 0) throw pfaError(18040, "integer division by zero");
        // the reference implementation truncates toward zero
        return checkInt(Math.trunc(a / b), 18040);
      };
    }
    return (a: unknown, b: unknown) => {
      if (b === 0 || b === 0n) throw pfaError(18040, "integer division by zero");
      return checkLong(toBig(a) / toBig(b), 18040);
    };
  },
  "u-": (site) => {
    switch (kindOf(site)) {
      case "int":
        return (x: number) => {
          if (x === INT_MIN) throw pfaError(18050, "int overflow");
          return x === 0 ? 0 : -x;
        };
      case "long":
        return (x: unknown) => longSub(0, x, 18051);
      default:
        return (x: number) => -x;
    }
  },
  "%": (site) => {
    const k = kindOf(site);
    if (k === "int" || k === "long") {
      return (a: unknown, n: unknown) => {
        if (n === 0 || n === 0n) throw pfaError(18060, "integer division by zero");
        if (typeof a === "number" && typeof n === "number") {
          const r = pyModD(a, n);
          return r === 0 ? 0 : r;
        }
        return normLong(bigMod(toBig(a), toBig(n)));
      };
    }
    return pyModD;
  },
  "%%": (site) => {
    const k = kindOf(site);
    if (k === "int" || k === "long") {
      return (a: unknown, n: unknown) => {
        if (n === 0 || n === 0n) throw pfaError(18070, "integer division by zero");
        if (typeof a === "number" && typeof n === "number") {
          const r = a % n;
          return r === 0 ? 0 : r;
        }
        return normLong(toBig(a) % toBig(n));
      };
    }
    return (a: number, n: number) => a % n;
  },
  "**": (site) => {
    switch (kindOf(site)) {
      case "int":
        return intPow(18080, false);
      case "long":
        return intPow(18081, true);
      default:
        return pyPow;
    }
  },
  cmp: (site) => {
    const A = site.bindings.get("A")!;
    const cmp = comparator(A);
    return (a: unknown, b: unknown) => cmp(a, b);
  },
  // within unions the reference implementation compares by identity first, so NaN == NaN there
  "==": (site) =>
    site.bindings.get("A")!.kind === "union"
      ? (a: unknown, b: unknown) => valueEquals(a, b) || (a !== a && b !== b)
      : (a: unknown, b: unknown) => valueEquals(a, b),
  "!=": (site) =>
    site.bindings.get("A")!.kind === "union"
      ? (a: unknown, b: unknown) => !(valueEquals(a, b) || (a !== a && b !== b))
      : (a: unknown, b: unknown) => !valueEquals(a, b),
  "<": compareImpl((c) => c < 0),
  "<=": compareImpl((c) => c <= 0),
  ">": compareImpl((c) => c > 0),
  ">=": compareImpl((c) => c >= 0),
  max: (site) => {
    if (["int", "long", "float", "double"].includes(argKind(site))) return (x: number, y: number) => (x >= y ? x : y);
    const cmp = comparator(site.bindings.get("A")!);
    return (x: unknown, y: unknown) => (cmp(x, y) >= 0 ? x : y);
  },
  min: (site) => {
    if (["int", "long", "float", "double"].includes(argKind(site))) return (x: number, y: number) => (x <= y ? x : y);
    const cmp = comparator(site.bindings.get("A")!);
    return (x: unknown, y: unknown) => (cmp(x, y) <= 0 ? x : y);
  },
  "&&": () => (a: boolean, b: boolean) => a && b,
  "||": () => (a: boolean, b: boolean) => a || b,
  "^^": () => (a: boolean, b: boolean) => a !== b,
  "!": () => (a: boolean) => !a,
  "&&&": () => (a: boolean | null, b: boolean | null) => (a === false || b === false ? false : a === true && b === true ? true : null),
  "|||": () => (a: boolean | null, b: boolean | null) => (a === true || b === true ? true : a === false && b === false ? false : null),
  "!!!": () => (a: boolean | null) => (a === null ? null : !a),
  "&": bitwise(
    (a, b) => a & b,
    (a, b) => a & b,
  ),
  "|": bitwise(
    (a, b) => a | b,
    (a, b) => a | b,
  ),
  "^": bitwise(
    (a, b) => a ^ b,
    (a, b) => a ^ b,
  ),
  "~": (site) => (site.retType.kind === "int" ? (x: number) => ~x : (x: unknown) => normLong(BigInt.asIntN(64, ~toBig(x)))),
};
