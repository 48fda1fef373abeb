import {
  formatValue,
  getBuiltin,
  isPlainMiningField,
  loadPhase,
  toDataType,
  valuesEqual,
  type DataField,
  type DataType,
  type Expr,
  type MiningField,
  type ModelNode,
  type OutputField,
  type Pipeline,
  type Value,
  type DerivedField,
} from "@porta/ir";
import { ConstantPool, NameScope, _, instantiate, join, type Code, type Name } from "./codegen.ts";
import { makeInputColumn, MISSING_CODE, type InputColumn } from "./columns.ts";
import type { ColumnRef, ComputedOutput, FamilyRow, KernelContext, ModelOutputs } from "./kernel.ts";
import { compileFamily } from "./families/family.ts";
import { sameTreatment, type TreeLayout } from "./families/mining.ts";
import { displayValueOf, targetFacts, targetsCode, type TargetFacts } from "./targets.ts";
import { NotCompilable } from "./unsupported.ts";
import { helperByName } from "./helpers.ts";
// Registers tabulateCategoryExpr, the helper compiled category tables call (helpers.ts loads it lazily only for restores).
import "./category-tables.ts";
import { fieldsRead, RowExpressionCompiler, staticType, type ExpressionHost } from "./expressions.ts";
import type { CategoryDictionary } from "./kernel.ts";

/** How an output column is stored and turned back into values. */
export interface OutputColumn {
  name: string;
  storage: "f64" | "i32";
  /** number: NaN is missing; table: i32 index into it (-1 missing); text: number formatted as text. */
  decode: { kind: "number" } | { kind: "table"; table: Value[] } | { kind: "text" };
  /** OutputField dataType the interpreter casts to. */
  dataType?: DataType;
  /**
   * Index of a hidden column saying (1/0) whether the row has this field at all: a MiningModel
   * reports a passed-through segment's OutputFields only for rows where that segment gave the result.
   */
  presence?: number;
  /** Bookkeeping column (presence flags), not a result field. */
  hidden?: boolean;
}

/**
 * The batch kernel. `rowErrors[i]` becomes k + 1 when row i meets the k-th of `rowErrorKinds`
 * (an evaluation error the interpreter would throw for that row; its result is then null).
 */
export type Kernel = (
  n: number,
  inputs: readonly (Float64Array | Int32Array)[],
  outputs: readonly (Float64Array | Int32Array)[],
  rowErrors: Int32Array,
  /** Per input column marked `text`: the texts of its codes past the dictionary (see encodeRows). */
  texts?: readonly (readonly string[] | undefined)[],
) => void;

/** An evaluation error a compiled kernel can record for a row. */
export interface RowErrorKind {
  code: string;
  message: string;
  path?: string;
  /** The PFA error code, for an error of a pfa: function (a lowered PFA document). */
  pfaCode?: number;
}

/** A pipeline compiled to one batch kernel over columns. */
export interface CompiledPipeline {
  inputs: InputColumn[];
  outputs: OutputColumn[];
  kernel: Kernel;
  /** The errors `rowErrors` codes refer to (code k + 1 is entry k). */
  rowErrorKinds: RowErrorKind[];
  /** The generated module, for the artifact cache and for audit. */
  source: string;
  /** The constant pool the module reads as `C` (typed arrays, tables, runtime helpers). */
  constants: readonly unknown[];
}

export interface CompileOptions {
  /** Tree ensembles as generated branches, a walked node table, or chosen by size ("auto"). */
  treeLayout?: TreeLayout;
}

/** Compiles the pipeline, or throws NotCompilable naming the first construct it cannot compile. */
export function compilePipeline(pipeline: Pipeline, options: CompileOptions = {}): CompiledPipeline {
  try {
    return loadPhase("compile", () => new PipelineCompiler(pipeline, options).compile());
  } catch (e) {
    // Generation recurses per expression/predicate level and V8 parses the generated nesting
    // recursively: a pipeline near a raised documentDepth limit can exhaust the stack here. The
    // interpreter then scores it, as for any construct compile-js does not handle.
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw new NotCompilable("a pipeline nested deeper than generated code can hold");
    throw e;
  }
}

class PipelineCompiler {
  readonly names = new NameScope();
  readonly pool = new ConstantPool(this.names);
  readonly declarations: Code[] = [];
  /** Batch-level statements in dependency order: derived columns, segment loops. */
  readonly steps: Code[] = [];
  readonly helpers = new Map<string, Name>();
  readonly inputs: InputColumn[] = [];
  readonly inputRefs = new Map<string, ColumnRef>();
  readonly derivedRefs = new Map<string, ColumnRef>();
  readonly inProgress = new Set<string>();
  readonly global: Map<string, DerivedField>;
  readonly topMining: Map<string, MiningField>;
  /** DataFields by name, the first of a name as `dataFields.find` had it (a forest asks once per split). */
  readonly dataFields = new Map<string, DataField>();
  readonly root: ModelContext;
  readonly rowErrorKinds: RowErrorKind[] = [];
  readonly rowErrors = this.names.name("rowErrors");

  constructor(
    readonly pipeline: Pipeline,
    readonly options: CompileOptions,
  ) {
    this.global = new Map(pipeline.transformations.map((f) => [f.name, f]));
    this.topMining = new Map(pipeline.model.miningSchema.map((f) => [f.name, f]));
    for (const f of pipeline.dataFields) if (!this.dataFields.has(f.name)) this.dataFields.set(f.name, f);
    this.root = new ModelContext(this, pipeline.model, null);
  }

  /** An input column (treated with the top-level model's MiningField, as the interpreter's root scope). */
  input(field: DataField): ColumnRef {
    let ref = this.inputRefs.get(field.name);
    if (!ref) {
      const col = makeInputColumn(field, this.topMining.get(field.name));
      this.inputs.push(col);
      const array = this.names.name("col");
      ref = { array, at: _`${array}[i]`, kind: col.kind, input: col };
      this.inputRefs.set(field.name, ref);
    }
    return ref;
  }

