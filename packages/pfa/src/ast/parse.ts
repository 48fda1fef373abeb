/**
 * JSON → PFA syntax tree (spec §4–§5). The one table of PFA's special forms (`FORMS`) lives
 * here: the compiler and the tree-walking interpreter both read the tree this builds, never the
 * JSON. Errors are SchemaErrors with the codes and JSON paths the compiler has always reported
 * (PFA_BAD_EXPRESSION, PFA_BAD_LITERAL, PFA_BAD_LET, PFA_BAD_NAME, PFA_BAD_PATH, …); what needs
 * types or names (unknown symbols, signatures, type mismatches) is the checker's.
 */
import { SchemaError } from "@porta/ir";
import { fcnDef, stripAnnotations, type PfaCellDef, type PfaDocument, type PfaFcnDef } from "../document.ts";
import { T } from "@porta/ir/avro";
import { base64ToBytes, decodeAvroJson } from "../values.ts";
import type {
  Binding,
  Block,
  CastCase,
  CellDecl,
  ExprNode,
  FcnArgNode,
  FcnDefNode,
  FcnRefNode,
  LiteralNode,
  PfaDocumentAst,
  TypeRef,
  UpdateNode,
} from "./nodes.ts";

type Obj = Record<string, unknown>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function schemaError(code: string, message: string, path: string, value?: unknown): SchemaError {
  return new SchemaError(code, message, { path, value });
}

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A function value where an argument may be one: `{"fcn": …}` or `{"params", "ret", "do"}`. */
export function isFunctionArg(a: unknown): a is Obj {
  return isObject(a) && ("fcn" in a || ("params" in a && "ret" in a && "do" in a));
}

/** A body written as one expression or an array of them; element paths are `${path}/${i}` either way. */
function bodyOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

function typeRef(json: unknown, path: string): TypeRef {
  return { json, path };
}

export function parseBlock(v: unknown, path: string): Block {
  const items = bodyOf(v);
  if (items.length === 0) throw schemaError("PFA_EMPTY_BLOCK", "expression list is empty", path);
  return { exprs: items.map((e, i) => parseNode(e, `${path}/${i}`)), path };
}

/**
 * Parse one expression of raw document JSON. `"@"` annotation keys are dropped first, wherever
 * they are (as `validatePfa` does for whole documents).
 */
export function parseExpression(json: unknown, path: string): ExprNode {
  return parseNode(stripAnnotations(json), path);
}

function parseNode(e: unknown, path: string): ExprNode {
  if (e === null) return { kind: "literal", type: "null", value: null, path };
  switch (typeof e) {
    case "boolean":
      return { kind: "literal", type: "boolean", value: e, path };
    case "number":
      if (Number.isInteger(e)) return { kind: "literal", type: e >= -2147483648 && e <= 2147483647 ? "int" : "long", value: e, path };
      return { kind: "literal", type: "double", value: e, path };
    case "bigint":
      return { kind: "literal", type: "long", value: e, path };
    case "string":
      return parseSymbol(e, path);
    case "object":
      break;
    default:
      throw schemaError("PFA_BAD_EXPRESSION", "not a PFA expression", path, e);
  }
  if (Array.isArray(e)) {
    if (e.length === 1 && typeof e[0] === "string") return { kind: "literal", type: "string", value: e[0], path };
    throw schemaError("PFA_BAD_EXPRESSION", 'a JSON array is not an expression (only ["string"] literals)', path, e);
  }
  const o = e as Obj;
  const keys = Object.keys(o);
  if (keys.length === 1 && !FORM_KEYS.has(keys[0]!)) return parseCall(keys[0]!, o[keys[0]!], path);
  for (const form of FORMS) {
    if (form.keys.every((k) => Object.hasOwn(o, k))) return form.parse(o, path);
  }
  throw schemaError("PFA_BAD_EXPRESSION", `unrecognised expression with keys ${keys.join(", ")}`, path, e);
}

