import {
  EvaluationError,
  evaluateExpr,
  getBuiltin,
  PFA_RAISES,
  toDataType,
  type ApplyExpr,
  type DataType,
  type DefineFunction,
  type Expr,
  type Pipeline,
  type Value,
} from "@porta/ir";
import { _, join, type Code, type ConstantPool, type Name, type NameScope } from "./codegen.ts";
import { codeOf, MISSING_CODE } from "./columns.ts";
import type { CategoryDictionary, ColumnRef } from "./kernel.ts";
import type { CategoryTableSpec } from "./category-tables.ts";
import { NotCompilable } from "./unsupported.ts";
import { pfaFunctionBody } from "./pfa-functions.ts";

/**
 * PMML expressions (Apply, FieldRef, Discretize, MapValues, NormContinuous, ...) compiled to
 * per-row statements with the exact semantics of the interpreter's `evaluateExpr`.
 *
 * Values are doubles with NaN for missing (booleans 1/0), or category codes (-1 missing).
 * Evaluation errors (an invalid result under returnInvalid, a bad argument) go to the local
 * `err` as k + 1 of a row error kind, first one wins, as the interpreter throws the first.
 * Arguments are evaluated in document order and `if` evaluates only the chosen branch, so an
 * error is raised exactly where the interpreter would evaluate the failing part.
 *
 * A sub-expression whose only field is one category column is not compiled to code: it is
 * evaluated by the interpreter itself once per dictionary entry of that column per batch (a
 * "category table", see category-tables.ts), and the row reads the entry. Expressions without
 * fields are folded at compile time.
 */

/** A compiled expression: statements to run, then a side-effect-free value (a local or literal). */
export interface Emitted {
  s: Code[];
  v: Code;
}

/** What the expression compiler needs from the pipeline compiler, in one model's scope. */
export interface ExpressionHost {
  readonly names: NameScope;
  readonly pool: ConstantPool;
  readonly pipeline: Pipeline;
  declare(code: Code): void;
  /** A batch-level statement, run before the row loop after the steps added before it. */
  step(code: Code): void;
  column(field: string): ColumnRef;
  /** k + 1 for an evaluation error a row can meet. */
  errorIndex(kind: { code: string; message: string; path?: string; pfaCode?: number }): number;
  /** A runtime helper from the registry (helpers.ts), through the constant pool. */
  runtime(key: "tabulateCategoryExpr" | "exp" | "pfaIntPower"): Name;
  /** The per-batch texts of a category column (marks an input column as `text`). */
  textsOf(col: ColumnRef): Name;
  /** A shared generated function (rint, median, normContinuous) by key. */
  shared(key: "rint" | "median" | "normContinuous"): Name;
}

/**
 * Error codes an expression evaluated by the interpreter may record for a row (a category-table
 * entry's error fails only the rows of that category, as the interpreter fails only those rows).
 * PMML_TEXT_INDEX_NORMALIZATION: a TextIndex normalisation that never settles on this text.
 * REGEX_BUDGET: a matches/replace pattern on the bounded regex engine that ran out on this text.
 */
export const TABLE_ERROR_CODES = [
  "PMML_INVALID_RESULT",
  "PMML_FUNCTION_ARGUMENT",
  "PMML_INVALID_DERIVED_VALUE",
  "PMML_FUNCTION_OVERFLOW",
  "REGEX_BUDGET",
  "PMML_TEXT_INDEX_NORMALIZATION",
] as const;

/** Numeric built-ins that never give NaN for non-missing, non-NaN arguments. */
const NEVER_INVALID = new Set([
  "abs",
  "threshold",
  "min",
  "max",
  "equal",
  "notEqual",
  "lessThan",
  "lessOrEqual",
  "greaterThan",
  "greaterOrEqual",
  "isIn",
  "isNotIn",
  "and",
  "or",
  "not",
  "isMissing",
  "isNotMissing",
  "isValid",
  "isNotValid",
]);

