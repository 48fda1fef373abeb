/**
 * A program in the IR: a PFA engine (spec §2–§5) after checking, with every name resolved and
 * every expression typed, as the IR backends read it. The PFA reader lowers a document here when
 * it is neither a recognised model call (tree, regression, … → the PMML model nodes) nor the
 * stateless scalar core (→ DerivedFields); compile-js generates code from it.
 *
 * What the checker found is made explicit, so a backend never needs the PFA document or checker:
 * - variables are unique ids (`v3`), scopes already resolved (a `let` declares, `set` assigns);
 * - each library call names its call site (the signature chosen, the bound type variables), from
 *   which the PFA function library instantiates the implementation;
 * - each path step says whether it reads a record field, an array index or a map key;
 * - each cast says which case each branch of the union goes to.
 *
 * Everything is JSON data (constants as Avro JSON with their type), so a program can be hashed,
 * stored and read back, but for recursive named types, which are cycles of type objects:
 * ./program-json.ts writes and reads those by name. Run-time values follow PFA's
 * representation (`@porta/pfa/runtime`): records and maps as null-prototype objects, arrays as JS
 * arrays, long beyond 2^53 as bigint, bytes and fixed as Uint8Array, a union value as its branch's
 * value, null as null.
 */
import type { AvroType, ExprType, FcnType } from "../avro.ts";
import type { ModelBase } from "../model.ts";

/** Every node carries the JSON path of the PFA form it came from (`/action/0/if`), for errors. */
interface At {
  readonly path: string;
}

/** A variable: unique within the program (parameters, `let`, loop variables, cast and ifnotnull names). */
export type VarId = string;

/** A block's expressions in order; its value is the last one's (a block is never empty). */
export type ProgramBlock = readonly ProgramExpr[];

/** A constant: `json` is the value in Avro JSON encoding of `type` (a long as a JSON number or a decimal string). */
export interface ConstExpr extends At {
  readonly op: "const";
  readonly type: AvroType;
  readonly json: unknown;
}

export interface VarExpr extends At {
  readonly op: "var";
  readonly id: VarId;
  readonly type: AvroType;
}

/** `let` (declares, each right side evaluated before any is bound) and `set` (assigns, in parallel too); value null. */
export interface LetExpr extends At {
  readonly op: "let" | "set";
  readonly bindings: readonly { readonly id: VarId; readonly type: AvroType; readonly expr: ProgramExpr }[];
}

export interface DoExpr extends At {
  readonly op: "do";
  readonly type: ExprType;
  readonly body: ProgramBlock;
}

/** `if` without `else` has value null; with, the branches' broadest type (`type`). */
export interface IfExpr extends At {
  readonly op: "if";
  readonly type: ExprType;
  readonly test: ProgramExpr;
  readonly then: ProgramBlock;
  readonly else: ProgramBlock | null;
}

export interface CondExpr extends At {
  readonly op: "cond";
  readonly type: ExprType;
  readonly clauses: readonly { readonly test: ProgramExpr; readonly then: ProgramBlock }[];
  readonly else: ProgramBlock | null;
}

/** Loops have value null; every iteration counts against the engine's loop and wall-clock budgets. */
export interface WhileExpr extends At {
  readonly op: "while";
  readonly test: ProgramExpr;
  readonly body: ProgramBlock;
}

/** The body runs first; the test sees the body's variables. */
export interface DoUntilExpr extends At {
  readonly op: "doUntil";
  readonly body: ProgramBlock;
  readonly test: ProgramExpr;
}

export interface ForExpr extends At {
  readonly op: "for";
  readonly init: readonly { readonly id: VarId; readonly type: AvroType; readonly expr: ProgramExpr }[];
  readonly test: ProgramExpr;
  /** Assignments to init's variables, in parallel, after each iteration. */
  readonly step: readonly { readonly id: VarId; readonly expr: ProgramExpr }[];
  readonly body: ProgramBlock;
}

export interface ForeachExpr extends At {
  readonly op: "foreach";
  readonly id: VarId;
  readonly itemType: AvroType;
  readonly array: ProgramExpr;
  readonly body: ProgramBlock;
}

export interface ForkeyvalExpr extends At {
  readonly op: "forkeyval";
  readonly key: VarId;
  readonly value: VarId;
  readonly valueType: AvroType;
  readonly map: ProgramExpr;
  readonly body: ProgramBlock;
}

