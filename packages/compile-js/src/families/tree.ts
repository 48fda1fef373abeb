import type { Predicate, TreeModel, TreeNode, Value } from "@porta/ir";
import { scoreDistributionProbabilities, toDataType } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { codeOf, MISSING_CODE } from "../columns.ts";
import { declareLocals, type FamilyRow, type KernelContext } from "../kernel.ts";
import { NotCompilable } from "../unsupported.ts";
import type { TargetFacts } from "../targets.ts";

/** Emitted code of one subtree above this many characters becomes a function of its own. */
const MAX_INLINE_CHARS = 24_000;

/** A compiled tree: a function `(i) → final node index (or -1 for a null prediction)` and its tables. */
export interface CompiledTree {
  fn: Name;
  nodes: TreeNode[];
}

/**
 * Emits the tree as nested branches, one function per tree (and per large subtree, so no
 * function outgrows what V8 optimises). The emitter walks the tree iteratively in post-order,
 * so deep trees cannot overflow the compiler's stack. Predicates evaluate to 1 (TRUE),
 * 0 (FALSE) or -1 (UNKNOWN); missingValueStrategy decides what UNKNOWN does.
 */
export function compileTreeFunction(model: TreeModel, ctx: KernelContext): CompiledTree {
  const strategy = model.missingValueStrategy;
  if (strategy === "weightedConfidence" || strategy === "aggregateNodes") throw new NotCompilable(`TreeModel missingValueStrategy=${strategy}`);
  // The penalty depends on the path taken (defaultChild steps, surrogate alternatives); the node tables cannot carry it.
  if (model.functionName === "classification" && model.missingValuePenalty !== 1) throw new NotCompilable("TreeModel missingValuePenalty");

  const nodes: TreeNode[] = [];
  const index = new Map<TreeNode, number>();
  const stack: TreeNode[] = [model.root];
  while (stack.length) {
    const n = stack.pop()!;
    index.set(n, nodes.length);
    nodes.push(n);
    for (let k = n.children.length - 1; k >= 0; k--) stack.push(n.children[k]);
  }

  const t = ctx.names.name("t");
  const s = ctx.names.name("s");
  const code = new Map<TreeNode, Code>();
  // Post-order: children before parents.
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k];
    let body = nodeCode(node, index.get(node)!, model, ctx, code, t, s);
    if (body.text.length > MAX_INLINE_CHARS && node !== model.root) {
      const sub = ctx.names.name("subtree");
      ctx.declare(_`function ${sub}(i) { let ${t}, ${s}; ${body} }`);
      body = _`return ${sub}(i);`;
    }
    code.set(node, body);
  }
  const fn = ctx.names.name("tree");
  const root = predicateCode(model.root.predicate, ctx);
  ctx.declare(_`function ${fn}(i) { let ${t}, ${s}; if (${root} !== 1) return -1; ${code.get(model.root)!} }`);
  return { fn, nodes };
}

function nodeCode(node: TreeNode, self: number, model: TreeModel, ctx: KernelContext, code: Map<TreeNode, Code>, t: Name, s: Name): Code {
  if (node.children.length === 0) return _`return ${self};`;
  // "Return the parent Node only if it specifies a score attribute" (JPMML).
  const noTrueChild = model.noTrueChildStrategy === "returnLastPrediction" && node.score !== undefined ? _`return ${self};` : _`return -1;`;
  let defaultSlot = -1;
  if (model.missingValueStrategy === "defaultChild") {
    defaultSlot = node.children.findIndex((c) => c.id !== undefined && c.id === node.defaultChild);
  }
  const onUnknown = (): Code => {
    switch (model.missingValueStrategy) {
      case "lastPrediction":
        return _`return ${self};`;
      case "nullPrediction":
        return _`return -1;`;
      case "defaultChild":
        if (defaultSlot < 0) throw new NotCompilable("Node whose defaultChild names no child");
        return _`${s} = ${defaultSlot};`;
      default:
        return _``; // none: UNKNOWN counts as FALSE
    }
  };
  // A binary split whose second child is True, UNKNOWN counting as FALSE (strategy none): the
  // first child when its predicate is TRUE, else the second — one branch, no slot to dispatch on
  // (PFA's pass/fail trees lowered into the IR have this shape at every node).
  const [first, second] = node.children;
  if (node.children.length === 2 && second!.predicate.kind === "true" && onUnknown().text === "") {
    return _`if (${truthCode(first!.predicate, ctx)}) { ${code.get(first!)!} } else { ${code.get(second!)!} }`;
  }
  // Selection: s = slot of the chosen child, or -1 when none is TRUE.
  const select: Code[] = [_`${s} = -1;`];
  let open = 0;
  node.children.forEach((child, slot) => {
    const p = predicateCode(child.predicate, ctx);
    const unknown = onUnknown();
    if (unknown.text === "") {
      select.push(_`if (${truthCode(child.predicate, ctx)}) ${s} = ${slot}; else {`);
    } else {
      select.push(_`${t} = ${p}; if (${t} === 1) ${s} = ${slot}; else if (${t} === -1) { ${unknown} } else {`);
    }
    open++;
  });
  select.push(
    _`${join(
      Array.from({ length: open }, () => _`}`),
      "",
    )}`,
  );
  // Dispatch.
  const dispatch: Code[] = node.children.map((child, slot) => _`if (${s} === ${slot}) { ${code.get(child)!} }`);
  return _`${join(select, "\n")}\n${join(dispatch, " else ")}\n${noTrueChild}`;
}

