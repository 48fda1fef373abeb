import {
  forestNodes,
  formatValue,
  isPlainMiningField,
  lowerNodeTable,
  treeNodesInOrder,
  treeTableOf,
  treeTableScores,
  type MiningField,
  type MiningModel,
  type NodeTable,
  type Pipeline,
  type TreeModel,
  type TreeNode,
  type Value,
} from "@porta/ir";
import { _, join, type Code } from "../codegen.ts";
import { MISSING_CODE } from "../columns.ts";
import { declareLocals, type FamilyRow, type KernelContext } from "../kernel.ts";
import { NotCompilable } from "../unsupported.ts";
import type { TargetFacts } from "../targets.ts";
import { compileTreeFunction, predicateCode, treeTables } from "./tree.ts";
import { forestWalker, type WalkableTable } from "./node-table.ts";
import { compileSegmentation } from "./segmentation.ts";

/**
 * Forests with at least this many nodes are walked from a node table rather than compiled to
 * branches (measured by `npm run bench -- families`: generated code wins on small trees, the
 * table on large forests, where megabytes of generated code cost more than they save).
 */
export const NODE_TABLE_MIN_NODES = 4096;

export type TreeLayout = "auto" | "branches" | "table";

/** The table without its field names (the artifact stays small). */
function walkable(table: NodeTable): WalkableTable {
  const { size: _size, fields: _fields, ...rest } = table;
  return rest;
}

/** The node table for the segments' trees, when every segment is unconditional and qualifies. */
function nodeTableFor(segments: CompiledSegment[], ctx: KernelContext, layout: TreeLayout): { table: NodeTable; cols: Code } | null {
  if (layout === "branches" || segments.some((s) => s.predicate !== null)) return null;
  // The walker reads the arrays directly: a derived column that can fail must be read through
  // its flagging accessor, so such trees keep the branches layout. Asked once per field, not per
  // node (a large forest has millions of nodes over tens of fields).
  const walkable = new Map<string, boolean>();
  const canWalk = (field: string): boolean => {
    let ok = walkable.get(field);
    if (ok === undefined) {
      const column = ctx.column(field);
      ok = column.kind === "number" && column.errors === undefined && !ctx.ordered(field);
      walkable.set(field, ok);
    }
    return ok;
  };
  const table = lowerNodeTable(
    segments.map((s) => s.tree),
    (field, text) => (canWalk(field) ? ctx.numericLiteral(field, text) : undefined),
    (field) => (canWalk(field) ? ctx.numberLiteral(field) : undefined),
  );
  if (!table) return null;
  if (layout === "auto" && table.size < NODE_TABLE_MIN_NODES) return null;
  return {
    table,
    cols: _`[${join(
      table.fields.map((f) => ctx.column(f).array),
      ", ",
    )}]`,
  };
}

/** The treatment a MiningField effectively applies (attributes that cannot take effect left out). */
function effectiveTreatment(f: MiningField): string {
  return JSON.stringify([
    f.missingValueReplacement ?? null,
    f.missingValueTreatment === "returnInvalid",
    f.invalidValueTreatment,
    f.invalidValueTreatment === "asValue" ? (f.invalidValueReplacement ?? null) : null,
    f.outliers,
    f.outliers === "asIs" ? null : [f.lowValue ?? null, f.highValue ?? null],
  ]);
}

export function sameTreatment(a: MiningField | undefined, b: MiningField): boolean {
  if (a === undefined) return false;
  // Most fields of a forest treat nothing, and two such fields agree: a 1200-tree forest asks
  // this 120k times, and serialising both sides each time was 0.2 s of its compile.
  if (isPlainMiningField(a) && isPlainMiningField(b)) return true;
  return effectiveTreatment(a) === effectiveTreatment(b);
}

/**
 * Whether a segment's MiningField treats a data field as the MiningModel's own does (fields that
 * are no data fields, targets and predictions need not). The names are looked up in maps built
 * once per MiningModel: a forest has segments × fields MiningFields to ask about.
 */