/** `"x"` is a variable; `"x.y.0"` reads field y, then element 0, of x (spec §4.3's shorthand for attr). */
function parseSymbol(s: string, path: string): ExprNode {
  if (!s.includes(".")) return { kind: "ref", name: s, path };
  const [head, ...rest] = s.split(".");
  const stepsPath = `${path}/path`;
  return {
    kind: "attr",
    base: { kind: "ref", name: head!, path: `${path}/attr` },
    steps: rest.map((r, i) => parseNode(/^-?\d+$/.test(r) ? Number(r) : { string: r }, `${stepsPath}/${i}`)),
    stepsPath,
    to: null,
    path,
  };
}

// ------------------------------------------------------------------ the special forms

type FormParser = (o: Obj, path: string) => ExprNode;

/**
 * PFA's special forms, in the order they are tried: the first whose keys are all present in
 * the object wins (so `{"do", "until"}` is a do-until loop before `{"do"}` is a block). Other
 * keys of the object are not looked at.
 */
const FORMS: readonly { readonly keys: readonly string[]; readonly parse: FormParser }[] = [
  { keys: ["int"], parse: (o, p) => intLiteral(o.int, p) },
  { keys: ["long"], parse: (o, p) => longLiteral(o.long, p) },
  { keys: ["float"], parse: (o, p) => ({ kind: "literal", type: "float", value: decodeAvroJson(T.double, o.float, p) as number, path: p }) },
  { keys: ["double"], parse: (o, p) => ({ kind: "literal", type: "double", value: decodeAvroJson(T.double, o.double, p) as number, path: p }) },
  { keys: ["string"], parse: (o, p) => stringLiteral(o.string, p) },
  { keys: ["base64"], parse: (o, p) => bytesLiteral(o.base64, p) },
  { keys: ["type", "value"], parse: (o, p) => ({ kind: "value", type: typeRef(o.type, `${p}/type`), value: o.value, path: p }) },
  { keys: ["new"], parse: parseNew },
  { keys: ["let"], parse: (o, p) => ({ kind: "let", bindings: parseBindings(o.let, "let", p, "PFA_BAD_LET"), path: p }) },
  { keys: ["set"], parse: (o, p) => ({ kind: "set", bindings: parseBindings(o.set, "set", p, "PFA_BAD_LET"), path: p }) },
  { keys: ["do", "until"], parse: (o, p) => ({ kind: "doUntil", body: parseBlock(o.do, `${p}/do`), test: parseNode(o.until, `${p}/until`), path: p }) },
  { keys: ["for"], parse: parseFor },
  { keys: ["foreach"], parse: parseForeach },
  { keys: ["forkey"], parse: parseForkeyval },
  { keys: ["while"], parse: (o, p) => ({ kind: "while", test: parseNode(o.while, `${p}/while`), body: parseBlock(o.do, `${p}/do`), path: p }) },
  { keys: ["do"], parse: (o, p) => ({ kind: "do", body: parseBlock(o.do, `${p}/do`), path: p }) },
  { keys: ["if"], parse: parseIf },
  { keys: ["cond"], parse: parseCond },
  { keys: ["cast"], parse: parseCast },
  { keys: ["upcast"], parse: (o, p) => ({ kind: "upcast", expr: parseNode(o.upcast, `${p}/upcast`), type: typeRef(o.as, `${p}/as`), path: p }) },
  { keys: ["ifnotnull"], parse: parseIfNotNull },
  { keys: ["attr"], parse: parseAttr },
  { keys: ["cell"], parse: parseCell },
  { keys: ["pool"], parse: parsePool },
  { keys: ["doc"], parse: (_o, p) => ({ kind: "doc", path: p }) },
  { keys: ["error"], parse: parseError },
  { keys: ["try"], parse: (o, p) => ({ kind: "try", body: parseBlock(o.try, `${p}/try`), filter: Array.isArray(o.filter) ? o.filter : null, path: p }) },
  { keys: ["log"], parse: parseLog },
  { keys: ["fcn"], parse: functionOutOfPlace },
  { keys: ["params"], parse: functionOutOfPlace },
];

/** Keys that make a one-key object a special form (or an error), never a call of a function so named. */
const FORM_KEYS: ReadonlySet<string> = new Set([...FORMS.flatMap((f) => f.keys), "forval"]);

function functionOutOfPlace(o: Obj, path: string): never {
  throw schemaError("PFA_BAD_EXPRESSION", "a function reference can only be an argument of a function call", path, o);
}