/**
 * JPMML's java.lang.Math calls; `exp` is not here: it is the correctly rounded runtime helper
 * (HotSpot's Math.exp is correctly rounded, V8's is not), as the interpreter's built-in. The
 * others stay V8's (no correctly rounded log etc. yet).
 */
const UNARY_MATH: Record<string, Code> = {
  log10: _`Math.log10`,
  ln: _`Math.log`,
  sqrt: _`Math.sqrt`,
  abs: _`Math.abs`,
  expm1: _`Math.expm1`,
  ln1p: _`Math.log1p`,
  sin: _`Math.sin`,
  cos: _`Math.cos`,
  tan: _`Math.tan`,
  asin: _`Math.asin`,
  acos: _`Math.acos`,
  atan: _`Math.atan`,
  sinh: _`Math.sinh`,
  cosh: _`Math.cosh`,
  tanh: _`Math.tanh`,
};
const BINARY_MATH: Record<string, Code> = { pow: _`Math.pow`, hypot: _`Math.hypot`, "x-atan2": _`Math.atan2` };
const ARITHMETIC: Record<string, Code> = { "+": _`+`, "-": _`-`, "*": _`*`, "/": _`/` };
const COMPARISON: Record<string, Code> = {
  equal: _`===`,
  notEqual: _`!==`,
  lessThan: _`<`,
  lessOrEqual: _`<=`,
  greaterThan: _`>`,
  greaterOrEqual: _`>=`,
};
const ROUNDING: Record<string, Code> = { floor: _`Math.floor`, ceil: _`Math.ceil`, round: _`Math.round` };
const AGGREGATES = new Set(["min", "max", "sum", "avg", "median", "product"]);
/** The "x-" names JPMML used before PMML 4.4 (functions/all.ts registers the same aliases). */
const LEGACY = new Set(["modulo", "expm1", "ln1p", "hypot", "rint", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh"]);

/** Parameters of an inlined DefineFunction: name → local holding the (typed) argument. */
type Env = Map<string, Code>;

/** Field names an expression reads (not those inside called DefineFunction bodies). */
export function fieldsRead(e: Expr, out = new Set<string>()): Set<string> {
  switch (e.kind) {
    case "constant":
      break;
    case "fieldRef":
    case "normContinuous":
    case "normDiscrete":
    case "discretize":
      out.add(e.field);
      break;
    case "mapValues":
      for (const i of e.inputs) out.add(i.field);
      break;
    case "apply":
      for (const a of e.args) fieldsRead(a, out);
      break;
    case "textIndex":
      out.add(e.textField);
      fieldsRead(e.term, out);
      break;
  }
  return out;
}

export class RowExpressionCompiler {
  /** True once the code can record an error (the column then needs per-row error flags). */
  fallible = false;
  private depth = 0;
  private readonly functions: Map<string, DefineFunction>;

  constructor(
    private readonly host: ExpressionHost,
    readonly err: Name,
  ) {
    this.functions = new Map(host.pipeline.functions.map((f) => [f.name, f]));
  }

  private local(prefix = "t"): Name {
    return this.host.names.name(prefix);
  }

  /** Statements recording error k + 1 (when no earlier error is recorded). */
  private fail(kind: { code: string; message: string; path?: string; pfaCode?: number }): Code {
    this.fallible = true;
    return _`if (${this.err} === 0) ${this.err} = ${this.host.errorIndex(kind)};`;
  }

  /** Reads a column at row `i`, propagating its recorded error into `err`. */
  readColumn(col: ColumnRef): Emitted {
    const t = this.local();
    if (!col.errors) return { s: [_`const ${t} = ${col.array}[i];`], v: t };
    this.fallible = true;
    return { s: [_`if (${this.err} === 0) ${this.err} = ${col.errors}[i];`, _`const ${t} = ${col.array}[i];`], v: t };
  }

  /** A number-valued expression (NaN: missing). */
  number(e: Expr, env: Env | null = null): Emitted {
    if (env === null) {
      const refs = fieldsRead(e);
      if (refs.size === 0) {
        const folded = this.folded(e, "number");
        // a PFA error of a constant expression is raised per row, where PFA evaluates it: compiled below
        if (folded) return folded;
      }
      if (refs.size === 1 && e.kind !== "fieldRef") {
        const col = this.host.column([...refs][0]);
        if (col.kind === "category" && e.kind === "normDiscrete") {
          // The category's code, compared directly (no table needed).
          const x = this.readColumn(col),
            t = this.local();
          return {
            s: [...x.s, _`const ${t} = ${x.v} === ${MISSING_CODE} ? ${e.mapMissingTo ?? NaN} : ${x.v} === ${codeOf(col.input!, e.value)} ? 1 : 0;`],
            v: t,
          };
        }
        if (col.kind === "category") {
          if (staticType(e, this.functions) === "string") throw new NotCompilable("text-valued expression where a number is expected");
          return this.table(e, col, "number", null, null);
        }
      }
    }
    switch (e.kind) {
      case "constant":
        return { s: [], v: numericLiteral(e.value) };
      case "fieldRef": {
        const x = this.readNumber(e.field, env);
        if (e.mapMissingTo === undefined) return x;
        const t = this.local();
        return { s: [...x.s, _`const ${t} = ${x.v} !== ${x.v} ? ${numericLiteral(e.mapMissingTo)} : ${x.v};`], v: t };
      }
      case "apply":
        return this.apply(e, env);
      case "normContinuous": {
        if (e.points.length < 2) throw new NotCompilable("NormContinuous with fewer than two points");
        const x = this.readNumber(e.field, env);
        const pts = this.host.pool.add(Float64Array.from(e.points.flatMap((p) => [p.orig, p.norm])), "norm");
        const outliers = { asIs: 0, asMissingValues: 1, asExtremeValues: 2 }[e.outliers];
        const t = this.local();
        return { s: [...x.s, _`const ${t} = ${this.host.shared("normContinuous")}(${x.v}, ${pts}, ${outliers}, ${e.mapMissingTo ?? NaN});`], v: t };
      }
      case "normDiscrete": {
        const x = this.readNumber(e.field, env);
        const v = toDataType(e.value, "double");
        if (typeof v !== "number") throw new NotCompilable("NormDiscrete with text on a numeric field");
        const t = this.local();
        return { s: [...x.s, _`const ${t} = ${x.v} !== ${x.v} ? ${e.mapMissingTo ?? NaN} : ${x.v} === ${v} ? 1 : 0;`], v: t };
      }
      case "discretize": {
        const x = this.readNumber(e.field, env);
        const t = this.local();
        const bins = e.bins.map((b) => _`if (${intervalTest(b, x.v)}) ${t} = ${numericLiteral(b.binValue)};`);
        return {
          s: [
            ...x.s,
            _`let ${t} = ${numericLiteral(e.defaultValue ?? null)};`,
            _`if (${x.v} !== ${x.v}) ${t} = ${numericLiteral(e.mapMissingTo ?? null)};`,
            bins.length ? _`else ${join(bins, " else ")}` : _``,
          ],
          v: t,
        };
      }
      case "mapValues":
        throw new NotCompilable("MapValues over numeric fields");
      case "textIndex":
        // Compiled only as a category table (above): a TextIndex whose one field is a string
        // column. A term read from another field, or a text field that is not a string column,
        // leaves tokenising and matching per row, which stays with the interpreter.
        throw new NotCompilable(
          env !== null
            ? "TextIndex inside a DefineFunction body"
            : fieldsRead(e).size === 1
              ? "TextIndex over a field that is not a string column"
              : "TextIndex whose term reads a field other than its textField",
        );
    }
  }

  /** A category-valued expression: a code in `dict` (-1 missing). */
  category(e: Expr, dict: CategoryDictionary, env: Env | null = null): Emitted {
    const refs = env === null ? fieldsRead(e) : new Set<string>();
    if (env === null && refs.size === 0) {
      const v = this.constantValue(e);
      return { s: [], v: _`${v === null ? MISSING_CODE : codeOf(dict, asText(v))}` };
    }
    // (A text expression over one category column is a whole-field category table, made by the
    // caller; batch-new texts of two tables could not share one dictionary.)
    switch (e.kind) {
      case "constant":
        return { s: [], v: _`${e.value === null ? MISSING_CODE : codeOf(dict, asText(e.value))}` };
      case "discretize": {
        const x = this.readNumber(e.field, env);
        const t = this.local();
        const code = (v: Value | undefined) => (v === null || v === undefined ? MISSING_CODE : codeOf(dict, asText(v)));
        const bins = e.bins.map((b) => _`if (${intervalTest(b, x.v)}) ${t} = ${code(b.binValue)};`);
        return {
          s: [
            ...x.s,
            _`let ${t} = ${code(e.defaultValue)};`,
            _`if (${x.v} !== ${x.v}) ${t} = ${code(e.mapMissingTo)};`,
            bins.length ? _`else ${join(bins, " else ")}` : _``,
          ],
          v: t,
        };
      }
      case "apply":
        if (e.function === "if" && !this.functions.has("if")) {
          return this.conditional(
            e,
            env,
            (x) => this.category(x, dict, env),
            (v) => _`${v === null || v === undefined ? MISSING_CODE : codeOf(dict, asText(v))}`,
            MISSING_CODE,
          );
        }
        break;
      default:
        break;
    }
    throw new NotCompilable(`${e.kind === "apply" ? `Apply function="${e.function}"` : e.kind} giving text from several fields or from numbers`);
  }

  /** The value of a field-free expression, computed once now by the interpreter. */
  private constantValue(e: Expr): Value {
    try {
      return evaluateExpr(e, {
        pipeline: this.host.pipeline,
        resolve: (name: string) => {
          throw new NotCompilable(`unexpected field "${name}"`);
        },
        typeOf: () => undefined,
        lookupFunction: (name: string) => this.functions.get(name),
      });
    } catch (err) {
      if (err instanceof NotCompilable) throw err;
      throw new NotCompilable(`a constant expression that fails (${(err as Error).message})`, { cause: err });
    }
  }

  private folded(e: Expr, _mode: "number"): Emitted | undefined {
    let v: Value;
    try {
      v = this.constantValue(e);
    } catch (err) {
      if (err instanceof NotCompilable && err.cause instanceof EvaluationError && err.cause.pfaCode !== undefined) return undefined;
      throw err;
    }
    if (typeof v === "string") throw new NotCompilable("text constant where a number is expected");
    return { s: [], v: numericLiteral(v) };
  }

  /**
   * A category table over `col` evaluated per batch; the row reads its entry. `cast`: the
   * DerivedField's dataType when the table is a whole derived field.
   */
  table(e: Expr, col: ColumnRef, mode: "number" | "category", cast: DataType | null, dict: CategoryDictionary | null): Emitted & { table: Name } {
    const field = [...fieldsRead(e)][0];
    const errorKinds: Record<string, number> = {};
    for (const code of TABLE_ERROR_CODES) errorKinds[code] = this.host.errorIndex({ code, message: `expression over "${field}": ${code}`, path: e.path });
    // PFA errors of the pfa: functions it calls, each with its PFA code and message (pfaErrorKey)
    for (const fn of functionsCalled(e)) {
      for (const raise of PFA_RAISES[fn] ?? []) {
        errorKinds[pfaErrorKey(raise.pfaCode, raise.message)] = this.host.errorIndex({
          code: "PFA_RUNTIME_ERROR",
          message: raise.message,
          pfaCode: raise.pfaCode,
        });
      }
    }
    const spec: CategoryTableSpec = {
      expr: e,
      functions: this.host.pipeline.functions,
      field,
      fieldType: "string",
      cast,
      mode,
      errorKinds,
      dictionary: dict ? dict.categories : null,
    };
    const specName = this.host.pool.add(spec, "tspec");
    const tb = this.host.names.name("tb");
    this.host.declare(_`let ${tb};`);
    this.host.step(_`${tb} = ${this.host.runtime("tabulateCategoryExpr")}(${specName}, ${this.host.textsOf(col)});`);
    this.fallible = true;
    const c = this.local("c"),
      t = this.local();
    const unknown = this.host.errorIndex({ code: "PORTA_UNKNOWN_CATEGORY", message: `a code of "${field}" outside its dictionary, without its text` });
    const srcError = col.errors ? _`if (${col.errors}[i] !== 0 && ${tb}.reads[${c}] === 1 && ${this.err} === 0) ${this.err} = ${col.errors}[i];` : _``;
    return {
      table: tb,
      s: [
        _`const ${c} = ${col.array}[i] + 1; let ${t};
if (${c} < 0 || ${c} >= ${tb}.errors.length) { if (${this.err} === 0) ${this.err} = ${unknown}; ${t} = ${mode === "number" ? NaN : MISSING_CODE}; }
else { ${srcError} if (${this.err} === 0) ${this.err} = ${tb}.errors[${c}]; ${t} = ${tb}.values[${c}]; }`,
      ],
      v: t,
    };
  }

  /** A numeric field value: an inlined function's parameter, or a column. */
  private readNumber(field: string, env: Env | null): Emitted {
    if (env !== null) {
      const p = env.get(field);
      if (p === undefined) throw new NotCompilable(`DefineFunction body reads "${field}", not a parameter`);
      return { s: [], v: p };
    }
    const col = this.host.column(field);
    if (col.kind !== "number") throw new NotCompilable("a string field where a number is expected");
    return this.readColumn(col);
  }

  private apply(e: ApplyExpr, env: Env | null): Emitted {
    const user = this.functions.get(e.function);
    if (!user && e.function === "if") return this.conditional(e, env, (x) => this.number(x, env), numericLiteral, NaN);
    if (user) return this.userCall(e, user, env);
    const name = e.function.startsWith("x-") && LEGACY.has(e.function.slice(2)) ? e.function.slice(2) : e.function;
    const builtin = getBuiltin(e.function);
    if (!builtin || e.args.length < builtin.minArgs || e.args.length > builtin.maxArgs)
      throw new NotCompilable(`Apply function="${e.function}" with ${e.args.length} arguments`);
    const args = e.args.map((a) => this.number(a, env));
    const s: Code[] = args.flatMap((a) => a.s);
    const r = this.local("r");
    s.push(_`let ${r} = NaN;`);
    const xs = args.map((a) => a.v);
    const anyMissing = join(
      xs.map((x) => _`${x} !== ${x}`),
      " || ",
    );
    const body = this.builtinBody(name, e, xs, r);
    const call = builtin.handlesMissing ? body : _`if (!(${anyMissing})) { ${body} }`;
    if (e.mapMissingTo !== undefined) s.push(_`if (${anyMissing}) ${r} = ${numericLiteral(e.mapMissingTo)}; else { ${call} ${this.withDefault(e, r)} }`);
    else s.push(call, this.withDefault(e, r));
    return { s, v: r };
  }

  private withDefault(e: ApplyExpr, r: Name): Code {
    return e.defaultValue === undefined ? _`` : _`if (${r} !== ${r}) ${r} = ${numericLiteral(e.defaultValue)};`;
  }

  /** What happens to a NaN result (PMML "invalid"), per the Apply's invalidValueTreatment. */
  private invalid(e: ApplyExpr, r: Name, args: readonly Code[]): Code {
    switch (e.invalidValueTreatment) {
      case "returnInvalid":
        return _`if (${r} !== ${r}) { ${this.fail({ code: "PMML_INVALID_RESULT", message: `function "${e.function}" gave an invalid result`, path: e.path })} }`;
      case "asMissing":
        return _``; // NaN is already missing here
      default:
        // asIs keeps NaN as a (non-missing) value; columns cannot tell it from missing.
        void args;
        throw new NotCompilable(`Apply function="${e.function}" invalidValueTreatment="${e.invalidValueTreatment}"`);
    }
  }

  /** Statements assigning the built-in's result to `r` (arguments non-missing unless handlesMissing). */
  private builtinBody(name: string, e: ApplyExpr, xs: Code[], r: Name): Code {
    const [a, b] = xs;
    const check = NEVER_INVALID.has(name) ? _`` : this.invalid(e, r, xs);
    const pfa = pfaFunctionBody(name, xs, r, {
      fail: (raise) => this.fail({ code: "PFA_RUNTIME_ERROR", message: raise.message, pfaCode: raise.pfaCode }),
      intPower: () => this.host.runtime("pfaIntPower"),
    });
    if (pfa) return _`${pfa} ${check}`;
    const argError = (fn: string) => this.fail({ code: "PMML_FUNCTION_ARGUMENT", message: `${fn}: expected a boolean`, path: e.path });
    if (ARITHMETIC[name]) return _`${r} = ${a} ${ARITHMETIC[name]} ${b}; ${check}`;
    if (UNARY_MATH[name]) return _`${r} = ${UNARY_MATH[name]}(${a}); ${check}`;
    if (name === "exp") return _`${r} = ${this.host.runtime("exp")}(${a}); ${check}`;
    if (BINARY_MATH[name]) return _`${r} = ${BINARY_MATH[name]}(${a}, ${b}); ${check}`;
    if (COMPARISON[name]) return _`${r} = ${a} ${COMPARISON[name]} ${b} ? 1 : 0;`;
    if (ROUNDING[name]) {
      // JPMML returns a Java int: outside its range is an ArithmeticException (an evaluation error).
      const overflow = this.fail({ code: "PMML_FUNCTION_OVERFLOW", message: `${name}: result does not fit a 32-bit integer`, path: e.path });
      return _`${r} = ${ROUNDING[name]}(${a}); ${check} if (${r} === ${r} && (${r} < -2147483648 || ${r} > 2147483647)) { ${overflow} } ${r} = ${r} === 0 ? 0 : ${r};`;
    }
    switch (name) {
      case "modulo":
        return _`${r} = ${a} - Math.floor(${a} / ${b}) * ${b}; ${check}`;
      case "threshold":
        return _`${r} = ${a} > ${b} ? 1 : 0;`;
      case "rint":
        return _`${r} = ${this.host.shared("rint")}(${a}); ${check}`;
      case "isMissing":
        return _`${r} = ${a} !== ${a} ? 1 : 0;`;
      case "isNotMissing":
      case "isValid":
        return _`${r} = ${a} !== ${a} ? 0 : 1;`;
      case "isNotValid":
        return _`${r} = 0;`;
      case "isIn":
      case "isNotIn": {
        // pmmlEquals: missing equals only missing.
        const found = join(
          xs.slice(1).map((m) => _`(${a} !== ${a} ? ${m} !== ${m} : ${a} === ${m})`),
          " || ",
        );
        const [yes, no] = name === "isIn" ? [1, 0] : [0, 1];
        return _`${r} = (${found}) ? ${yes} : ${no};`;
      }
      case "and":
      case "or": {
        // Every argument is converted (1/0 only), as JPMML's asBoolean; then combined.
        const bad = join(
          xs.map((x) => _`(${x} !== 0 && ${x} !== 1)`),
          " || ",
        );
        const combined = join(
          xs.map((x) => _`${x} === 1`),
          name === "and" ? " && " : " || ",
        );
        return _`if (${bad}) { ${argError(name)} } else ${r} = (${combined}) ? 1 : 0;`;
      }
      case "not":
        return _`if (${a} !== 0 && ${a} !== 1) { ${argError("not")} } else ${r} = 1 - ${a};`;
      default:
        break;
    }
    if (AGGREGATES.has(name)) {
      // Missing arguments are skipped; all missing gives missing (PMML 4.4 §Built-in functions).
      const cnt = this.local("cnt");
      const parts: Code[] = [_`let ${cnt} = 0;`];
      const each = (x: Code, step: Code) => parts.push(_`if (${x} === ${x}) { ${step} ${cnt}++; }`);
      switch (name) {
        case "min":
        case "max":
          for (const x of xs) each(x, _`if (${cnt} === 0 || ${x} ${name === "min" ? _`<` : _`>`} ${r}) ${r} = ${x};`);
          break;
        case "sum":
          parts.push(_`${r} = 0;`);
          for (const x of xs) each(x, _`${r} += ${x};`);
          break;
        case "product":
          parts.push(_`${r} = 1;`);
          for (const x of xs) each(x, _`${r} *= ${x};`);
          break;
        case "avg":
          // Commons Math Mean, as JPMML: m += (x - m) / n.
          parts.push(_`${r} = 0;`);
          for (const x of xs) each(x, _`${r} += (${x} - ${r}) / (${cnt} + 1);`);
          break;
        case "median": {
          const buf = this.host.pool.add(new Float64Array(xs.length), "buf");
          for (const x of xs) each(x, _`${buf}[${cnt}] = ${x};`);
          parts.push(_`if (${cnt} > 0) ${r} = ${this.host.shared("median")}(${buf}, ${cnt});`);
          break;
        }
      }
      parts.push(_`if (${cnt} === 0) ${r} = NaN; else { ${check} }`);
      return join(parts, " ");
    }
    throw new NotCompilable(`Apply function="${e.function}" in a numeric expression`);
  }

  /** `if` (lazy: only the chosen branch is evaluated), then defaultValue. */
  private conditional(e: ApplyExpr, env: Env | null, branch: (x: Expr) => Emitted, lit: (v: Value) => Code, missing: number): Emitted {
    if (e.args.length < 2 || e.args.length > 3) throw new NotCompilable(`function "if" with ${e.args.length} arguments`);
    const cond = this.number(e.args[0], env);
    const r = this.local("r");
    const then = branch(e.args[1]);
    const otherwise = e.args.length === 3 ? branch(e.args[2]) : { s: [], v: _`${missing}` };
    const s = [
      ...cond.s,
      _`let ${r};
if (${cond.v} !== ${cond.v}) ${r} = ${e.mapMissingTo === undefined ? _`${missing}` : lit(e.mapMissingTo)};
else if (${cond.v} !== 0) { ${then.s} ${r} = ${then.v}; }
else { ${otherwise.s} ${r} = ${otherwise.v}; }`,
    ];
    if (e.defaultValue !== undefined) s.push(_`if (${r} === ${missing} || ${r} !== ${r}) ${r} = ${lit(e.defaultValue)};`);
    return { s, v: r };
  }

  /** A DefineFunction call, inlined: arguments bound to typed parameters, body in their scope only. */
  private userCall(e: ApplyExpr, fn: DefineFunction, env: Env | null): Emitted {
    if (e.args.length !== fn.params.length) throw new NotCompilable(`function "${fn.name}" called with ${e.args.length} arguments`);
    if (++this.depth > 16) throw new NotCompilable(`DefineFunction "${fn.name}" nested too deep (recursive?)`);
    const args = e.args.map((a) => this.number(a, env));
    const s: Code[] = args.flatMap((a) => a.s);
    const inner: Env = new Map();
    const bind: Code[] = [];
    fn.params.forEach((p, k) => {
      const t = this.local("p");
      const x = args[k].v;
      if (p.dataType === undefined || p.dataType === "double" || p.dataType === "integer") bind.push(_`const ${t} = ${x};`);
      else if (p.dataType === "float") bind.push(_`const ${t} = Math.fround(${x});`);
      else throw new NotCompilable(`DefineFunction parameter of dataType ${p.dataType} given a number`);
      inner.set(p.name, t);
    });
    const body = this.number(fn.expr, inner);
    this.depth--;
    const r = this.local("r");
    const typed = {
      double: _`${body.v}`,
      float: _`Math.fround(${body.v})`,
      integer: _`(Number.isInteger(${body.v}) ? ${body.v} : NaN)`,
      boolean: _`(${body.v} === 0 || ${body.v} === 1 ? ${body.v} : NaN)`,
    }[fn.dataType as "double"];
    if (typed === undefined) throw new NotCompilable(`DefineFunction of dataType ${fn.dataType} in a numeric expression`);
    const call = _`${bind} ${body.s} let ${r} = NaN; if (${body.v} === ${body.v}) { ${r} = ${typed}; ${this.invalid(e, r, [])} }`;
    const anyMissing = args.length
      ? join(
          args.map((a) => _`${a.v} !== ${a.v}`),
          " || ",
        )
      : _`false`;
    if (e.mapMissingTo !== undefined) {
      const out = this.local("r");
      s.push(_`let ${out}; if (${anyMissing}) ${out} = ${numericLiteral(e.mapMissingTo)}; else { ${call} ${this.withDefault(e, r)} ${out} = ${r}; }`);
      return { s, v: out };
    }
    s.push(call, this.withDefault(e, r));
    return { s, v: r };
  }
}

/** The key of a PFA error in a category table's `errorKinds` (category-tables.ts reads it the same way). */
export function pfaErrorKey(pfaCode: number, message: string): string {
  return `PFA_RUNTIME_ERROR:${pfaCode}:${message}`;
}

/** The functions an expression applies (not those inside called DefineFunction bodies). */
function functionsCalled(e: Expr, out = new Set<string>()): Set<string> {
  if (e.kind === "apply") {
    out.add(e.function);
    for (const a of e.args) functionsCalled(a, out);
  } else if (e.kind === "textIndex") functionsCalled(e.term, out);
  return out;
}

/** The PMML interval test of a Discretize bin on `x`. */
function intervalTest(b: { closure: string; left?: number; right?: number }, x: Code): Code {
  const parts: Code[] = [];
  if (b.left !== undefined) parts.push(b.closure.startsWith("closed") ? _`${x} >= ${b.left}` : _`${x} > ${b.left}`);
  if (b.right !== undefined) parts.push(b.closure.endsWith("Closed") ? _`${x} <= ${b.right}` : _`${x} < ${b.right}`);
  return parts.length ? join(parts, " && ") : _`true`;
}

/** A document value in a numeric position: numbers, booleans as 1/0, missing as NaN. */
function numericLiteral(v: Value | undefined): Code {
  if (v === null || v === undefined) return _`NaN`;
  if (typeof v === "number") return _`${v}`;
  if (typeof v === "boolean") return _`${v ? 1 : 0}`;
  const n = typeof v === "string" ? toDataType(v, "double") : undefined;
  if (typeof n === "number" && !Number.isNaN(n)) return _`${n}`;
  throw new NotCompilable(`the value ${JSON.stringify(String(v))} where a number is expected`);
}

function asText(v: Value): string {
  return typeof v === "string" ? v : (toDataType(v, "string") as string);
}

/** "string" when the expression's value is text, "number" when numeric or boolean, else "unknown". */
export function staticType(e: Expr, functions: Map<string, DefineFunction>): "string" | "number" | "unknown" {
  const of = (t: DataType | undefined): "string" | "number" | "unknown" =>
    t === undefined ? "unknown" : t === "string" ? "string" : t === "double" || t === "float" || t === "integer" || t === "boolean" ? "number" : "unknown";
  switch (e.kind) {
    case "constant":
      return typeof e.value === "string" ? "string" : "number";
    case "fieldRef":
      return "unknown";
    case "normContinuous":
    case "normDiscrete":
      return "number";
    case "discretize":
      return e.dataType ? of(e.dataType) : e.bins.every((b) => typeof b.binValue === "number") ? "number" : "string";
    case "mapValues":
      return e.dataType ? of(e.dataType) : "string";
    case "textIndex":
      return "number";
    case "apply": {
      const user = functions.get(e.function);
      if (user) return of(user.dataType);
      if (e.function === "if") {
        const branches = e.args.slice(1).map((a) => staticType(a, functions));
        return branches.every((t) => t === "number") ? "number" : branches.some((t) => t === "string") ? "string" : "unknown";
      }
      return of(getBuiltin(e.function)?.resultType);
    }
  }
}