function segmentFieldCheck(model: MiningModel, pipeline: Pipeline): (f: MiningField) => boolean {
  const dataNames = new Set(pipeline.dataFields.map((d) => d.name));
  // The first MiningField of a name, as a linear search would find.
  const top = new Map<string, MiningField>();
  for (const t of model.miningSchema) if (!top.has(t.name)) top.set(t.name, t);
  return (f) => f.usageType === "target" || f.usageType === "predicted" || !dataNames.has(f.name) || sameTreatment(top.get(f.name), f);
}

/**
 * Tree ensembles (MiningModel of TreeModels) compiled tree-major: each tree runs over the whole
 * batch while its code is hot, accumulating into per-row arrays; the row loop then combines.
 * Segment order of accumulation is the interpreter's, so sums are bit-identical.
 */
export function compileMining(model: MiningModel, ctx: KernelContext, target: TargetFacts): FamilyRow {
  const pipeline = ctx.pipeline;
  const layout = ctx.treeLayout;
  const treatedAsModel = segmentFieldCheck(model, pipeline);
  if (!isTreeForest(model, treatedAsModel)) return compileSegmentation(model, ctx, target);
  const averaged = model.functionName === "classification" && (model.multipleModelMethod === "average" || model.multipleModelMethod === "weightedAverage");
  // The interpreter orders the combined distribution by first appearance, which decides ties:
  // straight-line accumulators need that order to be the same on every row.
  const order = averaged
    ? distributionOrder(
        model.segments.map((s) => s.model as TreeModel),
        target,
      )
    : null;
  if (averaged && order === null) return compileSegmentation(model, ctx, target);
  const trees: { tree: TreeModel; weight: number; predicate: Code | null }[] = [];
  for (const segment of model.segments) {
    const m = segment.model;
    if (m.kind !== "tree") throw new NotCompilable(`MiningModel segment of kind ${m.kind}`);
    if (m.functionName !== model.functionName) throw new NotCompilable("MiningModel segment of another functionName");
    if (m.localTransformations.length > 0 || m.targets.length > 0) throw new NotCompilable("segment with LocalTransformations or Targets");
    if (!m.miningSchema.every(treatedAsModel)) throw new NotCompilable("segment MiningField treatments that differ from the MiningModel's");
    const predicate = segment.predicate.kind === "true" ? null : predicateCode(segment.predicate, ctx);
    trees.push({ tree: m, weight: segment.weight, predicate });
  }
  if (model.functionName === "regression") return regressionEnsemble(model, trees, ctx, layout);
  if (model.functionName === "classification") {
    return order ? averageEnsemble(model, trees, order, ctx, target, layout) : voteEnsemble(model, trees, ctx, target, layout);
  }
  throw new NotCompilable(`MiningModel ${model.functionName}`);
}

/** Tree-major fast path: every segment a plain TreeModel of the same function, treated alike. */
function isTreeForest(model: MiningModel, treatedAsModel: (f: MiningField) => boolean): boolean {
  if (ctxFreeMethods[model.functionName]?.includes(model.multipleModelMethod) !== true) return false;
  if (model.missingPredictionTreatment !== "continue" && model.missingPredictionTreatment !== "returnMissing") return false;
  if (model.missingPredictionTreatment === "returnMissing") return false;
  // A missing weight fraction can exceed a threshold below 1 (MissingFraction).
  if (model.missingThreshold < 1) return false;
  return model.segments.every((s) => {
    const m = s.model;
    if (m.kind !== "tree" || m.functionName !== model.functionName) return false;
    if (m.localTransformations.length > 0 || m.targets.length > 0 || m.output.length > 0) return false;
    return m.miningSchema.every(treatedAsModel);
  });
}

const ctxFreeMethods: Record<string, string[]> = {
  regression: ["sum", "average", "weightedSum", "weightedAverage"],
  classification: ["majorityVote", "weightedMajorityVote", "average", "weightedAverage"],
};

type CompiledSegment = { tree: TreeModel; weight: number; predicate: Code | null };

/**
 * Leaf scores of the node table's trees (each tree's nodes are contiguous from its root), each
 * as its own TreeModel types it (float under its mathContext="float").
 */