function intLiteral(v: unknown, path: string): LiteralNode {
  if (typeof v !== "number" || !Number.isInteger(v) || v < -2147483648 || v > 2147483647)
    throw schemaError("PFA_BAD_LITERAL", "int literal out of range", path, v);
  return { kind: "literal", type: "int", value: v, path };
}

function longLiteral(v: unknown, path: string): LiteralNode {
  if (typeof v !== "bigint" && (typeof v !== "number" || !Number.isInteger(v)))
    throw schemaError("PFA_BAD_LITERAL", "long literal must be an integer", path, v);
  return { kind: "literal", type: "long", value: decodeAvroJson(T.long, v, path) as number | bigint, path };
}

function stringLiteral(v: unknown, path: string): LiteralNode {
  if (typeof v !== "string") throw schemaError("PFA_BAD_LITERAL", "string literal must be a string", path, v);
  return { kind: "literal", type: "string", value: v, path };
}

function bytesLiteral(v: unknown, path: string): LiteralNode {
  if (typeof v !== "string") throw schemaError("PFA_BAD_LITERAL", "base64 literal must be a string", path, v);
  return { kind: "literal", type: "bytes", value: base64ToBytes(v), path };
}

function parseNew(o: Obj, path: string): ExprNode {
  const n = o.new;
  const newPath = `${path}/new`;
  const content = Array.isArray(n)
    ? ({ shape: "array", items: n.map((e, i) => parseNode(e, `${newPath}/${i}`)) } as const)
    : isObject(n)
      ? ({ shape: "object", fields: Object.entries(n).map(([k, e]) => [k, parseNode(e, `${newPath}/${k}`)] as const) } as const)
      : ({ shape: "other", value: n } as const);
  return { kind: "new", type: typeRef(o.type, `${path}/type`), content, newPath, path };
}

/** `{name: expression, ...}` of let, set, for, step and ifnotnull: a non-empty object with identifier names. */
function parseBindings(decl: unknown, key: string, path: string, code: string): Binding[] {
  if (!isObject(decl) || Object.keys(decl).length === 0) throw schemaError(code, `${key} needs an object of name: expression`, `${path}/${key}`, decl);
  return Object.entries(decl).map(([name, e]) => {
    const p = `${path}/${key}/${name}`;
    if (!NAME.test(name)) throw schemaError("PFA_BAD_NAME", `bad variable name ${JSON.stringify(name)}`, p, name);
    return { name, expr: parseNode(e, p), path: p };
  });
}

function parseFor(o: Obj, path: string): ExprNode {
  return {
    kind: "for",
    init: parseBindings(o.for, "for", path, "PFA_BAD_LET"),
    test: parseNode(o.while, `${path}/while`),
    step: parseBindings(o.step, "step", path, "PFA_BAD_LET"),
    body: parseBlock(o.do, `${path}/do`),
    path,
  };
}

function parseForeach(o: Obj, path: string): ExprNode {
  const name = o.foreach;
  if (typeof name !== "string" || !NAME.test(name)) throw schemaError("PFA_BAD_NAME", "foreach needs a variable name", `${path}/foreach`, name);
  return { kind: "foreach", name, array: parseNode(o.in, `${path}/in`), body: parseBlock(o.do, `${path}/do`), path };
}

function parseForkeyval(o: Obj, path: string): ExprNode {
  const key = o.forkey;
  const value = o.forval;
  if (typeof key !== "string" || !NAME.test(key) || typeof value !== "string" || !NAME.test(value)) {
    throw schemaError("PFA_BAD_NAME", "forkey/forval need variable names", path);
  }
  return { kind: "forkeyval", key, value, map: parseNode(o.in, `${path}/in`), body: parseBlock(o.do, `${path}/do`), path };
}

function optionalBlock(o: Obj, key: string, path: string): Block | null {
  return key in o ? parseBlock(o[key], `${path}/${key}`) : null;
}

function parseIf(o: Obj, path: string): ExprNode {
  const test = parseNode(o.if, `${path}/if`);
  if (!("then" in o)) throw schemaError("PFA_BAD_IF", "if needs then", path);
  return { kind: "if", test, then: parseBlock(o.then, `${path}/then`), else: optionalBlock(o, "else", path), path };
}

