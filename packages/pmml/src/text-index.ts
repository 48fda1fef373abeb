import { compileTextRegex, MAX_LEVENSHTEIN_DISTANCE, prepareTextIndex, SchemaError, type TextIndexExpr, type TextIndexNormalization } from "@porta/ir";
import { booleanAttr, enumAttr } from "./attributes.ts";
import { expressionChild, unsupported } from "./dictionary.ts";
import { columnName, parseExpression } from "./expressions.ts";
import type { XmlElement } from "./xml.ts";

const LOCAL_TERM_WEIGHTS = ["termFrequency", "binary", "logarithmic", "augmentedNormalizedTermFrequency"] as const;
const COUNT_HITS = ["allHits", "bestHits"] as const;

/**
 * PMML 4.4 changed the default of wordSeparatorCharacterRE to `\s+` (PMML 4.4 Changes,
 * Transformations); documents of every version are read with it, as JPMML does.
 */
const DEFAULT_WORD_SEPARATOR = "\\s+";

/** TextIndex (PMML 4.4 §Transformations "TextIndex") to IR, checked and compiled once. */
export function parseTextIndex(el: XmlElement): TextIndexExpr {
  // tokenize="false" has no term matching in the spec that an evaluator could reproduce;
  // JPMML refuses it the same way.
  if (!booleanAttr(el, "tokenize", true)) unsupported(el, 'TextIndex tokenize="false"');
  const expr: TextIndexExpr = {
    kind: "textIndex",
    textField: requiredTextField(el),
    term: parseTerm(expressionChild(el)),
    localTermWeights: enumAttr(el, "localTermWeights", LOCAL_TERM_WEIGHTS, "termFrequency"),
    isCaseSensitive: booleanAttr(el, "isCaseSensitive", false),
    maxLevenshteinDistance: levenshteinAttr(el) ?? 0,
    countHits: enumAttr(el, "countHits", COUNT_HITS, "allHits"),
    wordSeparatorCharacterRE: el.attr("wordSeparatorCharacterRE") ?? DEFAULT_WORD_SEPARATOR,
    wordRE: el.attr("x-wordRE"),
    tokenize: true,
    normalizations: el.children("TextIndexNormalization").map(parseNormalization),
    path: el.path,
  };
  prepareTextIndex(expr);
  return expr;
}

function requiredTextField(el: XmlElement): string {
  const name = el.attr("textField");
  if (name === undefined || name === "") throw new SchemaError("PMML_MISSING_ATTRIBUTE", "TextIndex needs a textField", { path: el.path, value: "textField" });
  return name;
}

/**
 * The term. A Constant without a dataType stays the exact text of the document: read as a
 * number, a vocabulary entry like "1.50" or "007" would come back as "1.5" or "7".
 */
function parseTerm(el: XmlElement): TextIndexExpr["term"] {
  if (el.name === "Constant" && el.attr("dataType") === undefined && el.attr("missing") !== "true") {
    return { kind: "constant", value: el.text(), dataType: "string", path: el.path };
  }
  return parseExpression(el);
}

/** maxLevenshteinDistance: a non-negative integer no larger than MAX_LEVENSHTEIN_DISTANCE. */
function levenshteinAttr(el: XmlElement): number | undefined {
  const text = el.attr("maxLevenshteinDistance");
  if (text === undefined) return undefined;
  const n = /^\s*\+?[0-9]+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n > MAX_LEVENSHTEIN_DISTANCE) {
    throw new SchemaError("PMML_TEXT_INDEX_LEVENSHTEIN", `${el.name}/@maxLevenshteinDistance must be an integer from 0 to ${MAX_LEVENSHTEIN_DISTANCE}`, {
      path: `${el.path}/@maxLevenshteinDistance`,
      value: text,
    });
  }
  return n;
}

/**
 * One TextIndexNormalization. Its own maxLevenshteinDistance, tokenize,
 * wordSeparatorCharacterRE and x-wordRE are checked but change nothing: rows replace text in the whole
 * string, never per token (JPMML computes a tokenizer for them and does not use it).
 */
function parseNormalization(el: XmlElement): TextIndexNormalization {
  if (el.child("TableLocator")) unsupported(el, "TextIndexNormalization/TableLocator");
  levenshteinAttr(el);
  booleanAttr(el, "tokenize", true);
  const inField = columnName(el.attr("inField") ?? "string");
  const outField = columnName(el.attr("outField") ?? "stem");
  const regexField = columnName(el.attr("regexField") ?? "regex");
  const table = el.child("InlineTable");
  const rows = (table?.children("row") ?? []).map((r) => {
    const cells = new Map<string, string>();
    for (const cell of r.children()) cells.set(cell.name, cell.text());
    const search = cells.get(inField);
    const replacement = cells.get(outField);
    if (search === undefined)
      throw new SchemaError("PMML_TEXT_INDEX_ROW", `row has no "${inField}" cell (the inField column)`, { path: r.path, value: inField });
    if (replacement === undefined)
      throw new SchemaError("PMML_TEXT_INDEX_ROW", `row has no "${outField}" cell (the outField column)`, { path: r.path, value: outField });
    // "If there is a regexField column and its value for that row is true, then the string in
    // the inField column should be treated as a PCRE regular expression."
    return { search, replacement, regex: (cells.get(regexField) ?? "").trim().toLowerCase() === "true" };
  });
  const isCaseSensitive = el.attr("isCaseSensitive") === undefined ? undefined : booleanAttr(el, "isCaseSensitive", false);
  const separator = el.attr("wordSeparatorCharacterRE");
  if (separator !== undefined) compileTextRegex(separator, true, `${el.path}/@wordSeparatorCharacterRE`);
  const wordRE = el.attr("x-wordRE");
  if (wordRE !== undefined) compileTextRegex(wordRE, true, `${el.path}/@x-wordRE`);
  return { rows, recursive: booleanAttr(el, "recursive", false), isCaseSensitive, path: el.path };
}
