/**
 * The one error hierarchy of Porta. Every error carries a stable `code`, a path into the
 * document it concerns (XPath-like for PMML, JSON pointer for PFA) and the offending value.
 */
export interface PortaErrorDetails {
  /** Where in the document: `/PMML/TreeModel/Node[3]/SimplePredicate`. */
  path?: string;
  /** The value that caused the error, as found. */
  value?: unknown;
  cause?: unknown;
}

export abstract class PortaError extends Error {
  abstract readonly kind: string;
  readonly code: string;
  readonly path?: string;
  readonly value?: unknown;

  constructor(code: string, message: string, details: PortaErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.path = details.path;
    this.value = details.value;
    this.name = new.target.name;
  }

  /** One line for humans: `ParseError PMML_XML_MALFORMED at /PMML: … (value: …)`. */
  toOneLine(): string {
    const where = this.path ? ` at ${this.path}` : "";
    const what = this.value === undefined ? "" : ` (value: ${describeValue(this.value)})`;
    return `${this.name} ${this.code}${where}: ${this.message}${what}`;
  }
}

function describeValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  } catch {
    // JSON.stringify failed (a cycle, a value nested past the stack): String() could fail the same way.
    try {
      text = String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** The document is not well-formed or not the format it claims to be. */
export class ParseError extends PortaError {
  readonly kind = "parse";
}

/** Well-formed, but breaks the format's rules (undeclared field, wrong attribute value, ...). */
export class SchemaError extends PortaError {
  readonly kind = "schema";
}

/** A valid construct Porta does not implement yet; `element` names it. */
export class UnsupportedFeatureError extends PortaError {
  readonly kind = "unsupported";
  constructor(element: string, message?: string, details: PortaErrorDetails = {}) {
    super("UNSUPPORTED_FEATURE", message ?? `${element} is not supported yet`, { value: element, ...details });
  }
}

/** Scoring failed: a PMML invalid value under returnInvalid, a PFA runtime error, ... */
export class EvaluationError extends PortaError {
  readonly kind = "evaluation";
  /** PFA runtime error code, when the error comes from PFA. */
  readonly pfaCode?: number;
  constructor(code: string, message: string, details: PortaErrorDetails & { pfaCode?: number } = {}) {
    super(code, message, details);
    this.pfaCode = details.pfaCode;
  }
}

/** A model version failed its deployment checks. */
export class DeployError extends PortaError {
  readonly kind = "deploy";
}

export function isPortaError(e: unknown): e is PortaError {
  return e instanceof PortaError;
}
