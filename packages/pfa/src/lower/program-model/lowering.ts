/**
 * The checked PFA syntax tree → the IR's program expressions (`ProgramExpr`): names resolved
 * through the same scopes the checker used (so a shadowing `let` in an inner block is a new
 * variable id), every node typed from the checker's facts. Forms are lowered by concern:
 * control flow in control.ts, paths, cells and pools in state.ts, calls and function values in
 * calls.ts; literals, variables, `let`/`set`, `do` and `new` here.
 */
import type { ConstExpr, ProgramBlock, ProgramExpr } from "@porta/ir";
import { T, type AvroType, type ExprType } from "@porta/ir/avro";
import type { Block, ExprNode, LetNode, NewNode, TypeRef } from "../../ast/nodes.ts";
import type { Checker } from "../../compiler/checker.ts";
import { notLowerable } from "../refusal.ts";
import { lowerCall, lowerEmit } from "./calls.ts";
import { constJson, JsonTypes } from "./constants.ts";
import {
  lowerCast,
  lowerCond,
  lowerDoUntil,
  lowerFor,
  lowerForeach,
  lowerForkeyval,
  lowerIf,
  lowerIfNotNull,
  lowerLog,
  lowerTry,
  lowerWhile,
} from "./control.ts";
import { lowerAttr, lowerCell, lowerPool } from "./state.ts";
import { dataType, type Scope, type Variable } from "./scope.ts";

export class ProgramLowering {
  private nextId = 0;
  readonly types = new JsonTypes();

  constructor(readonly checked: Checker) {}

  /** A new variable named `name` in `scope`, with a program-wide unique id. */
  declare(scope: Scope, name: string, type: AvroType, path: string): Variable {
    const v: Variable = { id: `v${this.nextId++}`, type: this.types.of(type, path) };
    scope.vars.set(name, v);
    return v;
  }

  /** The checker's type of an expression, as a plain tree. */
  typeOf(node: ExprNode): ExprType {
    const t = this.checked.types.get(node);
    if (!t) return notLowerable(`an expression the checker did not type (${node.kind})`, node.path);
    return this.types.of(t, node.path);
  }

  /** A type written in the document, resolved (the checker resolved every one it met). */
  resolve(ref: TypeRef): AvroType {
    return this.types.of(this.checked.resolve(ref), ref.path);
  }

  /** A body in `scope` (the caller gives a child scope where the body's variables must not leak). */
  block(body: Block, scope: Scope): ProgramBlock {
    return body.exprs.map((e) => this.expr(e, scope));
  }

  expr(node: ExprNode, scope: Scope): ProgramExpr {
    switch (node.kind) {
      case "literal":
        return this.constant(T[node.type], node.value, node.path);
      case "value": {
        if (!this.checked.constants.has(node)) return notLowerable("a value the checker did not decode", node.path);
        return this.constant(dataType(this.typeOf(node), node.path), this.checked.constants.get(node), node.path);
      }
      case "ref": {
        const v = scope.lookup(node.name);
        if (!v) return notLowerable(`variable ${node.name}`, node.path);
        return { op: "var", id: v.id, type: v.type, path: node.path };
      }
      case "new":
        return this.lowerNew(node, scope);
      case "let":
      case "set":
        return this.lowerLet(node, scope);
      case "do":
        return { op: "do", type: this.typeOf(node), body: this.block(node.body, scope.child()), path: node.path };
      case "if":
        return lowerIf(this, node, scope);
      case "cond":
        return lowerCond(this, node, scope);
      case "while":
        return lowerWhile(this, node, scope);
      case "doUntil":
        return lowerDoUntil(this, node, scope);
      case "for":
        return lowerFor(this, node, scope);
      case "foreach":
        return lowerForeach(this, node, scope);
      case "forkeyval":
        return lowerForkeyval(this, node, scope);
      case "cast":
        return lowerCast(this, node, scope);
      case "upcast":
        // the value is unchanged: a union value is its branch's value at run time
        return this.expr(node.expr, scope);
      case "ifnotnull":
        return lowerIfNotNull(this, node, scope);
      case "attr":
        return lowerAttr(this, node, scope);
      case "cell":
        return lowerCell(this, node, scope);
      case "pool":
        return lowerPool(this, node, scope);
      case "call":
        return lowerCall(this, node, scope);
      case "emit":
        return lowerEmit(this, node, scope);
      case "doc":
        return this.constant(T.null, null, node.path);
      case "error":
        return { op: "error", message: node.message, code: node.code, path: node.path };
      case "try":
        return lowerTry(this, node, scope);
      case "log":
        return lowerLog(this, node, scope);
      default:
        return unreachable(node);
    }
  }

  constant(type: AvroType, value: unknown, path: string): ConstExpr {
    return { op: "const", type: this.types.of(type, path), json: constJson(type, value, path), path };
  }

  /** `let` declares in `scope` once every right-hand side is lowered (it is parallel); `set` assigns declared variables. */
  lowerLet(node: LetNode, scope: Scope): ProgramExpr {
    const exprs = node.bindings.map((b) => this.expr(b.expr, scope));
    const bindings = node.bindings.map((b, k) => {
      if (node.kind === "let") {
        const v = this.declare(scope, b.name, dataType(this.typeOf(b.expr), b.path), b.path);
        return { id: v.id, type: v.type, expr: exprs[k]! };
      }
      const v = scope.lookup(b.name);
      if (!v) return notLowerable(`set of undeclared variable ${b.name}`, b.path);
      return { id: v.id, type: v.type, expr: exprs[k]! };
    });
    return { op: node.kind, bindings, path: node.path };
  }

  private lowerNew(node: NewNode, scope: Scope): ProgramExpr {
    const type = this.resolve(node.type);
    const content = node.content;
    if (content.shape === "array") return { op: "new", type, items: content.items.map((e) => this.expr(e, scope)), path: node.path };
    if (content.shape === "object") return { op: "new", type, fields: content.fields.map(([k, e]) => [k, this.expr(e, scope)] as const), path: node.path };
    return notLowerable("new of a JSON value that is neither an array nor an object", node.newPath);
  }
}

function unreachable(node: never): never {
  throw new Error(`unhandled PFA node ${JSON.stringify(node)}`);
}
