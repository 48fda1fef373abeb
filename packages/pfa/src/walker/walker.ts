/**
 * The reference tree-walking PFA interpreter: the yardstick the compiled engine (compiler/) is
 * measured against in `npm run bench -- pfa`.
 *
 * Every call walks the syntax tree (`ast/`) again: each node is dispatched on its kind,
 * symbols are looked up by name through a chain of scopes, blocks get a fresh scope object.
 * Nothing is turned into closures ahead of time. What is done once, before the first call, is
 * what any interpreter does once: parse the document and type-check it, with the compiled
 * engine's checker (`compiler/checker.ts`), which binds each library call to the implementation
 * its signature selects (the same implementations as the compiled engine's, so both compute the
 * same numbers: the comparison measures evaluation strategy, not library code).
 *
 * Scope: the language forms and library functions of real model documents such as
 * fixtures/pfa (literals, symbols and dotted paths, attr, cell reads, new, let, set, do, if,
 * cond, while, library and user-function calls, inline functions as arguments). Anything else
 * is refused while preparing with PFA_WALKER_UNSUPPORTED.
 */
import { DEFAULT_LIMITS, EvaluationError, SchemaError } from "@porta/ir";
import { type AstNode, childrenOf } from "../ast/children.ts";
import type { Block, CallNode, ExprNode, FcnArgNode, FcnDefNode, PfaDocumentAst, ValueNode } from "../ast/nodes.ts";
import { parseDocumentAst } from "../ast/parse.ts";
import { Checker, type CellInfo, type ResolvedCall } from "../compiler/checker.ts";
import type { EngineRuntime } from "../lib/site.ts";
import type { PfaDocument } from "../document.ts";
import { Rng } from "../lib/rng.ts";
import { DEFAULT_MAX_ARRAY_LENGTH, DEFAULT_MAX_DEPTH, DEFAULT_MAX_STRING_LENGTH } from "../limits.ts";
import { TypeRegistry, type AvroType } from "@porta/ir/avro";
import { decodeAvroJson, newMap, pfaError } from "../values.ts";

/** A walked (not compiled) PFA document: map engines only. */
export interface PfaWalker {
  readonly inputType: AvroType;
  readonly outputType: AvroType;
  /** Evaluates the action on one decoded input (see `decodeAvroJson`), walking the syntax tree. */
  action(input: unknown): unknown;
  readonly cells: Readonly<Record<string, unknown>>;
}

/** Runtime scope: variables by name, chained to the enclosing scope. */
class Scope {
  readonly vars: Record<string, unknown> = Object.create(null);
  constructor(readonly parent: Scope | null) {}
  lookup(name: string): unknown {
    for (let s: Scope | null = this; s; s = s.parent) if (name in s.vars) return s.vars[name];
    throw new EvaluationError("PFA_UNKNOWN_SYMBOL", `unknown symbol ${name}`);
  }
  assign(name: string, value: unknown): void {
    for (let s: Scope | null = this; s; s = s.parent) {
      if (name in s.vars) {
        s.vars[name] = value;
        return;
      }
    }
    throw new EvaluationError("PFA_UNKNOWN_SYMBOL", `set of undeclared variable ${name}`);
  }
}

function unsupported(what: string, path: string): SchemaError {
  return new SchemaError("PFA_WALKER_UNSUPPORTED", `the tree-walking interpreter does not evaluate ${what}`, { path });
}

/** Why the walker does not evaluate `node` (see the header), or null when it does. */
function refusal(node: AstNode): string | null {
  switch (node.kind) {
    case "attr":
    case "cell":
      return node.to ? `${node.kind} with to` : null;
    case "call":
      return node.name === "&&&" || node.name === "|||" ? node.name : null;
    case "fcnref":
      return "function references ({fcn: ...})";
    case "literal":
    case "value":
    case "ref":
    case "new":
    case "let":
    case "set":
    case "do":
    case "if":
    case "cond":
    case "while":
    case "doc":
    case "fcndef":
      return null;
    default:
      return `the ${node.kind} form`;
  }
}

/** Refuses, before the first row, any form under `roots` the walker does not evaluate (an explicit stack: documents nest deep). */
function refuseUnwalked(roots: readonly AstNode[]): void {
  const stack = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const why = refusal(node);
    if (why) throw unsupported(why, node.path);
    stack.push(...childrenOf(node));
  }
}

export function walkPfa(doc: PfaDocument, options: { randseed?: number; regexSteps?: number } = {}): PfaWalker {
  const ast = parseDocumentAst(doc);
  if (ast.method !== "map") throw unsupported(`${ast.method} engines`, "/method");
  if (ast.begin || ast.end) throw unsupported("begin/end", "/begin");
  if (ast.pools.size) throw unsupported("pools", "/pools");
  refuseUnwalked([...ast.action.exprs, ...[...ast.fcns.values()].flatMap((f) => f.body.exprs)]);
  const registry = new TypeRegistry();
  registry.preregister([doc.input, doc.output, doc.cells, doc.fcns, doc.action]);
  const inputType = registry.parse(ast.input.json, ast.input.path);
  const outputType = registry.parse(ast.output.json, ast.output.path);
  const limits = { maxArrayLength: DEFAULT_MAX_ARRAY_LENGTH, maxStringLength: DEFAULT_MAX_STRING_LENGTH, maxDepth: DEFAULT_MAX_DEPTH };
  const rt: EngineRuntime = {
    rng: new Rng(options.randseed ?? ast.randseed),
    maxArrayLength: limits.maxArrayLength,
    maxStringLength: limits.maxStringLength,
    regexSteps: options.regexSteps ?? DEFAULT_LIMITS.regexSteps,
  };
  const cells: Record<string, unknown> = Object.create(null);
  const cellInfo = new Map<string, CellInfo>();
  for (const [name, c] of ast.cells) {
    const t = registry.parse(c.type.json, c.type.path);
    cellInfo.set(`cell:${name}`, { type: t, pool: false });
    cells[name] = decodeAvroJson(t, c.init, `${c.path}/init`);
  }
  // the compiled engine's checker types every node and binds every call to its implementation
  const checker = new Checker({ registry, fcns: ast.fcns, cells: cellInfo, rt, outputType, method: "map", limits });
  checker.checkBody(ast.action, { input: inputType });
  const walker = new Walker(ast, checker.calls, checker.constants, cells);
  return {
    inputType,
    outputType,
    cells,
    action(input) {
      const scope = new Scope(null);
      scope.vars.input = input;
      return walker.block(ast.action, scope);
    },
  };
}

