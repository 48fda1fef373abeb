/**
 * The stateless, loop-free core of general PFA lowered into the IR: a map engine whose action is
 * expressions over its input — literals, input fields, `let`, `set`, `if`, `cond`, `do`, library
 * calls on numbers, booleans and strings (expressions.ts), user functions (inlined), read-only
 * cells (constants) and records built with `new` — becomes a pipeline of DerivedFields whose
 * OutputFields are the engine's output (a record's fields, or `output`).
 *
 * Evaluation order and errors stay PFA's: every bound value is a DerivedField (SSA: a `set` makes
 * a new one; after an `if` that sets a variable, a field choosing the branch's value), and every
 * statement that can raise is evaluated where PFA evaluates it, through `pfa:do` (the IR's block:
 * its arguments in order, the last one's value) — the IR evaluates a DerivedField only where it is
 * read, PFA a `let` where it stands. PFA's NaN is the IR's missing value (functions/pfa.ts).
 *
 * Everything else — loops, cells written or shared, pools, emit and fold engines, begin/end,
 * arrays, maps, unions, long values, exceptions and try, recursion — is refused with the construct
 * and its path, and the document is lowered as a program (program-model/) instead.
 */
import type { DataField, DataType, DerivedField, Expr, MiningField, OutputField, Pipeline, RegressionModel } from "@porta/ir";
import { PFA_RAISES } from "@porta/ir";
import type { LoweredInput } from "@porta/backend";
import type { Block, CallNode, ExprNode, FcnDefNode } from "../ast/nodes.ts";
import type { Checker } from "../compiler/checker.ts";
import type { EngineFacts, PfaEngine } from "../engine.ts";
import { T, type AvroType, type ExprType } from "@porta/ir/avro";
import { apply, constant, libraryCall, type Scalar } from "./expressions.ts";
import { loweredModelBase } from "./model-base.ts";
import { notLowerable } from "./refusal.ts";

/** A lowered value: a scalar expression, or a record of values (built by `new`, an input, a cell). */
type Value = { readonly kind: "scalar"; readonly type: Scalar; readonly expr: Expr } | { readonly kind: "record"; readonly fields: ReadonlyMap<string, Value> };

/** What evaluating a PFA expression does: `pre` in order (for their errors), then its value (null: PFA's null). */
interface Lowered {
  readonly pre: readonly Expr[];
  readonly value: Value | null;
}

interface Binding {
  value: Value;
}

class Scope {
  readonly vars = new Map<string, Binding>();
  constructor(readonly parent: Scope | null) {}
  lookup(name: string): Binding | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const b = s.vars.get(name);
      if (b) return b;
    }
    return undefined;
  }
  /** Every binding visible here. */
  visible(out = new Set<Binding>()): Set<Binding> {
    for (const b of this.vars.values()) out.add(b);
    this.parent?.visible(out);
    return out;
  }
}

/** How many IR expressions one document may lower into (user functions are inlined at each call). */
const MAX_NODES = 50_000;

/** The IR kind of a PFA type, or a refusal naming the type. */
export function scalarOf(t: ExprType, path: string, what: string): Scalar {
  switch (t.kind) {
    case "int":
      return "int";
    case "float":
    case "double":
      return "double";
    case "boolean":
      return "boolean";
    case "string":
      return "string";
    case "long":
      return notLowerable(`${what} of type long (exact to 64 bits in PFA, 53 in an IR number)`, path);
    default:
      return notLowerable(`${what} of type ${t.kind} (only int, float, double, boolean, string and records of them are lowered)`, path);
  }
}

const IR_TYPE: Readonly<Record<Scalar, DataType>> = { int: "double", double: "double", boolean: "boolean", string: "string" };

const trivial = (e: Expr) => e.kind === "constant" || e.kind === "fieldRef";

/** The refusal of a form the lowering leaves to the PFA engine, by node kind. */
const REFUSED: Readonly<Record<string, string>> = {
  while: "a while loop",
  doUntil: "a do-until loop",
  for: "a for loop",
  foreach: "a foreach loop",
  forkeyval: "a forkey-forval loop",
  cast: "a cast of a union",
  upcast: "an upcast",
  ifnotnull: "ifnotnull (unions with null)",
  pool: "a pool",
  emit: "emit",
  error: "an error expression (exceptions)",
  try: "try (exceptions)",
  log: "log",
  doc: "doc",
};

