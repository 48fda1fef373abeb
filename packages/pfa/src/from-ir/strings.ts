import type { ApplyExpr } from "@porta/ir";
import { type Block, type Code, type Json, cannotConvert, lift } from "./code.ts";

/**
 * PMML's string built-ins (PMML 4.4 §Built-in functions: uppercase, lowercase, trimBlanks,
 * substring) as PFA `s.*` and `bytes.*` calls on present values; a missing argument gives a
 * missing result. PMML counts Java chars (UTF-16 code units) where PFA's `s.*` count code
 * points, so positions are taken on the UTF-16 encoding.
 */

/** Java's String.trim() strips every char up to U+0020 (controls included) at both ends. */
const JAVA_TRIMMED = Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(i)).join("");

/** The names this module converts. */
export const STRING_FUNCTIONS: ReadonlySet<string> = new Set(["uppercase", "lowercase", "trimBlanks", "substring"]);

/** A string built-in over compiled arguments. */
export function compileStringFunction(expr: ApplyExpr, args: readonly Code[], block: Block): Code {
  const what = `Apply[@function=${expr.function}]`;
  const arity = expr.function === "substring" ? 3 : 1;
  if (args.length !== arity) return cannotConvert(what, `takes ${arity} arguments, has ${args.length}`, expr.path);
  // A number's Java text (asString) has no exact PFA formatting.
  if (args[0].type !== "string") return cannotConvert(what, "a non-string input is not converted", expr.path);
  if (expr.function === "substring") return substring(what, expr, args, block);
  const call = (x: Json): Json => {
    switch (expr.function) {
      case "uppercase":
        return { "s.upper": x };
      case "lowercase":
        return { "s.lower": x };
      default:
        return { "s.strip": [x, { string: JAVA_TRIMMED }] };
    }
  };
  return lift(block, args, ([x]) => ({ expr: call(x.expr), type: "string", nullable: false }));
}

/** A number the converter wrote as a literal (a Constant, or a DefineFunction parameter bound to one). */
function constantNumber(c: Code): number | undefined {
  const e = c.expr;
  if (e === null || typeof e !== "object" || Array.isArray(e)) return undefined;
  const keys = Object.keys(e);
  return keys.length === 1 && keys[0] === "double" && typeof e.double === "number" ? e.double : undefined;
}

/**
 * substring(input, startPos, length): 1-based, in Java chars, clipped at the end (JPMML). The
 * input's UTF-16BE bytes are sliced at 2 × (startPos − 1) and 2 × (startPos − 1 + length)
 * (bytes.subseq clips as PMML does) and decoded again; a cut through a surrogate pair, which
 * Java answers as a lone surrogate no PFA string can hold, is a PFA error.
 */
function substring(what: string, expr: ApplyExpr, args: readonly Code[], block: Block): Code {
  const start = constantNumber(args[1]);
  const length = constantNumber(args[2]);
  if (start === undefined || length === undefined) return cannotConvert(what, "a startPos or length that is no constant is not converted", expr.path);
  if (!Number.isInteger(start) || start < 1) return cannotConvert(what, `startPos ${start} is no integer of 1 or more`, expr.path);
  if (!Number.isInteger(length) || length < 0) return cannotConvert(what, `length ${length} is no integer of 0 or more`, expr.path);
  const INT_MAX = 2147483647;
  if (2 * (start - 1) > INT_MAX) return cannotConvert(what, `startPos ${start} is past any PFA string`, expr.path);
  const from = 2 * (start - 1);
  const to = Math.min(from + 2 * length, INT_MAX);
  return lift(block, [args[0]], ([x]) => ({
    expr: { "bytes.decodeUtf16be": { "bytes.subseq": [{ "bytes.encodeUtf16be": x.expr }, { int: from }, { int: to }] as Json[] } },
    type: "string",
    nullable: false,
  }));
}