function forestScores(table: NodeTable, trees: readonly TreeModel[]): Float64Array {
  const scores = new Float64Array(table.size);
  trees.forEach((tree, t) => {
    // A tree still a node table (models/tree-table.ts) gives its scores without making its nodes.
    const nodes = treeTableOf(tree);
    const own = nodes ? treeTableScores(nodes, tree.mathContext === "float") : treeTables(treeNodesInOrder(tree.root), tree, undefined as never).scores!;
    scores.set(own, table.roots[t]);
  });
  return scores;
}

/**
 * Regression forests: sum, average, weightedSum, weightedAverage. Under the MiningModel's
 * mathContext="float" (the interpreter's aggregateFloat, JPMML's float vector) every segment
 * value and weight is a float and each sum, product and quotient is rounded with Math.fround:
 * the leaf tables then hold fround(score) and the weights fround(weight).
 */
function regressionEnsemble(model: MiningModel, segments: CompiledSegment[], ctx: KernelContext, layout: TreeLayout): FamilyRow {
  const method = model.multipleModelMethod;
  if (!["sum", "average", "weightedSum", "weightedAverage"].includes(method)) throw new NotCompilable(`regression multipleModelMethod=${method}`);
  const float = model.mathContext === "float";
  const f = (x: number): number => (float ? Math.fround(x) : x);
  const fa = (x: Float64Array): Float64Array => (float ? x.map(Math.fround) : x);
  const weightedValues = method === "weightedSum" || method === "weightedAverage";
  const acc = ctx.names.name("acc");
  const count = ctx.names.name("count");
  const pre: Code[] = [_`const ${acc} = new Float64Array(n); const ${count} = new Float64Array(n);`];
  if (segments.some((s) => s.weight < 0)) throw new NotCompilable("negative Segment weight");
  // A row whose segments weigh 0 in all is an error the interpreter reports.
  if (method === "weightedAverage" && segments.some((s) => s.weight === 0)) throw new NotCompilable("weightedAverage with a zero Segment weight");
  // One accumulation of value x (already a float under float) weighted w (a literal or local).
  const add = (x: Code, w: Code | null, inc: Code): Code => {
    const term = w === null ? x : float ? _`Math.fround(${w} * ${x})` : _`${w} * ${x}`;
    return float
      ? _`${acc}[i] = Math.fround(${acc}[i] + ${term}); ${count}[i] = Math.fround(${count}[i] + ${inc});`
      : _`${acc}[i] += ${term}; ${count}[i] += ${inc};`;
  };
  const soa = nodeTableFor(segments, ctx, layout);
  if (soa) {
    const walk = forestWalker(ctx, walkable(soa.table));
    const scores = ctx.pool.add(
      fa(
        forestScores(
          soa.table,
          segments.map((s) => s.tree),
        ),
      ),
      "scores",
    );
    const weights = ctx.pool.add(
      Float64Array.from(segments, (s) => f(weightedValues ? s.weight : 1)),
      "weights",
    );
    const increments = ctx.pool.add(
      Float64Array.from(segments, (s) => f(method === "weightedAverage" ? s.weight : 1)),
      "increments",
    );
    const nodes = ctx.names.name("nodes");
    const cols = ctx.names.name("tcols");
    const x = _`(k < 0 ? NaN : ${scores}[k])`;
    pre.push(_`const ${nodes} = new Int32Array(n); const ${cols} = ${soa.cols};
for (let t = 0; t < ${segments.length}; t++) {
  ${walk}(t, n, ${cols}, ${nodes});
  const w = ${weights}[t], inc = ${increments}[t];
  if (w === 1) { for (let i = 0; i < n; i++) { const k = ${nodes}[i]; ${add(x, null, _`inc`)} } }
  else { for (let i = 0; i < n; i++) { const k = ${nodes}[i]; ${add(x, _`w`, _`inc`)} } }
}`);
  }
  for (const s of soa ? [] : segments) {
    const { fn, nodes } = compileTreeFunction(s.tree, ctx);
    const scores = ctx.pool.add(fa(treeTables(nodes, s.tree, undefined as never).scores!), "scores");
    const node = ctx.names.name("node");
    const x = _`(${node} < 0 ? NaN : ${scores}[${node}])`;
    const w = weightedValues && s.weight !== 1 ? _`${f(s.weight)}` : null;
    const inc = method === "weightedAverage" ? _`${f(s.weight)}` : _`1`;
    const guard = s.predicate ? _`if (${s.predicate} !== 1) continue;` : _``;
    pre.push(_`for (let i = 0; i < n; i++) { ${guard} const ${node} = ${fn}(i); ${add(x, w, inc)} }`);
  }
  const value = ctx.names.name("value");
  let combine: Code;
  switch (method) {
    case "sum":
    case "weightedSum":
      combine = _`${acc}[i]`;
      break;
    default:
      combine = float ? _`Math.fround(${acc}[i] / ${count}[i])` : _`${acc}[i] / ${count}[i]`;
  }
  // No segment ran: the interpreter's prediction is missing.
  const body = _`const ${value} = ${count}[i] === 0 ? NaN : ${combine};`;
  return { prepass: join(pre, "\n"), body, value, kind: "number" };
}

