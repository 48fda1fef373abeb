import { parseNumber, Temporal, type Value } from "../values.ts";
import { asString } from "./arguments.ts";
import { registerBuiltins, type BuiltinFunction } from "./index.ts";

/**
 * PMML 4.4 "equal, notEqual, lessThan, lessOrEqual, greaterThan, greaterOrEqual" and
 * "isIn, isNotIn". As in JPMML, the right operand is read in the left operand's type: numbers
 * compare numerically (a numeric string on either side is parsed), temporals by instant,
 * booleans as 0/1, everything else as exact strings.
 */

function numericView(v: Value): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") return parseNumber(v);
  return undefined;
}

function bothNumeric(a: Value, b: Value): [number, number] | undefined {
  if (typeof a !== "number" && typeof b !== "number" && typeof a !== "boolean" && typeof b !== "boolean") return undefined;
  const x = numericView(a),
    y = numericView(b);
  return x === undefined || y === undefined ? undefined : [x, y];
}

/** PMML value equality (missing equals only missing). */
export function pmmlEquals(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (a instanceof Temporal || b instanceof Temporal) {
    const ta = a instanceof Temporal ? a : undefined,
      tb = b instanceof Temporal ? b : undefined;
    if (ta && tb) return ta.epochSeconds === tb.epochSeconds;
    return asString(a) === asString(b);
  }
  const nums = bothNumeric(a, b);
  // Java Double.equals makes NaN equal to NaN; -0 and 0 are kept equal (Porta has no int/double
  // tag, and JPMML's integer arithmetic never produces -0).
  if (nums) return nums[0] === nums[1] || (Number.isNaN(nums[0]) && Number.isNaN(nums[1]));
  return asString(a) === asString(b);
}

/**
 * Order of two non-missing values (negative, zero, positive). Numbers follow Java's
 * Double.compareTo for NaN (greater than everything, equal to itself), which JPMML uses.
 */
export function pmmlCompare(a: Value, b: Value): number {
  if (a instanceof Temporal && b instanceof Temporal) return a.epochSeconds - b.epochSeconds;
  const nums = bothNumeric(a, b);
  if (nums) {
    const [x, y] = nums;
    if (Number.isNaN(x) || Number.isNaN(y)) return Number(Number.isNaN(x)) - Number(Number.isNaN(y));
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const sa = asString(a),
    sb = asString(b);
  // Java String.compareTo: UTF-16 code unit order, which is also JS's < on strings.
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function comparison(name: string, test: (order: number) => boolean): BuiltinFunction {
  return {
    name,
    minArgs: 2,
    maxArgs: 2,
    resultType: "boolean",
    fn: (args) => test(pmmlCompare(args[0], args[1])),
  };
}

/**
 * isIn / isNotIn: the first argument is the value, the rest the set. A missing value is "in"
 * the set exactly when the set holds a missing member (JPMML ValueListFunction).
 */
function membership(name: string, negate: boolean): BuiltinFunction {
  return {
    name,
    minArgs: 2,
    maxArgs: Infinity,
    handlesMissing: true,
    resultType: "boolean",
    fn: (args) => {
      let found = false;
      for (let i = 1; i < args.length && !found; i++) found = pmmlEquals(args[0], args[i]);
      return negate ? !found : found;
    },
  };
}

export const comparisonFunctions: BuiltinFunction[] = [
  { name: "equal", minArgs: 2, maxArgs: 2, resultType: "boolean", fn: (a) => pmmlEquals(a[0], a[1]) },
  { name: "notEqual", minArgs: 2, maxArgs: 2, resultType: "boolean", fn: (a) => !pmmlEquals(a[0], a[1]) },
  comparison("lessThan", (o) => o < 0),
  comparison("lessOrEqual", (o) => o <= 0),
  comparison("greaterThan", (o) => o > 0),
  comparison("greaterOrEqual", (o) => o >= 0),
  membership("isIn", false),
  membership("isNotIn", true),
];

registerBuiltins(comparisonFunctions);