class ProgramLowering {
  readonly derived: DerivedField[] = [];
  /** Derived fields whose evaluation can raise a PFA error. */
  private readonly fallibleFields = new Set<string>();
  private nodes = 0;
  private readonly inlining: string[] = [];
  /** Types of the nodes the lowering makes itself (a cond's remaining clauses). */
  private readonly synthetic = new Map<ExprNode, ExprType>();

  constructor(
    readonly engine: PfaEngine,
    readonly facts: EngineFacts,
    readonly checked: Checker,
  ) {}

  typeOf(node: ExprNode): ExprType {
    const t = this.checked.types.get(node) ?? this.synthetic.get(node);
    if (!t) return notLowerable("an expression the checker did not type", node.path);
    return t;
  }

  fallible(e: Expr): boolean {
    switch (e.kind) {
      case "constant":
        return false;
      case "fieldRef":
        return this.fallibleFields.has(e.field);
      case "apply":
        return Object.hasOwn(PFA_RAISES, e.function) || e.args.some((a) => this.fallible(a));
      default:
        return true;
    }
  }

  count(n = 1): void {
    this.nodes += n;
    if (this.nodes > MAX_NODES) notLowerable(`more than ${MAX_NODES} IR expressions (user functions are inlined at each call)`, "/action");
  }

  /** A DerivedField holding `expr` (named after the variable, never a PFA name: Avro names hold no ':'). */
  bind(name: string, type: Scalar, expr: Expr, fallible = this.fallible(expr)): Expr {
    if (trivial(expr)) return expr;
    const field = `pfa:${name}#${this.derived.length}`;
    this.derived.push({ name: field, dataType: IR_TYPE[type], opType: type === "double" || type === "int" ? "continuous" : "categorical", expr });
    if (fallible) this.fallibleFields.add(field);
    this.count();
    return { kind: "fieldRef", field };
  }

  /** A value every part of which is a field or a constant (safe to read more than once), and what binding it must evaluate. */
  bindValue(name: string, v: Value, pre: Expr[]): Value {
    if (v.kind === "record") return v;
    const expr = this.bind(name, v.type, v.expr);
    if (this.fallible(expr) && !trivial(v.expr)) pre.push(expr);
    return { kind: "scalar", type: v.type, expr };
  }

  /** A scalar's IR expression with the evaluation before it (`pfa:do`). */
  scalarExpr(l: Lowered, path: string): Expr {
    if (l.value?.kind !== "scalar") return notLowerable(`${l.value ? "a record" : "null"} where a number, boolean or string is used`, path);
    return sequence(l.pre, l.value.expr);
  }

  // ------------------------------------------------------------ forms

  lower(node: ExprNode, scope: Scope): Lowered {
    this.count();
    switch (node.kind) {
      case "literal":
        if (node.value === null) return { pre: [], value: null };
        if (node.type === "long" || node.type === "bytes") return notLowerable(`a ${node.type} literal`, node.path);
        return {
          pre: [],
          value: { kind: "scalar", type: scalarOf(this.typeOf(node), node.path, "a literal"), expr: constant(node.value as number | boolean | string) },
        };
      case "value":
        return { pre: [], value: this.constantValue(this.checked.constants.get(node), this.typeOf(node) as AvroType, node.path) };
      case "ref": {
        const b = scope.lookup(node.name);
        if (!b) return notLowerable(`variable ${node.name}`, node.path);
        return { pre: [], value: b.value };
      }
      case "attr": {
        if (node.to) return notLowerable("attr with to (an updated copy)", node.path);
        const base = this.lower(node.base, scope);
        if (!base.value) return notLowerable("a path into null", node.path);
        return { pre: base.pre, value: this.fieldPath(base.value, node.steps, node.path) };
      }
      case "cell":
        return this.lowerCell(node.name, node.steps, node.to !== null, node.path);
      case "new":
        return this.lowerNew(node, scope);
      case "let":
      case "set":
        return this.lowerLet(node.kind, node.bindings, scope);
      case "do":
        return this.block(node.body, new Scope(scope));
      case "if":
        return this.lowerIf(node.test, node.then, node.else, this.typeOf(node), node.path, scope);
      case "cond":
        return this.lowerCond(node.clauses, node.else, this.typeOf(node), node.path, scope);
      case "call":
        return this.lowerCall(node, scope);
      default:
        return notLowerable(`${REFUSED[node.kind] ?? node.kind} (stays on the PFA engine)`, node.path);
    }
  }

