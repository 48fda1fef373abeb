import { formatValue, type MiningModel, type Segment, type Value } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { MISSING_CODE } from "../columns.ts";
import { declareLocals, type FamilyRow, type KernelContext } from "../kernel.ts";
import { targetsCode, type TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";
import { compileFamily } from "./family.ts";
import { predicateCode } from "./tree.ts";

/** One segment compiled in its own scope: its row, its Targets, and its predicate in the MiningModel's scope. */
interface SegmentRow {
  segment: Segment;
  row: FamilyRow;
  post: Code;
  predicate: Code | null;
}

/**
 * MiningModel of any segments (the interpreter's interpret/mining.ts): each segment runs
 * segment-major as a loop of its own (its own function, so no generated function grows with
 * the number of segments) over the rows its predicate selects, and accumulates into per-row
 * arrays in segment order; the row loop then combines them as multipleModelMethod says.
 */
export function compileSegmentation(model: MiningModel, ctx: KernelContext, target: TargetFacts): FamilyRow {
  const method = model.multipleModelMethod;
  if (method === "selectFirst" || method === "selectAll" || method === "modelChain") throw new NotCompilable(`Segmentation multipleModelMethod=${method} with non-tree segments`);
  if (model.missingPredictionTreatment === "skipSegment") throw new NotCompilable("Segmentation missingPredictionTreatment=skipSegment");
  if (model.segments.some((s) => s.weight < 0)) throw new NotCompilable("negative Segment weight");
  const segments: SegmentRow[] = model.segments.map((segment) => {
    const m = segment.model;
    if (model.functionName !== "mixed" && m.functionName !== model.functionName) throw new NotCompilable("MiningModel segment of another functionName");
    const sctx = ctx.nested(m);
    const st = sctx.targetOf(m);
    const row = compileFamily(m, sctx, st);
    const post = targetsCode(m, row, st, ctx.names);
    const predicate = segment.predicate.kind === "true" ? null : predicateCode(segment.predicate, ctx);
    return { segment, row, post, predicate };
  });
  switch (model.functionName) {
    case "regression":
      return combineValues(model, segments, ctx);
    case "classification":
      if (method === "majorityVote" || method === "weightedMajorityVote") return combineVotes(model, segments, ctx, target, true);
      if (method === "average" || method === "weightedAverage") return combineProbabilities(model, segments, ctx, target);
      throw new NotCompilable(`classification multipleModelMethod=${method} with non-tree segments`);
    case "clustering":
      if (method === "majorityVote" || method === "weightedMajorityVote") return combineVotes(model, segments, ctx, target, false);
      throw new NotCompilable(`clustering multipleModelMethod=${method}`);
    default:
      throw new NotCompilable(`MiningModel functionName=${model.functionName}`);
  }
}

/** Module-level batch arrays: `let a;` declared once, allocated per batch by `alloc`. */
function batchArrays(ctx: KernelContext, specs: [string, Code][]): { names: Name[]; alloc: Code } {
  const names = specs.map(([prefix]) => ctx.names.name(prefix));
  ctx.declare(_`let ${join(names, ", ")};`);
  return { names, alloc: join(specs.map(([, init], k) => _`${names[k]} = ${init};`), " ") };
}

/** Emits one function per segment and the step that allocates the arrays and runs them in order. */
function runSegments(segments: SegmentRow[], ctx: KernelContext, alloc: Code, ran: Name, accumulate: (s: SegmentRow, k: number) => Code): void {
  const calls = segments.map((s, k) => {
    const fn = ctx.names.name("segment");
    const guard = s.predicate ? _`if (${s.predicate} !== 1) continue;` : _``;
    ctx.declare(_`function ${fn}(n) {
${s.row.prepass ?? _``}
for (let i = 0; i < n; i++) {
${guard}
${ran}[i] = 1;
${s.row.body}
${s.post}
${accumulate(s, k)}
}
}`);
    return _`${fn}(n);`;
  });
  ctx.step(_`${alloc}
${join(calls, "\n")}`);
}

/** Regression: sum, weightedSum, average, weightedAverage, median (aggregateValues). */
function combineValues(model: MiningModel, segments: SegmentRow[], ctx: KernelContext): FamilyRow {
  const method = model.multipleModelMethod;
  if (!["sum", "weightedSum", "average", "weightedAverage", "median"].includes(method)) throw new NotCompilable(`regression multipleModelMethod=${method}`);
  if (method === "weightedAverage" && segments.some((s) => s.segment.weight === 0)) throw new NotCompilable("weightedAverage with a zero Segment weight");
  for (const s of segments) if (s.row.kind !== "number") throw new NotCompilable("regression MiningModel of a categorical segment");
  const S = segments.length;
  const { names: [ran, acc, count, values], alloc } = batchArrays(ctx, [
    ["ran", _`new Uint8Array(n)`], ["acc", _`new Float64Array(n)`], ["count", _`new Float64Array(n)`],
    ["values", method === "median" ? _`new Float64Array(n * ${S})` : _`null`],
  ]);
  runSegments(segments, ctx, alloc, ran, (s) => {
    const v = s.row.value;
    const w = s.segment.weight;
    // A missing prediction (NaN) makes the combined value missing ("continue" and "returnMissing" alike).
    switch (method) {
      case "sum":
      case "average":
        return _`${acc}[i] += ${v}; ${count}[i] += 1;`;
      case "weightedSum":
        return w === 1 ? _`${acc}[i] += ${v}; ${count}[i] += 1;` : _`${acc}[i] += ${w} * ${v}; ${count}[i] += 1;`;
      case "weightedAverage":
        return w === 1 ? _`${acc}[i] += ${v}; ${count}[i] += ${w};` : _`${acc}[i] += ${w} * ${v}; ${count}[i] += ${w};`;
      default:
        return _`${acc}[i] += ${v}; ${values}[i * ${S} + ${count}[i]] = ${v}; ${count}[i] += 1;`;
    }
  });
  const value = ctx.names.name("value");
  let combined: Code;
  switch (method) {
    case "sum":
    case "weightedSum":
      combined = _`${acc}[i]`;
      break;
    case "median": {
      const scratch = ctx.names.name("scratch");
      ctx.declare(_`const ${scratch} = new Float64Array(${S});`);
      combined = _`(${acc}[i] !== ${acc}[i] ? NaN : ${medianHelper(ctx)}(${values}, i * ${S}, ${count}[i], ${scratch}))`;
      break;
    }
    default:
      combined = _`${acc}[i] / ${count}[i]`;
  }
  return { body: _`const ${value} = ${ran}[i] === 0 ? NaN : ${combined};`, value, kind: "number" };
}

/**
 * commons-math Percentile(50) as the interpreter's `median`: a stable insertion sort (the
 * interpreter's comparator a − b orders the same way) into scratch, then p·(n+1) interpolation.
 */
function medianHelper(ctx: KernelContext): Name {
  const fn = ctx.names.name("median");
  ctx.declare(_`function ${fn}(a, off, m, s) {
  for (let j = 0; j < m; j++) { const x = a[off + j]; let k = j - 1; while (k >= 0 && s[k] > x) { s[k + 1] = s[k]; k--; } s[k + 1] = x; }
  if (m === 1) return s[0];
  const pos = 0.5 * (m + 1);
  const fpos = Math.floor(pos);
  const dif = pos - fpos;
  if (pos < 1) return s[0];
  if (pos >= m) return s[m - 1];
  const lower = s[fpos - 1];
  const upper = s[fpos];
  return lower + dif * (upper - lower);
}`);
  return fn;
}

/** The MiningModel's category list and each segment's code → category index table (categoryOf in the interpreter). */
function categoryMaps(segments: SegmentRow[], target: TargetFacts, ctx: KernelContext): { categories: Value[]; maps: Name[]; tables: Int32Array[] } {
  const categories: Value[] = [];
  const keys: string[] = [];
  const tables = segments.map((s) => {
    if (s.row.kind !== "category") throw new NotCompilable("a numeric segment in a classification MiningModel");
    const table = Int32Array.from(s.row.categories ?? [], (c) => {
      const typed = typeof c === "string" && target.dataType !== "string" ? target.category(c) : c;
      const key = formatValue(typed);
      let k = keys.indexOf(key);
      if (k < 0) { keys.push(key); categories.push(typed); k = keys.length - 1; }
      return k;
    });
    return table;
  });
  return { categories, maps: tables.map((t) => ctx.pool.add(t, "cmap")), tables };
}

/** majorityVote / weightedMajorityVote (voteResult): votes in first-vote order, missing as a pseudo-category. */
function combineVotes(model: MiningModel, segments: SegmentRow[], ctx: KernelContext, target: TargetFacts, asProbabilities: boolean): FamilyRow {
  const weighted = model.multipleModelMethod === "weightedMajorityVote";
  const returnMissing = model.missingPredictionTreatment === "returnMissing";
  const { categories, maps } = categoryMaps(segments, target, ctx);
  const K = Math.max(categories.length, 1);
  const { names: [ran, votes, order, seq, missingVotes, bad], alloc } = batchArrays(ctx, [
    ["ran", _`new Uint8Array(n)`], ["votes", _`new Float64Array(n * ${K})`], ["order", _`new Int32Array(n * ${K})`],
    ["seq", _`new Int32Array(n)`], ["missingVotes", _`new Float64Array(n)`], ["bad", _`new Uint8Array(n)`],
  ]);
  runSegments(segments, ctx, alloc, ran, (s, k) => {
    const w = weighted ? s.segment.weight : 1;
    const c = ctx.names.name("c");
    const onMissing = returnMissing ? _`${bad}[i] = 1;` : _`${missingVotes}[i] += ${w};`;
    return _`const ${c} = ${s.row.value} < 0 ? -1 : ${maps[k]}[${s.row.value}];
if (${c} < 0) { ${onMissing} } else { const j = i * ${K} + ${c}; if (${order}[j] === 0) ${order}[j] = ++${seq}[i]; ${votes}[j] += ${w}; }`;
  });
  const value = ctx.names.name("value");
  const probabilities = asProbabilities ? categories.map(() => ctx.names.name("p")) : [];
  const best = ctx.names.name("best");
  const total = ctx.names.name("total");
  // Winner: the first category, in first-vote order, with strictly more votes than those before.
  const body = _`let ${value} = ${MISSING_CODE}; ${declareLocals(probabilities)}
if (${ran}[i] === 1 && ${bad}[i] === 0 && ${seq}[i] > 0) {
  let ${best} = -1, ${total} = 0;
  for (let s = 1; s <= ${seq}[i]; s++) for (let c = 0; c < ${K}; c++) if (${order}[i * ${K} + c] === s) { const v = ${votes}[i * ${K} + c]; ${total} += v; if (${best} < 0 || v > ${votes}[i * ${K} + ${best}]) ${best} = c; }
  if (!(${missingVotes}[i] > ${votes}[i * ${K} + ${best}])) {
    ${value} = ${best};
    ${join(probabilities.map((p, k) => _`${p} = ${order}[i * ${K} + ${k}] === 0 ? 0 : ${votes}[i * ${K} + ${k}] / ${total};`), "\n    ")}
  }
}`;
  if (asProbabilities) return { body, value, kind: "category", categories, probabilities };
  return { body, value, kind: "category", categories, entity: { index: value, ids: categories.map((c) => formatValue(c)) } };
}

/**
 * average / weightedAverage of the segments' probability distributions (aggregateProbabilities).
 * The interpreter keys its combined distribution by first appearance over the segments' maps,
 * which decides ties; compiled, the order is fixed, so every segment must give the same
 * categories in the same order on every row.
 */
function combineProbabilities(model: MiningModel, segments: SegmentRow[], ctx: KernelContext, target: TargetFacts): FamilyRow {
  const weightedMethod = model.multipleModelMethod === "weightedAverage";
  if (weightedMethod && segments.some((s) => s.segment.weight === 0)) throw new NotCompilable("weightedAverage with a zero Segment weight");
  for (const s of segments) {
    if (s.row.kind !== "category" || !s.row.probabilities || s.row.staticProbabilities !== true) {
      throw new NotCompilable(`MiningModel ${model.multipleModelMethod} of a segment whose probability distribution varies by row (${s.segment.model.kind})`);
    }
  }
  const { categories, tables } = categoryMaps(segments, target, ctx);
  if (tables.some((t) => t.length !== categories.length || t.some((c, k) => c !== k))) {
    throw new NotCompilable(`MiningModel ${model.multipleModelMethod} of segments with different category lists`);
  }
  const K = categories.length;
  const { names: [ran, acc, count, bad], alloc } = batchArrays(ctx, [
    ["ran", _`new Uint8Array(n)`], ["acc", _`new Float64Array(n * ${K})`], ["count", _`new Float64Array(n)`], ["bad", _`new Uint8Array(n)`],
  ]);
  runSegments(segments, ctx, alloc, ran, (s) => {
    const w = s.segment.weight;
    const term = (p: Name) => (weightedMethod && w !== 1 ? _`${w} * ${p}` : p);
    const adds = s.row.probabilities!.map((p, k) => _`${acc}[i * ${K} + ${k}] += ${term(p)};`);
    return _`if (${s.row.value} < 0) ${bad}[i] = 1; else { ${join(adds, " ")} ${count}[i] += ${weightedMethod ? w : 1}; }`;
  });
  const value = ctx.names.name("value");
  const probabilities = categories.map(() => ctx.names.name("p"));
  const best = ctx.names.name("best");
  const body = _`let ${value} = ${MISSING_CODE}; ${declareLocals(probabilities)}
if (${ran}[i] === 1 && ${bad}[i] === 0) {
  let ${best} = -Infinity;
  ${join(probabilities.map((p, k) => _`${p} = ${acc}[i * ${K} + ${k}] / ${count}[i]; if (${p} > ${best}) { ${best} = ${p}; ${value} = ${k}; }`), "\n  ")}
}`;
  return { body, value, kind: "category", categories, probabilities, staticProbabilities: true };
}
