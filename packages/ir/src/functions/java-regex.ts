import { argumentError } from "./arguments.ts";
import { compileSafeRegex, type SafeRegex } from "../regex.ts";

/**
 * java.util.regex → JS RegExp translation, for PMML "matches" and "replace" (JPMML compiles
 * the pattern with java.util.regex.Pattern). The output uses the `u` flag, so every escape is
 * re-emitted in a form `u` mode accepts.
 *
 * Translated: \Q…\E quoting; leading inline flags (?i) (?s) (?m) (?u) (?x is rejected);
 * \A \z \Z anchors; Java's ASCII-only \s and its \h \v \R classes; POSIX \p{Alpha}-style
 * classes; \x{h…}, \0ooo octal, \a \e \cX escapes; named groups and \k<name>.
 * Rejected with an error (JS cannot express them): possessive quantifiers, atomic groups,
 * \G, class union/intersection ([a[b]], &&), scoped or mid-pattern inline flags.
 */

const SYNTAX = new Set([..."^$\\.*+?()[]{}|/"]);

const POSIX: Record<string, string> = {
  Lower: "a-z",
  Upper: "A-Z",
  ASCII: "\\x00-\\x7F",
  Alpha: "a-zA-Z",
  Digit: "0-9",
  Alnum: "a-zA-Z0-9",
  Punct: "!-\\/:-@\\[-`{-~",
  Graph: "!-~",
  Print: " -~",
  Blank: " \\t",
  Cntrl: "\\x00-\\x1F\\x7F",
  XDigit: "0-9a-fA-F",
  Space: " \\t\\n\\x0B\\f\\r",
  javaLowerCase: "\\p{Ll}",
  javaUpperCase: "\\p{Lu}",
  javaWhitespace: " \\t\\n\\x0B\\f\\r\\x1C-\\x1F",
  L: "\\p{L}",
  Lu: "\\p{Lu}",
  Ll: "\\p{Ll}",
  N: "\\p{N}",
  Nd: "\\p{Nd}",
  P: "\\p{P}",
  S: "\\p{S}",
  Z: "\\p{Z}",
  IsAlphabetic: "\\p{Alphabetic}",
  IsLetter: "\\p{L}",
  IsDigit: "\\p{Nd}",
  IsUppercase: "\\p{Uppercase}",
  IsLowercase: "\\p{Lowercase}",
  IsWhite_Space: "\\p{White_Space}",
  IsPunctuation: "\\p{P}",
};

/** Class-body text (no brackets) for Java's predefined escapes that differ from JS. */
const JAVA_SPACE = " \\t\\n\\x0B\\f\\r";
const JAVA_HSPACE = " \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000";
const JAVA_VSPACE = "\\n\\x0B\\f\\r\\x85\\u2028\\u2029";

export interface TranslatedRegex {
  source: string;
  flags: string;
}

const cache = new Map<string, SafeRegex>();

/**
 * The Java pattern translated and compiled once (cached by the Java text): on RE2JS when a linear
 * engine can run it, else on V8 under the `regexSteps` budget (see ../regex.ts).
 */
