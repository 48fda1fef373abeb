/**
 * Regular expressions that cannot run away: the one place where PMML `matches` / `replace` and
 * PFA `re.*` execute a pattern.
 *
 * A pattern from a model document (or from an input row, for PFA) executed by V8's backtracking
 * engine can take exponential time — `(a+)+$` on 30 `a`s and a `b` — and a synchronous
 * `RegExp#exec` cannot be interrupted, so one row could stall the process. Every pattern is
 * therefore compiled for RE2JS (a pure-JS port of RE2: linear in the input, no native code, no
 * WebAssembly start-up) whenever it can express it; V8 still runs such a pattern when its
 * backtracking cost on the input at hand provably fits `regexSteps` (the fast path below), as
 * RE2JS is several times slower on short strings. The few features a linear engine cannot
 * express — back references, lookahead, lookbehind with captures, `\S` inside a class,
 * multi-line `$`, counts above 1000 — are not refused, because documents use them (the PFA
 * conformance corpus matches `(.)\1`): they run on V8 inside a `vm` context whose timeout
 * interrupts the match, and a match that runs out ends in `EvaluationError` `REGEX_BUDGET`.
 *
 * Patterns are written in JavaScript `u`-mode syntax (the PMML layer translates Java syntax to it
 * first) and V8 alone decides whether one is valid. Before RE2 sees a pattern, the places where
 * RE2 reads that syntax differently are rewritten to their JavaScript meaning (`.`, `\s`, `\S`,
 * multi-line `^`), so the engine that runs a pattern does not change its answer — with one
 * exception: a group inside a repetition that took no part in the last iteration keeps its
 * earlier capture in RE2 (as in Java and Perl) where V8 resets it. Offsets are UTF-16 code units.
 */
import { createRequire } from "node:module";
import vm from "node:vm";
import type { RE2JS } from "re2js";
import { EvaluationError } from "./errors.ts";
import { DEFAULT_LIMITS } from "./limits.ts";

// RE2JS (260 KB of JavaScript) is required when the first pattern is compiled, not when the IR
// loads: most models run no regex, and `porta score` should not pay for parsing it (issue 13).
const require = createRequire(import.meta.url);
let re2js: typeof import("re2js") | undefined;
const re2 = (): typeof import("re2js") => (re2js ??= require("re2js") as typeof import("re2js"));

/** One match: group g spans `[spans[2g], spans[2g + 1])`; both are -1 for a group that took no part. */
export interface RegexMatch {
  readonly spans: readonly number[];
}

/** A compiled pattern; `steps` is the caller's `regexSteps` limit for the call. */
export interface SafeRegex {
  /**
   * "linear": RE2JS, or V8 where the pattern's bound for the input fits `steps`; never fails on
   * the budget. "backtracking": V8 under the time allowance of `steps` (REGEX_BUDGET past it).
   */
  readonly engine: "linear" | "backtracking";
  /** Capturing groups in the pattern (group 0, the whole match, not counted). */
  readonly groupCount: number;
  /** Named capturing groups → their group number. */
  readonly groupNames: ReadonlyMap<string, number>;
  /** Whether some substring of `input` matches. */
  test(input: string, steps?: number): boolean;
  /** The leftmost match, or null. */
  first(input: string, steps?: number): RegexMatch | null;
  /**
   * Every non-overlapping match from left to right. After an empty match the search resumes one
   * character further on, as JavaScript's `replace` and Java's `Matcher.find` do.
   */
  all(input: string, steps?: number): RegexMatch[];
}

/**
 * How many budget steps the backtracking engine is granted per millisecond. V8 cannot count
 * backtracking steps, so the `regexSteps` limit becomes a wall-clock allowance: irregexp
 * explores well over a million backtracking steps a millisecond on this class of machine, so at
 * 100 000 a millisecond a match that a step-counting engine would finish within the budget
 * always finishes within its allowance (10 000 000 steps, the default, is 100 ms).
 */
export const REGEX_STEPS_PER_MS = 100_000;

const cache = new Map<string, SafeRegex | SyntaxError>();
const CACHE_SIZE = 1000;

/**
 * The pattern compiled once (cached by source and flags). `flags` may hold `i`, `s` and `m`.
 * Throws the SyntaxError JavaScript gives for an invalid pattern, for the caller to turn into its
 * own typed error.
 */