function parseCond(o: Obj, path: string): ExprNode {
  if (!Array.isArray(o.cond) || o.cond.length === 0) throw schemaError("PFA_BAD_COND", "cond needs a non-empty array", `${path}/cond`, o.cond);
  const clauses = o.cond.map((c, i) => {
    const cp = `${path}/cond/${i}`;
    if (!isObject(c) || !("if" in c) || !("then" in c)) throw schemaError("PFA_BAD_COND", "cond clause needs if and then", cp, c);
    return { test: parseNode(c.if, `${cp}/if`), then: parseBlock(c.then, `${cp}/then`) };
  });
  return { kind: "cond", clauses, else: optionalBlock(o, "else", path), path };
}

function parseCast(o: Obj, path: string): ExprNode {
  const expr = parseNode(o.cast, `${path}/cast`);
  if (!Array.isArray(o.cases)) throw schemaError("PFA_BAD_CAST", "cast needs cases", `${path}/cases`);
  const cases = o.cases.map((c, i): CastCase => {
    const cp = `${path}/cases/${i}`;
    if (!isObject(c)) throw schemaError("PFA_BAD_CAST", "cast case needs as, named and do", cp, c);
    if (typeof c.named !== "string" || !NAME.test(c.named)) throw schemaError("PFA_BAD_NAME", "cast case needs a variable name", `${cp}/named`, c.named);
    return { type: typeRef(c.as, `${cp}/as`), named: c.named, body: parseBlock(c.do, `${cp}/do`), path: cp };
  });
  return { kind: "cast", expr, cases, partial: o.partial === true, path };
}

function parseIfNotNull(o: Obj, path: string): ExprNode {
  return {
    kind: "ifnotnull",
    bindings: parseBindings(o.ifnotnull, "ifnotnull", path, "PFA_BAD_IFNOTNULL"),
    then: parseBlock(o.then, `${path}/then`),
    else: optionalBlock(o, "else", path),
    path,
  };
}

/** The steps of a `path`: a non-empty array of expressions. */
function parseSteps(v: unknown, path: string, offset = 0): ExprNode[] {
  if (!Array.isArray(v) || v.length === 0) throw schemaError("PFA_BAD_PATH", "path needs a non-empty array", path, v);
  return v.slice(offset).map((e, i) => parseNode(e, `${path}/${i + offset}`));
}

function parseUpdate(v: unknown, path: string): UpdateNode {
  return isFunctionArg(v) ? parseFcnArg(v, path) : parseNode(v, path);
}

function optionalUpdate(o: Obj, path: string): UpdateNode | null {
  return "to" in o ? parseUpdate(o.to, `${path}/to`) : null;
}

function parseAttr(o: Obj, path: string): ExprNode {
  const base = parseNode(o.attr, `${path}/attr`);
  const stepsPath = `${path}/path`;
  return { kind: "attr", base, steps: parseSteps(o.path, stepsPath), stepsPath, to: optionalUpdate(o, path), path };
}

function parseCell(o: Obj, path: string): ExprNode {
  const name = o.cell;
  if (typeof name !== "string") throw schemaError("PFA_BAD_CELL", "cell needs a name", `${path}/cell`, name);
  const stepsPath = `${path}/path`;
  const steps = "path" in o ? parseSteps(o.path, stepsPath) : [];
  return { kind: "cell", name, steps, stepsPath, to: optionalUpdate(o, path), path };
}

/** A pool's path starts with the item's key; the rest goes into the item. */
function parsePool(o: Obj, path: string): ExprNode {
  const name = o.pool;
  if (typeof name !== "string") throw schemaError("PFA_BAD_CELL", "pool needs a name", `${path}/pool`, name);
  const stepsPath = `${path}/path`;
  if (!Array.isArray(o.path) || o.path.length === 0) throw schemaError("PFA_BAD_PATH", "pool needs a path starting with a string key", stepsPath);
  const key = parseNode(o.path[0], `${stepsPath}/0`);
  const steps = o.path.length > 1 ? parseSteps(o.path, stepsPath, 1) : [];
  const init = "init" in o ? parseNode(o.init, `${path}/init`) : null;
  return { kind: "pool", name, key, steps, stepsPath, to: optionalUpdate(o, path), init, path };
}