  /** Code that records, for row `i`, the error (the first one recorded for the row wins). */
  fail(kind: RowErrorKind): Code {
    return _`if (${this.rowErrors}[i] === 0) ${this.rowErrors}[i] = ${this.errorIndex(kind)};`;
  }

  /** k + 1 for the k-th row error kind (registered on first use). */
  errorIndex(kind: RowErrorKind): number {
    let k = this.rowErrorKinds.findIndex((e) => e.code === kind.code && e.message === kind.message && e.path === kind.path && e.pfaCode === kind.pfaCode);
    if (k < 0) {
      this.rowErrorKinds.push(kind);
      k = this.rowErrorKinds.length - 1;
    }
    return k + 1;
  }

  /** Kernel statements computing the batch texts of input columns that expressions read. */
  readonly inputTexts: Code[] = [];
  readonly textsParam = this.names.name("texts");

  textsOf(col: ColumnRef): Name {
    if (col.texts) return col.texts;
    const input = col.input as InputColumn | undefined;
    const k = input ? this.inputs.indexOf(input) : -1;
    if (!input || k < 0) throw new NotCompilable("texts of a category column that has none");
    input.text = true;
    const tx = this.names.name("tx");
    const cats = this.pool.add(input.categories, "cats");
    this.declarations.push(_`let ${tx};`);
    this.inputTexts.push(_`${tx} = ${this.helper("batchTexts")}(${cats}, ${this.textsParam} === undefined ? undefined : ${this.textsParam}[${k}]);`);
    col.texts = tx;
    return tx;
  }

  /** Shared generated functions, declared once. */
  shared(key: "rint" | "median" | "normContinuous" | "readFlagged"): Name {
    if (key === "normContinuous") return this.normContinuousHelper();
    let n = this.helpers.get(key);
    if (n) return n;
    n = this.names.name(key);
    this.helpers.set(key, n);
    const body = {
      // Java Math.rint (ties to even, keeps -0), as the interpreter's rint.
      rint: _`function ${n}(x) {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  const r = Math.round(x);
  const result = r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return result === 0 && x < 0 ? -0 : result;
}`,
      // Commons Math median of b[0..n): a stable sort by a - b (as the interpreter's sort), then
      // lower + 0.5 * (upper - lower).
      median: _`function ${n}(b, n) {
  for (let j = 1; j < n; j++) { const x = b[j]; let k = j - 1; while (k >= 0 && b[k] > x) { b[k + 1] = b[k]; k--; } b[k + 1] = x; }
  if (n % 2 === 1) return b[(n - 1) / 2];
  const lo = b[n / 2 - 1], hi = b[n / 2];
  return lo + 0.5 * (hi - lo);
}`,
      // Reads a derived column that can fail: its error counts for the row only when read.
      readFlagged: _`function ${n}(a, e, i) {
  const k = e[i];
  if (k !== 0 && ${this.rowErrors}[i] === 0) ${this.rowErrors}[i] = k;
  return a[i];
}`,
    }[key];
    this.declarations.push(body);
    return n;
  }

  helper(key: HelperKey): Name {
    let n = this.helpers.get(key);
    if (!n) {
      n = this.pool.add(helperByName(key), key);
      this.helpers.set(key, n);
    }
    return n;
  }

  logic(op: "and" | "or" | "xor" | "surrogate"): Name {
    let n = this.helpers.get(op);
    if (n) return n;
    n = this.names.name(`logic_${op}`);
    this.helpers.set(op, n);
    const body = {
      and: _`return a === 0 || b === 0 ? 0 : a === -1 || b === -1 ? -1 : 1;`,
      or: _`return a === 1 || b === 1 ? 1 : a === -1 || b === -1 ? -1 : 0;`,
      xor: _`return a === -1 || b === -1 ? -1 : a !== b ? 1 : 0;`,
      surrogate: _`return a !== -1 ? a : b;`,
    }[op];
    this.declarations.push(_`function ${n}(a, b) { ${body} }`);
    return n;
  }