export function compileSafeRegex(source: string, flags = ""): SafeRegex {
  const key = `${flags}\u0000${source}`;
  let re = cache.get(key);
  if (re === undefined) {
    try {
      re = compileUncached(source, flags);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      re = e;
    }
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(key, re);
  }
  if (re instanceof SyntaxError) throw re;
  return re;
}

function compileUncached(source: string, flags: string): SafeRegex {
  // V8 is the judge of syntax for both engines, so that validity never depends on the engine.
  const native = new RegExp(source, `gdu${flags}`);
  const groups = scanGroups(source);
  const linear = toLinear(source, flags);
  if (!linear) return new BacktrackingRegex(native, groups);
  const shape = new ShapeParser(source).parse();
  const plain = new RegExp(source, `gu${flags}`);
  const fast =
    shape && shape.paths <= MAX_PATHS && shape.unbounded <= MAX_UNBOUNDED
      ? { shape, size: source.length, plain, indexed: groups.count === 0 ? plain : native }
      : null;
  return new LinearRegex(linear, groups, fast);
}

/**
 * The fast path. RE2JS is some ten times slower than V8 on the short strings models see, so a
 * pattern whose backtracking cost has a polynomial bound runs on V8 whenever that bound, for the
 * input at hand, fits the call's `regexSteps`: (n + 1) start positions × at most
 * `paths · (n + 1)^unbounded` ways to match from each × at most `min(width, n) + size` steps
 * per way. The analysis is conservative: a repetition of anything that can match in more than
 * one way (`(a+)+`, `(a|a)*`, `(a?)*` — the exponential shapes) has no shape and always runs on
 * RE2JS, and the bound overestimates the rest, so a long input simply moves to RE2JS. Either
 * engine gives the same answer: the one difference, captures of a repeated group that can match
 * in more than one way, has no shape either.
 */
interface Shape {
  /** Upper bound on the ways to match from one position, apart from the unbounded quantifiers' (n + 1) each. */
  paths: number;
  /** Unbounded quantifiers (`*`, `+`, `{n,}`), each over a rigid atom. */
  unbounded: number;
  /** Most code units one match can span (Infinity with an unbounded quantifier). */
  width: number;
  /** Matches in exactly one way (no alternation, no optional or variable count). */
  rigid: boolean;
  /** Holds a capturing group. */
  captures: boolean;
}

const MAX_PATHS = 1e6;
const MAX_UNBOUNDED = 3;
const ZERO_WIDTH: Shape = { paths: 1, unbounded: 0, width: 0, rigid: true, captures: false };
const ONE_CHAR: Shape = { paths: 1, unbounded: 0, width: 2, rigid: true, captures: false };

/** Whether V8 may run the pattern on `n` code units within `steps`. */
function fitsBudget(shape: Shape, size: number, n: number, steps: number): boolean {
  const cost = (n + 1) * shape.paths * (n + 1) ** shape.unbounded * (Math.min(shape.width, n) + size);
  return cost <= steps;
}

