/**
 * Resource limits, all in one place: what a hostile document or input row may cost before it
 * is refused with a typed error of its own code. Every limit has a safe default here; callers
 * override any of them through `loadModel(…, { limits })` and the CLI's `--limit name=value`.
 * SECURITY.md lists them; each package reads its limits from this module, never its own copy.
 */
export interface Limits {
  /** Bytes of a model document (PMML or PFA). Breach: `DOCUMENT_TOO_LARGE`. */
  documentBytes: number;
  /** Elements in a PMML document. Breach: `XML_TOO_MANY_ELEMENTS`. */
  xmlElements: number;
  /** Nesting depth of a PMML document (elements) or PFA document (JSON/YAML). Breach: `XML_TOO_DEEP` / `PFA_DOCUMENT_TOO_DEEP`. */
  documentDepth: number;
  /** Nesting depth of one input value (arrays/objects inside a row). Breach: `ROW_TOO_DEEP`. */
  rowDepth: number;
  /** Steps a regular-expression match may take (PMML matches/replace, PFA re.*). Breach: `REGEX_BUDGET`. */
  regexSteps: number;
  /** Wall-clock milliseconds for one PFA action call (begin, action, end, merge). Breach: `PFA_TIMEOUT`. */
  pfaWallMs: number;
  /** Approximate bytes held by a PFA engine's cells and pools. Breach: `PFA_MEMORY`. */
  pfaStateBytes: number;
  /** Rows in one transactional group (usageType="group" records). Breach: `GROUP_TOO_LARGE`. */
  groupRows: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  documentBytes: 512 * 1024 * 1024,
  xmlElements: 50_000_000,
  // 512, not 4096: parsing into IR, the interpreter and compile-js recurse per level, and V8
  // parses the generated code recursively too. Measured on Node 20's default stack (fresh
  // process, cold code), the first overflows were near 700 levels (nested CompoundPredicates
  // through compile-js's generated code), 1100 (nested Apply, compile-js) and 1600–2000 for the
  // rest; 512 keeps a margin for the caller's own stack and stays far above real tree depths.
  documentDepth: 512,
  rowDepth: 64,
  regexSteps: 10_000_000,
  pfaWallMs: 10_000,
  pfaStateBytes: 1024 * 1024 * 1024,
  groupRows: 100_000,
});

/** The defaults with the given overrides; unknown names and non-positive values are refused by the caller's parser. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(overrides) as (keyof Limits)[]) {
    const value = overrides[key];
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}

/** The names of every limit, in declaration order (for `--limit` parsing and SECURITY.md). */
export const LIMIT_NAMES: readonly (keyof Limits)[] = Object.keys(DEFAULT_LIMITS) as (keyof Limits)[];