  /**
   * A derived field as a scratch column computed once per batch (key: its scope and name), in a
   * function of its own (generated functions stay small however many fields a model derives).
   *
   * Laziness: the interpreter evaluates a derived field only when something reads it, so an
   * evaluation error (ln(-1) under returnInvalid, a bad substring argument) fails only the rows
   * where the field is read. Columns are still computed eagerly, for every row (vectorised,
   * and the node-table walker and segment loops need whole columns), but they never fail the
   * row themselves: a field whose evaluation can fail gets per-row error flags next to its
   * values, and every read goes through `ColumnRef.at`, which records the flag at the read.
   * Fields reading such a field propagate its flag only where their own evaluation reads it
   * (`if` branches, tables' `reads`), so the first error a row records is the one the
   * interpreter would throw first.
   */
  derived(field: DerivedField, key: string, ctx: ModelContext): ColumnRef {
    const existing = this.derivedRefs.get(key);
    if (existing) return existing;
    if (this.inProgress.has(key)) throw new NotCompilable(`cyclic derived field "${field.name}"`);
    const numeric = field.dataType === "double" || field.dataType === "float" || field.dataType === "integer" || field.dataType === "boolean";
    if (!numeric && field.dataType !== "string") throw new NotCompilable(`DerivedField of dataType ${field.dataType}`);
    this.inProgress.add(key);
    const refs = fieldsRead(field.expr);
    const source = refs.size === 1 ? ctx.column([...refs][0]) : null;
    const array = this.names.name("d");
    const fill = this.names.name("fill");
    const dict: CategoryDictionary | undefined = numeric ? undefined : { dictionary: new Map(), categories: [] };
    const err = this.names.name("err");
    const rc = new RowExpressionCompiler(ctx, err);
    let ref: ColumnRef;
    if (source && source.kind === "category") {
      // One category column in, whatever comes out: evaluated per dictionary entry.
      const row = rc.table(field.expr, source, numeric ? "number" : "category", field.dataType, dict ?? null);
      const errors = this.names.name("de");
      ref = { array, kind: numeric ? "number" : "category", errors, at: _`${this.shared("readFlagged")}(${array}, ${errors}, i)`, input: dict };
      if (dict) ref.texts = this.names.name("tx");
      this.declarations.push(_`let ${array}, ${errors}${ref.texts ? _`, ${ref.texts}` : _``};`);
      this.declarations.push(_`function ${fill}(n) {
${array} = new ${numeric ? _`Float64Array` : _`Int32Array`}(n); ${errors} = new Int32Array(n);
${ref.texts ? _`${ref.texts} = ${row.table}.texts;` : _``}
for (let i = 0; i < n; i++) { let ${err} = 0; ${row.s} ${array}[i] = ${row.v}; ${errors}[i] = ${err}; }
}`);
    } else {
      const row = numeric ? rc.number(field.expr) : rc.category(field.expr, dict!);
      const v = this.names.name("v");
      const invalidCast = () => {
        rc.fallible = true;
        return _`if (${err} === 0) ${err} = ${this.errorIndex({ code: "PMML_INVALID_DERIVED_VALUE", message: `derived field "${field.name}" cannot hold the value as ${field.dataType}` })};`;
      };
      // castDerived: integer and boolean fields reject other numbers.
      const cast = {
        double: _`const ${v} = ${row.v};`,
        float: _`const ${v} = Math.fround(${row.v});`,
        integer: _`const ${v} = ${row.v}; if (${v} === ${v} && !Number.isInteger(${v})) { ${invalidCast()} }`,
        boolean: _`const ${v} = ${row.v}; if (${v} === ${v} && ${v} !== 0 && ${v} !== 1) { ${invalidCast()} }`,
        string: _`const ${v} = ${row.v};`,
      }[field.dataType as "double"];
      const errors = rc.fallible ? this.names.name("de") : undefined;
      ref = errors
        ? { array, kind: numeric ? "number" : "category", errors, at: _`${this.shared("readFlagged")}(${array}, ${errors}, i)`, input: dict }
        : { array, kind: numeric ? "number" : "category", at: _`${array}[i]`, input: dict };
      if (dict) ref.texts = this.pool.add(dict.categories, "cats");
      this.declarations.push(_`let ${array}${errors ? _`, ${errors}` : _``};`);
      this.declarations.push(_`function ${fill}(n) {
${array} = new ${numeric ? _`Float64Array` : _`Int32Array`}(n);${errors ? _` ${errors} = new Int32Array(n);` : _``}
for (let i = 0; i < n; i++) { let ${err} = 0; ${row.s} ${cast} ${array}[i] = ${v};${errors ? _` ${errors}[i] = ${err};` : _``} }
}`);
    }
    this.inProgress.delete(key);
    this.steps.push(_`${fill}(n);`);
    this.derivedRefs.set(key, ref);
    return ref;
  }

  normContinuousHelper(): Name {
    let n = this.helpers.get("normContinuous");
    if (n) return n;
    n = this.names.name("normContinuous");
    this.helpers.set("normContinuous", n);
    // Same arithmetic as the interpreter's evaluateNormContinuous.
    this.declarations.push(_`function ${n}(x, pts, outliers, missing) {
  if (x !== x) return missing;
  const m = pts.length / 2;
  if (x < pts[0] || x > pts[2 * m - 2]) {
    if (outliers === 1) return NaN;
    if (outliers === 2) return x < pts[0] ? pts[1] : pts[2 * m - 1];
  }
  let k = 0;
  if (x >= pts[0]) {
    k = m - 2;
    for (let j = 0; j < m - 1; j++) if (x <= pts[2 * j + 2]) { k = j; break; }
  }
  const ao = pts[2 * k], an = pts[2 * k + 1], bo = pts[2 * k + 2], bn = pts[2 * k + 3];
  return an + ((x - ao) / (bo - ao)) * (bn - an);
}`);
    return n;
  }

  compile(): CompiledPipeline {
    const model = this.pipeline.model;
    const ctx = this.root;
    const target = ctx.targetOf(model);
    const row = compileFamily(model, ctx, target);
    const post = targetsCode(model, row, target, this.names, (kind) => ctx.fail(kind));
    const { statements, outputs, before, trailing } = this.outputs(model, row, target, ctx, false);
    this.passThroughColumns(model, row, target, statements, outputs);
    if (this.passShift) {
      const { at, count } = this.passShift;
      for (let k = before.length - 1; k >= at; k--) {
        if (before[k]) {
          before[k + count] = before[k];
          delete before[k];
        }
      }
    }
    const inputNames = this.inputs.map((c) => this.inputRefs.get(c.name)!.array);
    const outNames = outputs.map(() => this.names.name("out"));
    const body = _`${this.pool.prelude()}
${inputNames.length ? _`let ${join(inputNames, ", ")};` : _``}
let ${this.rowErrors};
${join(this.declarations, "\n")}
return function kernel(n, inputs, outputs, rowErrorsOut, ${this.textsParam}) {
${this.rowErrors} = rowErrorsOut;
${join(
  inputNames.map((name, k) => _`${name} = inputs[${k}];`),
  "\n",
)}
${join(this.inputTexts, "\n")}
${join(this.steps, "\n")}
${join(
  outNames.map((name, k) => _`const ${name} = outputs[${k}];`),
  "\n",
)}
${row.prepass ?? _``}
for (let i = 0; i < n; i++) {
${row.body}
${post}
${join(
  statements.map((s, k) => _`${before[k] ?? []}${outNames[k]}[i] = ${s};`),
  "\n",
)}
${trailing}
}
};`;
    for (const finish of this.finalizers) finish();
    const kernel = instantiate<Kernel>(body, this.pool.values);
    return { inputs: this.inputs, outputs, kernel, rowErrorKinds: this.rowErrorKinds, source: body.text, constants: this.pool.values };
  }

