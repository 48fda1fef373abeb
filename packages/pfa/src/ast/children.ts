/**
 * The direct subexpressions of a node, in document order: for passes that look at every node
 * without caring about the form (finding forms an evaluator does not support, counting, …).
 */
import type { Binding, Block, ExprNode, FcnArgNode, UpdateNode } from "./nodes.ts";

export type AstNode = ExprNode | FcnArgNode;

const exprsOf = (b: Block | null): readonly ExprNode[] => (b ? b.exprs : []);
const bound = (bs: readonly Binding[]): ExprNode[] => bs.map((b) => b.expr);
const opt = (n: UpdateNode | ExprNode | null): AstNode[] => (n ? [n] : []);

export function childrenOf(node: AstNode): readonly AstNode[] {
  switch (node.kind) {
    case "literal":
    case "value":
    case "ref":
    case "doc":
    case "error":
      return [];
    case "new":
      return node.content.shape === "array" ? node.content.items : node.content.shape === "object" ? node.content.fields.map(([, e]) => e) : [];
    case "let":
    case "set":
      return bound(node.bindings);
    case "do":
    case "try":
      return node.body.exprs;
    case "if":
      return [node.test, ...node.then.exprs, ...exprsOf(node.else)];
    case "cond":
      return [...node.clauses.flatMap((c) => [c.test, ...c.then.exprs]), ...exprsOf(node.else)];
    case "while":
      return [node.test, ...node.body.exprs];
    case "doUntil":
      return [...node.body.exprs, node.test];
    case "for":
      return [...bound(node.init), node.test, ...bound(node.step), ...node.body.exprs];
    case "foreach":
      return [node.array, ...node.body.exprs];
    case "forkeyval":
      return [node.map, ...node.body.exprs];
    case "cast":
      return [node.expr, ...node.cases.flatMap((c) => c.body.exprs)];
    case "upcast":
      return [node.expr];
    case "ifnotnull":
      return [...bound(node.bindings), ...node.then.exprs, ...exprsOf(node.else)];
    case "attr":
      return [node.base, ...node.steps, ...opt(node.to)];
    case "cell":
      return [...node.steps, ...opt(node.to)];
    case "pool":
      return [node.key, ...node.steps, ...opt(node.to), ...opt(node.init)];
    case "call":
      return node.args;
    case "emit":
      return node.args;
    case "log":
      return node.values;
    case "fcndef":
      return node.body.exprs;
    case "fcnref":
      return bound(node.fill);
    default:
      return unreachable(node);
  }
}

function unreachable(node: never): never {
  throw new Error(`unhandled PFA node ${JSON.stringify(node)}`);
}
