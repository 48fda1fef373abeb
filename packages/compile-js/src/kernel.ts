import type { Expr, ModelNode, OutputField, Pipeline, Value } from "@porta/ir";
import type { OutputColumn } from "./compile.ts";
import type { TargetFacts } from "./targets.ts";
import { _, join, type Code, type ConstantPool, type Name, type NameScope } from "./codegen.ts";
import type { InputColumn } from "./columns.ts";

/** A column the generated code can read: an input column or a derived (scratch) column. */
export interface ColumnRef {
  /** The module-level variable holding the typed array. */
  array: Name;
  kind: "number" | "category";
  /**
   * Reads row `i`. For a derived column whose evaluation can fail this also records the row's
   * error (the interpreter evaluates derived fields on first read, so a failure counts only
   * where the field is read); otherwise it is `array[i]`.
   */
  at: Code;
  /** Per-row error flags of a derived column that can fail (0: none, k + 1: rowErrorKinds[k]). */
  errors?: Name;
  /** For category columns: the dictionary (an input column's, or a derived string field's own). */
  input?: CategoryDictionary;
  /** For category columns: a module-level variable holding, per batch, the text of every code. */
  texts?: Name;
}

/** Category ↔ code of a category column; grows while compiling as literals are met. */
export type CategoryDictionary = Pick<InputColumn, "dictionary" | "categories">;

/** What family compilers get: name minting, the constant pool and field resolution in one model's scope. */
export interface KernelContext {
  names: NameScope;
  pool: ConstantPool;
  readonly model: ModelNode;
  readonly pipeline: Pipeline;
  /** Tree ensemble layout option of the compile. */
  readonly treeLayout: "auto" | "branches" | "table";
  /** A numeric expression over row `i` in this scope (NaN: missing). */
  expr(e: Expr): Code;
  /**
   * `expr`, and whether evaluating it can record a row error: code that evaluates an infallible
   * expression for rows the family may not reach (a block computed ahead) changes no result.
   */
  expression(e: Expr): { at: Code; fallible: boolean };
  /** Resolves a field visible to the model (local/global derived field, mining field, defined value). */
  column(field: string): ColumnRef;
  /**
   * A document literal compared with numeric field `field`, as the interpreter's coerceLiteral:
   * typed as the field is declared (a float field compares with the float of the literal),
   * else as a double; undefined when it is no number.
   */
  numericLiteral(field: string, text: string): number | undefined;
  /**
   * numericLiteral as a function of the number a text reads as (parseNumber), when it is one for
   * this field: numericLiteral(field, text) is f(parseNumber(text)) for every text parseNumber
   * reads, and undefined for every other. Undefined when the field's type makes it depend on the text itself.
   */
  numberLiteral(field: string): ((value: number) => number) | undefined;
  /** Whether `field` is ordinal with declared values: the interpreter then orders comparisons by them (Scope.orderingOf). */
  ordered(field: string): boolean;
  /** Module-level declarations (functions, tables) the family needs. */
  declare(code: Code): void;
  /** A batch-level statement (`n` rows), run after the steps declared before it. */
  step(code: Code): void;
  /**
   * Runs `build` and hands back, instead of keeping them in place, the steps it declared: a
   * modelChain runs them with the segment that declared them, after the segments before it
   * defined the OutputFields they may read.
   */
  captureSteps<T>(build: () => T): { result: T; steps: Code[] };
  /** k + 1 for an evaluation error kind (the value `rowErrors` and error flag arrays hold). */
  errorIndex(kind: { code: string; message: string; path?: string }): number;
  /** Code recording an evaluation error for row `i` (the interpreter would throw it for that row). */
  fail(kind: { code: string; message: string; path?: string }): Code;
  /** A runtime helper function (normalCdf, the correctly rounded exp, ...) by its fixed key. */
  helper(key: "normalCdf" | "exp" | "categoryNumbers"): Name;
  /** The per-batch texts of a category column, by code (marks an input column as `text`). */
  textsOf(col: ColumnRef): Name;
  /** Three-valued logic helper (1/0/-1 operands) for a CompoundPredicate operator. */
  logic(op: "and" | "or" | "xor" | "surrogate"): Name;
  /** The scope of a model nested in this one (a segment). */
  nested(model: ModelNode): KernelContext;
  /** Makes a column visible by name in this scope (modelChain: a segment's OutputFields), built on first read. */
  define(field: string, ref: ColumnRef | (() => ColumnRef)): void;
  /** Every OutputField of a (segment) model, computed per row into batch arrays (run.outputs). */
  modelOutputs(model: ModelNode, row: FamilyRow, target: TargetFacts): ModelOutputs;
  /** The target facts of a model element, as the interpreter's targetInfo. */
  targetOf(model: ModelNode): TargetFacts;
}