  /**
   * The result columns, in the order PmmlModel reports them: target, then final OutputFields.
   * As the interpreter's computeOutputs, every OutputField is computed in document order and a
   * transformedValue/decision expression can read earlier OutputFields by name (kept in scratch
   * columns); expressions of non-final fields are still evaluated, for their errors.
   */
  outputs(
    model: ModelNode,
    row: FamilyRow,
    target: TargetFacts,
    ctx: ModelContext,
    all: boolean,
  ): { statements: Code[]; outputs: OutputColumn[]; before: Code[][]; trailing: Code[]; fields: OutputField[] } {
    const fields: OutputField[] = [];
    const statements: Code[] = [];
    const outputs: OutputColumn[] = [];
    const before: Code[][] = [];
    const pending: Code[] = [];
    const categoryTable = (): Value[] => row.categories ?? [];
    const valueColumn = (name: string, dataType?: DataType) => {
      if (row.kind === "number") {
        outputs.push({ name, storage: "f64", decode: { kind: "number" }, dataType });
      } else {
        outputs.push({ name, storage: "i32", decode: { kind: "table", table: categoryTable() }, dataType });
      }
      statements.push(_`${row.value}`);
    };
    if (target.name !== null && !all) valueColumn(target.name);
    const referenced = new Set<string>();
    for (const f of model.output) if (f.expr) for (const name of fieldsRead(f.expr)) referenced.add(name);
    for (const f of model.output) {
      const foreign = f.segmentId !== undefined || (f.targetField !== undefined && f.targetField !== target.name);
      const isExpr = (f.feature === "transformedValue" || f.feature === "decision") && f.expr !== undefined;
      const bySegment = f.segmentId !== undefined && !all && !referenced.has(f.name) ? row.segmentOutputs?.get(f) : undefined;
      if (bySegment) {
        // Computed (for its errors) even when not final, as the interpreter's computeOutputs.
        if (!f.isFinalResult) {
          pending.push(_`${bySegment};`);
          continue;
        }
        fields.push(f);
        const first = statements.length;
        outputs.push({ name: f.name, storage: "f64", decode: { kind: "number" }, dataType: f.dataType });
        statements.push(bySegment);
        before[first] = pending.splice(0);
        continue;
      }
      if (foreign) {
        if (all || f.isFinalResult || referenced.has(f.name) || isExpr) throw new NotCompilable("OutputField of another target or segment");
        continue;
      }
      // As the interpreter's computeOutputs: a missing prediction makes every OutputField missing,
      // and the expression is then not evaluated (no row error either).
      const missing = row.kind === "number" ? _`${row.value} !== ${row.value}` : _`${row.value} === ${MISSING_CODE}`;
      // A final text-valued expression (a label chosen by Discretize or if) is coded into a
      // dictionary of its own texts; one that later fields read stays with the numeric path.
      const textDict: CategoryDictionary | null =
        isExpr &&
        f.isFinalResult &&
        !all &&
        !referenced.has(f.name) &&
        f.dataType === "string" &&
        staticType(f.expr!, new Map(this.pipeline.functions.map((d) => [d.name, d]))) === "string"
          ? { dictionary: new Map(), categories: [] }
          : null;
      let value: Code | null = isExpr
        ? textDict
          ? _`(${missing} ? ${MISSING_CODE} : ${ctx.textExpr(f.expr!, textDict)})`
          : _`(${missing} ? NaN : ${ctx.expr(f.expr!)})`
        : null;
      let dataType = f.dataType;
      if (isExpr && dataType === undefined && booleanValued(f.expr!, this.pipeline, model)) dataType = "boolean";
      if (referenced.has(f.name)) {
        const v =
          value ??
          ((f.feature === "predictedValue" || f.feature === "transformedValue" || f.feature === "decision") && row.kind === "number"
            ? _`${row.value}`
            : // a rank-1 affinity is one number per row, read as the interpreter's scope reads it (a PFA
              // clustering's distance is the square root of its squaredEuclidean affinity)
              (f.feature === "affinity" || f.feature === "entityAffinity" || f.feature === "clusterAffinity") && f.rank === 1
              ? this.affinity(f, row, target)
              : // the probability of a named category (a PFA a.mode's vote shares, lower/mode.ts in @porta/pfa)
                f.feature === "probability" && f.value !== undefined && row.kind === "category" && row.probabilities
                ? this.probabilityOf(f.value, row.probabilities, row, target)
                : null);
        if (v === null) throw new NotCompilable(`an OutputField expression reading OutputField feature=${f.feature}`);
        // castOutput: the value later fields see is the one cast to the field's dataType.
        const cast = f.dataType === undefined || f.dataType === "double" || f.dataType === "integer" ? v : f.dataType === "float" ? _`Math.fround(${v})` : null;
        if (cast === null) throw new NotCompilable(`an OutputField expression reading an OutputField of dataType ${f.dataType}`);
        const scratch = this.names.name("o");
        this.declarations.push(_`let ${scratch};`);
        this.steps.push(_`${scratch} = new Float64Array(n);`);
        pending.push(_`${scratch}[i] = ${cast};`);
        // castOutput: a value an integer field cannot hold fails the row (JPMML TypeCheckException).
        if (f.dataType === "integer")
          pending.push(
            _`if (${scratch}[i] === ${scratch}[i] && !Number.isInteger(${scratch}[i])) { ${ctx.fail({ code: "PMML_TYPE_CHECK", message: `OutputField "${f.name}" cannot hold the value as integer`, path: model.path })} }`,
          );
        ctx.define(f.name, { array: scratch, kind: "number", at: _`${scratch}[i]` });
        value = _`${scratch}[i]`;
      } else if (isExpr && !f.isFinalResult && !all) {
        pending.push(_`${value};`);
      }
      if (!f.isFinalResult && !all) {
        // A non-final OutputField is computed (and cast) by the interpreter even though nobody reads
        // it: a cast that can fail there is left to the interpreter.
        const numericFeature =
          ["probability", "confidence", "affinity", "entityAffinity", "clusterAffinity", "residual", "standardError", "support", "lift", "leverage"].includes(
            f.feature,
          ) ||
          ((f.feature === "predictedValue" || f.feature === "transformedValue" || f.feature === "decision") && (isExpr || row.kind === "number"));
        if (
          !referenced.has(f.name) &&
          f.dataType !== undefined &&
          f.dataType !== "string" &&
          !((f.dataType === "double" || f.dataType === "float") && numericFeature)
        ) {
          throw new NotCompilable(`a non-final OutputField of dataType ${f.dataType} whose cast can fail`);
        }
        continue;
      }
      fields.push(f);
      const first = statements.length;
      if (textDict) {
        outputs.push({ name: f.name, storage: "i32", decode: { kind: "table", table: textDict.categories }, dataType });
        statements.push(value!);
      } else if (isExpr) {
        outputs.push({ name: f.name, storage: "f64", decode: { kind: "number" }, dataType });
        statements.push(value!);
      } else {
        this.outputField(f, row, target, statements, outputs, valueColumn);
        if (!(model.kind === "mining" && f.feature === "entityId")) {
          for (let k = first; k < statements.length; k++) {
            statements[k] = _`(${missing} ? ${outputs[k].storage === "f64" ? _`NaN` : _`${MISSING_CODE}`} : ${statements[k]})`;
          }
        }
      }
      if (statements.length > first) before[first] = pending.splice(0);
    }
    return { statements, outputs, before, trailing: pending, fields };
  }