  block(body: Block, scope: Scope): Lowered {
    const pre: Expr[] = [];
    const last = body.exprs.length - 1;
    for (let i = 0; i < last; i++) {
      const l = this.lower(body.exprs[i]!, scope);
      pre.push(...l.pre);
      // a statement whose value nobody reads is still evaluated, for its errors
      if (l.value?.kind === "scalar" && this.fallible(l.value.expr)) pre.push(l.value.expr);
    }
    const l = this.lower(body.exprs[last]!, scope);
    return { pre: [...pre, ...l.pre], value: l.value };
  }

  private lowerLet(kind: "let" | "set", bindings: readonly { name: string; expr: ExprNode; path: string }[], scope: Scope): Lowered {
    const pre: Expr[] = [];
    // parallel: every right-hand side first, then the names
    const values = bindings.map((b) => {
      const l = this.lower(b.expr, scope);
      if (!l.value) return notLowerable(`${kind} of ${b.name} to null`, b.path);
      pre.push(...l.pre);
      return this.bindValue(b.name, l.value, pre);
    });
    bindings.forEach((b, k) => {
      if (kind === "let") scope.vars.set(b.name, { value: values[k]! });
      else {
        const target = scope.lookup(b.name);
        if (!target) return notLowerable(`set of undeclared ${b.name}`, b.path);
        target.value = values[k]!;
      }
    });
    return { pre, value: null };
  }

  private lowerIf(test: ExprNode, then: Block, otherwise: Block | null, type: ExprType, path: string, scope: Scope): Lowered {
    const t = this.lower(test, scope);
    const pre: Expr[] = [...t.pre];
    let cond = this.scalarExpr({ pre: [], value: t.value }, test.path);
    const visible = scope.visible();
    const before = new Map([...visible].map((b) => [b, b.value]));
    const branch = (body: Block | null): { lowered: Lowered; after: Map<Binding, Value> } => {
      const lowered = body ? this.block(body, new Scope(scope)) : { pre: [], value: null };
      const after = new Map([...visible].map((b) => [b, b.value]));
      for (const [b, v] of before) b.value = v;
      return { lowered, after };
    };
    const yes = branch(then);
    const no = branch(otherwise);
    const changed = [...visible].filter((b) => yes.after.get(b) !== b.value || no.after.get(b) !== b.value);
    const valued = otherwise !== null && type.kind !== "null";
    const scalar = valued && yes.lowered.value?.kind === "scalar" && no.lowered.value?.kind === "scalar";
    if (scalar && changed.length === 0) {
      // an if that is only a value: one IR if (only the chosen branch is evaluated)
      const kind = scalarOf(type, path, "an if");
      return { pre, value: { kind: "scalar", type: kind, expr: apply("if", cond, this.scalarExpr(yes.lowered, path), this.scalarExpr(no.lowered, path)) } };
    }
    // the test is read again by the fields choosing each changed variable's value
    if (!trivial(cond)) {
      const fallible = this.fallible(cond);
      cond = this.bind("if", "boolean", cond);
      if (fallible) pre.push(cond);
    }
    let value: Value | null = null;
    if (scalar) {
      const kind = scalarOf(type, path, "an if");
      const expr = this.bind("if", kind, apply("if", cond, this.scalarExpr(yes.lowered, path), this.scalarExpr(no.lowered, path)));
      if (this.fallible(expr)) pre.push(expr);
      value = { kind: "scalar", type: kind, expr };
    } else {
      // a statement (or a record): the branches' evaluation, then the values chosen by the test
      const effect = (l: Lowered) => sequence([...l.pre, ...(l.value?.kind === "scalar" && this.fallible(l.value.expr) ? [l.value.expr] : [])], constant(true));
      const statement = apply("if", cond, effect(yes.lowered), effect(no.lowered));
      if (this.fallible(statement)) pre.push(statement);
      if (valued) {
        if (yes.lowered.value?.kind !== "record" || no.lowered.value?.kind !== "record") return notLowerable("an if whose branches are not of one kind", path);
        value = this.choose("if", cond, yes.lowered.value, no.lowered.value, path);
      }
    }
    for (const b of changed) b.value = this.choose("phi", cond, yes.after.get(b)!, no.after.get(b)!, path);
    return { pre, value };
  }

