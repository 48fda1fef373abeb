/**
 * Registers every PMML 4.4 built-in function. The evaluator imports this module once; each
 * group module registers its own table at import.
 */
import "./arithmetic.ts";
import "./math.ts";
import "./distributions.ts";
import "./comparison.ts";
import "./logic.ts";
import "./strings.ts";
import "./dates.ts";
// Not PMML: the functions PFA documents lowered into the IR call (names "pfa:…").
import "./pfa.ts";
import { getBuiltin, registerBuiltins, type BuiltinFunction } from "./index.ts";

/**
 * Before PMML 4.4 was final, JPMML and the converters built on it wrote the 4.4 additions with
 * an "x-" prefix; models from then still use those names, so they stay callable.
 */
export const LEGACY_X_ALIASES: readonly string[] = [
  "modulo",
  "expm1",
  "ln1p",
  "hypot",
  "rint",
  "sin",
  "cos",
  "tan",
  "asin",
  "acos",
  "atan",
  "sinh",
  "cosh",
  "tanh",
];

registerBuiltins(LEGACY_X_ALIASES.map((name): BuiltinFunction => ({ ...getBuiltin(name)!, name: `x-${name}` })));