/**
 * `cast` of a union value: `branches` are the union's types in order, `caseOf[i]` the case branch
 * i goes to (-1: none, then the value is null — only when `partial`). A case binds its variable.
 */
export interface CastExpr extends At {
  readonly op: "cast";
  readonly type: ExprType;
  readonly expr: ProgramExpr;
  readonly branches: readonly AvroType[];
  readonly caseOf: readonly number[];
  readonly cases: readonly { readonly id: VarId; readonly type: AvroType; readonly body: ProgramBlock }[];
  readonly partial: boolean;
}

/** `ifnotnull`: each binding's value (a union with null) bound as its non-null type when none is null. */
export interface IfNotNullExpr extends At {
  readonly op: "ifnotnull";
  readonly type: ExprType;
  readonly bindings: readonly { readonly id: VarId; readonly type: AvroType; readonly expr: ProgramExpr }[];
  readonly then: ProgramBlock;
  readonly else: ProgramBlock | null;
}

/** `new`: an array's items, or a record's or a map's fields (`type` says which). */
export interface NewExpr extends At {
  readonly op: "new";
  readonly type: AvroType;
  readonly items?: readonly ProgramExpr[];
  readonly fields?: readonly (readonly [string, ProgramExpr])[];
}

/** One step of a path into a value: a record field (the name is constant), an array index (int), a map key (string). */
export type PathStep =
  | { readonly kind: "field"; readonly name: string; readonly path: string }
  | { readonly kind: "index" | "key"; readonly expr: ProgramExpr; readonly path: string };

/** What `to` holds in an update: the new value, or a function from the old value to the new one. */
export type UpdateTo = { readonly kind: "value"; readonly expr: ProgramExpr } | { readonly kind: "fcn"; readonly fcn: FcnArg };

/** `attr`: the value at `steps` inside `base`, or with `to` an updated copy of `base`. */
export interface AttrExpr extends At {
  readonly op: "attr";
  readonly type: AvroType;
  readonly base: ProgramExpr;
  readonly steps: readonly PathStep[];
  readonly to: UpdateTo | null;
}

/** A cell read (at an optional path), or with `to` written: the value is then the cell's new value. */
export interface CellExpr extends At {
  readonly op: "cell";
  readonly type: AvroType;
  readonly name: string;
  readonly steps: readonly PathStep[];
  readonly to: UpdateTo | null;
}

/** A pool item read (`key`, then a path), or with `to` written (`init`: the item when the key is new). */
export interface PoolExpr extends At {
  readonly op: "pool";
  readonly type: AvroType;
  readonly name: string;
  readonly key: ProgramExpr;
  readonly steps: readonly PathStep[];
  readonly to: UpdateTo | null;
  readonly init: ProgramExpr | null;
}

/**
 * A library function's call site: what the PFA library instantiates an implementation from
 * (`LIBRARY[name](site)` with the engine's runtime), as the checker resolved it.
 */
export interface LibrarySite {
  readonly name: string;
  readonly sigIndex: number;
  readonly argTypes: readonly ExprType[];
  readonly paramTypes: readonly ExprType[];
  readonly retType: AvroType;
  /** The signature's type variables as bound at this site. */
  readonly bindings: Readonly<Record<string, AvroType>>;
}

/** A function argument: an inline function (a closure over the enclosing variables), or a named function with some parameters `fill`ed. */
export type FcnArg =
  | {
      readonly op: "fcndef";
      readonly type: FcnType;
      readonly params: readonly { readonly id: VarId; readonly type: AvroType }[];
      readonly body: ProgramBlock;
      readonly path: string;
    }
  | {
      readonly op: "fcnref";
      readonly type: FcnType;
      readonly target: { readonly kind: "lib"; readonly site: LibrarySite } | { readonly kind: "user"; readonly name: string };
      /** The target's arity and the parameter positions `fill` binds, with their values. */
      readonly arity: number;
      readonly fill: readonly { readonly index: number; readonly expr: ProgramExpr }[];
      readonly path: string;
    };

/**
 * A call: of a library function (its site; `toDouble[i]`: argument i is a long feeding a
 * float/double parameter, converted to a number) or of a user function (`u.name`). `and`/`or`
 * are lazy, as PFA's `&&`/`||`.
 */
