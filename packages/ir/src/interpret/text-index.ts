import type { TextIndexExpr, TextIndexNormalization } from "../expr.ts";
import { EvaluationError, SchemaError } from "../errors.ts";
import { formatValue, type Value } from "../values.ts";
import { compileSafeRegex, type SafeRegex } from "../regex.ts";

/**
 * PMML 4.4 §Transformations "TextIndex": how often a term occurs in a text, with the
 * semantics of JPMML-Evaluator (the reference Porta agrees with):
 *
 * 1. The text goes through each TextIndexNormalization in order; each InlineTable row replaces
 *    every occurrence of its inField cell (a regex when the regexField cell is "true", else a
 *    literal) with its outField cell; `recursive` reapplies the table until nothing changes.
 *    The term is not normalised.
 * 2. Text and term are split at matches of wordSeparatorCharacterRE; each token loses its
 *    leading and trailing punctuation (Unicode category P) and empty tokens are dropped. With
 *    JPMML's x-wordRE extension the tokens are the regex's matches instead.
 * 3. The term (n tokens) is compared with every window of n consecutive text tokens; a window
 *    matches when the Levenshtein distances of its tokens add up to at most
 *    maxLevenshteinDistance (case folded unless isCaseSensitive). allHits counts every matching
 *    window, bestHits only those at the smallest distance found.
 * 4. localTermWeights: termFrequency is the count, binary min(count, 1), logarithmic
 *    log10(1 + count), augmentedNormalizedTermFrequency 0.5 * (binary + count / m), where m is
 *    the count of the most frequent token of the text (JPMML refuses this weight; the formula is
 *    the spec's, m as the other open implementation, KIE drools, reads it).
 *
 * A missing text or term gives a missing result (JPMML, after DMG mantis issue 171).
 */

/**
 * The largest maxLevenshteinDistance accepted. Bounded edit distance costs O(token length ×
 * distance); beyond any realistic token length a larger bound only changes the cost, so a
 * larger value is refused as a malformed document rather than scored.
 */
export const MAX_LEVENSHTEIN_DISTANCE = 1000;

/**
 * Passes a recursive TextIndexNormalization may make. JPMML loops until the table changes
 * nothing, which never ends for a row like a → aa; Porta stops with an evaluation error.
 */
export const MAX_NORMALIZATION_PASSES = 1000;

/**
 * Characters a normalised text may grow to (or four times its own length, when more): a row
 * like a → aa doubles the text per pass, and V8 needs about a second per million replacements.
 */
export const MAX_NORMALIZED_CHARS = 1 << 18;

/**
 * The one place TextIndex compiles a regular expression (wordSeparatorCharacterRE, x-wordRE and
 * normalisation rows), on the project's safe engine (packages/ir/src/regex.ts: linear RE2JS, or
 * V8 under the regexSteps budget for what only backtracking can do, REGEX_BUDGET past it), so a
 * document's pattern cannot run away on a row's text. `i` for a case-insensitive normalisation
 * table. Leading Java inline flags, which JPMML-SkLearn writes ("(?u)\b\w\w+\b"), become JS flags:
 * (?i) → i, (?s) → s, (?m) → m; (?u) (Unicode case folding) and (?U) change nothing JS can
 * express and are dropped, so \w stays ASCII as in java.util.regex without (?U).
 * A pattern JS cannot compile is a SchemaError at `path`.
 */
export function compileTextRegex(source: string, caseSensitive: boolean, path: string | undefined): SafeRegex {
  let flags = caseSensitive ? "" : "i";
  let body = source;
  for (let m = /^\(\?([a-zA-Z]+)\)/.exec(body); m !== null; m = /^\(\?([a-zA-Z]+)\)/.exec(body)) {
    for (const f of m[1]) {
      if (f === "i" || f === "s" || f === "m") {
        if (!flags.includes(f)) flags += f;
      } else if (f !== "u" && f !== "U") throw new SchemaError("PMML_TEXT_INDEX_REGEX", `inline flag (?${f}) is not supported`, { path, value: source });
    }
    body = body.slice(m[0].length);
  }
  try {
    return compileSafeRegex(body, flags);
  } catch (e) {
    throw new SchemaError("PMML_TEXT_INDEX_REGEX", `invalid regular expression: ${(e as Error).message}`, { path, value: source });
  }
}

/** A literal inField cell as a pattern matching exactly that text (Java's Pattern.quote). */
function quoteRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

interface PreparedRow {
  re: SafeRegex;
  replacement: Replacement;
}