  /**
   * Every OutputField of a (segment) model computed per row into batch arrays, as the
   * interpreter's run.outputs: for a MiningModel passing the segment's OutputFields through and
   * for modelChain segments whose OutputFields later segments read.
   */
  modelOutputs(ctx: ModelContext, model: ModelNode, row: FamilyRow, target: TargetFacts): ModelOutputs {
    if (row.passThrough && row.passThrough.length > 0) throw new NotCompilable("OutputFields passed through two MiningModels");
    const { statements, outputs, before, trailing, fields } = this.outputs(model, row, target, ctx, true);
    const code: Code[] = [];
    const computed: ComputedOutput[] = fields.map((field, k) => {
      const column = outputs[k];
      const array = this.names.name("so");
      this.declarations.push(_`let ${array};`);
      this.steps.push(column.storage === "f64" ? _`${array} = new Float64Array(n).fill(NaN);` : _`${array} = new Int32Array(n).fill(${MISSING_CODE});`);
      code.push(_`${before[k] ?? []}${array}[i] = ${statements[k]};`);
      if (column.decode.kind === "number" && column.dataType === "float") {
        // castOutput: later fields read the value cast to float (jpmml-xgboost's xgbValue), kept
        // in an array of its own so that every read (direct array reads included) sees the cast.
        const cast = this.names.name("sof");
        this.declarations.push(_`let ${cast};`);
        this.steps.push(_`${cast} = new Float64Array(n).fill(NaN);`);
        code.push(_`${cast}[i] = Math.fround(${array}[i]);`);
        return { field, array, column, ref: (unknown) => this.outputRef(field, cast, { ...column, dataType: "double" }, unknown) };
      }
      return { field, array, column, ref: (unknown) => this.outputRef(field, array, column, unknown) };
    });
    code.push(...trailing);
    return { code: join(code, "\n"), fields: computed };
  }

  /**
   * A segment's OutputField read by name (modelChain), as the interpreter's scope.define of the
   * cast value. `unknown` holds the row error of a read where the segment did not define it.
   */
  private outputRef(field: OutputField, array: Name, column: OutputColumn, unknown: Name): ColumnRef {
    const at = _`${this.shared("readFlagged")}(${array}, ${unknown}, i)`;
    if (column.decode.kind === "number") {
      const dt = column.dataType;
      // The array holds the uncast value; castOutput to another type is not compiled for reads.
      if (dt !== undefined && dt !== "double") throw new NotCompilable(`reading an OutputField of dataType ${dt}`);
      return { array, kind: "number", errors: unknown, at };
    }
    if (column.decode.kind === "table" && (column.dataType === undefined || column.dataType === "string")) {
      const table = column.decode.table;
      if (table.every((v) => typeof v === "string") && new Set(table).size === table.length) {
        const categories = [...(table as string[])];
        const input: CategoryDictionary = { dictionary: new Map(categories.map((c, k) => [c, k])), categories };
        return { array, kind: "category", errors: unknown, at, input, texts: this.pool.add(categories, "cats") };
      }
    }
    throw new NotCompilable(`reading OutputField feature=${field.feature} as a field`);
  }