export interface CallExpr extends At {
  readonly op: "call";
  readonly type: ExprType;
  readonly target:
    | { readonly kind: "lib"; readonly site: LibrarySite; readonly toDouble: readonly boolean[] }
    | { readonly kind: "user"; readonly name: string };
  readonly args: readonly (ProgramExpr | FcnArg)[];
}

/** `emit` (emit engines only): the value goes to the engine's output; value null. */
export interface EmitExpr extends At {
  readonly op: "emit";
  readonly value: ProgramExpr;
}

/** `error`: raises a PFA user error (code optional). */
export interface ErrorExpr extends At {
  readonly op: "error";
  readonly message: string;
  readonly code: number | undefined;
}

/** `try`: the body's value, or null when it raises a PFA error whose message or code `filter` lists (any, when null). */
export interface TryExpr extends At {
  readonly op: "try";
  readonly type: ExprType;
  readonly body: ProgramBlock;
  readonly filter: readonly (string | number)[] | null;
}

export interface LogExpr extends At {
  readonly op: "log";
  readonly values: readonly ProgramExpr[];
  readonly namespace: string | undefined;
}

/** `upcast` and `doc` keep no node: an upcast is its expression, a doc the constant null. */
export type ProgramExpr =
  | ConstExpr
  | VarExpr
  | LetExpr
  | DoExpr
  | IfExpr
  | CondExpr
  | WhileExpr
  | DoUntilExpr
  | ForExpr
  | ForeachExpr
  | ForkeyvalExpr
  | CastExpr
  | IfNotNullExpr
  | NewExpr
  | AttrExpr
  | CellExpr
  | PoolExpr
  | CallExpr
  | EmitExpr
  | ErrorExpr
  | TryExpr
  | LogExpr;

export type ProgramOp = ProgramExpr["op"];

/** Why an IR backend other than compile-js refuses a pipeline whose model is a program. */
export const PROGRAM_REFUSAL = "a PFA program is compiled by compile-js";

/** A user function (`name` as called: `u.name`): its parameters are variables of its body; user functions may call each other and recurse. */
export interface ProgramFunction {
  readonly name: string;
  readonly type: FcnType;
  readonly params: readonly { readonly id: VarId; readonly type: AvroType }[];
  readonly body: ProgramBlock;
  readonly path: string;
}

/** A cell: its type and initial value (Avro JSON). Writes stay when an action later fails, as in Porta's PFA engine. */
export interface ProgramCell {
  readonly name: string;
  readonly type: AvroType;
  readonly init: unknown;
}

/** A pool: the type of its items, its initial items (Avro JSON by key). */
export interface ProgramPool {
  readonly name: string;
  readonly type: AvroType;
  readonly init: Readonly<Record<string, unknown>>;
}

/**
 * A PFA engine as an IR model node. The action sees `input` (and in a fold engine `tally`); begin
 * sees neither, end a fold engine's `tally`. A map engine's result is the action's value; an emit
 * engine's are the values it emits; a fold engine's the new tally, which starts at `zero`.
 *
 * As every ModelNode it has the ModelBase fields, all empty (no MiningFields, DerivedFields,
 * Targets or OutputFields: the program decodes the document's own row and its result is the
 * output's value), `functionName` "mixed" and `path` "/"; so the engine's Avro types are
 * `inputType` and `outputType` (ModelBase's `output` is the OutputFields).
 */
export interface ProgramModel extends ModelBase {
  readonly kind: "program";
  readonly name: string;
  readonly method: "map" | "emit" | "fold";
  readonly inputType: AvroType;
  readonly outputType: AvroType;
  /** The variables the bodies start with: the action's `input`, a fold engine's `tally` (action and end). */
  readonly inputVar: VarId;
  readonly tallyVar?: VarId;
  /** A fold engine's first tally (Avro JSON of `outputType`). */
  readonly zero?: unknown;
  readonly cells: readonly ProgramCell[];
  readonly pools: readonly ProgramPool[];
  readonly functions: readonly ProgramFunction[];
  readonly begin: ProgramBlock;
  readonly action: ProgramBlock;
  readonly end: ProgramBlock;
  /** The document's `randseed`, when it gives one (the library's random functions then repeat). */
  readonly randseed?: number;
  /** Engine options that bound a run (PFA `options`: timeout, …), as written. */
  readonly options: Readonly<Record<string, unknown>>;
}
