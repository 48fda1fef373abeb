import { EvaluationError } from "../errors.ts";
import { parseNumber, parseTemporalText, Temporal, toDataType, type Value } from "../values.ts";

/**
 * Argument conversions shared by the built-ins, modelled on JPMML's FieldValue.asNumber /
 * asString / asBoolean / asInteger. A value that cannot be converted is an evaluation error
 * (JPMML throws TypeCheckException / FunctionException), not an invalid result.
 */

/** An argument the function cannot accept: wrong type, out-of-domain parameter, bad pattern. */
export function argumentError(fn: string, message: string, value?: unknown): EvaluationError {
  return new EvaluationError("PMML_FUNCTION_ARGUMENT", `${fn}: ${message}`, { value });
}

export function asNumber(fn: string, v: Value): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const n = parseNumber(v);
    if (n !== undefined) return n;
  }
  throw argumentError(fn, "expected a number", v);
}

/** A Java int: integral numbers (or numeric text) only. */
export function asInteger(fn: string, v: Value): number {
  const n = asNumber(fn, v);
  if (!Number.isInteger(n)) throw argumentError(fn, "expected an integer", v);
  return n;
}

export function asBoolean(fn: string, v: Value): boolean {
  const b = toDataType(v, "boolean");
  if (typeof b !== "boolean") throw argumentError(fn, "expected a boolean", v);
  return b;
}

export function asString(v: Value): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return javaNumberText(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v === null) return "";
  return v.toString();
}

export function asTemporal(fn: string, v: Value): Temporal {
  if (v instanceof Temporal) return v;
  if (typeof v === "string") {
    const t = parseTemporalText(v.trim());
    if (t !== undefined) return t;
  }
  throw argumentError(fn, "expected a date, time or dateTime", v);
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

export function isJavaInt(n: number): boolean {
  return Number.isInteger(n) && n >= INT_MIN && n <= INT_MAX;
}

/**
 * Text of a number as JPMML's asString gives it. Porta numbers carry no int/double tag, so an
 * integral value that fits a Java int prints as an Integer would ("3"); anything else prints
 * like Java's Double.toString ("2.5", "1.0E7", "1.0E-4").
 */
export function javaNumberText(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  if (isJavaInt(n)) return Object.is(n, -0) ? "-0.0" : String(n);
  return javaDoubleToString(n);
}

/** java.lang.Double.toString: plain notation in [1e-3, 1e7), else "d.dddE±n"; always a '.'. */
export function javaDoubleToString(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(n);
  const sign = n < 0 ? "-" : "";
  const { digits, exponent } = shortestDigits(abs);
  if (abs >= 1e-3 && abs < 1e7) {
    // exponent: value = 0.d1d2... * 10^exponent
    let intPart: string, fracPart: string;
    if (exponent <= 0) {
      intPart = "0";
      fracPart = "0".repeat(-exponent) + digits;
    } else if (exponent >= digits.length) {
      intPart = digits + "0".repeat(exponent - digits.length);
      fracPart = "0";
    } else {
      intPart = digits.slice(0, exponent);
      fracPart = digits.slice(exponent);
    }
    return `${sign}${intPart}.${fracPart}`;
  }
  const mantissa = digits.length === 1 ? `${digits}.0` : `${digits[0]}.${digits.slice(1)}`;
  return `${sign}${mantissa}E${exponent - 1}`;
}

/**
 * Shortest round-trip decimal digits of a positive finite double (JS and Java 19+ agree on
 * them) as a digit string without trailing zeros and the decimal exponent such that
 * value = 0.digits × 10^exponent.
 */
export function shortestDigits(abs: number): { digits: string; exponent: number } {
  const [mant, exp] = abs.toExponential().split("e");
  const digits = mant.replace(".", "").replace(/0+$/, "") || "0";
  return { digits, exponent: Number(exp) + 1 };
}