  /**
   * The OutputFields of the segment a MiningModel passes through (resultOutputFields: nested
   * before its own), each present only on rows where its segment gave the result.
   */
  private passThroughColumns(model: ModelNode, row: FamilyRow, target: TargetFacts, statements: Code[], outputs: OutputColumn[]): void {
    // The interpreter's computeOutputs starts from the segment's outputs and sets the MiningModel's
    // own in document order: a final field of its own replaces the passed-through one of that name
    // (jpmml-xgboost and nyoka repeat the classifier's probability fields at both levels).
    const ownFinal = new Set(model.output.filter((f) => f.isFinalResult).map((f) => f.name));
    const own = new Set(model.output.map((f) => f.name));
    const pass = (row.passThrough ?? []).filter((p) => !ownFinal.has(p.name));
    for (const p of pass) {
      if (own.has(p.name) || outputs.some((o) => o.name === p.name))
        throw new NotCompilable("a passed-through segment OutputField named like the target or a non-final OutputField");
    }
    if (pass.length === 0) return;
    // Passed-through fields come before the MiningModel's own (after the target column).
    const at = target.name !== null ? 1 : 0;
    const columns = pass.map((p) => ({ ...p.column, name: p.name }));
    outputs.splice(at, 0, ...columns);
    statements.splice(at, 0, ...pass.map((p) => p.value));
    this.passShift = { at, count: pass.length };
    for (const [k, p] of pass.entries()) {
      columns[k].presence = outputs.length;
      outputs.push({ name: "", storage: "i32", decode: { kind: "number" }, hidden: true });
      statements.push(_`(${p.present} ? 1 : 0)`);
    }
  }

  /** Where passThroughColumns inserted statements (their `before` code moves with them). */
  passShift: { at: number; count: number } | null = null;

  /** The probability of category `value` (0 for one the model does not list, missing with the prediction), as the interpreter's categoryValue. */
  private probabilityOf(value: string, locals: readonly Name[], row: FamilyRow, target: TargetFacts): Code {
    const wanted = target.category(value);
    const k = row.categories!.findIndex((c) => c === wanted);
    return k >= 0 ? _`${locals[k]}` : locals.length ? _`(${locals[0]} === ${locals[0]} ? 0 : NaN)` : _`NaN`;
  }

  private outputField(
    f: OutputField,
    row: FamilyRow,
    target: TargetFacts,
    statements: Code[],
    outputs: OutputColumn[],
    valueColumn: (name: string, dataType?: DataType) => void,
  ): void {
    switch (f.feature) {
      case "predictedValue":
        valueColumn(f.name, f.dataType);
        return;
      case "predictedDisplayValue":
        if (row.kind === "number") {
          outputs.push({ name: f.name, storage: "f64", decode: { kind: "number" }, dataType: f.dataType });
          statements.push(_`${row.value}`);
        } else {
          const cats = row.categories!;
          // Resolved lazily: the table reads the final category list when decoding.
          const table: Value[] = [];
          outputs.push({ name: f.name, storage: "i32", decode: { kind: "table", table }, dataType: f.dataType });
          statements.push(_`${row.value}`);
          const own = row.displayValues;
          this.finalizers.push(() => {
            cats.forEach((c, k) => table.push(own ? own[k] : (displayValueOf(target, c) ?? c)));
          });
        }
        return;
      case "probability":
      case "confidence": {
        const locals = f.feature === "confidence" ? (row.confidences ?? row.probabilities) : row.probabilities;
        if (!locals && row.kind === "category" && row.noDistribution === true) {
          // The interpreter's categoryValue without a map: missing (nyoka's kNN classifiers write these fields).
          outputs.push({ name: f.name, storage: "f64", decode: { kind: "number" }, dataType: f.dataType });
          statements.push(_`NaN`);
          return;
        }
        if (!locals || row.kind !== "category") throw new NotCompilable(`OutputField feature=${f.feature} of this model`);
        outputs.push({ name: f.name, storage: "f64", decode: { kind: "number" }, dataType: f.dataType });
        if (f.value === undefined) {
          const chain = locals.reduceRight<Code>((acc, p, k) => _`${row.value} === ${k} ? ${p} : ${acc}`, _`NaN`);
          statements.push(_`(${chain})`);
        } else statements.push(this.probabilityOf(f.value, locals, row, target));
        return;
      }
      case "transformedValue":
      case "decision":
        // Without an expression: the value of the target's prediction (PMML 4.4 §OutputField).
        valueColumn(f.name, f.dataType);
        return;
      case "reasonCode": {
        if (!row.reasonCodes) throw new NotCompilable("reasonCode of this model");
        const { ranked, count, codes } = row.reasonCodes;
        outputs.push({ name: f.name, storage: "i32", decode: { kind: "table", table: codes }, dataType: f.dataType });
        statements.push(_`(${f.rank} <= ${count} ? ${ranked}[${f.rank - 1}] : -1)`);
        return;
      }
      case "affinity":
      case "entityAffinity":
      case "clusterAffinity": {
        outputs.push({ name: f.name, storage: "f64", decode: { kind: "number" }, dataType: f.dataType });
        statements.push(this.affinity(f, row, target));
        return;
      }
      case "entityId":
      case "clusterId":
        if (!row.entity) throw new NotCompilable(`${f.feature} of this model`);
        // rank > 1 reads the family's sorted entity ranking (clusters), which compile-js does not build.
        if (f.rank !== 1 && row.affinities) throw new NotCompilable(`${f.feature} rank=${f.rank}`);
        outputs.push({ name: f.name, storage: "i32", decode: { kind: "table", table: row.entity.ids }, dataType: f.dataType });
        statements.push(_`${row.entity.index}`);
        return;
      default:
        throw new NotCompilable(`OutputField feature=${f.feature}`);
    }
  }

