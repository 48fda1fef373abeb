/**
 * One plan per model node: lowering is pure and row-independent, so the interpreter (per row)
 * and every backend (per compile) share the first result. Keyed weakly by the node, so a
 * dropped pipeline drops its plans. A lowering that throws is not cached: the next caller gets
 * the same typed error again, as the interpreter raised it on every row before plans existed.
 */
export function memoizedPlan<Node extends object, Plan, Rest extends unknown[] = []>(
  lower: (node: Node, ...rest: Rest) => Plan,
): (node: Node, ...rest: Rest) => Plan {
  // Keyed by the node alone: the further arguments (a model's target) are the same for every
  // call on one node, since a model node has one target.
  const cache = new WeakMap<Node, Plan>();
  return (node, ...rest) => {
    let plan = cache.get(node);
    if (plan === undefined) {
      plan = lower(node, ...rest);
      cache.set(node, plan);
    }
    return plan;
  };
}