/**
 * A family's compiled evaluation of one row, as locals the output stage reads. Numbers use NaN
 * for missing; category codes use -1.
 */
export interface FamilyRow {
  /** Statements run once per batch before the row loop (`n` rows), e.g. tree-major ensemble loops. */
  prepass?: Code;
  /** Per-row statements; they assign the locals below. `i` is the row index variable. */
  body: Code;
  /** Predicted value: a number (regression) or a category code (classification). */
  value: Name;
  kind: "number" | "category";
  /** Categories of a classification, in code order (as typed values). */
  categories?: Value[];
  /** Per-category probability locals (classification), in code order. */
  probabilities?: Name[];
  /**
   * True when the interpreter's result has no probability (nor confidence) map at all (k-NN
   * votes): probability and confidence OutputFields are then missing on every row.
   */
  noDistribution?: boolean;
  /** Per-category confidence locals, when the family has them. */
  confidences?: Name[];
  /**
   * True when, whenever the value is not missing, every probability local holds a number and the
   * interpreter's probability map has exactly `categories`, in that order (regression tables,
   * neural outputs); segment combinations that depend on map order require it.
   */
  staticProbabilities?: boolean;
  /** Display value per category position (null: none), when the family decides it (cluster names). */
  displayValues?: (string | null)[];
  /**
   * Per-entity affinity locals (clusters, SVM machines), with the entity ids by position and the
   * keys of the interpreter's affinity map (typed: SVM categories), when they differ from the ids.
   */
  /** missing: the affinity of an entity the model does not hold (the interpreter's affinityType default); NaN unless given. */
  affinities?: { locals: Name[]; ids: string[]; keys?: Value[]; missing?: "Infinity" | "0" };
  /** Ranked reason codes: `ranked[0..count)` indices into `codes` (Scorecard). */
  reasonCodes?: { ranked: Name; count: Name; codes: string[] };
  /** Entity (tree node) index local and the entity ids by index. */
  entity?: { index: Name; ids: (string | null)[] };
  /**
   * OutputFields of the segment a MiningModel passes through (selectFirst, modelChain): row code
   * for the value, and whether the row has the field at all.
   */
  passThrough?: { name: string; column: OutputColumn; value: Code; present: Code }[];
  /** The MiningModel's OutputFields with a segmentId that its segmentation computes: row code for the value (NaN: missing). */
  segmentOutputs?: Map<OutputField, Code>;
}

/** A model's OutputFields computed per row: `code` writes them (after the family's row and Targets). */
export interface ModelOutputs {
  code: Code;
  fields: ComputedOutput[];
}

export interface ComputedOutput {
  field: OutputField;
  /** Module-level batch array of the value (NaN or -1 where missing or not computed). */
  array: Name;
  /** How the value is stored and decoded, as a result column. */
  column: OutputColumn;
  /**
   * The field as a column read by name; `unknown[i]` is 0 where the field exists for the row,
   * else the row error a read records (the interpreter finds no such field).
   */
  ref(unknown: Name): ColumnRef;
}

/** `const t0 = NaN, t1 = NaN;` for a list of locals. */
export function declareLocals(names: readonly Name[], init: unknown = NaN): Code {
  if (names.length === 0) return _``;
  return _`let ${join(
    names.map((n) => _`${n} = ${init}`),
    ", ",
  )};`;
}
