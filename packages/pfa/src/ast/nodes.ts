/**
 * The typed PFA syntax tree (spec §4–§5): one node kind per form, each with the JSON path it was
 * read from (`/action/0/if`), so the checker and both evaluators report errors where the
 * document has them. Parsing fixes the form and its parts only; names (symbols, functions,
 * cells) are resolved and types are computed by the checker (`compiler/`), which records each
 * expression's type (see `Compiler.types`).
 *
 * Avro types stay as written (`TypeRef`): named types may be defined anywhere in the document,
 * so only the checker, holding the document's type registry, can resolve them.
 */
import type { PfaMethod } from "../document.ts";

/** An Avro type as written in the document, resolved by the checker. */
export interface TypeRef {
  readonly json: unknown;
  readonly path: string;
}

/** A non-empty list of expressions (a body: `do`, `then`, a function's `do`); its value is the last one's. */
export interface Block {
  readonly exprs: readonly ExprNode[];
  readonly path: string;
}

interface At {
  readonly path: string;
}

/** The primitive literal kinds: bare JSON scalars and `{"int": …}`, `{"long": …}`, … (spec §4.1). */
export type LiteralType = "null" | "boolean" | "int" | "long" | "float" | "double" | "string" | "bytes";

/** A constant of a primitive type; `value` is already the runtime value (a bigint for a long beyond 2^53, bytes as Uint8Array). */
export interface LiteralNode extends At {
  readonly kind: "literal";
  readonly type: LiteralType;
  readonly value: null | boolean | number | bigint | string | Uint8Array;
}

/** `{"type": T, "value": json}`: embedded JSON data, decoded against T by the checker. */
export interface ValueNode extends At {
  readonly kind: "value";
  readonly type: TypeRef;
  readonly value: unknown;
}

/** A variable (`"x"`); a dotted symbol (`"x.y.0"`) is read as an `attr` node. */
export interface RefNode extends At {
  readonly kind: "ref";
  readonly name: string;
}

/** `{"new": [...] | {...}, "type": T}`: what the JSON holds, checked against T's kind by the checker. */
export interface NewNode extends At {
  readonly kind: "new";
  readonly type: TypeRef;
  readonly content:
    | { readonly shape: "array"; readonly items: readonly ExprNode[] }
    | { readonly shape: "object"; readonly fields: readonly (readonly [string, ExprNode])[] }
    | { readonly shape: "other"; readonly value: unknown };
  /** the path of the `new` member (where a wrong shape is reported) */
  readonly newPath: string;
}

/** One `name: expression` of `let`, `set`, `for`, `step` and `ifnotnull`. */
export interface Binding {
  readonly name: string;
  readonly expr: ExprNode;
  readonly path: string;
}

/** `{"let": {...}}` declares in the current scope, `{"set": {...}}` assigns declared variables; both are parallel. */
export interface LetNode extends At {
  readonly kind: "let" | "set";
  readonly bindings: readonly Binding[];
}

export interface DoNode extends At {
  readonly kind: "do";
  readonly body: Block;
}

export interface IfNode extends At {
  readonly kind: "if";
  readonly test: ExprNode;
  readonly then: Block;
  readonly else: Block | null;
}

export interface CondNode extends At {
  readonly kind: "cond";
  readonly clauses: readonly { readonly test: ExprNode; readonly then: Block }[];
  readonly else: Block | null;
}

export interface WhileNode extends At {
  readonly kind: "while";
  readonly test: ExprNode;
  readonly body: Block;
}

/** `{"do": ..., "until": test}`: the test sees the body's variables. */
export interface DoUntilNode extends At {
  readonly kind: "doUntil";
  readonly body: Block;
  readonly test: ExprNode;
}

export interface ForNode extends At {
  readonly kind: "for";
  readonly init: readonly Binding[];
  readonly test: ExprNode;
  readonly step: readonly Binding[];
  readonly body: Block;
}

export interface ForeachNode extends At {
  readonly kind: "foreach";
  readonly name: string;
  readonly array: ExprNode;
  readonly body: Block;
}

export interface ForkeyvalNode extends At {
  readonly kind: "forkeyval";
  readonly key: string;
  readonly value: string;
  readonly map: ExprNode;
  readonly body: Block;
}

export interface CastCase {
  readonly type: TypeRef;
  readonly named: string;
  readonly body: Block;
  readonly path: string;
}

export interface CastNode extends At {
  readonly kind: "cast";
  readonly expr: ExprNode;
  readonly cases: readonly CastCase[];
  readonly partial: boolean;
}

export interface UpcastNode extends At {
  readonly kind: "upcast";
  readonly expr: ExprNode;
  readonly type: TypeRef;
}