/** The shape of a u-mode pattern that V8 accepted; null where no polynomial bound is known (back references, lookaround, nested repetition). */
class ShapeParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): Shape | null {
    const shape = this.alternation();
    return shape && this.i === this.s.length ? shape : null;
  }

  private alternation(): Shape | null {
    const branches: Shape[] = [];
    for (;;) {
      const branch = this.sequence();
      if (!branch) return null;
      branches.push(branch);
      if (this.s[this.i] !== "|") break;
      this.i++;
    }
    if (branches.length === 1) return branches[0]!;
    return {
      paths: branches.reduce((t, b) => t + b.paths, 0),
      unbounded: Math.max(...branches.map((b) => b.unbounded)),
      width: Math.max(...branches.map((b) => b.width)),
      rigid: false,
      captures: branches.some((b) => b.captures),
    };
  }

  private sequence(): Shape | null {
    let acc: Shape = ZERO_WIDTH;
    while (this.i < this.s.length && this.s[this.i] !== "|" && this.s[this.i] !== ")") {
      const atom = this.atom();
      const item = atom && this.quantified(atom);
      if (!item) return null;
      acc = {
        paths: acc.paths * item.paths,
        unbounded: acc.unbounded + item.unbounded,
        width: acc.width + item.width,
        rigid: acc.rigid && item.rigid,
        captures: acc.captures || item.captures,
      };
    }
    return acc;
  }

  private atom(): Shape | null {
    const s = this.s;
    switch (s[this.i]) {
      case "(": {
        let capture = true;
        if (s[this.i + 1] !== "?") this.i++;
        else if (s[this.i + 2] === ":") {
          this.i += 3;
          capture = false;
        } else if (s[this.i + 2] === "<" && s[this.i + 3] !== "=" && s[this.i + 3] !== "!") this.i = s.indexOf(">", this.i) + 1;
        else return null; // lookaround
        const inner = this.alternation();
        if (!inner || s[this.i] !== ")") return null;
        this.i++;
        return { ...inner, captures: inner.captures || capture };
      }
      case "[":
        this.i = classEnd(s, this.i) + 1;
        return ONE_CHAR;
      case "^":
      case "$":
        this.i++;
        return ZERO_WIDTH;
      case "\\": {
        const c = s[this.i + 1]!;
        if ((c >= "1" && c <= "9") || c === "k") return null; // a back reference
        if (c === "b" || c === "B") {
          this.i += 2;
          return ZERO_WIDTH;
        }
        if ((c === "u" && s[this.i + 2] === "{") || c === "p" || c === "P") this.i = s.indexOf("}", this.i) + 1;
        else this.i += c === "u" ? 6 : c === "x" ? 4 : c === "c" ? 3 : 2;
        return ONE_CHAR;
      }
      default:
        this.i += (s.codePointAt(this.i) ?? 0) > 0xffff ? 2 : 1;
        return ONE_CHAR;
    }
  }

  private quantified(x: Shape): Shape | null {
    const s = this.s;
    let min: number, max: number;
    const count = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i, this.i + 24));
    switch (s[this.i]) {
      case "*":
        min = 0;
        max = Infinity;
        this.i++;
        break;
      case "+":
        min = 1;
        max = Infinity;
        this.i++;
        break;
      case "?":
        min = 0;
        max = 1;
        this.i++;
        break;
      case "{":
        if (!count) return x;
        min = Number(count[1]);
        max = count[2] === undefined ? min : count[3] === "" ? Infinity : Number(count[3]);
        this.i += count[0].length;
        break;
      default:
        return x;
    }
    if (s[this.i] === "?") this.i++; // lazy: the same ways, tried in another order
    // V8 resets the captures of a repeated group each time round, RE2 keeps the last one: only a
    // rigid group (it captures on every iteration) means the same on both.
    if (x.captures && !x.rigid) return null;
    if (max === Infinity) {
      // A repetition of anything that can match in more than one way is exponential: (a+)+, (a|b)*.
      if (!x.rigid || x.width === 0) return null;
      return { paths: 1, unbounded: 1, width: Infinity, rigid: false, captures: x.captures };
    }
    if (max > 1000) return null;
    return {
      paths: (max - min + 1) * x.paths ** max,
      unbounded: x.unbounded * max,
      width: x.width * max,
      rigid: x.rigid && min === max,
      captures: x.captures,
    };
  }
}

interface GroupInfo {
  count: number;
  names: Map<string, number>;
}

/** Capturing groups in order, with their names (u-mode syntax: no nested classes, escapes are `\` + one character onwards). */
function scanGroups(source: string): GroupInfo {
  const names = new Map<string, number>();
  let count = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      continue;
    }
    if (ch === "[") {
      inClass = true;
      continue;
    }
    if (ch !== "(") continue;
    if (source[i + 1] !== "?") {
      count++;
      continue;
    }
    if (source[i + 2] === "<" && source[i + 3] !== "=" && source[i + 3] !== "!") {
      count++;
      names.set(source.slice(i + 3, source.indexOf(">", i + 3)), count);
    }
  }
  return { count, names };
}

/**
 * JavaScript's white space and line terminators (ECMA-262 WhiteSpace and LineTerminator), the
 * set `\s` stands for: RE2's `\s` is ASCII only.
 */
const JS_SPACE = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
/** What `.` excludes without the `s` flag; RE2's `.` excludes `\n` alone. */
const JS_LINE_END = "\\n\\r\\u2028\\u2029";