const COMPARISONS = {
  equal: _`===`,
  notEqual: _`!==`,
  lessThan: _`<`,
  lessOrEqual: _`<=`,
  greaterThan: _`>`,
  greaterOrEqual: _`>=`,
} as const;

/**
 * `predicateCode(p) === 1` as a plain condition. A comparison of a number column other than
 * notEqual is the JS comparison itself: a missing value (NaN) compares false, as UNKNOWN is not
 * TRUE; notEqual (NaN !== v is true) and every other predicate keep the three-valued form.
 */
export function truthCode(p: Predicate, ctx: KernelContext): Code {
  if (p.kind === "true") return _`true`;
  if (p.kind === "simple" && p.value !== undefined && p.operator !== "notEqual" && p.operator !== "isMissing" && p.operator !== "isNotMissing") {
    const col = ctx.column(p.field);
    if (col.kind === "number" && !ctx.ordered(p.field)) {
      const v = ctx.numericLiteral(p.field, p.value);
      if (v !== undefined) return _`${col.at} ${COMPARISONS[p.operator]} ${v}`;
    }
  }
  return _`${predicateCode(p, ctx)} === 1`;
}

/** A predicate as an expression of value 1, 0 or -1. */
export function predicateCode(p: Predicate, ctx: KernelContext): Code {
  switch (p.kind) {
    case "true":
      return _`1`;
    case "false":
      return _`0`;
    case "simple": {
      const col = ctx.column(p.field);
      if (p.operator === "isMissing") return col.kind === "number" ? _`(${col.at} !== ${col.at} ? 1 : 0)` : _`(${col.at} === ${MISSING_CODE} ? 1 : 0)`;
      if (p.operator === "isNotMissing") return col.kind === "number" ? _`(${col.at} !== ${col.at} ? 0 : 1)` : _`(${col.at} === ${MISSING_CODE} ? 0 : 1)`;
      if (p.value === undefined) throw new NotCompilable("SimplePredicate without value");
      if (p.operator !== "equal" && p.operator !== "notEqual" && ctx.ordered(p.field))
        throw new NotCompilable("SimplePredicate ordering an ordinal field by its declared values");
      if (col.kind === "number") {
        const v = ctx.numericLiteral(p.field, p.value);
        if (v === undefined) throw new NotCompilable("SimplePredicate comparing a number with text");
        const a = col.at;
        return _`(${a} !== ${a} ? -1 : ${a} ${COMPARISONS[p.operator]} ${v} ? 1 : 0)`;
      }
      if (p.operator !== "equal" && p.operator !== "notEqual") throw new NotCompilable(`SimplePredicate ${p.operator} on a string field`);
      const code = codeOf(col.input!, p.value);
      return p.operator === "equal"
        ? _`(${col.at} === ${MISSING_CODE} ? -1 : ${col.at} === ${code} ? 1 : 0)`
        : _`(${col.at} === ${MISSING_CODE} ? -1 : ${col.at} === ${code} ? 0 : 1)`;
    }
    case "simpleSet": {
      const col = ctx.column(p.field);
      let members: Code[];
      if (col.kind === "number") {
        members = p.values.map((text) => {
          const v = ctx.numericLiteral(p.field, text);
          if (v === undefined) throw new NotCompilable("SimpleSetPredicate with text on a numeric field");
          return _`${col.at} === ${v}`;
        });
      } else {
        members = p.values.map((text) => _`${col.at} === ${codeOf(col.input!, text)}`);
      }
      const missing = col.kind === "number" ? _`${col.at} !== ${col.at}` : _`${col.at} === ${MISSING_CODE}`;
      const found = members.length ? join(members, " || ") : _`false`;
      const [yes, no] = p.booleanOperator === "isIn" ? [1, 0] : [0, 1];
      return _`(${missing} ? -1 : (${found}) ? ${yes} : ${no})`;
    }
    case "compound": {
      const parts = p.predicates.map((q) => predicateCode(q, ctx));
      const helper = ctx.logic(p.booleanOperator);
      // Left to right, stopping where the interpreter stops (and: at false, or: at true, xor: at
      // unknown, surrogate: at the first known): a later predicate may read a derived field whose
      // evaluation fails, which must count only when the interpreter evaluates it.
      const t = ctx.names.name("cp");
      ctx.declare(_`let ${t} = 0;`);
      const stop = { and: _`${t} === 0 ? 0`, or: _`${t} === 1 ? 1`, xor: _`${t} === -1 ? -1`, surrogate: _`${t} !== -1 ? ${t}` }[p.booleanOperator];
      return parts.slice(1).reduce((acc, q) => _`((${t} = ${acc}), ${stop} : ${helper}(${t}, ${q}))`, parts[0] ?? _`1`);
    }
  }
}

