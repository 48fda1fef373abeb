import type { Value } from "../values.ts";
import { asBoolean } from "./arguments.ts";
import { registerBuiltins, type BuiltinFunction } from "./index.ts";

/**
 * PMML 4.4 "and, or", "not", "if", "isMissing, isNotMissing" and "isValid, isNotValid".
 *
 * and/or take two or more booleans. JPMML does not give them missing-value semantics (a missing
 * argument is a FunctionException there); Porta's evaluator returns missing instead, so they do
 * not declare handlesMissing and never see null.
 */

function isInvalid(v: Value): boolean {
  return typeof v === "number" && Number.isNaN(v);
}

export const logicFunctions: BuiltinFunction[] = [
  {
    name: "and",
    minArgs: 2,
    maxArgs: Infinity,
    resultType: "boolean",
    // Every argument is converted (a non-boolean is an error even after a false), as in JPMML.
    fn: (args) => {
      let result = true;
      for (const a of args) result = asBoolean("and", a) && result;
      return result;
    },
  },
  {
    name: "or",
    minArgs: 2,
    maxArgs: Infinity,
    resultType: "boolean",
    fn: (args) => {
      let result = false;
      for (const a of args) result = asBoolean("or", a) || result;
      return result;
    },
  },
  { name: "not", minArgs: 1, maxArgs: 1, resultType: "boolean", fn: (args) => !asBoolean("not", args[0]) },
  {
    // Eager form; the evaluator evaluates only the chosen branch. A missing condition gives
    // missing; "If the ELSE part is absent, then a missing value is returned".
    name: "if",
    minArgs: 2,
    maxArgs: 3,
    handlesMissing: true,
    fn: (args) => {
      if (args[0] === null) return null;
      return asBoolean("if", args[0]) ? args[1] : (args[2] ?? null);
    },
  },
  { name: "isMissing", minArgs: 1, maxArgs: 1, handlesMissing: true, resultType: "boolean", fn: (args) => args[0] === null },
  { name: "isNotMissing", minArgs: 1, maxArgs: 1, handlesMissing: true, resultType: "boolean", fn: (args) => args[0] !== null },
  {
    // "isValid: true if the value is neither missing nor invalid". Invalid reaches a built-in
    // as NaN (the evaluator maps invalid field values to NaN for these two functions).
    name: "isValid",
    minArgs: 1,
    maxArgs: 1,
    handlesMissing: true,
    resultType: "boolean",
    fn: (args) => args[0] !== null && !isInvalid(args[0]),
  },
  {
    name: "isNotValid",
    minArgs: 1,
    maxArgs: 1,
    handlesMissing: true,
    resultType: "boolean",
    fn: (args) => args[0] !== null && isInvalid(args[0]),
  },
];

registerBuiltins(logicFunctions);