interface PreparedNormalization {
  rows: PreparedRow[];
  recursive: boolean;
  path?: string;
}

interface PreparedTextIndex {
  /** Splits at separator matches, or (x-wordRE) collects word matches. */
  tokenizer: Tokenizer;
  normalizations: PreparedNormalization[];
  /** Identifies how texts are turned into tokens, to share the token cache between TextIndex nodes. */
  tokenKey: string;
  /** Tokens (case folded unless case-sensitive) of the terms seen, usually one Constant. */
  terms: Map<string, string[]>;
}

const prepared = new WeakMap<TextIndexExpr, PreparedTextIndex>();

/**
 * Checks and compiles a TextIndex once (the PMML reader calls it, so a bad regex or distance is
 * a SchemaError at load time, not at the first row).
 */
export function prepareTextIndex(expr: TextIndexExpr): void {
  preparedOf(expr);
}

function preparedOf(expr: TextIndexExpr): PreparedTextIndex {
  let p = prepared.get(expr);
  if (p !== undefined) return p;
  const d = expr.maxLevenshteinDistance;
  if (!Number.isInteger(d) || d < 0 || d > MAX_LEVENSHTEIN_DISTANCE) {
    throw new SchemaError("PMML_TEXT_INDEX_LEVENSHTEIN", `TextIndex maxLevenshteinDistance must be an integer from 0 to ${MAX_LEVENSHTEIN_DISTANCE}`, {
      path: expr.path,
      value: d,
    });
  }
  if (!expr.tokenize) {
    // Validated here as well as by the reader, for IR built by hand.
    throw new SchemaError("PMML_TEXT_INDEX_TOKENIZE", 'TextIndex with tokenize="false" has no defined term matching', { path: expr.path, value: false });
  }
  const tokenizer: Tokenizer =
    expr.wordRE !== undefined
      ? { words: true, re: compileTextRegex(expr.wordRE, true, expr.path) }
      : { words: false, re: compileTextRegex(expr.wordSeparatorCharacterRE, true, expr.path) };
  const normalizations = expr.normalizations.map((n) => prepareNormalization(n, expr.isCaseSensitive));
  const tokenKey = JSON.stringify([
    expr.wordRE ?? null,
    expr.wordSeparatorCharacterRE,
    expr.isCaseSensitive,
    expr.normalizations.map((n) => [n.rows, n.recursive, n.isCaseSensitive]),
  ]);
  p = { tokenizer, normalizations, tokenKey, terms: new Map() };
  prepared.set(expr, p);
  return p;
}

function prepareNormalization(n: TextIndexNormalization, indexCaseSensitive: boolean): PreparedNormalization {
  const caseSensitive = n.isCaseSensitive ?? indexCaseSensitive;
  return {
    rows: n.rows.map((r) => {
      const source = r.regex ? r.search : quoteRegex(r.search);
      return { re: compileTextRegex(source, caseSensitive, n.path), replacement: parseReplacement(r.replacement, source, n.path) };
    }),
    recursive: n.recursive,
    path: n.path,
  };
}

/** A replacement as literal text and group references, checked against its pattern once. */
type Replacement = (string | number | { name: string })[];

/**
 * Parses a replacement with java.util.regex.Matcher.replaceAll's syntax (JPMML applies the
 * outField cell through it): `$n` and `${name}` insert a group, a backslash takes the next
 * character literally. JS's own `$&`, `$'`, `` $` `` and `$$` are not special there.
 */
function parseReplacement(replacement: string, source: string, path: string | undefined): Replacement {
  const pattern = compileTextRegex(source, true, path);
  const groupCount = pattern.groupCount;
  const names = new Set(pattern.groupNames.keys());
  const bad = (why: string): never => {
    throw new SchemaError("PMML_TEXT_INDEX_REPLACEMENT", why, { path, value: replacement });
  };
  const parts: Replacement = [];
  let lit = "";
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c === "\\") {
      if (i + 1 >= replacement.length) bad("replacement ends in a lone backslash");
      lit += replacement[++i];
    } else if (c === "$") {
      if (lit) {
        parts.push(lit);
        lit = "";
      }
      if (replacement[i + 1] === "{") {
        const end = replacement.indexOf("}", i);
        const name = end < 0 ? "" : replacement.slice(i + 2, end);
        if (!names.has(name)) bad(`replacement names group "${name}", which the pattern lacks`);
        parts.push({ name });
        i = end;
      } else if (/[0-9]/.test(replacement[i + 1] ?? "")) {
        // Java reads as many digits as still name an existing group.
        let k = Number(replacement[++i]);
        if (k > groupCount) bad(`replacement refers to group ${k}, the pattern has ${groupCount}`);
        while (/[0-9]/.test(replacement[i + 1] ?? "") && k * 10 + Number(replacement[i + 1]) <= groupCount) k = k * 10 + Number(replacement[++i]);
        parts.push(k);
      } else {
        bad('replacement has a "$" that names no group');
      }
    } else {
      lit += c;
    }
  }
  if (lit || parts.length === 0) parts.push(lit);
  return parts;
}