  /** `cond` as nested ifs: each test only when the ones before it failed. */
  private lowerCond(clauses: readonly { test: ExprNode; then: Block }[], otherwise: Block | null, type: ExprType, path: string, scope: Scope): Lowered {
    const [first, ...rest] = clauses;
    if (!first) return otherwise ? this.block(otherwise, new Scope(scope)) : { pre: [], value: null };
    if (rest.length === 0) return this.lowerIf(first.test, first.then, otherwise, type, path, scope);
    // the rest of the clauses as the else branch, lowered by a block of one synthetic cond
    const inner: ExprNode = { kind: "cond", clauses: rest, else: otherwise, path };
    this.synthetic.set(inner, type);
    return this.lowerIf(first.test, first.then, { exprs: [inner], path }, otherwise ? type : T.null, path, scope);
  }

  /** A value chosen by a (trivial) test between two values of one shape: a field per scalar. */
  private choose(name: string, cond: Expr, yes: Value, no: Value, path: string): Value {
    if (yes === no) return yes;
    if (yes.kind === "scalar" && no.kind === "scalar") {
      // the branches were evaluated by the if itself: this field only picks
      return { kind: "scalar", type: yes.type, expr: this.bind(name, yes.type, apply("if", cond, yes.expr, no.expr), false) };
    }
    if (yes.kind === "record" && no.kind === "record") {
      const fields = new Map<string, Value>();
      for (const [k, v] of yes.fields) fields.set(k, this.choose(`${name}.${k}`, cond, v, no.fields.get(k)!, path));
      return { kind: "record", fields };
    }
    return notLowerable("a variable set to values of different kinds in two branches", path);
  }

  private lowerNew(node: Extract<ExprNode, { kind: "new" }>, scope: Scope): Lowered {
    const t = this.typeOf(node);
    if (t.kind !== "record" || node.content.shape !== "object") return notLowerable(`new ${t.kind} (only records are lowered)`, node.path);
    const pre: Expr[] = [];
    const given = new Map<string, Value>();
    for (const [k, e] of node.content.fields) {
      const l = this.lower(e, scope);
      if (!l.value) return notLowerable(`record field ${k} of null`, e.path);
      pre.push(...l.pre);
      given.set(k, this.bindValue(k, l.value, pre));
    }
    // the record's own field order (a `new` may list them in another)
    return { pre, value: { kind: "record", fields: new Map(t.fields.map((f) => [f.name, given.get(f.name)!])) } };
  }

  private fieldPath(v: Value, steps: readonly ExprNode[], path: string): Value {
    let out = v;
    for (const step of steps) {
      if (out.kind !== "record" || step.kind !== "literal" || typeof step.value !== "string")
        return notLowerable("a path step into an array or a map", step.path);
      const f = out.fields.get(step.value);
      if (!f) return notLowerable(`record field ${step.value}`, step.path);
      out = f;
    }
    void path;
    return out;
  }

  private lowerCell(name: string, steps: readonly ExprNode[], writes: boolean, path: string): Lowered {
    const cell = this.facts.ast.cells.get(name);
    if (writes) return notLowerable(`a cell update (cell ${name} is written)`, path);
    // (a cell the action or a function it calls writes is refused where it is written; begin and end are refused)
    if (!cell || cell.shared) return notLowerable(`cell ${name} is shared (other engines may write it)`, path);
    let value: unknown = this.engine.cells[name];
    let type: AvroType = this.facts.cellTypes.get(name)!;
    // a path of constant steps into the decoded value: record fields, array indexes
    for (const step of steps) {
      if (step.kind !== "literal") return notLowerable("a cell path step that is not a constant", step.path);
      if (type.kind === "record" && typeof step.value === "string") {
        const k = step.value;
        type = type.fields.find((f) => f.name === k)!.type;
        value = (value as Record<string, unknown>)[k];
      } else if (type.kind === "array" && typeof step.value === "number") {
        const a = value as unknown[];
        if (step.value < 0 || step.value >= a.length) return notLowerable("a cell index out of range (a PFA error)", step.path);
        type = type.items;
        value = a[step.value];
      } else if (type.kind === "map" && typeof step.value === "string") {
        const m = value as Record<string, unknown>;
        if (!Object.hasOwn(m, step.value)) return notLowerable("a cell key that is absent (a PFA error)", step.path);
        type = type.values;
        value = m[step.value];
      } else return notLowerable("a cell path step", step.path);
    }
    return { pre: [], value: this.constantValue(value, type, path) };
  }