export function compileJavaRegex(fn: string, pattern: string): SafeRegex {
  let re = cache.get(pattern);
  if (re === undefined) {
    const { source, flags } = translateJavaRegex(fn, pattern);
    try {
      re = compileSafeRegex(source, flags.replace("u", ""));
    } catch (e) {
      throw argumentError(fn, `invalid regular expression: ${(e as Error).message}`, pattern);
    }
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

function literal(ch: string, inClass: boolean): string {
  if (inClass) return ch === "\\" || ch === "]" || ch === "[" || ch === "^" || ch === "-" ? `\\${ch}` : ch;
  return SYNTAX.has(ch) ? `\\${ch}` : ch;
}

function codePointEscape(code: number): string {
  return `\\u{${code.toString(16)}}`;
}

export function translateJavaRegex(fn: string, pattern: string): TranslatedRegex {
  const fail = (what: string): never => {
    throw argumentError(fn, `Java regex feature not supported: ${what}`, pattern);
  };
  let flags = "u";
  let i = 0;
  // Leading inline flags, e.g. (?i) or (?is).
  for (let m = /^\(\?([a-zA-Z]+)\)/.exec(pattern); m; m = /^\(\?([a-zA-Z]+)\)/.exec(pattern.slice(i))) {
    for (const f of m[1]) {
      if (f === "i" || f === "s" || f === "m") {
        if (!flags.includes(f)) flags += f;
      } else if (f === "u" || f === "U" || f === "d") {
        /* Unicode case / classes, UNIX_LINES: close enough */
      } else fail(`inline flag (?${f})`);
    }
    i += m[0].length;
  }
  let out = "";
  let inClass = false;
  let classStart = false;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === "\\") {
      const { text, next } = translateEscape(pattern, i, inClass, fail);
      out += text;
      i = next;
      classStart = false;
      continue;
    }
    if (inClass) {
      if (ch === "[") fail("character class union or nesting");
      if (ch === "&" && pattern[i + 1] === "&") fail("character class intersection (&&)");
      if (ch === "]" && !classStart) {
        inClass = false;
        out += "]";
        i++;
        continue;
      }
      if (ch === "^" && classStart && out.endsWith("[")) {
        out += "^";
        i++;
        continue;
      }
      out += ch === "]" ? "\\]" : ch === "-" ? "-" : literal(ch, true);
      classStart = false;
      i++;
      continue;
    }
    switch (ch) {
      case "[":
        inClass = true;
        classStart = true;
        out += "[";
        i++;
        if (pattern[i] === "^") {
          out += "^";
          i++;
        }
        continue;
      case "(":
        if (pattern.startsWith("(?>", i)) fail("atomic group (?>...)");
        if (/^\(\?[a-zA-Z-]+[:)]/.test(pattern.slice(i))) fail("inline flags inside the pattern");
        out += "(";
        i++;
        continue;
      case "*":
      case "+":
      case "?":
      case "}": {
        if (ch === "}" && !/\{\d+(,\d*)?$/.test(out)) {
          out += "\\}";
          i++;
          continue;
        }
        out += ch;
        i++;
        if (pattern[i] === "+") fail("possessive quantifier");
        continue;
      }
      case "{":
        if (!/^\{\d+(,\d*)?\}/.test(pattern.slice(i))) fail("'{' that is not a quantifier");
        out += ch;
        i++;
        continue;
      case "]":
        out += "\\]";
        i++;
        continue;
      default:
        out += ch === "/" ? "\\/" : ch;
        i++;
    }
  }
  if (inClass) throw argumentError(fn, "unclosed character class", pattern);
  return { source: out, flags };
}

function translateEscape(p: string, i: number, inClass: boolean, fail: (what: string) => never): { text: string; next: number } {
  const c = p[i + 1];
  if (c === undefined) throw argumentError("regex", "pattern ends with a backslash", p);
  const wrap = (body: string) => (inClass ? body : `[${body}]`);
  switch (c) {
    case "Q": {
      const end = p.indexOf("\\E", i + 2);
      const quoted = end < 0 ? p.slice(i + 2) : p.slice(i + 2, end);
      return { text: [...quoted].map((ch) => literal(ch, inClass)).join(""), next: end < 0 ? p.length : end + 2 };
    }
    case "A":
      return { text: inClass ? fail("\\A in a class") : "(?<![\\s\\S])", next: i + 2 };
    case "z":
      return { text: inClass ? fail("\\z in a class") : "(?![\\s\\S])", next: i + 2 };
    case "Z":
      return { text: inClass ? fail("\\Z in a class") : "(?=(?:\\r\\n|[\\n\\r\\x85\\u2028\\u2029])?(?![\\s\\S]))", next: i + 2 };
    case "G":
      return fail("\\G");
    case "s":
      return { text: wrap(JAVA_SPACE), next: i + 2 };
    case "S":
      return { text: inClass ? fail("\\S inside a class") : `[^${JAVA_SPACE}]`, next: i + 2 };
    case "h":
      return { text: wrap(JAVA_HSPACE), next: i + 2 };
    case "H":
      return { text: inClass ? fail("\\H inside a class") : `[^${JAVA_HSPACE}]`, next: i + 2 };
    case "v":
      return { text: wrap(JAVA_VSPACE), next: i + 2 };
    case "V":
      return { text: inClass ? fail("\\V inside a class") : `[^${JAVA_VSPACE}]`, next: i + 2 };
    case "R":
      return { text: inClass ? fail("\\R in a class") : "(?:\\r\\n|[\\n\\x0B\\f\\r\\x85\\u2028\\u2029])", next: i + 2 };
    case "d":
    case "D":
    case "w":
    case "W":
    case "b":
    case "B":
    case "t":
    case "n":
    case "r":
    case "f":
      return { text: `\\${c}`, next: i + 2 };
    case "a":
      return { text: "\\x07", next: i + 2 };
    case "e":
      return { text: "\\x1B", next: i + 2 };
    case "c":
      return { text: codePointEscape(p.charCodeAt(i + 2) ^ 64), next: i + 3 };
    case "0": {
      const m = /^[0-7]{1,3}/.exec(p.slice(i + 2));
      if (!m) fail("\\0 without octal digits");
      let digits = m![0];
      if (digits.length === 3 && Number.parseInt(digits, 8) > 0o377) digits = digits.slice(0, 2);
      return { text: codePointEscape(Number.parseInt(digits, 8)), next: i + 2 + digits.length };
    }
    case "x": {
      if (p[i + 2] === "{") {
        const end = p.indexOf("}", i + 3);
        return { text: codePointEscape(Number.parseInt(p.slice(i + 3, end), 16)), next: end + 1 };
      }
      return { text: `\\x${p.slice(i + 2, i + 4)}`, next: i + 4 };
    }
    case "u":
      return { text: `\\u${p.slice(i + 2, i + 6)}`, next: i + 6 };
    case "p":
    case "P": {
      let name: string, next: number;
      if (p[i + 2] === "{") {
        const end = p.indexOf("}", i + 3);
        name = p.slice(i + 3, end);
        next = end + 1;
      } else {
        name = p[i + 2];
        next = i + 3;
      }
      const bare = name.startsWith("Is") && POSIX[name] === undefined ? name.slice(2) : name;
      const body = POSIX[name] ?? POSIX[bare];
      if (body === undefined) return fail(`\\${c}{${name}}`);
      if (c === "P") return { text: inClass ? fail("\\P inside a class") : `[^${body}]`, next };
      return { text: wrap(body), next };
    }
    case "k": {
      const end = p.indexOf(">", i + 3);
      return { text: p.slice(i, end + 1), next: end + 1 };
    }
    default:
      if (c >= "1" && c <= "9") {
        if (inClass) fail("back reference inside a class");
        const m = /^[0-9]+/.exec(p.slice(i + 1))!;
        return { text: `\\${m[0]}`, next: i + 1 + m[0].length };
      }
      if (/[a-zA-Z]/.test(c)) return fail(`escape \\${c}`);
      // Java allows escaping any non-letter; emit it as a literal.
      return { text: literal(c, inClass), next: i + 2 };
  }
}

type ReplacementPart = string | number | { name: string };

/** Parses Java replacement syntax against a pattern with `groups` capturing groups. */
function parseReplacement(fn: string, replacement: string, groups: number): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let lit = "";
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i];
    if (ch === "\\") {
      i++;
      if (i >= replacement.length) throw argumentError(fn, "character to be escaped is missing", replacement);
      lit += replacement[i];
    } else if (ch === "$") {
      i++;
      if (i >= replacement.length) throw argumentError(fn, "illegal group reference: group index is missing", replacement);
      if (replacement[i] === "{") {
        const end = replacement.indexOf("}", i);
        if (end < 0) throw argumentError(fn, "named capturing group is missing trailing '}'", replacement);
        if (lit) {
          parts.push(lit);
          lit = "";
        }
        parts.push({ name: replacement.slice(i + 1, end) });
        i = end;
        continue;
      }
      if (!/[0-9]/.test(replacement[i])) throw argumentError(fn, "illegal group reference", replacement);
      let ref = Number(replacement[i]);
      if (ref > groups) throw argumentError(fn, `no group ${ref}`, replacement);
      while (i + 1 < replacement.length && /[0-9]/.test(replacement[i + 1])) {
        const longer = ref * 10 + Number(replacement[i + 1]);
        if (longer > groups) break;
        ref = longer;
        i++;
      }
      if (lit) {
        parts.push(lit);
        lit = "";
      }
      parts.push(ref);
    } else {
      lit += ch;
    }
  }
  if (lit) parts.push(lit);
  return parts;
}

