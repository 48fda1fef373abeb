import {
  normalCdf, formatValue, toDataType,
  type DataType, type Expr, type ModelNode, type OutputField, type Pipeline, type Value, type DerivedField,
} from "@porta/ir";
import { ConstantPool, NameScope, _, instantiate, join, type Code, type Name } from "./codegen.ts";
import { codeOf, makeInputColumn, MISSING_CODE, type InputColumn } from "./columns.ts";
import type { ColumnRef, FamilyRow, KernelContext } from "./kernel.ts";
import { compileRegression } from "./families/regression.ts";
import { compileTree } from "./families/tree.ts";
import { compileMining, type TreeLayout } from "./families/mining.ts";
import { displayValueOf, targetFacts, type TargetFacts } from "./targets.ts";
import { NotCompilable } from "./unsupported.ts";

/** How an output column is stored and turned back into values. */
export interface OutputColumn {
  name: string;
  storage: "f64" | "i32";
  /** number: NaN is missing; table: i32 index into it (-1 missing); text: number formatted as text. */
  decode: { kind: "number" } | { kind: "table"; table: Value[] } | { kind: "text" };
  /** OutputField dataType the interpreter casts to. */
  dataType?: DataType;
}

export type Kernel = (n: number, inputs: readonly (Float64Array | Int32Array)[], outputs: readonly (Float64Array | Int32Array)[]) => void;

/** A pipeline compiled to one batch kernel over columns. */
export interface CompiledPipeline {
  inputs: InputColumn[];
  outputs: OutputColumn[];
  kernel: Kernel;
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
  return new PipelineCompiler(pipeline, options).compile();
}

class PipelineCompiler implements KernelContext {
  readonly names = new NameScope();
  readonly pool = new ConstantPool(this.names);
  private readonly declarations: Code[] = [];
  private readonly helpers = new Map<string, Name>();
  private readonly inputs: InputColumn[] = [];
  private readonly inputRefs = new Map<string, ColumnRef>();
  private readonly derivedRefs = new Map<string, ColumnRef>();
  private readonly derivedOrder: { ref: ColumnRef; code: Code }[] = [];
  private readonly inProgress = new Set<string>();
  private readonly model: ModelNode;
  private readonly local: Map<string, DerivedField>;
  private readonly global: Map<string, DerivedField>;

  constructor(private readonly pipeline: Pipeline, private readonly options: CompileOptions) {
    this.model = pipeline.model;
    this.local = new Map(this.model.localTransformations.map((f) => [f.name, f]));
    this.global = new Map(pipeline.transformations.map((f) => [f.name, f]));
  }

  declare(code: Code): void {
    this.declarations.push(code);
  }