function voteEnsemble(model: MiningModel, segments: CompiledSegment[], ctx: KernelContext, target: TargetFacts, layout: TreeLayout): FamilyRow {
  const method = model.multipleModelMethod;
  if (method !== "majorityVote" && method !== "weightedMajorityVote") throw new NotCompilable(`classification multipleModelMethod=${method}`);
  const categories: Value[] = [...target.categories];
  const weightOf = (s: CompiledSegment) => (method === "weightedMajorityVote" ? s.weight : 1);
  // Build every tree's tables first: they extend the shared category list.
  const soa = nodeTableFor(segments, ctx, layout);
  const soaPredicted = soa ? treeTables(forestNodes(segments.map((s) => s.tree)), segments[0].tree, target, categories).predicted! : undefined;
  const compiled = soa
    ? []
    : segments.map((s) => {
        const { fn, nodes } = compileTreeFunction(s.tree, ctx);
        const tables = treeTables(nodes, s.tree, target, categories);
        return { ...s, fn, predicted: tables.predicted! };
      });
  const K = Math.max(categories.length, 1);
  const votes = ctx.names.name("votes");
  const order = ctx.names.name("order");
  const seq = ctx.names.name("seq");
  const missingVotes = ctx.names.name("missingVotes");
  const ran = ctx.names.name("ran");
  const pre: Code[] = [
    _`const ${votes} = new Float64Array(n * ${K}); const ${order} = new Int32Array(n * ${K}); const ${seq} = new Int32Array(n); const ${missingVotes} = new Float64Array(n); const ${ran} = new Uint8Array(n);`,
  ];
  // One vote of weight w for category code c (c < 0: a missing prediction, its own pseudo-category).
  const vote = (c: Code, w: Code) =>
    _`if (${c} < 0) { ${missingVotes}[i] += ${w}; } else { const j = i * ${K} + ${c}; if (${order}[j] === 0) ${order}[j] = ++${seq}[i]; ${votes}[j] += ${w}; }`;
  if (soa) {
    const walk = forestWalker(ctx, walkable(soa.table));
    const pred = ctx.pool.add(soaPredicted!, "pred");
    const weights = ctx.pool.add(Float64Array.from(segments, weightOf), "weights");
    const nodes = ctx.names.name("nodes");
    const cols = ctx.names.name("tcols");
    pre.push(_`const ${nodes} = new Int32Array(n); const ${cols} = ${soa.cols}; ${ran}.fill(1);
for (let t = 0; t < ${segments.length}; t++) {
  ${walk}(t, n, ${cols}, ${nodes});
  const w = ${weights}[t];
  for (let i = 0; i < n; i++) { const k = ${nodes}[i]; const c = k < 0 ? -1 : ${pred}[k]; ${vote(_`c`, _`w`)} }
}`);
  }
  for (const s of compiled) {
    const pred = ctx.pool.add(s.predicted, "pred");
    const node = ctx.names.name("node");
    const c = ctx.names.name("c");
    const guard = s.predicate ? _`if (${s.predicate} !== 1) continue;` : _``;
    pre.push(
      _`for (let i = 0; i < n; i++) { ${guard} ${ran}[i] = 1; const ${node} = ${s.fn}(i); const ${c} = ${node} < 0 ? -1 : ${pred}[${node}]; ${vote(c, _`${weightOf(s)}`)} }`,
    );
  }
  const value = ctx.names.name("value");
  const probabilities = categories.map(() => ctx.names.name("p"));
  const best = ctx.names.name("best");
  const total = ctx.names.name("total");
  // Winner: the first category, in first-vote order, with strictly more votes than those before.
  const body = _`let ${value} = ${MISSING_CODE}; ${declareLocals(probabilities)}
if (${ran}[i] === 1 && ${seq}[i] > 0) {
  let ${best} = -1, ${total} = 0;
  for (let s = 1; s <= ${seq}[i]; s++) for (let c = 0; c < ${K}; c++) if (${order}[i * ${K} + c] === s) { const v = ${votes}[i * ${K} + c]; ${total} += v; if (${best} < 0 || v > ${votes}[i * ${K} + ${best}]) ${best} = c; }
  if (!(${missingVotes}[i] > ${votes}[i * ${K} + ${best}])) {
    ${value} = ${best};
    ${join(
      probabilities.map((p, k) => _`${p} = ${order}[i * ${K} + ${k}] === 0 ? 0 : ${votes}[i * ${K} + ${k}] / ${total};`),
      "\n    ",
    )}
  }
}`;
  return { prepass: join(pre, "\n"), body, value, kind: "category", categories, probabilities };
}