function replaceAll(text: string, re: SafeRegex, replacement: Replacement): string {
  const matches = re.all(text);
  if (matches.length === 0) return text;
  let out = "";
  let index = 0;
  for (const { spans } of matches) {
    out += text.slice(index, spans[0]);
    for (const part of replacement) {
      if (typeof part === "string") out += part;
      else {
        const g = typeof part === "number" ? part : (re.groupNames.get(part.name) ?? -1);
        if (g >= 0 && spans[2 * g] >= 0) out += text.slice(spans[2 * g], spans[2 * g + 1]);
      }
    }
    index = spans[1];
  }
  return out + text.slice(index);
}

function normalize(p: PreparedTextIndex, text: string): string {
  const maxChars = Math.max(MAX_NORMALIZED_CHARS, 4 * text.length);
  const fail = (why: string, n: PreparedNormalization, value: string): never => {
    throw new EvaluationError("PMML_TEXT_INDEX_NORMALIZATION", why, { path: n.path, value: value.length > 80 ? `${value.slice(0, 77)}...` : value });
  };
  for (const n of p.normalizations) {
    for (let pass = 0; ; pass++) {
      if (pass >= MAX_NORMALIZATION_PASSES) fail(`a recursive TextIndexNormalization still changed the text after ${MAX_NORMALIZATION_PASSES} passes`, n, text);
      let next = text;
      for (const row of n.rows) {
        next = replaceAll(next, row.re, row.replacement);
        if (next.length > maxChars) fail(`TextIndexNormalization made the text longer than ${maxChars} characters`, n, text);
      }
      const changed = next !== text;
      text = next;
      // "If the recursive flag is set to true, then the normalization table is reapplied until
      // none of its rows causes a change to the input text."
      if (!n.recursive || !changed) break;
    }
  }
  return text;
}

const PUNCTUATION = /\p{P}/u;

/** Trims leading and trailing punctuation, one UTF-16 unit at a time (as Java's char-wise check). */
function trimPunctuation(token: string): string {
  let begin = 0,
    end = token.length;
  while (begin < end && PUNCTUATION.test(token[begin])) begin++;
  while (end > begin && PUNCTUATION.test(token[end - 1])) end--;
  return begin > 0 || end < token.length ? token.slice(begin, end) : token;
}

interface Tokenizer {
  words: boolean;
  re: SafeRegex;
}

/**
 * Text to tokens. A separator splits at every match (a zero-length match separates too, as the
 * java.util.regex find loop); the pieces lose their edge punctuation and empty ones are dropped.
 * An x-wordRE's matches are the tokens as they are ("matching is assumed to yield clean
 * tokens", JPMML's documentation of the extension).
 */
function tokenize(tokenizer: Tokenizer, text: string): string[] {
  const tokens: string[] = [];
  if (text === "") return tokens;
  const push = (piece: string) => {
    const t = trimPunctuation(piece);
    if (t !== "") tokens.push(t);
  };
  let index = 0;
  for (const { spans } of tokenizer.re.all(text)) {
    if (tokenizer.words) tokens.push(text.slice(spans[0], spans[1]));
    else push(text.slice(index, spans[0]));
    index = spans[1];
  }
  if (!tokenizer.words) push(text.slice(index));
  return tokens;
}

/**
 * Case folding per UTF-16 unit, so that equal folds mean Java's equalsIgnoreCase (upper case,
 * then lower case, of each char; a char whose case mapping is not one char stays itself).
 */
function foldCase(s: string): string {
  let out = "";
  for (const c of s.split("")) {
    let u = c.toUpperCase();
    if (u.length !== 1) u = c;
    let l = u.toLowerCase();
    if (l.length !== 1) l = u;
    out += l;
  }
  return out;
}

/**
 * Levenshtein distance of a and b when at most `limit`, else -1. Rows of the edit table whose
 * smallest entry already exceeds the limit stop the computation.
 */