  /** A decoded constant (cell, embedded value) as a value: scalars and records of them. */
  private constantValue(v: unknown, t: AvroType, path: string): Value {
    if (t.kind === "record") {
      const r = v as Record<string, unknown>;
      return { kind: "record", fields: new Map(t.fields.map((f) => [f.name, this.constantValue(r[f.name], f.type, path)])) };
    }
    const kind = scalarOf(t, path, "a constant");
    return { kind: "scalar", type: kind, expr: constant(v as number | boolean | string) };
  }

  private lowerCall(node: CallNode, scope: Scope): Lowered {
    const resolved = this.checked.calls.get(node);
    if (!resolved) return notLowerable(`a call of ${node.name} the checker did not resolve`, node.path);
    if (resolved.kind === "user") return this.inline(node, scope);
    const kinds: Scalar[] = [];
    const args: Expr[] = [];
    node.args.forEach((a, k) => {
      if (a.kind === "fcndef" || a.kind === "fcnref") return notLowerable(`${node.name} with a function argument`, a.path);
      kinds.push(scalarOf(this.typeOf(a), a.path, `argument ${k} of ${node.name}`));
      // arguments are evaluated in order: each one's own evaluation goes with it
      args.push(this.scalarExpr(this.lower(a, scope), a.path));
    });
    const t = this.typeOf(node);
    if (t.kind === "null") return notLowerable(`${node.name} giving null`, node.path);
    const ret = scalarOf(t, node.path, `the result of ${node.name}`);
    this.count(args.length);
    return { pre: [], value: { kind: "scalar", type: ret, expr: libraryCall(node.name, kinds, ret, args, node.path) } };
  }

  /** A user function call inlined: arguments bound in order, the body over them alone. */
  private inline(node: CallNode, scope: Scope): Lowered {
    const name = node.name.slice(2);
    const def: FcnDefNode | undefined = this.facts.ast.fcns.get(name);
    if (!def) return notLowerable(`user function ${node.name}`, node.path);
    if (this.inlining.includes(name)) return notLowerable(`recursion (${[...this.inlining, name].map((n) => `u.${n}`).join(" → ")})`, node.path);
    const pre: Expr[] = [];
    const inner = new Scope(null);
    node.args.forEach((a, k) => {
      const l = this.lower(a as ExprNode, scope);
      if (!l.value) return notLowerable(`argument ${k} of ${node.name} is null`, a.path);
      pre.push(...l.pre);
      inner.vars.set(def.params[k]!.name, { value: this.bindValue(`${name}.${def.params[k]!.name}`, l.value, pre) });
    });
    this.inlining.push(name);
    const body = this.block(def.body, inner);
    this.inlining.pop();
    return { pre: [...pre, ...body.pre], value: body.value };
  }
}

/** `pfa:do(pre…, value)`, or the value alone. */
function sequence(pre: readonly Expr[], value: Expr): Expr {
  return pre.length === 0 ? value : apply("pfa:do", ...pre, value);
}

function dataField(name: string, dataType: DataType): DataField {
  return {
    name,
    dataType,
    opType: dataType === "double" ? "continuous" : "categorical",
    validValues: [],
    invalidValues: [],
    missingValues: [],
    intervals: [],
  };
}