/**
 * The nodes a tree can end at (the compiled tree function's results): leaves; with
 * lastPrediction any node; with returnLastPrediction a node that has a score.
 */
function resultNodes(tree: TreeModel): TreeNode[] {
  const out: TreeNode[] = [];
  const stack: TreeNode[] = [tree.root];
  while (stack.length) {
    const n = stack.pop()!;
    const last = tree.missingValueStrategy === "lastPrediction" || (tree.noTrueChildStrategy === "returnLastPrediction" && n.score !== undefined);
    if (n.children.length === 0 || last) out.push(n);
    stack.push(...n.children);
  }
  return out;
}

/**
 * The one category order every result node of every tree lists in its ScoreDistributions
 * (typed as the target), or null when nodes differ or one has no distribution: the interpreter
 * then keys its average by a row-dependent first appearance, or reports a segment without one.
 */
function distributionOrder(trees: readonly TreeModel[], target: TargetFacts): Value[] | null {
  let order: Value[] | null = null;
  let keys = "";
  for (const tree of trees) {
    for (const node of resultNodes(tree)) {
      if (node.scoreDistributions.length === 0) return null;
      const values = node.scoreDistributions.map((d) => target.category(d.value));
      const k = JSON.stringify(values.map((v) => formatValue(v)));
      if (order === null) {
        order = values;
        keys = k;
      } else if (k !== keys) return null;
    }
  }
  // A category listed twice in a node collapses in the interpreter's map.
  if (order && new Set(order.map((v) => formatValue(v))).size !== order.length) return null;
  return order;
}

/**
 * Forests of classification trees averaged (average, weightedAverage; aggregateProbabilities),
 * as nyoka's and sklearn2pmml's random forests write them: tree-major, each tree adding its
 * leaf's probabilities to straight-line per-class accumulators, in segment order (so the sums
 * are the interpreter's bit for bit); a tree with no prediction makes the row's prediction
 * missing (missingPredictionTreatment="continue").
 */