export function boundedLevenshtein(a: string, b: string, limit: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return -1;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(prev[j - 1] + cost, prev[j] + 1, cur[j - 1] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return -1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length] <= limit ? prev[b.length] : -1;
}

interface TextTokens {
  tokens: string[];
  /** Count of the most frequent token (augmentedNormalizedTermFrequency), computed on first use. */
  maxCount?: number;
}

/**
 * Tokenised texts per tokenisation setting. nyoka and JPMML-SkLearn write one TextIndex per
 * vocabulary term over the same text, so a row would otherwise tokenise its text once per term,
 * and compile-js's per-category tables walk every text of a batch once per term: the cache must
 * hold a batch's distinct texts to help there. Bounded by texts and characters; a full cache is
 * cleared.
 */
const tokenCache = new Map<string, { byText: Map<string, TextTokens>; chars: number }>();
const CACHED_SETTINGS = 64;
const CACHED_TEXTS = 1 << 16;
const CACHED_CHARS = 1 << 24;
/** Distinct terms remembered per TextIndex (a FieldRef term may vary per row). */
const CACHED_TERMS = 256;

function textTokens(p: PreparedTextIndex, caseSensitive: boolean, text: string): TextTokens {
  let cache = tokenCache.get(p.tokenKey);
  if (cache === undefined) {
    if (tokenCache.size >= CACHED_SETTINGS) tokenCache.clear();
    cache = { byText: new Map(), chars: 0 };
    tokenCache.set(p.tokenKey, cache);
  }
  let entry = cache.byText.get(text);
  if (entry === undefined) {
    const tokens = tokenize(p.tokenizer, normalize(p, text));
    entry = { tokens: caseSensitive ? tokens : tokens.map(foldCase) };
    if (cache.byText.size >= CACHED_TEXTS || cache.chars + text.length > CACHED_CHARS) {
      cache.byText.clear();
      cache.chars = 0;
    }
    cache.byText.set(text, entry);
    cache.chars += text.length;
  }
  return entry;
}

function maxTokenCount(t: TextTokens): number {
  if (t.maxCount === undefined) {
    const counts = new Map<string, number>();
    let max = 0;
    for (const tok of t.tokens) {
      const c = (counts.get(tok) ?? 0) + 1;
      counts.set(tok, c);
      if (c > max) max = c;
    }
    t.maxCount = max;
  }
  return t.maxCount;
}

/** How many windows of the text match the term (allHits), or match it at the best distance (bestHits). */
export function termFrequency(text: readonly string[], term: readonly string[], maxDistance: number, bestHits: boolean): number {
  if (text.length === 0 || term.length === 0) return 0;
  let count = 0;
  let best = Infinity;
  windows: for (let i = 0; i + term.length <= text.length; i++) {
    let distance = 0;
    for (let j = 0; j < term.length; j++) {
      const budget = maxDistance - distance;
      const d = budget === 0 ? (text[i + j] === term[j] ? 0 : -1) : boundedLevenshtein(text[i + j], term[j], budget);
      if (d < 0) continue windows;
      distance += d;
    }
    if (!bestHits) count++;
    else if (distance < best) {
      best = distance;
      count = 1;
    } else if (distance === best) count++;
  }
  return count;
}

/** Evaluates a TextIndex given the values of its text field and term. */
export function evaluateTextIndex(expr: TextIndexExpr, text: Value, term: Value): Value {
  const p = preparedOf(expr);
  if (text === null || term === null) return null;
  const cs = expr.isCaseSensitive;
  const doc = textTokens(p, cs, typeof text === "string" ? text : formatValue(text));
  const termText = typeof term === "string" ? term : formatValue(term);
  let termTokens = p.terms.get(termText);
  if (termTokens === undefined) {
    const tokens = tokenize(p.tokenizer, termText);
    termTokens = cs ? tokens : tokens.map(foldCase);
    if (p.terms.size >= CACHED_TERMS) p.terms.clear();
    p.terms.set(termText, termTokens);
  }
  const tf = termFrequency(doc.tokens, termTokens, expr.maxLevenshteinDistance, expr.countHits === "bestHits");
  switch (expr.localTermWeights) {
    case "termFrequency":
      return tf;
    case "binary":
      return Math.min(tf, 1);
    case "logarithmic":
      return Math.log10(1 + tf);
    case "augmentedNormalizedTermFrequency":
      // tf = 0 gives 0 (both parts vanish) even for a text without tokens (m = 0).
      return tf === 0 ? 0 : 0.5 * (1 + tf / maxTokenCount(doc));
  }
}