/** The pipeline of a map engine's action, or NotLowerable. */
export function lowerProgram(engine: PfaEngine, facts: EngineFacts): { pipeline: Pipeline; input: LoweredInput; avroDoubles: string[] } {
  const ast = facts.ast;
  const lowering = new ProgramLowering(engine, facts, facts.checked);
  // the input: a record's fields, or one field "input" (as the PFA session names a non-record input)
  const input = engine.inputType;
  const fields: { name: string; type: Scalar; path: string }[] =
    input.kind === "record"
      ? input.fields.map((f, k) => {
          if (f.default !== undefined) return notLowerable(`input field ${f.name} with a default`, `/input/fields/${k}`);
          return { name: f.name, type: scalarOf(f.type, `/input/fields/${k}`, `input field ${f.name}`), path: `/input/fields/${k}` };
        })
      : [{ name: "input", type: scalarOf(input, "/input", "the input"), path: "/input" }];
  const ref = (name: string): Value => {
    const f = fields.find((x) => x.name === name)!;
    return { kind: "scalar", type: f.type, expr: { kind: "fieldRef", field: name } };
  };
  const top = new Scope(null);
  top.vars.set("input", { value: input.kind === "record" ? { kind: "record", fields: new Map(fields.map((f) => [f.name, ref(f.name)])) } : ref("input") });
  const action = lowering.block(ast.action, top);

  // the output: a record's fields in order, or one field "output"
  const out = engine.outputType;
  const outputs: { name: string; type: Scalar; value: Value | null }[] =
    out.kind === "record"
      ? out.fields.map((f) => ({ name: f.name, type: scalarOf(f.type, "/output", `output field ${f.name}`), value: recordField(action.value, f.name) }))
      : [{ name: "output", type: scalarOf(out, "/output", "the output"), value: action.value }];
  const outputFields: OutputField[] = outputs.map((o, k) => {
    if (o.value?.kind !== "scalar") return notLowerable(`output ${o.name} that is not a ${o.type}`, "/action");
    // the action's statements are evaluated before the first output field (OutputFields are evaluated in order)
    const expr = k === 0 ? sequence(action.pre, o.value.expr) : o.value.expr;
    return {
      name: o.name,
      feature: "transformedValue",
      dataType: o.type === "int" ? "integer" : IR_TYPE[o.type],
      opType: o.type === "int" || o.type === "double" ? "continuous" : "categorical",
      rank: 1,
      isFinalResult: true,
      expr,
      path: "/action",
    };
  });
  const miningSchema: MiningField[] = fields.map((f) => ({
    name: f.name,
    usageType: "active",
    // NaN is a float/double value (missing in the IR): let through; the session requires the field itself
    missingValueTreatment: f.type === "double" ? "asIs" : "returnInvalid",
    invalidValueTreatment: "returnInvalid",
    outliers: "asIs",
  }));
  const model: RegressionModel = {
    kind: "regression",
    ...loweredModelBase("regression", "/action"),
    modelName: "PFA action",
    normalizationMethod: "none",
    // no target and no terms: the model is only the host of the action's OutputFields
    tables: [{ intercept: 0, numericPredictors: [], categoricalPredictors: [], predictorTerms: [] }],
    miningSchema,
    output: outputFields,
  };
  const pipeline: Pipeline = {
    format: "pmml",
    version: "4.4",
    header: { application: "Porta PFA lowering", description: ast.name },
    dataFields: fields.map((f) => dataField(f.name, IR_TYPE[f.type])),
    transformations: lowering.derived,
    functions: [],
    model,
    notices: [
      `lowered from the PFA document${ast.name ? ` "${ast.name}"` : ""}: its action as ${lowering.derived.length} DerivedFields and ${outputFields.length} OutputFields`,
    ],
  };
  const of = (t: Scalar) => fields.filter((f) => f.type === t).map((f) => f.name);
  return {
    pipeline,
    input: {
      kind: "fields",
      numbers: [...of("int"), ...of("double")],
      integers: of("int"),
      nonFinite: of("double"),
      booleans: of("boolean"),
      strings: of("string"),
      required: fields.map((f) => f.name),
    },
    avroDoubles: outputs.filter((o) => o.type === "double").map((o) => o.name),
  };
}

function recordField(v: Value | null, name: string): Value | null {
  if (v?.kind !== "record") return notLowerable("a record output not built as a record", "/action");
  return v.fields.get(name) ?? null;
}