function averageEnsemble(
  model: MiningModel,
  segments: CompiledSegment[],
  order: Value[],
  ctx: KernelContext,
  target: TargetFacts,
  layout: TreeLayout,
): FamilyRow {
  const weightedMethod = model.multipleModelMethod === "weightedAverage";
  if (segments.some((s) => s.weight < 0)) throw new NotCompilable("negative Segment weight");
  // A row whose segments weigh 0 in all is an error the interpreter reports.
  if (weightedMethod && segments.some((s) => s.weight === 0)) throw new NotCompilable("weightedAverage with a zero Segment weight");
  const categories: Value[] = [...target.categories];
  const soa = nodeTableFor(segments, ctx, layout);
  const soaProbs = soa ? treeTables(forestNodes(segments.map((s) => s.tree)), segments[0].tree, target, categories).probabilities! : undefined;
  const compiled = soa
    ? []
    : segments.map((s) => {
        const { fn, nodes } = compileTreeFunction(s.tree, ctx);
        return { ...s, fn, probs: treeTables(nodes, s.tree, target, categories).probabilities! };
      });
  // Column of each ordered category in the node tables (the shared list is complete now).
  const K = categories.length;
  const columns = order.map((v) => categories.findIndex((c) => formatValue(c) === formatValue(v)));
  const L = order.length;
  const acc = ctx.names.name("acc");
  const count = ctx.names.name("count");
  const bad = ctx.names.name("bad");
  // Module-level, allocated per batch: each tree's loop is a function of its own, so the kernel
  // does not grow with the number of trees (V8 stops optimising large functions).
  ctx.declare(_`let ${acc}, ${count}, ${bad};`);
  const pre: Code[] = [_`${acc} = new Float64Array(n * ${L}); ${count} = new Float64Array(n); ${bad} = new Uint8Array(n);`];
  // One tree's leaf `node` (< 0: no prediction) of weight w (null: 1) into row i's accumulators.
  const add = (probs: Code, node: Code, w: Code | null, inc: Code): Code => {
    const terms = columns.map((c, j) => {
      const p = _`${probs}[o + ${c}]`;
      return _`${acc}[a + ${j}] += ${w === null ? p : _`${w} * ${p}`};`;
    });
    return _`if (${node} < 0) { ${bad}[i] = 1; } else { const o = ${node} * ${K}, a = i * ${L}; ${join(terms, " ")} ${count}[i] += ${inc}; }`;
  };
  const inc = (s: CompiledSegment): Code => _`${weightedMethod ? s.weight : 1}`;
  const weightOf = (s: CompiledSegment): Code | null => (weightedMethod && s.weight !== 1 ? _`${s.weight}` : null);
  if (soa) {
    const walk = forestWalker(ctx, walkable(soa.table));
    const probs = ctx.pool.add(soaProbs!, "probs");
    const weights = ctx.pool.add(
      Float64Array.from(segments, (s) => (weightedMethod ? s.weight : 1)),
      "weights",
    );
    const nodes = ctx.names.name("nodes");
    const cols = ctx.names.name("tcols");
    pre.push(_`const ${nodes} = new Int32Array(n); const ${cols} = ${soa.cols};
for (let t = 0; t < ${segments.length}; t++) {
  ${walk}(t, n, ${cols}, ${nodes});
  const w = ${weights}[t];
  if (w === 1) { for (let i = 0; i < n; i++) { const k = ${nodes}[i]; ${add(probs, _`k`, null, _`1`)} } }
  else { for (let i = 0; i < n; i++) { const k = ${nodes}[i]; ${add(probs, _`k`, _`w`, _`w`)} } }
}`);
  }
  for (const s of compiled) {
    const probs = ctx.pool.add(s.probs, "probs");
    const node = ctx.names.name("node");
    const guard = s.predicate ? _`if (${s.predicate} !== 1) continue;` : _``;
    const fn = ctx.names.name("averageTree");
    ctx.declare(_`function ${fn}(n) { for (let i = 0; i < n; i++) { ${guard} const ${node} = ${s.fn}(i); ${add(probs, node, weightOf(s), inc(s))} } }`);
    pre.push(_`${fn}(n);`);
  }
  const value = ctx.names.name("value");
  const probabilities = order.map(() => ctx.names.name("p"));
  const best = ctx.names.name("best");
  // No segment ran, or one predicted nothing: the prediction is missing. The winner is the
  // first category, in the distributions' order, with a strictly greater probability.
  const body = _`let ${value} = ${MISSING_CODE}; ${declareLocals(probabilities)}
if (${bad}[i] === 0 && ${count}[i] > 0) {
  ${join(
    probabilities.map((p, j) => _`${p} = ${acc}[i * ${L} + ${j}] / ${count}[i];`),
    "\n  ",
  )}
  let ${best} = -Infinity;
  ${join(
    probabilities.map((p, j) => _`if (${p} > ${best}) { ${best} = ${p}; ${value} = ${j}; }`),
    "\n  ",
  )}
}`;
  return { prepass: join(pre, "\n"), body, value, kind: "category", categories: order, probabilities, staticProbabilities: true };
}