  /**
   * OutputField affinity of rank 1, as the interpreter's outputValue: the key is the field's
   * value, else the winning entity's id, else the predicted value's text; it is looked up in the
   * affinity map by key, by valuesEqual, then as a target category. Every possible key is known
   * when compiling, so the lookup is resolved to a local per predicted code.
   */
  private affinity(f: OutputField, row: FamilyRow, target: TargetFacts): Code {
    const aff = row.affinities;
    // Ranked entities (rank > 1) need the family's sorted ranking, which compile-js does not build.
    if (!aff || f.rank !== 1 || row.kind !== "category")
      throw new NotCompilable(`OutputField feature=${f.feature}${f.rank !== 1 ? ` rank=${f.rank}` : ""} of this model`);
    const keys = aff.keys ?? aff.ids;
    // Map.set keeps the last value of a repeated key.
    const map = new Map<Value, number>();
    keys.forEach((k, j) => map.set(k, j));
    const find = (key: Value): number | undefined => {
      const get = (k: Value) => {
        const direct = map.get(k);
        if (direct !== undefined) return direct;
        for (const [mk, j] of map) if (valuesEqual(mk, k)) return j;
        return undefined;
      };
      return get(key) ?? (typeof key === "string" ? get(target.category(key)) : undefined);
    };
    const missing = aff.missing === "Infinity" ? _`Infinity` : aff.missing === "0" ? _`0` : _`NaN`;
    const local = (j: number | undefined): Code => (j === undefined ? missing : _`${aff.locals[j]}`);
    if (f.value !== undefined) return _`(${row.value} === ${MISSING_CODE} ? NaN : ${local(find(f.value))})`;
    const cats = row.categories ?? [];
    let keyOf: (code: number) => Value;
    if (row.entity) {
      // The winning entity's id is the key; compile-js knows it per code where the entity is the prediction.
      if (row.entity.index !== row.value) throw new NotCompilable(`OutputField feature=${f.feature} of this model`);
      const ids = row.entity.ids;
      keyOf = (code) => ids[code] ?? formatValue(cats[code]);
    } else {
      keyOf = (code) => formatValue(cats[code]);
    }
    const chain = cats.reduceRight<Code>((acc, _c, code) => _`${row.value} === ${code} ? ${local(find(keyOf(code)))} : ${acc}`, _`NaN`);
    return _`(${chain})`;
  }

  private readonly finalizers: (() => void)[] = [];
}

/** Runtime functions generated code calls through the constant pool (see helpers.ts). */
type HelperKey = "normalCdf" | "exp" | "tabulateCategoryExpr" | "batchTexts" | "categoryNumbers" | "pfaIntPower";

/**
 * One model element's field scope, as the interpreter's ModelScope: local derived fields, then
 * MiningFields, then the enclosing scope (a MiningModel for a segment, the pipeline at the top).
 */
class ModelContext implements KernelContext, ExpressionHost {
  readonly names: NameScope;
  readonly pool: ConstantPool;
  private readonly local: Map<string, DerivedField>;
  private readonly mining: Map<string, MiningField>;
  /** Values defined in this scope by name (modelChain segment OutputFields). */
  private readonly defined = new Map<string, ColumnRef | (() => ColumnRef)>();
  private static nextId = 0;
  private readonly id = ModelContext.nextId++;

  constructor(
    readonly compiler: PipelineCompiler,
    readonly model: ModelNode,
    readonly parent: ModelContext | null,
  ) {
    this.names = compiler.names;
    this.pool = compiler.pool;
    this.local = new Map(model.localTransformations.map((f) => [f.name, f]));
    this.mining = new Map(model.miningSchema.map((f) => [f.name, f]));
  }

  get pipeline(): Pipeline {
    return this.compiler.pipeline;
  }

  get treeLayout(): TreeLayout {
    return this.compiler.options.treeLayout ?? "auto";
  }

  declare(code: Code): void {
    this.compiler.declarations.push(code);
  }

  step(code: Code): void {
    this.compiler.steps.push(code);
  }

  captureSteps<T>(build: () => T): { result: T; steps: Code[] } {
    const steps = this.compiler.steps;
    const from = steps.length;
    const result = build();
    return { result, steps: steps.splice(from) };
  }

  fail(kind: RowErrorKind): Code {
    return this.compiler.fail(kind);
  }

  helper(key: HelperKey): Name {
    return this.compiler.helper(key);
  }

  logic(op: "and" | "or" | "xor" | "surrogate"): Name {
    return this.compiler.logic(op);
  }

  errorIndex(kind: RowErrorKind): number {
    return this.compiler.errorIndex(kind);
  }

  runtime(key: "tabulateCategoryExpr" | "exp" | "pfaIntPower"): Name {
    return this.compiler.helper(key);
  }

  textsOf(col: ColumnRef): Name {
    return this.compiler.textsOf(col);
  }

  shared(key: "rint" | "median" | "normContinuous"): Name {
    return this.compiler.shared(key);
  }

  nested(model: ModelNode): KernelContext {
    return new ModelContext(this.compiler, model, this);
  }

  define(field: string, ref: ColumnRef | (() => ColumnRef)): void {
    this.defined.set(field, ref);
  }

  modelOutputs(model: ModelNode, row: FamilyRow, target: TargetFacts): ModelOutputs {
    return this.compiler.modelOutputs(this, model, row, target);
  }

  targetOf(model: ModelNode): TargetFacts {
    const explicit = model.kind === "regression" ? model.targetFieldName : model.kind === "generalRegression" ? model.targetVariableName : undefined;
    return targetFacts(model, this.pipeline, explicit);
  }

  /** The declared dataType of a field, as the interpreter's ModelScope.typeOf (local, then enclosing, then data/global fields). */
  typeOf(field: string): DataType | undefined {
    const local = this.local.get(field);
    if (local) return local.dataType;
    if (this.parent) return this.parent.typeOf(field);
    return this.compiler.dataFields.get(field)?.dataType ?? this.compiler.global.get(field)?.dataType;
  }

  ordered(field: string): boolean {
    const local = this.local.get(field);
    if (local) return local.opType === "ordinal" && (local.values?.length ?? 0) > 0;
    if (this.parent) return this.parent.ordered(field);
    const dataField = this.compiler.dataFields.get(field);
    if (dataField) return (this.compiler.topMining.get(field)?.opType ?? dataField.opType) === "ordinal" && dataField.validValues.length > 0;
    const derived = this.compiler.global.get(field);
    return derived?.opType === "ordinal" && (derived.values?.length ?? 0) > 0;
  }

