/**
 * The action's `let`s before the model value (`var x = new(array(double), input.a, …)`, `var
 * activation = model.neural.simpleLayers(x, …)`): the recognisers read a variable through its
 * binding, and every binding must be read by the model or its output, or the action does
 * something the lowering did not look at (a let that could fail a row, for one).
 */
import type { ExprNode, FcnArgNode } from "../ast/nodes.ts";
import { notLowerable } from "./refusal.ts";

export class Bindings {
  private readonly exprs = new Map<string, ExprNode>();
  private readonly paths = new Map<string, string>();
  private readonly read = new Set<string>();

  bind(name: string, expr: ExprNode, path: string): void {
    if (this.exprs.has(name)) notLowerable(`variable "${name}" bound twice`, path);
    this.exprs.set(name, expr);
    this.paths.set(name, path);
  }

  /** The expression a variable stands for (followed through variables bound to variables), or `e` itself. */
  deref<T extends ExprNode | FcnArgNode>(e: T): T | ExprNode {
    let out: T | ExprNode = e;
    for (let hops = 0; out.kind === "ref" && this.exprs.has(out.name) && hops < 64; hops++) {
      this.read.add(out.name);
      out = this.exprs.get(out.name)!;
    }
    return out;
  }

  /** Refuses a binding nothing read: the PFA engine evaluates it, the lowered pipeline would not. */
  checkAllRead(): void {
    for (const [name, path] of this.paths) if (!this.read.has(name)) notLowerable(`a let of "${name}" that the model does not read`, path);
  }
}