/** Lookup tables of a tree's nodes for the output stage. */
export function treeTables(
  nodes: TreeNode[],
  model: TreeModel,
  target: TargetFacts,
  shared?: Value[],
): {
  scores?: Float64Array;
  categories?: Value[];
  predicted?: Int32Array;
  probabilities?: Float64Array;
  confidences?: Float64Array;
  ids: (string | null)[];
} {
  const ids = nodes.map((n) => n.id ?? null);
  if (model.functionName === "regression") {
    const scores = new Float64Array(nodes.length);
    // mathContext="float": the score is a float (JPMML's FloatValue), as the interpreter's nodeResult.
    const type = model.mathContext === "float" ? "float" : "double";
    nodes.forEach((n, k) => {
      const v = n.score === undefined ? undefined : toDataType(n.score, type);
      scores[k] = typeof v === "number" ? v : NaN;
    });
    return { scores, ids };
  }
  if (model.functionName !== "classification") throw new NotCompilable(`TreeModel ${model.functionName}`);
  const categories: Value[] = shared ?? [...target.categories];
  const slot = (c: Value): number => {
    let k = categories.findIndex((x) => x === c);
    if (k < 0) {
      categories.push(c);
      k = categories.length - 1;
    }
    return k;
  };
  // First pass assigns every category a slot, in the order the interpreter meets them.
  for (const n of nodes) for (const d of n.scoreDistributions) slot(target.category(d.value));
  for (const n of nodes) if (n.score !== undefined) slot(target.category(n.score));
  const K = categories.length;
  const probabilities = new Float64Array(nodes.length * K).fill(NaN);
  const confidences = new Float64Array(nodes.length * K).fill(NaN);
  const predicted = new Int32Array(nodes.length).fill(MISSING_CODE);
  nodes.forEach((n, k) => {
    // The interpreter reports 0 for a category a node's distribution omits, null without one.
    if (n.scoreDistributions.length > 0) {
      probabilities.fill(0, k * K, (k + 1) * K);
      confidences.fill(0, k * K, (k + 1) * K);
    }
    const shares = scoreDistributionProbabilities(n.scoreDistributions);
    const stated = n.scoreDistributions.some((d) => d.confidence !== undefined);
    let best = MISSING_CODE,
      bestP = -Infinity;
    n.scoreDistributions.forEach((d, j) => {
      const c = slot(target.category(d.value));
      const p = shares === null ? 0 : shares[j];
      probabilities[k * K + c] = p;
      // Without stated confidences the interpreter reports the probabilities; an entry without
      // one (when others have it) is absent from its map, which answers 0 for a named category.
      if (!stated) confidences[k * K + c] = p;
      else if (d.confidence !== undefined) confidences[k * K + c] = d.confidence;
      if (p > bestP) {
        best = c;
        bestP = p;
      }
    });
    predicted[k] = n.score !== undefined ? slot(target.category(n.score)) : best;
  });
  return { categories, predicted, probabilities, confidences, ids };
}

/** A single TreeModel as the top-level model. */
export function compileTree(model: TreeModel, ctx: KernelContext, target: TargetFacts): FamilyRow {
  const { fn, nodes } = compileTreeFunction(model, ctx);
  const tables = treeTables(nodes, model, target);
  const node = ctx.names.name("node");
  const value = ctx.names.name("value");
  const ids = tables.ids;
  if (tables.scores) {
    const scores = ctx.pool.add(tables.scores, "scores");
    const body = _`const ${node} = ${fn}(i); const ${value} = ${node} < 0 ? NaN : ${scores}[${node}];`;
    return { body, value, kind: "number", entity: { index: node, ids } };
  }
  const K = tables.categories!.length;
  const probs = ctx.pool.add(tables.probabilities!, "probs");
  const confs = ctx.pool.add(tables.confidences!, "confs");
  const predicted = ctx.pool.add(tables.predicted!, "pred");
  const probabilities = Array.from({ length: K }, () => ctx.names.name("p"));
  const confidences = Array.from({ length: K }, () => ctx.names.name("cf"));
  const body = _`const ${node} = ${fn}(i);
let ${value} = ${MISSING_CODE}; ${declareLocals([...probabilities, ...confidences])}
if (${node} >= 0) { ${value} = ${predicted}[${node}]; ${join(
    probabilities.map((p, c) => _`${p} = ${probs}[${node} * ${K} + ${c}];`),
    " ",
  )} ${join(
    confidences.map((p, c) => _`${p} = ${confs}[${node} * ${K} + ${c}];`),
    " ",
  )} }`;
  return { body, value, kind: "category", categories: tables.categories, probabilities, confidences, entity: { index: node, ids } };
}