  helper(key: "normalCdf"): Name {
    let n = this.helpers.get(key);
    if (!n) {
      n = this.pool.add(normalCdf, "normalCdf");
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
    this.declare(_`function ${n}(a, b) { ${body} }`);
    return n;
  }

  /** Field resolution in the interpreter's order: local derived, mining field, global derived. */
  column(field: string): ColumnRef {
    const local = this.local.get(field);
    if (local) return this.derived(local, "local");
    const mining = this.model.miningSchema.find((f) => f.name === field);
    const dataField = this.pipeline.dataFields.find((f) => f.name === field);
    if (dataField) {
      let ref = this.inputRefs.get(field);
      if (!ref) {
        const col = makeInputColumn(dataField, mining);
        this.inputs.push(col);
        ref = { array: this.names.name("col"), kind: col.kind, input: col };
        this.inputRefs.set(field, ref);
      }
      return ref;
    }
    const global = this.global.get(field);
    if (global) return this.derived(global, "global");
    throw new NotCompilable(`reference to field "${field}" outside the model's scope`);
  }

  private derived(field: DerivedField, where: string): ColumnRef {
    const key = `${where}:${field.name}`;
    const existing = this.derivedRefs.get(key);
    if (existing) return existing;
    if (this.inProgress.has(key)) throw new NotCompilable(`cyclic derived field "${field.name}"`);
    if (field.dataType !== "double" && field.dataType !== "float") throw new NotCompilable(`DerivedField of dataType ${field.dataType}`);
    this.inProgress.add(key);
    const value = this.expr(field.expr);
    this.inProgress.delete(key);
    const ref: ColumnRef = { array: this.names.name("d"), kind: "number" };
    const cast = field.dataType === "float" ? _`Math.fround(${value})` : value;
    this.derivedOrder.push({ ref, code: cast });
    this.derivedRefs.set(key, ref);
    return ref;
  }

  /** A numeric expression (NaN = missing) over row `i`. */
  private expr(e: Expr): Code {
    switch (e.kind) {
      case "constant":
        if (typeof e.value !== "number") throw new NotCompilable("non-numeric Constant");
        return _`${e.value}`;
      case "fieldRef": {
        const col = this.column(e.field);
        if (col.kind !== "number") throw new NotCompilable("FieldRef to a string field in a numeric expression");
        if (e.mapMissingTo === undefined) return _`${col.array}[i]`;
        if (typeof e.mapMissingTo !== "number") throw new NotCompilable("non-numeric mapMissingTo");
        return _`(${col.array}[i] !== ${col.array}[i] ? ${e.mapMissingTo} : ${col.array}[i])`;
      }
      case "normContinuous": {
        const col = this.column(e.field);
        if (col.kind !== "number" || e.points.length < 2) throw new NotCompilable("NormContinuous on a string field");
        const pts = this.pool.add(Float64Array.from(e.points.flatMap((p) => [p.orig, p.norm])), "norm");
        const fn = this.normContinuousHelper();
        const outliers = { asIs: 0, asMissingValues: 1, asExtremeValues: 2 }[e.outliers];
        const missing = e.mapMissingTo ?? NaN;
        return _`${fn}(${col.array}[i], ${pts}, ${outliers}, ${missing})`;
      }
      case "normDiscrete": {
        const col = this.column(e.field);
        const missing = e.mapMissingTo ?? NaN;
        if (col.kind === "category") {
          const code = codeOf(col.input!, e.value);
          return _`(${col.array}[i] === ${MISSING_CODE} ? ${missing} : ${col.array}[i] === ${code} ? 1 : 0)`;
        }
        const v = toDataType(e.value, "double");
        if (typeof v !== "number") throw new NotCompilable("NormDiscrete with text on a numeric field");
        return _`(${col.array}[i] !== ${col.array}[i] ? ${missing} : ${col.array}[i] === ${v} ? 1 : 0)`;
      }
      case "apply": {
        // Only operations that cannot produce PMML "invalid" from valid numbers are compiled.
        const ops: Record<string, Code> = { "+": _`+`, "-": _`-`, "*": _`*` };
        const op = ops[e.function];
        if (!op || e.args.length !== 2 || e.defaultValue !== undefined) throw new NotCompilable(`Apply function="${e.function}"`);
        const [a, b] = e.args.map((x) => this.expr(x));
        const combined = _`(${a} ${op} ${b})`;
        if (e.mapMissingTo === undefined) return combined;
        if (typeof e.mapMissingTo !== "number") throw new NotCompilable("non-numeric mapMissingTo");
        const t = this.names.name("m");
        this.declare(_`let ${t} = 0;`);
        return _`((${t} = ${combined}) !== ${t} ? ${e.mapMissingTo} : ${t})`;
      }
      default:
        throw new NotCompilable(`${e.kind} expression`);
    }
  }

  private normContinuousHelper(): Name {
    let n = this.helpers.get("normContinuous");
    if (n) return n;
    n = this.names.name("normContinuous");
    this.helpers.set("normContinuous", n);
    // Same arithmetic as the interpreter's evaluateNormContinuous.
    this.declare(_`function ${n}(x, pts, outliers, missing) {
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
    const model = this.model;
    const target = targetFacts(model, this.pipeline, model.kind === "regression" ? model.targetFieldName : undefined);
    let row: FamilyRow;
    switch (model.kind) {
      case "tree":
        row = compileTree(model, this, target);
        break;
      case "regression":
        row = compileRegression(model, this, target);
        break;
      case "mining":
        row = compileMining(model, this, target, this.pipeline, this.options.treeLayout);
        break;
      default:
        throw new NotCompilable(`${(model as { kind: string }).kind} model`);
    }
    const post = this.targets(model, row, target);
    const { statements, outputs } = this.outputs(model, row, target);
    const inputNames = this.inputs.map((c) => this.inputRefs.get(c.name)!.array);
    const outNames = outputs.map(() => this.names.name("out"));
    const derivedNames = this.derivedOrder.map((d) => d.ref.array);
    const body = _`${this.pool.prelude()}
${inputNames.length ? _`let ${join(inputNames, ", ")};` : _``}
${derivedNames.length ? _`let ${join(derivedNames, ", ")};` : _``}
${join(this.declarations, "\n")}
return function kernel(n, inputs, outputs) {
${join(inputNames.map((name, k) => _`${name} = inputs[${k}];`), "\n")}
${join(this.derivedOrder.map((d) => _`${d.ref.array} = new Float64Array(n); for (let i = 0; i < n; i++) ${d.ref.array}[i] = ${d.code};`), "\n")}
${join(outNames.map((name, k) => _`const ${name} = outputs[${k}];`), "\n")}
${row.prepass ?? _``}
for (let i = 0; i < n; i++) {
${row.body}
${post}
${join(statements.map((s, k) => _`${outNames[k]}[i] = ${s};`), "\n")}
}
};`;
    for (const finish of this.finalizers) finish();
    const kernel = instantiate<Kernel>(body, this.pool.values);
    return { inputs: this.inputs, outputs, kernel, source: body.text, constants: this.pool.values };
  }

  /** Targets post-processing, mirroring the interpreter's applyTargets. */
  private targets(model: ModelNode, row: FamilyRow, target: TargetFacts): Code {
    const t = target.target;
    if (!t) return _``;
    if (model.functionName === "regression") {
      if (row.kind !== "number") throw new NotCompilable("Targets on a categorical regression");
      const v = row.value;
      const out: Code[] = [];
      const dflt = t.values.find((tv) => tv.defaultValue !== undefined)?.defaultValue;
      const x = this.names.name("tv");
      out.push(_`let ${x} = ${v};`);
      if (dflt !== undefined) out.push(_`if (${x} !== ${x}) ${x} = ${dflt};`);
      const steps: Code[] = [];
      if (t.min !== undefined) steps.push(_`if (${x} < ${t.min}) ${x} = ${t.min};`);
      if (t.max !== undefined) steps.push(_`if (${x} > ${t.max}) ${x} = ${t.max};`);
      steps.push(_`${x} = ${x} * ${t.rescaleFactor} + ${t.rescaleConstant};`);
      if (t.castInteger) steps.push(_`${x} = ${{ round: _`Math.round`, ceiling: _`Math.ceil`, floor: _`Math.floor` }[t.castInteger]}(${x});`);
      out.push(_`if (${x} === ${x}) { ${join(steps, " ")} }`);
      row.value = x;
      return join(out, "\n");
    }
    if (model.functionName === "classification") {
      const priors = t.values.filter((tv) => tv.priorProbability !== undefined && tv.value !== undefined);
      if (priors.length === 0 || row.kind !== "category") return _``;
      const categories = row.categories!;
      const probs = row.probabilities ?? [];
      const slot = (c: Value): number => {
        let k = categories.findIndex((x) => x === c);
        if (k < 0) { categories.push(c); probs.push(this.names.name("p")); k = categories.length - 1; }
        return k;
      };
      const priorSlots = priors.map((tv) => ({ k: slot(target.category(tv.value!)), p: tv.priorProbability! }));
      row.probabilities = probs;
      let best = -1, bestP = -Infinity;
      for (const { k, p } of priorSlots) if (p > bestP) { best = k; bestP = p; }
      const assigns = probs.map((p, k) => _`${p} = ${priorSlots.find((s) => s.k === k)?.p ?? 0};`);
      const extra = probs.slice(row.probabilities.length);
      return _`${extra.length ? _`let ${join(extra.map((p) => _`${p} = NaN`), ", ")};` : _``}
if (${row.value} === ${MISSING_CODE}) { ${row.value} = ${best}; ${join(assigns, " ")} }`;
    }
    return _``;
  }

  /** The result columns, in the order PmmlModel reports them: target, then final OutputFields. */
  private outputs(model: ModelNode, row: FamilyRow, target: TargetFacts): { statements: Code[]; outputs: OutputColumn[] } {
    const statements: Code[] = [];
    const outputs: OutputColumn[] = [];
    const categoryTable = (): Value[] => row.categories ?? [];
    const valueColumn = (name: string, dataType?: DataType) => {
      if (row.kind === "number") {
        outputs.push({ name, storage: "f64", decode: { kind: "number" }, dataType });
      } else {
        outputs.push({ name, storage: "i32", decode: { kind: "table", table: categoryTable() }, dataType });
      }
      statements.push(_`${row.value}`);
    };
    if (target.name !== null) valueColumn(target.name);
    for (const f of model.output) {
      if (!f.isFinalResult) continue;
      if (f.segmentId !== undefined || (f.targetField !== undefined && f.targetField !== target.name)) throw new NotCompilable("OutputField of another target or segment");
      this.outputField(f, row, target, statements, outputs, valueColumn);
    }
    return { statements, outputs };
  }

  private outputField(f: OutputField, row: FamilyRow, target: TargetFacts, statements: Code[], outputs: OutputColumn[], valueColumn: (name: string, dataType?: DataType) => void): void {
    switch (f.feature) {
      case "predictedValue":
        valueColumn(f.name, f.dataType);
        return;
      case "predictedDisplayValue":
        if (row.kind === "number") {
          outputs.push({ name: f.name, storage: "f64", decode: { kind: "text" }, dataType: f.dataType });
          statements.push(_`${row.value}`);
        } else {
          const cats = row.categories!;
          // Resolved lazily: the table reads the final category list when decoding.
          const table: Value[] = [];
          outputs.push({ name: f.name, storage: "i32", decode: { kind: "table", table }, dataType: f.dataType });
          statements.push(_`${row.value}`);
          this.finalizers.push(() => { for (const c of cats) table.push(displayValueOf(target, c) ?? formatValue(c)); });
        }
        return;
      case "probability":
      case "confidence": {
        const locals = f.feature === "confidence" ? (row.confidences ?? row.probabilities) : row.probabilities;
        if (!locals || row.kind !== "category") throw new NotCompilable(`OutputField feature=${f.feature} of this model`);
        outputs.push({ name: f.name, storage: "f64", decode: { kind: "number" }, dataType: f.dataType });
        if (f.value === undefined) {
          const chain = locals.reduceRight<Code>((acc, p, k) => _`${row.value} === ${k} ? ${p} : ${acc}`, _`NaN`);
          statements.push(_`(${chain})`);
        } else {
          const wanted = target.category(f.value);
          const k = row.categories!.findIndex((c) => c === wanted);
          statements.push(k >= 0 ? _`${locals[k]}` : locals.length ? _`(${locals[0]} === ${locals[0]} ? 0 : NaN)` : _`NaN`);
        }
        return;
      }
      case "entityId":
        if (!row.entity) throw new NotCompilable("entityId of this model");
        outputs.push({ name: f.name, storage: "i32", decode: { kind: "table", table: row.entity.ids }, dataType: f.dataType });
        statements.push(_`${row.entity.index}`);
        return;
      default:
        throw new NotCompilable(`OutputField feature=${f.feature}`);
    }
  }

  private readonly finalizers: (() => void)[] = [];
}