/**
 * The pattern rewritten so that RE2 gives it its JavaScript meaning, then in RE2 syntax and
 * compiled; null when RE2 cannot express it (the caller falls back to the bounded engine).
 */
function toLinear(source: string, flags: string): RE2JS | null {
  const multiline = flags.includes("m");
  const ignoreCase = flags.includes("i");
  let out = "";
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") {
      const c = source[i + 1];
      if (c === "s") out += `[${JS_SPACE}]`;
      else if (c === "S") out += `[^${JS_SPACE}]`;
      else if (c === "k")
        return null; // a named back reference (RE2JS's translation would read it as the text "k<name>")
      else if (c === "P" && ignoreCase)
        return null; // V8 folds case after negating: /\P{Lu}/iu matches every letter
      else out += `\\${c}`;
      i++;
      continue;
    }
    // The Java translation writes \A and \z as "no character before/after"; RE2 has them as ^ and $.
    if (!multiline && source.startsWith(NOTHING_BEFORE, i)) {
      out += "^";
      i += NOTHING_BEFORE.length - 1;
      continue;
    }
    if (!multiline && source.startsWith(NOTHING_AFTER, i)) {
      out += "$";
      i += NOTHING_AFTER.length - 1;
      continue;
    }
    switch (ch) {
      case "[": {
        const end = classEnd(source, i);
        const body = linearClass(source.slice(i, end + 1), ignoreCase);
        if (body === null) return null;
        out += body;
        i = end;
        continue;
      }
      case ".":
        out += flags.includes("s") ? "." : `[^${JS_LINE_END}]`;
        continue;
      case "^":
        // Multi-line ^ also follows \r, U+2028 and U+2029 in JavaScript; RE2's follows \n only.
        out += multiline ? `(?<![^${JS_LINE_END}])` : "^";
        continue;
      case "$":
        if (multiline) return null; // the same for $ would need a lookahead
        out += "$";
        continue;
      default:
        out += ch;
    }
  }
  return compileRe2(out, flags.replace("m", ""));
}

const NOTHING_BEFORE = "(?<![\\s\\S])";
const NOTHING_AFTER = "(?![\\s\\S])";

/** Index of the `]` closing the class that opens at `start` (u mode: the first unescaped `]`). */
function classEnd(source: string, start: number): number {
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "]") return i;
  }
  return source.length - 1; // unreachable: V8 has already accepted the pattern
}

/** A character class with JavaScript's `\s`; null when RE2 cannot say it. */
function linearClass(text: string, ignoreCase: boolean): string | null {
  // "Any character": the Java translation's [\s\S], and JavaScript's [^].
  if (text === "[\\s\\S]" || text === "[\\S\\s]" || text === "[^]") return "[\\u0000-\\u{10ffff}]";
  if (text === "[]") return null; // matches nothing; RE2 has no empty class
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "\\") {
      out += text[i];
      continue;
    }
    const c = text[++i];
    if (c === "s") out += JS_SPACE;
    else if (c === "S")
      return null; // a negated set inside a class
    else if (c === "P" && ignoreCase) return null;
    else out += `\\${c}`;
  }
  return out;
}

