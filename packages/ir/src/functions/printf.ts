import { argumentError, isJavaInt, javaNumberText, shortestDigits } from "./arguments.ts";

/**
 * PMML "formatNumber(input, pattern)": a printf-style pattern. JPMML runs it through Java's
 * String.format(pattern, number), so Java's java.util.Formatter rules apply, not C's:
 *  - %f/%e/%g round HALF_UP on the shortest decimal representation of the double
 *    (String.format("%.1f", 0.15) is "0.2"; C prints "0.1");
 *  - %g never strips trailing zeros and switches to scientific below 1e-4 or at
 *    10^precision; %e always has at least two exponent digits;
 *  - %d/%x/%o need an integral value (Java throws for a Double; Porta accepts any integral
 *    number, having no int/double tag, and rejects fractions as Java does);
 *  - a malformed pattern is an error (IllegalFormatException), not silently ignored.
 * Supported: %d %o %x %X %e %E %f %g %G %a(no) %s %S %b %B %c %n %% with flags "-#+ 0,(",
 * width, precision and the "1$" / "<" argument indexes (only one argument exists).
 */

const SPEC = /%(\d+\$|<)?([-#+ 0,(]*)(\d+)?(\.\d+)?([a-zA-Z%])/y;

export function formatNumber(fn: string, pattern: string, value: number): string {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const pct = pattern.indexOf("%", i);
    if (pct < 0) {
      out += pattern.slice(i);
      break;
    }
    out += pattern.slice(i, pct);
    SPEC.lastIndex = pct;
    const m = SPEC.exec(pattern);
    if (!m) throw argumentError(fn, `invalid format specifier at position ${pct}`, pattern);
    const [whole, index, flagText, widthText, precText, conv] = m;
    if (index && index !== "<" && index !== "1$") throw argumentError(fn, `no argument ${index}`, pattern);
    const width = widthText ? Number(widthText) : undefined;
    const precision = precText ? Number(precText.slice(1)) : undefined;
    out += formatOne(fn, pattern, conv, new Set(flagText), width, precision, value);
    i = pct + whole.length;
  }
  return out;
}

function formatOne(
  fn: string,
  pattern: string,
  conv: string,
  flags: Set<string>,
  width: number | undefined,
  precision: number | undefined,
  value: number,
): string {
  const bad = (why: string): never => {
    throw argumentError(fn, why, pattern);
  };
  if ((flags.has("-") || flags.has("0")) && width === undefined) bad(`flag requires a width in %${conv}`);
  if (flags.has("-") && flags.has("0")) bad("flags '-' and '0' together");
  if (flags.has("+") && flags.has(" ")) bad("flags '+' and ' ' together");
  switch (conv) {
    case "%":
      if (precision !== undefined) bad("precision with %%");
      return pad("%", width, flags.has("-"), false);
    case "n":
      return "\n";
    case "d": {
      if (precision !== undefined) bad("precision with %d");
      if (flags.has("#")) bad("flag '#' with %d");
      const n = integral(fn, value);
      const digits = group(Math.abs(n).toString(), flags.has(","));
      return signed(digits, n < 0, flags, width);
    }
    case "o":
    case "x":
    case "X": {
      if (precision !== undefined) bad(`precision with %${conv}`);
      if (flags.has("+") || flags.has(" ") || flags.has(",") || flags.has("(")) bad(`flag not allowed with %${conv}`);
      const n = integral(fn, value);
      // Negative values print their two's complement (32-bit for an int, 64-bit beyond).
      const bits = isJavaInt(n) ? 32n : 64n;
      const big = n < 0 ? (1n << bits) + BigInt(n) : BigInt(n);
      let body = big.toString(conv === "o" ? 8 : 16);
      if (flags.has("#")) body = (conv === "o" ? "0" : "0x") + body;
      if (conv === "X") body = body.toUpperCase();
      return zeroPad(body, width, flags);
    }
    case "e":
    case "E":
    case "f":
    case "g":
    case "G": {
      if (conv !== "f" && flags.has(",") && conv !== "g" && conv !== "G") bad(`flag ',' with %${conv}`);
      if (!Number.isFinite(value)) {
        const text = Number.isNaN(value)
          ? "NaN"
          : value > 0
            ? flags.has("+")
              ? "+Infinity"
              : flags.has(" ")
                ? " Infinity"
                : "Infinity"
            : flags.has("(")
              ? "(Infinity)"
              : "-Infinity";
        return pad(text, width, flags.has("-"), false);
      }
      const abs = Math.abs(value);
      const negative = value < 0 || Object.is(value, -0);
      let body: string;
      if (conv === "f") body = fixed(abs, precision ?? 6, flags.has(","));
      else if (conv === "e" || conv === "E") body = scientific(abs, precision ?? 6, flags.has("#"));
      else body = general(abs, precision ?? 6, flags.has(","));
      if (conv === "E" || conv === "G") body = body.toUpperCase();
      return signed(body, negative, flags, width);
    }
    case "s":
    case "S": {
      let text = javaNumberText(value);
      if (precision !== undefined) text = text.slice(0, precision);
      if (conv === "S") text = text.toUpperCase();
      return pad(text, width, flags.has("-"), false);
    }
    case "b":
    case "B": {
      let text = "true"; // any non-null argument
      if (precision !== undefined) text = text.slice(0, precision);
      return pad(conv === "B" ? "TRUE" : text, width, flags.has("-"), false);
    }
    case "c":
    case "C": {
      const n = integral(fn, value);
      if (n < 0 || n > 0x10ffff) bad("invalid code point for %c");
      const text = String.fromCodePoint(n);
      return pad(conv === "C" ? text.toUpperCase() : text, width, flags.has("-"), false);
    }
    default:
      return bad(`unknown format conversion '%${conv}'`);
  }
}

function integral(fn: string, value: number): number {
  if (!Number.isInteger(value)) throw argumentError(fn, "integer conversion of a non-integral number", value);
  return value;
}

function pad(text: string, width: number | undefined, left: boolean, zero: boolean): string {
  if (width === undefined || text.length >= width) return text;
  const fill = (zero ? "0" : " ").repeat(width - text.length);
  return left ? text + fill : fill + text;
}

function zeroPad(body: string, width: number | undefined, flags: Set<string>): string {
  if (flags.has("0") && width !== undefined && body.length < width) {
    const prefix = body.startsWith("0x") || body.startsWith("0X") ? body.slice(0, 2) : "";
    return prefix + "0".repeat(width - body.length) + body.slice(prefix.length);
  }
  return pad(body, width, flags.has("-"), false);
}

/** Sign, parentheses, zero padding and justification for a magnitude already formatted. */
function signed(magnitude: string, negative: boolean, flags: Set<string>, width: number | undefined): string {
  let prefix = "",
    suffix = "";
  if (negative) {
    if (flags.has("(")) {
      prefix = "(";
      suffix = ")";
    } else prefix = "-";
  } else if (flags.has("+")) prefix = "+";
  else if (flags.has(" ")) prefix = " ";
  if (flags.has("0") && width !== undefined) {
    const zeros = width - prefix.length - suffix.length - magnitude.length;
    if (zeros > 0) magnitude = "0".repeat(zeros) + magnitude;
  }
  return pad(prefix + magnitude + suffix, width, flags.has("-"), false);
}

function group(intDigits: string, grouping: boolean): string {
  return grouping ? intDigits.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : intDigits;
}

/**
 * `abs` × 10^decimals rounded HALF_UP on its shortest decimal digits (Java Formatter), as an
 * integer digit string.
 */
function scaledHalfUp(abs: number, decimals: number): string {
  if (abs === 0) return "0";
  const { digits, exponent } = shortestDigits(abs);
  // value = 0.digits × 10^exponent, so exponent + decimals digits land before the point.
  const keep = exponent + decimals;
  if (keep < 0) return "0";
  if (keep >= digits.length) return digits + "0".repeat(keep - digits.length);
  const head = BigInt(digits.slice(0, keep) || "0");
  return (digits.charCodeAt(keep) >= 53 /* '5' */ ? head + 1n : head).toString();
}

function fixed(abs: number, decimals: number, grouping: boolean): string {
  const scaled = scaledHalfUp(abs, decimals).padStart(decimals + 1, "0");
  const int = group(scaled.slice(0, scaled.length - decimals), grouping);
  return decimals > 0 ? `${int}.${scaled.slice(scaled.length - decimals)}` : int;
}

function scientific(abs: number, decimals: number, alwaysPoint: boolean): string {
  let mantissa: string, exp: number;
  if (abs === 0) {
    mantissa = "0".repeat(decimals + 1);
    exp = 0;
  } else {
    const { digits, exponent } = shortestDigits(abs);
    exp = exponent - 1;
    const need = decimals + 1;
    if (digits.length <= need) mantissa = digits.padEnd(need, "0");
    else {
      mantissa = digits.slice(0, need);
      if (digits.charCodeAt(need) >= 53) {
        const up = (BigInt(mantissa) + 1n).toString();
        if (up.length > mantissa.length) {
          exp += 1;
          mantissa = up.slice(0, need);
        } else mantissa = up;
      }
    }
  }
  const head = mantissa[0] + (decimals > 0 || alwaysPoint ? "." : "") + mantissa.slice(1);
  const e = Math.abs(exp).toString().padStart(2, "0");
  return `${head}e${exp < 0 ? "-" : "+"}${e}`;
}

/** Java %g: precision 0 means 1; decimal when 1e-4 <= rounded value < 10^precision. */
function general(abs: number, precision: number, grouping: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (abs === 0) return fixed(0, p - 1, grouping);
  const sci = scientific(abs, p - 1, false);
  const rounded = Number(sci);
  if (rounded >= 1e-4 && rounded < 10 ** p) {
    const exp = Number(sci.slice(sci.indexOf("e") + 1));
    return fixed(abs, Math.max(p - 1 - exp, 0), grouping);
  }
  return scientific(abs, p - 1, false);
}