  numberLiteral(field: string): ((value: number) => number) | undefined {
    // numericLiteral's reading, type by type: double, integer and boolean fields (and undeclared
    // ones) read the text as a double (a boolean or non-integer reading falls back to it); float rounds it.
    const declared = this.typeOf(field);
    if (declared === undefined || declared === "double" || declared === "integer" || declared === "boolean") return asDouble;
    if (declared === "float") return Math.fround;
    return undefined;
  }

  numericLiteral(field: string, text: string): number | undefined {
    const declared = this.typeOf(field);
    if (declared !== undefined) {
      const typed = toDataType(text, declared);
      // (A boolean field's column holds 1/0: its literals keep the double reading.)
      if (typeof typed === "number") return typed;
      if (typed !== undefined && typed !== null && typeof typed !== "boolean") return undefined;
    }
    const v = toDataType(text, "double");
    return typeof v === "number" ? v : undefined;
  }

  /** Field resolution in the interpreter's order (ModelScope.resolve). */
  column(field: string): ColumnRef {
    const defined = this.defined.get(field);
    if (typeof defined === "function") {
      const ref = defined();
      this.defined.set(field, ref);
      return ref;
    }
    if (defined) return defined;
    const local = this.local.get(field);
    if (local) return this.compiler.derived(local, `local${this.id}:${field}`, this);
    const mining = this.mining.get(field);
    const dataField = this.compiler.dataFields.get(field);
    if (mining && dataField && this.parent !== null) {
      // A nested model sees its parent's value (the batch holds the input treated by the
      // top-level model) and treats it again with its own MiningField: a plain one passes it on,
      // the top-level model's own treatment applied twice is applied once; others differ.
      if (isPlainMiningField(mining) || (treatsInvalidOnly(mining) && this.compiler.topMining.get(field)?.invalidValueTreatment === "returnInvalid"))
        return this.parent.column(field);
      if (!sameTreatment(this.compiler.topMining.get(field), mining))
        throw new NotCompilable("segment MiningField treatments that differ from the top-level model's");
      return this.compiler.input(dataField);
    }
    if (mining && !dataField && !isPassThrough(mining)) throw new NotCompilable("MiningField treatment of a derived field");
    if (this.parent) return this.parent.column(field);
    if (dataField) return this.compiler.input(dataField);
    const global = this.compiler.global.get(field);
    if (global) return this.compiler.derived(global, `global:${field}`, this.compiler.root);
    throw new NotCompilable(`reference to field "${field}" outside the model's scope`);
  }

  /**
   * A numeric expression evaluated for row `i` where the family reads it, as a function of its
   * own; its evaluation errors fail the row.
   */
  expr(e: Expr): Code {
    return this.expression(e).at;
  }

  /** A text-valued expression per row as its code in `dict` (which compiling fills), in a function of its own. */
  textExpr(e: Expr, dict: CategoryDictionary): Code {
    const err = this.names.name("err");
    const rc = new RowExpressionCompiler(this, err);
    const row = rc.category(e, dict);
    const fn = this.names.name("x");
    const rowErrors = this.compiler.rowErrors;
    this.declare(
      _`function ${fn}(i) { let ${err} = 0; ${row.s} ${rc.fallible ? _`if (${err} !== 0 && ${rowErrors}[i] === 0) ${rowErrors}[i] = ${err};` : _``} return ${row.v}; }`,
    );
    return _`${fn}(i)`;
  }

  expression(e: Expr): { at: Code; fallible: boolean } {
    const err = this.names.name("err");
    const rc = new RowExpressionCompiler(this, err);
    const row = rc.number(e);
    const fn = this.names.name("x");
    const rowErrors = this.compiler.rowErrors;
    this.declare(
      _`function ${fn}(i) { let ${err} = 0; ${row.s} ${rc.fallible ? _`if (${err} !== 0 && ${rowErrors}[i] === 0) ${rowErrors}[i] = ${err};` : _``} return ${row.v}; }`,
    );
    return { at: _`${fn}(i)`, fallible: rc.fallible };
  }
}

/**
 * Whether the interpreter's value of this expression is a boolean (compiled code holds 1/0, so
 * the output column decodes it as boolean).
 */
function booleanValued(e: Expr, pipeline: Pipeline, model: ModelNode): boolean {
  switch (e.kind) {
    case "constant":
      return typeof e.value === "boolean";
    case "fieldRef": {
      const f =
        model.localTransformations.find((d) => d.name === e.field) ??
        pipeline.transformations.find((d) => d.name === e.field) ??
        pipeline.dataFields.find((d) => d.name === e.field);
      return f?.dataType === "boolean";
    }
    case "apply": {
      const user = pipeline.functions.find((f) => f.name === e.function);
      if (user) return user.dataType === "boolean";
      if (e.function === "if") return e.args.slice(1).every((a) => booleanValued(a, pipeline, model));
      return getBuiltin(e.function)?.resultType === "boolean";
    }
    default:
      return false;
  }
}

/**
 * A MiningField whose only treatment is of invalid values. Under a top-level returnInvalid no
 * invalid value reaches a nested model (the row fails first), so it passes its parent's value on
 * (R randomForest segments write invalidValueTreatment="asIs" under a returnInvalid top).
 */
function treatsInvalidOnly(f: MiningField): boolean {
  return f.missingValueReplacement === undefined && (f.missingValueTreatment === undefined || f.missingValueTreatment === "asIs") && f.outliers === "asIs";
}

/** A MiningField on a non-data field that leaves its value as it is. */
function isPassThrough(f: MiningField): boolean {
  return f.missingValueReplacement === undefined && f.outliers === "asIs";
}

/** ModelContext.numberLiteral of a field read as a double: the number itself. */
function asDouble(value: number): number {
  return value;
}
