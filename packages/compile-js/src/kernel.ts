import type { Value } from "@porta/ir";
import { _, join, type Code, type ConstantPool, type Name, type NameScope } from "./codegen.ts";
import type { InputColumn } from "./columns.ts";

/** A column the generated code can read: an input column or a derived (scratch) column. */
export interface ColumnRef {
  /** The module-level variable holding the typed array. */
  array: Name;
  kind: "number" | "category";
  /** For category columns: the input column (its dictionary grows as literals are compiled). */
  input?: InputColumn;
}

/** What family compilers get: name minting, the constant pool and field resolution. */
export interface KernelContext {
  names: NameScope;
  pool: ConstantPool;
  /** Resolves a field visible to the model (local/global derived field or mining field). */
  column(field: string): ColumnRef;
  /** Module-level declarations (functions, tables) the family needs. */
  declare(code: Code): void;
  /** A runtime helper function (normalCdf, ...) by its fixed key. */
  helper(key: "normalCdf"): Name;
  /** Three-valued logic helper (1/0/-1 operands) for a CompoundPredicate operator. */
  logic(op: "and" | "or" | "xor" | "surrogate"): Name;
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
  /** Per-category confidence locals, when the family has them. */
  confidences?: Name[];
  /** Entity (tree node) index local and the entity ids by index. */
  entity?: { index: Name; ids: (string | null)[] };
}

/** `const t0 = NaN, t1 = NaN;` for a list of locals. */
export function declareLocals(names: readonly Name[], init: unknown = NaN): Code {
  if (names.length === 0) return _``;
  return _`let ${join(names.map((n) => _`${n} = ${init}`), ", ")};`;
}
