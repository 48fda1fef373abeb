import { EvaluationError } from "../errors.ts";
import type { Value } from "../values.ts";
import { registerBuiltins, type BuiltinFunction } from "./index.ts";
import { pfaIntPower, pfaNumberOrder, pfaRint, pfaStringOrder, pyModulo } from "./pfa-kernels.ts";

export { pfaIntPower, pfaNumberOrder, pfaRint, pyModulo } from "./pfa-kernels.ts";

/**
 * Functions with PFA's semantics, for PFA documents lowered into the IR (packages/pfa/src/lower):
 * each does what the PFA engine's library function does, operation for operation, so a lowered
 * document scores as the PFA engine scores it, bit for bit and error for error.
 *
 * Their names start with `pfa:` (no PMML built-in or PFA library name has a colon): they are not
 * PMML built-ins, and `formats/pmml/builtins.json` does not list them. The IR backends that score
 * lowered pipelines implement each (compile-js: pfa-functions.ts); the others refuse them.
 *
 * Values: PFA int, float and double are numbers (an int is a whole number within 32 bits, as in
 * the PFA engine), booleans booleans, strings strings. A lowered pipeline applies these under
 * invalidValueTreatment="asMissing", so PFA's NaN is the IR's missing value: every function here
 * takes a missing argument as NaN (`handlesMissing`) and gives NaN (missing) where PFA gives NaN.
 *
 * Errors are PFA runtime errors (EvaluationError PFA_RUNTIME_ERROR with PFA's error code), as the
 * PFA engine raises them: int arithmetic that leaves 32 bits, integer division by zero, ….
 */

export const PFA_FUNCTION_PREFIX = "pfa:";

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;

/** A PFA runtime error, as the PFA engine raises it (its `pfaError`). */
export function pfaRuntimeError(pfaCode: number, message: string): EvaluationError {
  return new EvaluationError("PFA_RUNTIME_ERROR", message, { pfaCode });
}

/** One error a PFA function may raise: its PFA code and message. */
export interface PfaRaise {
  readonly pfaCode: number;
  readonly message: string;
}

/** Errors each fallible PFA function may raise, by function name (compile-js registers them as row error kinds). */
export const PFA_RAISES: Readonly<Record<string, readonly PfaRaise[]>> = {
  "pfa:int+": [{ pfaCode: 18000, message: "int overflow" }],
  "pfa:int-": [{ pfaCode: 18010, message: "int overflow" }],
  "pfa:int*": [{ pfaCode: 18020, message: "int overflow" }],
  "pfa:int//": [
    { pfaCode: 18040, message: "integer division by zero" },
    { pfaCode: 18040, message: "int overflow" },
  ],
  "pfa:intNeg": [{ pfaCode: 18050, message: "int overflow" }],
  "pfa:int%": [{ pfaCode: 18060, message: "integer division by zero" }],
  "pfa:int%%": [{ pfaCode: 18070, message: "integer division by zero" }],
  "pfa:int**": [{ pfaCode: 18080, message: "int overflow" }],
  "pfa:intAbs": [{ pfaCode: 27020, message: "int overflow" }],
  "pfa:intCopysign": [{ pfaCode: 27020, message: "int overflow" }],
  "pfa:m.log": [{ pfaCode: 27170, message: "base must be positive" }],
  "pfa:m.round:int": [{ pfaCode: 27190, message: "int overflow" }],
  "pfa:cast.int": [{ pfaCode: 17020, message: "int overflow" }],
  "pfa:impute.errorOnNonNum": [
    { pfaCode: 21050, message: "encountered nan" },
    { pfaCode: 21051, message: "encountered +inf" },
    { pfaCode: 21052, message: "encountered -inf" },
  ],
};

function raise(name: string, k = 0): never {
  const r = PFA_RAISES[name]![k]!;
  throw pfaRuntimeError(r.pfaCode, r.message);
}

/**
 * A number argument: missing is NaN, booleans 1/0 (as compiled code holds them). (A lowered
 * document passes numbers where PFA's checker typed numbers; a category table also evaluates the
 * missing entry of a string column, which no row of a lowered document has: NaN, never a throw.)
 */
function num(v: Value): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return NaN;
}

/** A PFA int: checks the 32-bit range (the PFA engine's checkInt). */
function checkInt(name: string, r: number, k = 0): number {
  if (r > INT_MAX || r < INT_MIN) raise(name, k);
  return r;
}

/** PFA's comparator over scalars: numbers (missing = NaN), booleans (false < true), strings. */
function order(a: Value, b: Value): number {
  if (typeof a === "string" && typeof b === "string") return pfaStringOrder(a, b);
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  return pfaNumberOrder(num(a), num(b));
}

/** PFA's equality of scalars: NaN equals nothing (missing is NaN), -0 equals 0. */
function equal(a: Value, b: Value): boolean {
  if (typeof a === "string" || typeof b === "string" || typeof a === "boolean" || typeof b === "boolean") return a === b;
  return num(a) === num(b);
}

type Kind = "double" | "integer" | "boolean";

function fn(name: string, arity: number, resultType: Kind | undefined, f: (args: Value[]) => Value): BuiltinFunction {
  return { name, minArgs: arity, maxArgs: arity, handlesMissing: true, ...(resultType && { resultType }), fn: f };
}

const n1 = (name: string, resultType: Kind, f: (x: number) => Value) => fn(name, 1, resultType, (a) => f(num(a[0]!)));
const n2 = (name: string, resultType: Kind, f: (x: number, y: number) => Value) => fn(name, 2, resultType, (a) => f(num(a[0]!), num(a[1]!)));