/** Evaluation: walks the syntax tree on every call. */
class Walker {
  constructor(
    private readonly ast: PfaDocumentAst,
    private readonly calls: ReadonlyMap<CallNode, ResolvedCall>,
    private readonly constants: ReadonlyMap<ValueNode, unknown>,
    private readonly cells: Record<string, unknown>,
  ) {}

  block(b: Block, scope: Scope): unknown {
    let out: unknown = null;
    for (const e of b.exprs) out = this.eval(e, scope);
    return out;
  }

  eval(e: ExprNode, scope: Scope): unknown {
    switch (e.kind) {
      case "literal":
        return e.value;
      case "value":
        return this.constants.get(e);
      case "ref":
        return scope.lookup(e.name);
      case "new": {
        const c = e.content;
        if (c.shape === "array") return c.items.map((x) => this.eval(x, scope));
        const out = newMap();
        if (c.shape === "object") for (const [k, x] of c.fields) out[k] = this.eval(x, scope);
        return out;
      }
      case "let": {
        // let is parallel: every right-hand side sees the scope before the declarations
        const values = e.bindings.map((b) => this.eval(b.expr, scope));
        e.bindings.forEach((b, i) => {
          scope.vars[b.name] = values[i];
        });
        return null;
      }
      case "set": {
        const values = e.bindings.map((b) => this.eval(b.expr, scope));
        e.bindings.forEach((b, i) => scope.assign(b.name, values[i]));
        return null;
      }
      case "while":
        while (this.eval(e.test, scope) === true) this.block(e.body, new Scope(scope));
        return null;
      case "do":
        return this.block(e.body, new Scope(scope));
      case "if":
        if (this.eval(e.test, scope) === true) {
          const r = this.block(e.then, new Scope(scope));
          return e.else ? r : null;
        }
        return e.else ? this.block(e.else, new Scope(scope)) : null;
      case "cond":
        for (const c of e.clauses) {
          if (this.eval(c.test, scope) === true) {
            const r = this.block(c.then, new Scope(scope));
            return e.else ? r : null;
          }
        }
        return e.else ? this.block(e.else, new Scope(scope)) : null;
      case "attr":
        return this.follow(this.eval(e.base, scope), e.steps, scope);
      case "cell": {
        const v = this.cells[e.name];
        return e.steps.length ? this.follow(v, e.steps, scope) : v;
      }
      case "call":
        return this.call(e, scope);
      case "doc":
        return null;
      default:
        // refused while preparing (see `refusal`)
        throw unsupported(`the ${e.kind} form`, e.path);
    }
  }

  /** A path into records (field names), arrays (int indexes) and maps (string keys). */
  private follow(v: any, steps: readonly ExprNode[], scope: Scope): unknown {
    for (const pe of steps) {
      if (Array.isArray(v)) {
        const n = Number(this.eval(pe, scope));
        if (n < 0 || n >= v.length) throw pfaError(2000, `array index ${n} out of range`, n);
        v = v[n];
      } else {
        const k = this.eval(pe, scope) as string;
        if (!Object.hasOwn(v, k)) throw pfaError(2001, `map key ${JSON.stringify(k)} not found`, k);
        v = v[k];
      }
    }
    return v;
  }

  private call(node: CallNode, scope: Scope): unknown {
    const call = this.calls.get(node)!;
    const args = node.args;
    if (call.kind === "user") {
      const def = this.ast.fcns.get(call.name.slice(2))!;
      const inner = new Scope(null);
      def.params.forEach((p, i) => {
        inner.vars[p.name] = this.eval(args[i] as ExprNode, scope);
      });
      return this.block(def.body, inner);
    }
    if (node.name === "&&") return this.eval(args[0] as ExprNode, scope) === true ? this.eval(args[1] as ExprNode, scope) : false;
    if (node.name === "||") return this.eval(args[0] as ExprNode, scope) === true ? true : this.eval(args[1] as ExprNode, scope);
    const values = args.map((a, i) => {
      if (isFunction(a)) return this.inlineFunction(a as FcnDefNode, scope);
      const v = this.eval(a, scope);
      return call.toDouble[i] && typeof v === "bigint" ? Number(v) : v;
    });
    return call.fn(...values);
  }

  /** An inline function value: evaluating it walks its body in a scope chained to the caller's. */
  private inlineFunction(def: FcnDefNode, scope: Scope): (...args: unknown[]) => unknown {
    return (...values) => {
      const inner = new Scope(scope);
      def.params.forEach((p, i) => {
        inner.vars[p.name] = values[i];
      });
      return this.block(def.body, inner);
    };
  }
}

function isFunction(a: ExprNode | FcnArgNode): a is FcnArgNode {
  return a.kind === "fcndef" || a.kind === "fcnref";
}
