import { SchemaError, parseNumber } from "@porta/ir";
import type { XmlElement } from "./xml.ts";

/** Typed attribute access with errors that name the element path and the offending value. */
export function requiredAttr(el: XmlElement, name: string): string {
  return el.attr(name) ?? missingAttribute(el, name);
}

/** requiredAttr for a value that repeats across the document (a field name, a class label): see XmlElement.sharedAttr. */
export function requiredSharedAttr(el: XmlElement, name: string): string {
  return el.sharedAttr(name) ?? missingAttribute(el, name);
}

function missingAttribute(el: XmlElement, name: string): never {
  throw new SchemaError("PMML_MISSING_ATTRIBUTE", `${el.name} needs the attribute "${name}"`, { path: el.path, value: name });
}

export function numberAttr(el: XmlElement, name: string): number | undefined;
export function numberAttr(el: XmlElement, name: string, fallback: number): number;
export function numberAttr(el: XmlElement, name: string, fallback?: number): number | undefined {
  const v = el.attr(name);
  if (v === undefined) return fallback;
  const n = parseNumber(v);
  if (n === undefined) {
    throw new SchemaError("PMML_BAD_NUMBER", `${el.name}/@${name} is not a number`, { path: `${el.path}/@${name}`, value: v });
  }
  return n;
}

export function requiredNumberAttr(el: XmlElement, name: string): number {
  const n = numberAttr(el, name);
  if (n === undefined) return parseNumber(requiredAttr(el, name)) ?? NaN;
  return n;
}

export function enumAttr<T extends string>(el: XmlElement, name: string, allowed: readonly T[], fallback: T): T;
export function enumAttr<T extends string>(el: XmlElement, name: string, allowed: readonly T[]): T | undefined;
export function enumAttr<T extends string>(el: XmlElement, name: string, allowed: readonly T[], fallback?: T): T | undefined {
  const v = el.attr(name);
  if (v === undefined) return fallback;
  const k = (allowed as readonly string[]).indexOf(v);
  if (k < 0) {
    throw new SchemaError("PMML_BAD_ATTRIBUTE", `${el.name}/@${name} must be one of ${allowed.join(", ")}`, { path: `${el.path}/@${name}`, value: v });
  }
  // The allowed constant, not the text read: a forest's million operators are then one string each.
  return allowed[k];
}

export function booleanAttr(el: XmlElement, name: string, fallback: boolean): boolean {
  const v = el.attr(name);
  if (v === undefined) return fallback;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw new SchemaError("PMML_BAD_ATTRIBUTE", `${el.name}/@${name} must be true or false`, { path: `${el.path}/@${name}`, value: v });
}

/**
 * Splits the content of a PMML Array (§Array): whitespace separated, string items may be
 * double-quoted with `\"` escapes.
 */
export function parseArrayContent(text: string, quoting = true): string[] {
  // JPMML's tokenizer (jpmml-model ArrayUtil): whitespace separates tokens; in a string Array a
  // double quote opens a quoted run, inside which only \" is an escape (any other backslash is
  // kept as written); a token that starts and ends with a quote loses those two quotes.
  // int and real Arrays give quotes no meaning.
  const out: string[] = [];
  let token = "";
  let quoted = false;
  const flush = (): void => {
    const strip = quoting && token.length > 1 && token[0] === '"' && token[token.length - 1] === '"';
    out.push(strip ? token.slice(1, -1) : token);
    token = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\" && i < text.length - 1) {
        if (text[i + 1] === '"') {
          token += '"';
          i++;
        } else token += "\\";
        continue;
      }
      token += c;
      if (c === '"') {
        flush();
        quoted = false;
      }
    } else if (c === '"' && quoting) {
      token += c;
      quoted = true;
    } else if (/\s/.test(c)) {
      if (token.length > 0) flush();
    } else {
      token += c;
    }
  }
  if (token.length > 0) flush();
  return out;
}

export function arrayValues(el: XmlElement): string[] {
  const type = el.attr("type");
  return parseArrayContent(el.text(), type !== "int" && type !== "real");
}

export function numberArray(el: XmlElement): number[] {
  return arrayValues(el).map((s) => {
    const n = parseNumber(s);
    if (n === undefined) throw new SchemaError("PMML_BAD_NUMBER", "Array item is not a number", { path: el.path, value: s });
    return n;
  });
}
