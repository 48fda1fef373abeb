/**
 * The one code generator of Porta. ALL generated JavaScript is built here, with the `_` tagged
 * template: interpolated values become code only when they are `Code` or `Name` objects made by
 * this module; everything else (numbers, strings, booleans from model files) is emitted as a safe
 * literal. Identifiers are never taken from documents: `Name`s are minted by `NameScope`. This
 * file is also the only place that calls `new Function` (see `instantiate`).
 */
import { loadPhase } from "@porta/ir/phases";

/** A fragment of generated code. Only this module can create one from raw text. */
export class Code {
  /** @internal */
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A generated identifier: `[A-Za-z_$][A-Za-z0-9_$]*`, minted by a NameScope. */
export class Name extends Code {
  /** @internal */
  constructor(text: string) {
    super(text);
  }
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const RESERVED = new Set([
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "export",
  "extends",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  "let",
  "static",
  "enum",
  "await",
  "implements",
  "package",
  "protected",
  "interface",
  "private",
  "public",
  "null",
  "true",
  "false",
  "undefined",
  "NaN",
  "Infinity",
  "arguments",
  "eval",
]);

/** Mints unique identifiers from fixed prefixes chosen by the compiler (never from documents). */
export class NameScope {
  private readonly counters = new Map<string, number>();

  name(prefix: string): Name {
    if (!IDENT.test(prefix) || RESERVED.has(prefix)) throw new Error(`codegen: bad identifier prefix ${JSON.stringify(prefix)}`);
    const n = this.counters.get(prefix) ?? 0;
    this.counters.set(prefix, n + 1);
    return new Name(`${prefix}${n}`);
  }
}

/** A safe JavaScript literal for a scalar from a document. */
export function literal(value: unknown): Code {
  if (value instanceof Code) return value;
  if (value === null) return new Code("null");
  if (value === undefined) return new Code("undefined");
  switch (typeof value) {
    case "number":
      if (Number.isNaN(value)) return new Code("NaN");
      if (value === Infinity) return new Code("Infinity");
      if (value === -Infinity) return new Code("(-Infinity)");
      if (Object.is(value, -0)) return new Code("(-0)");
      return new Code(value < 0 ? `(${String(value)})` : String(value));
    case "boolean":
      return new Code(value ? "true" : "false");
    case "string":
      return new Code(stringLiteral(value));
    default:
      throw new Error(`codegen: cannot emit a literal of type ${typeof value}`);
  }
}

/** JSON string escaping, plus the two line terminators JSON allows but JS source once did not. */
export function stringLiteral(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Tagged template: `_\`if (${x} < ${threshold}) return ${node};\`` with safe interpolation. */
export function _(strings: TemplateStringsArray, ...values: unknown[]): Code {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += interpolate(values[i]) + strings[i + 1];
  return new Code(out);
}

function interpolate(v: unknown): string {
  if (v instanceof Code) return v.text;
  if (Array.isArray(v)) return v.map(interpolate).join("");
  return literal(v).text;
}

/** Joins code fragments with a separator (itself code, e.g. ", " or newlines). */
export function join(parts: readonly Code[], separator: string): Code {
  if (!/^(\s*[,;+*|&-]*\s*|\s+else\s+)$/.test(separator)) throw new Error("codegen: separator must be punctuation, whitespace or else");
  return new Code(parts.map((p) => p.text).join(separator));
}

/** Emits `[a, b, c]` of safe literals. */
export function arrayLiteral(values: readonly unknown[]): Code {
  return new Code(`[${values.map((v) => literal(v).text).join(",")}]`);
}

/**
 * Turns a generated module into a function. The body receives the constant pool `C` (typed
 * arrays, dictionaries: data is passed by reference, never spliced into source) and must
 * `return` the entry point. The only `new Function` in Porta.
 */
export function instantiate<T>(body: Code, constants: readonly unknown[]): T {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return loadPhase("instantiate", () => {
    const factory = new Function("C", `"use strict";\n${body.text}`) as (c: readonly unknown[]) => T;
    return factory(constants);
  });
}

/**
 * Instantiates generated source read back from the artifact cache. The text was produced by
 * this module and is protected by the cache's checksum; it still runs through the same single
 * `new Function` above.
 */
export function instantiateCached<T>(source: string, constants: readonly unknown[]): T {
  return instantiate<T>(new Code(source), constants);
}

/** Collects constants (typed arrays, tables) into the pool and hands back the code that reads them. */
export class ConstantPool {
  readonly values: unknown[] = [];
  private readonly names: Name[] = [];
  private readonly declarations: Code[] = [];

  constructor(private readonly scope: NameScope) {}

  add(value: unknown, prefix = "k"): Name {
    const index = this.values.length;
    this.values.push(value);
    const name = this.scope.name(prefix);
    this.names.push(name);
    this.declarations.push(_`const ${name} = C[${index}];`);
    return name;
  }

  /** `const k0 = C[0]; ...` for the top of the module. */
  prelude(): Code {
    return join(this.declarations, "\n");
  }
}