export interface IfNotNullNode extends At {
  readonly kind: "ifnotnull";
  readonly bindings: readonly Binding[];
  readonly then: Block;
  readonly else: Block | null;
}

/** What `to` holds: a new value, or a function from the old value to the new one. */
export type UpdateNode = ExprNode | FcnArgNode;

/**
 * `{"attr": e, "path": [...]}`, with `"to"` an updated copy. Each path step is an expression: a
 * string literal names a record field, others index arrays (int) and maps (string).
 */
export interface AttrNode extends At {
  readonly kind: "attr";
  readonly base: ExprNode;
  readonly steps: readonly ExprNode[];
  readonly stepsPath: string;
  readonly to: UpdateNode | null;
}

/** `{"cell": name}` with an optional path and `to`. */
export interface CellNode extends At {
  readonly kind: "cell";
  readonly name: string;
  readonly steps: readonly ExprNode[];
  readonly stepsPath: string;
  readonly to: UpdateNode | null;
}

/** `{"pool": name, "path": [key, ...]}` with optional `to` and `init` (the item when the key is new). */
export interface PoolNode extends At {
  readonly kind: "pool";
  readonly name: string;
  readonly key: ExprNode;
  readonly steps: readonly ExprNode[];
  readonly stepsPath: string;
  readonly to: UpdateNode | null;
  readonly init: ExprNode | null;
}

/** A call of a library or user function (`{"+": [a, b]}`, `{"u.f": x}`); which one is the checker's to find. */
export interface CallNode extends At {
  readonly kind: "call";
  readonly name: string;
  readonly args: readonly (ExprNode | FcnArgNode)[];
}

/** `{"emit": value}`: only in emit engines (spec §2.3). */
export interface EmitNode extends At {
  readonly kind: "emit";
  readonly args: readonly ExprNode[];
}

export interface DocNode extends At {
  readonly kind: "doc";
}

export interface ErrorNode extends At {
  readonly kind: "error";
  readonly message: string;
  readonly code: number | undefined;
}

/** `{"try": ..., "filter": [...]}`: null when the body raises a (matching) PFA error. */
export interface TryNode extends At {
  readonly kind: "try";
  readonly body: Block;
  readonly filter: readonly unknown[] | null;
}

export interface LogNode extends At {
  readonly kind: "log";
  readonly values: readonly ExprNode[];
  readonly namespace: string | undefined;
}

export type ExprNode =
  | LiteralNode
  | ValueNode
  | RefNode
  | NewNode
  | LetNode
  | DoNode
  | IfNode
  | CondNode
  | WhileNode
  | DoUntilNode
  | ForNode
  | ForeachNode
  | ForkeyvalNode
  | CastNode
  | UpcastNode
  | IfNotNullNode
  | AttrNode
  | CellNode
  | PoolNode
  | CallNode
  | EmitNode
  | DocNode
  | ErrorNode
  | TryNode
  | LogNode;

export type ExprKind = ExprNode["kind"];

export interface Param {
  readonly name: string;
  readonly type: TypeRef;
}

/** `{"params": [...], "ret": T, "do": [...]}`: a user function (`fcns`) or an inline function argument. */
export interface FcnDefNode extends At {
  readonly kind: "fcndef";
  readonly params: readonly Param[];
  readonly ret: TypeRef;
  readonly body: Block;
}

/** `{"fcn": "name", "fill": {...}}`: a function passed by name, some parameters filled (partial application). */
export interface FcnRefNode extends At {
  readonly kind: "fcnref";
  readonly name: string;
  readonly fill: readonly Binding[];
}

/** Function values: only arguments of calls and `to` updaters. */
export type FcnArgNode = FcnDefNode | FcnRefNode;

export interface CellDecl {
  readonly type: TypeRef;
  /** JSON data, decoded against the type when the engine starts */
  readonly init: unknown;
  readonly shared: boolean;
  readonly rollback: boolean;
  readonly path: string;
}

/** The engine's top level (spec §2). */
export interface PfaDocumentAst {
  readonly name: string | undefined;
  readonly method: PfaMethod;
  readonly input: TypeRef;
  readonly output: TypeRef;
  readonly begin: Block | null;
  readonly action: Block;
  readonly end: Block | null;
  /** user functions by their name without `u.` */
  readonly fcns: ReadonlyMap<string, FcnDefNode>;
  readonly cells: ReadonlyMap<string, CellDecl>;
  readonly pools: ReadonlyMap<string, CellDecl>;
  /** a fold engine's initial tally (JSON data of the output type) */
  readonly zero: unknown;
  readonly merge: Block | null;
  readonly randseed: number | undefined;
  readonly options: Readonly<Record<string, unknown>>;
}