const replacementCache = new Map<string, ReplacementPart[]>();

/**
 * Java Matcher.replaceAll replacement text: "$n" / "${name}" insert a group (an unmatched
 * group inserts nothing), "\x" is a literal x. "$n" takes the longest digit run that still
 * names an existing group, as Java does. `steps`: the regexSteps budget of this call.
 */
export function javaReplaceAll(fn: string, input: string, re: SafeRegex, replacement: string, steps?: number): string {
  const groups = re.groupCount;
  const key = `${groups}\u0000${replacement}`;
  let parts = replacementCache.get(key);
  if (parts === undefined) {
    parts = parseReplacement(fn, replacement, groups);
    if (replacementCache.size > 1000) replacementCache.clear();
    replacementCache.set(key, parts);
  }
  const matches = re.all(input, steps);
  // As Java's appendReplacement, an unknown group name fails only where something matched.
  if (matches.length > 0) {
    for (const part of parts) {
      if (typeof part === "object" && !re.groupNames.has(part.name)) throw argumentError(fn, `no group with name {${part.name}}`, replacement);
    }
  }
  let out = "";
  let pos = 0;
  for (const { spans } of matches) {
    out += input.slice(pos, spans[0]);
    for (const part of parts) {
      const g = typeof part === "string" ? -1 : typeof part === "number" ? part : re.groupNames.get(part.name)!;
      if (g < 0) out += part as string;
      else if (spans[2 * g] >= 0) out += input.slice(spans[2 * g], spans[2 * g + 1]);
    }
    pos = spans[1];
  }
  return out + input.slice(pos);
}
