/**
 * One plan per model node: lowering is pure and row-independent, so the interpreter (per row)
 * and every backend (per compile) share the first result. Keyed weakly by the node, so a
 * dropped pipeline drops its plans. A lowering that throws is not cached: the next caller gets
 * the same typed error again, as the interpreter raised it on every row before plans existed.
 */
export function memoizedPlan<Node extends object, Plan>(lower: (node: Node) => Plan): (node: Node) => Plan {
  const cache = new WeakMap<Node, Plan>();
  return (node) => {
    let plan = cache.get(node);
    if (plan === undefined) {
      plan = lower(node);
      cache.set(node, plan);
    }
    return plan;
  };
}