function parseError(o: Obj, path: string): ExprNode {
  const message = o.error;
  if (typeof message !== "string") throw schemaError("PFA_BAD_ERROR", "error needs a message string", `${path}/error`, message);
  const code = o.code;
  if (code !== undefined && (typeof code !== "number" || !Number.isInteger(code)))
    throw schemaError("PFA_BAD_ERROR", "error code must be an integer", `${path}/code`, code);
  return { kind: "error", message, code, path };
}

function parseLog(o: Obj, path: string): ExprNode {
  const values = bodyOf(o.log).map((e, i) => parseNode(e, `${path}/log/${i}`));
  return { kind: "log", values, namespace: typeof o.namespace === "string" ? o.namespace : undefined, path };
}

// ------------------------------------------------------------------ calls and function values

/** `{"name": args}`: args is one expression or an array of them (`emit` included). */
function parseCall(name: string, raw: unknown, path: string): ExprNode {
  const args = Array.isArray(raw) ? raw : [raw];
  const argPath = (i: number) => (Array.isArray(raw) ? `${path}/${name}/${i}` : `${path}/${name}`);
  if (name === "emit") return { kind: "emit", args: args.map((a, i) => parseNode(a, argPath(i))), path };
  return { kind: "call", name, args: args.map((a, i) => (isFunctionArg(a) ? parseFcnArg(a, argPath(i)) : parseNode(a, argPath(i)))), path };
}

function parseFcnArg(a: Obj, path: string): FcnArgNode {
  return "params" in a ? parseFcnDef(fcnDef(a, path)) : parseFcnRef(a, path);
}

function parseFcnRef(a: Obj, path: string): FcnRefNode {
  const name = a.fcn;
  if (typeof name !== "string") throw schemaError("PFA_BAD_FCNREF", "fcn needs a function name", `${path}/fcn`, name);
  const fill = a.fill;
  if (fill === undefined) return { kind: "fcnref", name, fill: [], path };
  if (!isObject(fill)) throw schemaError("PFA_BAD_FCNREF", "fill needs an object", `${path}/fill`, fill);
  const bindings = Object.entries(fill).map(([k, e]) => ({ name: k, expr: parseNode(e, `${path}/fill/${k}`), path: `${path}/fill/${k}` }));
  return { kind: "fcnref", name, fill: bindings, path };
}

/** A function definition the document reader has validated (`fcnDef`). */
export function parseFcnDef(def: PfaFcnDef): FcnDefNode {
  return {
    kind: "fcndef",
    params: def.params.map((p, i) => ({ name: p.name, type: typeRef(p.type, `${def.path}/params/${i}/${p.name}`) })),
    ret: typeRef(def.ret, `${def.path}/ret`),
    body: parseBlock(def.do, `${def.path}/do`),
    path: def.path,
  };
}

// ------------------------------------------------------------------ the top level

function cellDecl(c: PfaCellDef): CellDecl {
  return { type: typeRef(c.type, `${c.path}/type`), init: c.init, shared: c.shared, rollback: c.rollback, path: c.path };
}

function optionalBody(exprs: readonly unknown[] | undefined, path: string): Block | null {
  return exprs === undefined || exprs.length === 0 ? null : parseBlock(exprs, path);
}

/** The syntax tree of a document `parsePfa`/`validatePfa` has read (its sections are already validated, its `"@"` keys dropped). */
export function parseDocumentAst(doc: PfaDocument): PfaDocumentAst {
  return {
    name: doc.name,
    method: doc.method,
    input: typeRef(doc.input, "/input"),
    output: typeRef(doc.output, "/output"),
    begin: optionalBody(doc.begin, "/begin"),
    action: parseBlock(doc.action, "/action"),
    end: optionalBody(doc.end, "/end"),
    fcns: new Map(Object.entries(doc.fcns).map(([name, def]) => [name, parseFcnDef(def)])),
    cells: new Map(Object.entries(doc.cells).map(([name, c]) => [name, cellDecl(c)])),
    pools: new Map(Object.entries(doc.pools).map(([name, c]) => [name, cellDecl(c)])),
    zero: doc.zero,
    merge: optionalBody(doc.merge, "/merge"),
    randseed: doc.randseed,
    options: doc.options,
  };
}