function compileRe2(jsSource: string, flags: string): RE2JS | null {
  const { RE2JS, RE2JSException } = re2();
  try {
    const translated = RE2JS.translateRegExp(new RegExp(jsSource, `u${flags}`));
    const lookbehind = /\(\?<[=!]/.test(translated);
    return RE2JS.compile(translated, lookbehind ? RE2JS.LOOKBEHINDS : 0);
  } catch (e) {
    if (e instanceof RE2JSException || e instanceof SyntaxError) return null;
    throw e;
  }
}

/**
 * V8 copies of a pattern with a shape: `plain` for tests, `indexed` for spans (the `d` flag,
 * which costs an array per group and match, only where there are groups).
 */
interface FastPath {
  shape: Shape;
  size: number;
  plain: RegExp;
  indexed: RegExp;
}

class LinearRegex implements SafeRegex {
  readonly engine = "linear";
  readonly groupCount: number;
  readonly groupNames: ReadonlyMap<string, number>;
  constructor(
    private readonly re: RE2JS,
    groups: GroupInfo,
    private readonly fast: FastPath | null,
  ) {
    this.groupCount = groups.count;
    this.groupNames = groups.names;
  }

  /** Whether V8 runs this call: its worst case on `input` fits the budget. */
  private native(input: string, steps: number | undefined): FastPath | null {
    const fast = this.fast;
    return fast && fitsBudget(fast.shape, fast.size, input.length, steps ?? DEFAULT_LIMITS.regexSteps) ? fast : null;
  }

  test(input: string, steps?: number): boolean {
    const fast = this.native(input, steps);
    if (fast) {
      fast.plain.lastIndex = 0;
      return fast.plain.test(input);
    }
    return this.re.test(input);
  }

  first(input: string, steps?: number): RegexMatch | null {
    const fast = this.native(input, steps);
    if (fast) {
      fast.indexed.lastIndex = 0;
      const m = fast.indexed.exec(input);
      return m ? toMatch(m) : null;
    }
    const m = this.re.matcher(input);
    return m.find() ? this.spans(m) : null;
  }

  all(input: string, steps?: number): RegexMatch[] {
    const fast = this.native(input, steps);
    if (fast) return nativeAll(fast.indexed, input);
    const m = this.re.matcher(input);
    const out: RegexMatch[] = [];
    while (m.find()) out.push(this.spans(m));
    return out;
  }

  private spans(m: ReturnType<RE2JS["matcher"]>): RegexMatch {
    const spans = new Array<number>(2 * (this.groupCount + 1));
    for (let g = 0; g <= this.groupCount; g++) {
      spans[2 * g] = m.start(g);
      spans[2 * g + 1] = m.end(g);
    }
    return { spans };
  }
}

/** Runs `job` in a context whose timeout interrupts V8's matcher (a plain call could not be stopped). */
const sandbox = vm.createContext(Object.create(null) as object);
const runJob = new vm.Script("job()");

type Indices = (readonly [number, number] | undefined)[];

class BacktrackingRegex implements SafeRegex {
  readonly engine = "backtracking";
  readonly groupCount: number;
  readonly groupNames: ReadonlyMap<string, number>;
  constructor(
    private readonly re: RegExp,
    groups: GroupInfo,
  ) {
    this.groupCount = groups.count;
    this.groupNames = groups.names;
  }

  test(input: string, steps?: number): boolean {
    return this.first(input, steps) !== null;
  }

  first(input: string, steps?: number): RegexMatch | null {
    return this.bounded(steps, () => {
      this.re.lastIndex = 0;
      const m = this.re.exec(input);
      return m ? toMatch(m) : null;
    });
  }

  all(input: string, steps?: number): RegexMatch[] {
    return this.bounded(steps, () => nativeAll(this.re, input));
  }

  /** The whole search runs in one `vm` call: each call starts a watchdog thread. */
  private bounded<T>(steps: number | undefined, job: () => T): T {
    const budget = steps ?? DEFAULT_LIMITS.regexSteps;
    const ms = Math.max(1, Math.ceil(budget / REGEX_STEPS_PER_MS));
    const context = sandbox as { job?: () => T };
    context.job = job;
    try {
      return runJob.runInContext(sandbox, { timeout: ms }) as T;
    } catch (e) {
      if ((e as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
        throw new EvaluationError(
          "REGEX_BUDGET",
          `regular expression /${this.re.source}/ ran past its budget of ${budget} steps (${ms} ms for the backtracking engine)`,
          { value: this.re.source },
        );
      }
      throw e;
    } finally {
      context.job = undefined;
    }
  }
}

/** Every match of a `g` RegExp (`d` where it has groups); an empty match moves on one code point, as String#replace does in u mode. */
function nativeAll(re: RegExp, input: string): RegexMatch[] {
  const out: RegexMatch[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(input); m !== null; m = re.exec(input)) {
    out.push(toMatch(m));
    if (m[0] === "") re.lastIndex += (input.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
  }
  return out;
}

function toMatch(m: RegExpExecArray): RegexMatch {
  const indices = (m as RegExpExecArray & { indices?: Indices }).indices;
  if (indices === undefined) return { spans: [m.index, m.index + m[0].length] }; // no groups, no `d` flag
  const spans = new Array<number>(2 * indices.length);
  for (let g = 0; g < indices.length; g++) {
    const span = indices[g];
    spans[2 * g] = span ? span[0] : -1;
    spans[2 * g + 1] = span ? span[1] : -1;
  }
  return { spans };
}