export const pfaFunctions: BuiltinFunction[] = [
  // a PFA block: every argument evaluated in order (for its errors), the last one's value
  { name: "pfa:do", minArgs: 1, maxArgs: Infinity, handlesMissing: true, fn: (a) => a[a.length - 1]! },

  // int arithmetic (spec §7.1): out of 32 bits is a PFA error
  n2("pfa:int+", "integer", (a, b) => checkInt("pfa:int+", a + b)),
  n2("pfa:int-", "integer", (a, b) => checkInt("pfa:int-", a - b)),
  n2("pfa:int*", "integer", (a, b) => checkInt("pfa:int*", a * b)),
  n2("pfa:int//", "integer", (a, b) => {
    if (b === 0) raise("pfa:int//", 0);
    // the reference implementation truncates toward zero
    return checkInt("pfa:int//", Math.trunc(a / b), 1);
  }),
  n1("pfa:intNeg", "integer", (x) => {
    if (x === INT_MIN) raise("pfa:intNeg");
    return x === 0 ? 0 : -x;
  }),
  n2("pfa:int%", "integer", (a, n) => {
    if (n === 0) raise("pfa:int%");
    const r = pyModulo(a, n);
    return r === 0 ? 0 : r;
  }),
  n2("pfa:int%%", "integer", (a, n) => {
    if (n === 0) raise("pfa:int%%");
    const r = a % n;
    return r === 0 ? 0 : r;
  }),
  n2("pfa:int**", "integer", (x, y) => {
    const r = pfaIntPower(x, y);
    if (r !== r) raise("pfa:int**");
    return r;
  }),
  n1("pfa:intAbs", "integer", (x) => {
    if (x === INT_MIN) raise("pfa:intAbs");
    return Math.abs(x);
  }),
  n2("pfa:intCopysign", "integer", (mag, sign) => {
    const a = Math.abs(mag);
    return checkInt("pfa:intCopysign", sign < 0 ? (a === 0 ? 0 : -a) : a);
  }),
  n2("pfa:int&", "integer", (a, b) => a & b),
  n2("pfa:int|", "integer", (a, b) => a | b),
  n2("pfa:int^", "integer", (a, b) => a ^ b),
  n1("pfa:int~", "integer", (x) => ~x),

  // double arithmetic PMML's built-ins do not have with PFA's results
  n2("pfa:%", "double", pyModulo),
  n2("pfa:%%", "double", (a, n) => a % n),
  n2("pfa:**", "double", (x, y) => Math.pow(x, y)),
  n1("pfa:u-", "double", (x) => -x),

  // comparison in PFA's order (NaN above every number), of numbers, booleans or strings
  fn("pfa:<", 2, "boolean", (a) => order(a[0]!, a[1]!) < 0),
  fn("pfa:<=", 2, "boolean", (a) => order(a[0]!, a[1]!) <= 0),
  fn("pfa:>", 2, "boolean", (a) => order(a[0]!, a[1]!) > 0),
  fn("pfa:>=", 2, "boolean", (a) => order(a[0]!, a[1]!) >= 0),
  fn("pfa:==", 2, "boolean", (a) => equal(a[0]!, a[1]!)),
  fn("pfa:!=", 2, "boolean", (a) => !equal(a[0]!, a[1]!)),
  fn("pfa:cmp", 2, "integer", (a) => order(a[0]!, a[1]!)),
  n2("pfa:max", "double", (x, y) => (x >= y ? x : y)),
  n2("pfa:min", "double", (x, y) => (x <= y ? x : y)),

  // m.* where PMML's built-in differs (floor/ceil give Java ints there, rint keeps -0, hypot and
  // pow see a missing argument as missing)
  n1("pfa:m.floor", "double", Math.floor),
  n1("pfa:m.ceil", "double", Math.ceil),
  n1("pfa:m.rint", "double", pfaRint),
  n1("pfa:m.signum", "integer", (x) => (x > 0 ? 1 : x < 0 ? -1 : 0)),
  n2("pfa:m.hypot", "double", Math.hypot),
  n2("pfa:m.copysign", "double", (mag, sign) => (sign < 0 || Object.is(sign, -0) ? -Math.abs(mag) : Math.abs(mag))),
  n2("pfa:m.log", "double", (x, base) => {
    if (base <= 0) raise("pfa:m.log");
    return Math.log(x) / Math.log(base);
  }),
  n1("pfa:m.round:int", "integer", (x) => {
    const r = Math.floor(x + 0.5);
    if (!Number.isFinite(r) || r > INT_MAX || r < INT_MIN) raise("pfa:m.round:int");
    return r;
  }),
  // cast.int of a float or double: round half up (floor(x + 0.5)), then the 32-bit check
  n1("pfa:cast.int", "integer", (x) => {
    if (!Number.isFinite(x)) raise("pfa:cast.int");
    const v = Math.floor(x + 0.5);
    if (v > INT_MAX || v < INT_MIN) raise("pfa:cast.int");
    return v;
  }),

  n1("pfa:impute.isnan", "boolean", (x) => Number.isNaN(x)),
  n1("pfa:impute.isinf", "boolean", (x) => x === Infinity || x === -Infinity),
  n1("pfa:impute.isnum", "boolean", (x) => Number.isFinite(x)),
  n1("pfa:impute.errorOnNonNum", "double", (x) => {
    if (Number.isNaN(x)) raise("pfa:impute.errorOnNonNum", 0);
    if (x === Infinity) raise("pfa:impute.errorOnNonNum", 1);
    if (x === -Infinity) raise("pfa:impute.errorOnNonNum", 2);
    return x;
  }),
  n2("pfa:impute.defaultOnNonNum", "double", (x, d) => (Number.isFinite(x) ? x : d)),
];

registerBuiltins(pfaFunctions);
