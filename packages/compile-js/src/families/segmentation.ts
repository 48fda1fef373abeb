import { formatValue, type MiningModel, type Segment, type Value } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { MISSING_CODE } from "../columns.ts";
import { declareLocals, type FamilyRow, type KernelContext } from "../kernel.ts";
import { targetsCode, type TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";
import { compileFamily } from "./family.ts";
import { predicateCode } from "./tree.ts";
import { compileSelection } from "./selection.ts";

/** One segment compiled in its own scope: its row, its Targets, and its predicate in the MiningModel's scope. */
export interface SegmentRow {
  segment: Segment;
  row: FamilyRow;
  post: Code;
  predicate: Code | null;
  /** The segment model's own scope and target. */
  sctx: KernelContext;
  target: TargetFacts;
}

/**
 * Per-row bookkeeping of missing predictions (evaluateSegments, MissingFraction): `stop` marks
 * rows where returnMissing met a missing prediction (later segments do not run for them);
 * `total` / `missing` sum segment weights, in segment order, when missingThreshold can be exceeded.
 */
interface MissingTracking {
  treatment: "continue" | "skipSegment" | "returnMissing";
  stop: Name;
  total: Name | null;
  missing: Name | null;
  threshold: number;
}

function missingTracking(model: MiningModel, ctx: KernelContext, specs: [string, Code][]): { tracking: MissingTracking; names: Name[]; alloc: Code } {
  const tracked = model.missingThreshold < 1;
  const { names, alloc } = batchArrays(ctx, [
    ...specs,
    ["stop", _`new Uint8Array(n)`],
    ["total", tracked ? _`new Float64Array(n)` : _`null`],
    ["missw", tracked ? _`new Float64Array(n)` : _`null`],
  ]);
  const [stop, total, missing] = names.slice(specs.length);
  return {
    tracking: {
      treatment: model.missingPredictionTreatment,
      stop,
      total: tracked ? total : null,
      missing: tracked ? missing : null,
      threshold: model.missingThreshold,
    },
    names: names.slice(0, specs.length),
    alloc,
  };
}

/**
 * The per-segment accumulation with the missing treatment around it: `onMissing` runs for a
 * missing prediction under "continue", `onValue` for a prediction that counts.
 */
function treated(t: MissingTracking, s: SegmentRow, onValue: Code, onMissing: Code): Code {
  const w = s.segment.weight;
  const total = t.total ? _`${t.total}[i] += ${w};` : _``;
  const missW = t.missing ? _`${t.missing}[i] += ${w};` : _``;
  const missing = missingPrediction(s.row);
  switch (t.treatment) {
    case "returnMissing":
      return _`${total} if (${missing}) { ${t.stop}[i] = 1; } else { ${onValue} }`;
    case "skipSegment":
      return _`${total} if (${missing}) { ${missW} } else { ${onValue} }`;
    default:
      return _`${total} if (${missing}) { ${missW} ${onMissing} } else { ${onValue} }`;
  }
}

/** True (for row i) when the prediction is missing by the treatment: returnMissing met, or the missing weight above missingThreshold. */
function nulled(t: MissingTracking): Code {
  const exceeded = t.total && t.missing ? _` || ${t.missing}[i] / ${t.total}[i] > ${t.threshold}` : _``;
  return _`(${t.stop}[i] === 1${exceeded})`;
}

/**
 * MiningModel of any segments (the interpreter's interpret/mining.ts): each segment runs
 * segment-major as a loop of its own (its own function, so no generated function grows with
 * the number of segments) over the rows its predicate selects, and accumulates into per-row
 * arrays in segment order; the row loop then combines them as multipleModelMethod says.
 */
export function compileSegmentation(model: MiningModel, ctx: KernelContext, target: TargetFacts): FamilyRow {
  const method = model.multipleModelMethod;
  if (method === "selectFirst" || method === "modelChain") return compileSelection(model, ctx, target);
  if (method === "selectAll") throw new NotCompilable("Segmentation multipleModelMethod=selectAll (a list per row)");
  // skipSegment with selectAll / modelChain is an error the interpreter reports.
  if (model.segments.some((s) => s.weight < 0)) throw new NotCompilable("negative Segment weight");
  const segments: SegmentRow[] = model.segments.map((segment) => {
    const m = segment.model;
    if (model.functionName !== "mixed" && m.functionName !== model.functionName) throw new NotCompilable("MiningModel segment of another functionName");
    return compileSegment(segment, ctx);
  });
  switch (model.functionName) {
    case "regression":
      return combineValues(model, segments, ctx);
    case "classification":
      if (method === "majorityVote" || method === "weightedMajorityVote") return combineVotes(model, segments, ctx, target, true);
      if (method === "average" || method === "weightedAverage" || method === "median" || method === "max")
        return combineProbabilities(model, segments, ctx, target);
      throw new NotCompilable(`classification multipleModelMethod=${method}`);
    case "clustering":
      if (method === "majorityVote" || method === "weightedMajorityVote") return combineVotes(model, segments, ctx, target, false);
      throw new NotCompilable(`clustering multipleModelMethod=${method}`);
    default:
      throw new NotCompilable(`MiningModel functionName=${model.functionName}`);
  }
}

/** A segment's model compiled in its own scope, with its Targets and its predicate (in the MiningModel's scope). */
export function compileSegment(segment: Segment, ctx: KernelContext): SegmentRow {
  const m = segment.model;
  const sctx = ctx.nested(m);
  const st = sctx.targetOf(m);
  const row = compileFamily(m, sctx, st);
  const post = targetsCode(m, row, st, ctx.names, (kind) => ctx.fail(kind));
  const predicate = segment.predicate.kind === "true" ? null : predicateCode(segment.predicate, ctx);
  return { segment, row, post, predicate, sctx, target: st };
}

/** The code that says a segment's prediction is missing (predictionOf: null). */
export function missingPrediction(row: FamilyRow): Code {
  return row.kind === "number" ? _`${row.value} !== ${row.value}` : _`${row.value} < 0`;
}

/** Module-level batch arrays: `let a;` declared once, allocated per batch by `alloc`. */
function batchArrays(ctx: KernelContext, specs: [string, Code][]): { names: Name[]; alloc: Code } {
  const names = specs.map(([prefix]) => ctx.names.name(prefix));
  ctx.declare(_`let ${join(names, ", ")};`);
  return {
    names,
    alloc: join(
      specs.map(([, init], k) => _`${names[k]} = ${init};`),
      " ",
    ),
  };
}

/** Emits one function per segment and the step that allocates the arrays and runs them in order. */
function runSegments(segments: SegmentRow[], ctx: KernelContext, alloc: Code, ran: Name, accumulate: (s: SegmentRow, k: number) => Code, stop?: Name): void {
  const calls = segments.map((s, k) => {
    const fn = ctx.names.name("segment");
    // returnMissing: evaluation stops at the first missing prediction.
    const guard = _`${stop ? _`if (${stop}[i] === 1) continue;` : _``}${s.predicate ? _`if (${s.predicate} !== 1) continue;` : _``}`;
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

/** Regression: sum, weightedSum, average, weightedAverage, median, weightedMedian (aggregateValues). */
function combineValues(model: MiningModel, segments: SegmentRow[], ctx: KernelContext): FamilyRow {
  const method = model.multipleModelMethod;
  if (!["sum", "weightedSum", "average", "weightedAverage", "median", "weightedMedian"].includes(method))
    throw new NotCompilable(`regression multipleModelMethod=${method}`);
  if (method === "weightedAverage" && segments.some((s) => s.segment.weight === 0)) throw new NotCompilable("weightedAverage with a zero Segment weight");
  for (const s of segments) if (s.row.kind !== "number") throw new NotCompilable("regression MiningModel of a categorical segment");
  const S = segments.length;
  const listed = method === "median" || method === "weightedMedian";
  const {
    tracking,
    names: [ran, acc, count, kept, values, weights],
    alloc,
  } = missingTracking(model, ctx, [
    ["ran", _`new Uint8Array(n)`],
    ["acc", _`new Float64Array(n)`],
    ["count", _`new Float64Array(n)`],
    ["kept", _`new Int32Array(n)`],
    ["values", listed ? _`new Float64Array(n * ${S})` : _`null`],
    ["weights", method === "weightedMedian" ? _`new Float64Array(n * ${S})` : _`null`],
  ]);
  // mathContext="float" (the interpreter's aggregateFloat): every value and weight a float, each
  // sum, product and quotient rounded to float; medians of the fround values, rounded.
  const float = model.mathContext === "float";
  runSegments(
    segments,
    ctx,
    alloc,
    ran,
    (s) => {
      const v = float ? _`Math.fround(${s.row.value})` : s.row.value;
      const w = s.segment.weight;
      let add: Code;
      if (float && method !== "median" && method !== "weightedMedian") {
        const fw = Math.fround(w);
        const term = method === "weightedSum" || method === "weightedAverage" ? _`Math.fround(${fw} * ${v})` : v;
        const inc = method === "weightedAverage" ? fw : 1;
        add = _`${acc}[i] = Math.fround(${acc}[i] + ${term}); ${count}[i] = Math.fround(${count}[i] + ${inc});`;
      } else
        switch (method) {
          case "sum":
          case "average":
            add = _`${acc}[i] += ${v}; ${count}[i] += 1;`;
            break;
          case "weightedSum":
            add = w === 1 ? _`${acc}[i] += ${v}; ${count}[i] += 1;` : _`${acc}[i] += ${w} * ${v}; ${count}[i] += 1;`;
            break;
          case "weightedAverage":
            add = w === 1 ? _`${acc}[i] += ${v}; ${count}[i] += ${w};` : _`${acc}[i] += ${w} * ${v}; ${count}[i] += ${w};`;
            break;
          case "weightedMedian":
            add = _`${acc}[i] += ${v}; ${values}[i * ${S} + ${kept}[i]] = ${v}; ${weights}[i * ${S} + ${kept}[i]] = ${w};`;
            break;
          default:
            add = _`${acc}[i] += ${v}; ${values}[i * ${S} + ${kept}[i]] = ${v};`;
        }
      // "continue": a missing prediction (NaN) makes the combined value missing.
      return treated(tracking, s, _`${add} ${kept}[i] += 1;`, _`${acc}[i] = NaN; ${kept}[i] += 1;`);
    },
    tracking.stop,
  );
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
      combined = _`(${acc}[i] !== ${acc}[i] ? NaN : ${medianHelper(ctx)}(${values}, i * ${S}, ${kept}[i], ${scratch}))`;
      break;
    }
    case "weightedMedian": {
      const sv = ctx.names.name("scratch");
      const sw = ctx.names.name("scratch");
      ctx.declare(_`const ${sv} = new Float64Array(${S}), ${sw} = new Float64Array(${S});`);
      combined = _`(${acc}[i] !== ${acc}[i] ? NaN : ${weightedMedianHelper(ctx)}(${values}, ${weights}, i * ${S}, ${kept}[i], ${sv}, ${sw}))`;
      break;
    }
    default:
      combined = _`${acc}[i] / ${count}[i]`;
  }
  if (float) combined = _`Math.fround(${combined})`;
  return { body: _`const ${value} = ${ran}[i] === 0 || ${kept}[i] === 0 || ${nulled(tracking)} ? NaN : ${combined};`, value, kind: "number" };
}

/**
 * The interpreter's weightedMedian: entries stably sorted by value, the first whose cumulated
 * weight reaches half the total (summed in segment order).
 */
function weightedMedianHelper(ctx: KernelContext): Name {
  const fn = ctx.names.name("weightedMedian");
  ctx.declare(_`function ${fn}(v, w, off, m, sv, sw) {
  let total = 0;
  for (let j = 0; j < m; j++) {
    const x = v[off + j], y = w[off + j]; total += y;
    let k = j - 1; while (k >= 0 && sv[k] > x) { sv[k + 1] = sv[k]; sw[k + 1] = sw[k]; k--; } sv[k + 1] = x; sw[k + 1] = y;
  }
  const half = 0.5 * total;
  let acc = 0;
  for (let j = 0; j < m; j++) { acc += sw[j]; if (acc >= half) return sv[j]; }
  return sv[m - 1];
}`);
  return fn;
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
      if (k < 0) {
        keys.push(key);
        categories.push(typed);
        k = keys.length - 1;
      }
      return k;
    });
    return table;
  });
  return { categories, maps: tables.map((t) => ctx.pool.add(t, "cmap")), tables };
}

/** majorityVote / weightedMajorityVote (voteResult): votes in first-vote order, missing as a pseudo-category. */
function combineVotes(model: MiningModel, segments: SegmentRow[], ctx: KernelContext, target: TargetFacts, asProbabilities: boolean): FamilyRow {
  const weighted = model.multipleModelMethod === "weightedMajorityVote";
  const { categories, maps } = categoryMaps(segments, target, ctx);
  const K = Math.max(categories.length, 1);
  const {
    tracking,
    names: [ran, votes, order, seq, missingVotes],
    alloc,
  } = missingTracking(model, ctx, [
    ["ran", _`new Uint8Array(n)`],
    ["votes", _`new Float64Array(n * ${K})`],
    ["order", _`new Int32Array(n * ${K})`],
    ["seq", _`new Int32Array(n)`],
    ["missingVotes", _`new Float64Array(n)`],
  ]);
  runSegments(
    segments,
    ctx,
    alloc,
    ran,
    (s, k) => {
      const w = weighted ? s.segment.weight : 1;
      const j = ctx.names.name("j");
      return treated(
        tracking,
        s,
        _`const ${j} = i * ${K} + ${maps[k]}[${s.row.value}]; if (${order}[${j}] === 0) ${order}[${j}] = ++${seq}[i]; ${votes}[${j}] += ${w};`,
        _`${missingVotes}[i] += ${w};`,
      );
    },
    tracking.stop,
  );
  const value = ctx.names.name("value");
  const probabilities = asProbabilities ? categories.map(() => ctx.names.name("p")) : [];
  const best = ctx.names.name("best");
  const total = ctx.names.name("total");
  // Winner: the first category, in first-vote order, with strictly more votes than those before.
  const body = _`let ${value} = ${MISSING_CODE}; ${declareLocals(probabilities)}
if (${ran}[i] === 1 && !${nulled(tracking)} && ${seq}[i] > 0) {
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
  if (asProbabilities) return { body, value, kind: "category", categories, probabilities };
  return { body, value, kind: "category", categories, entity: { index: value, ids: categories.map((c) => formatValue(c)) } };
}

/**
 * average / weightedAverage / median / max of the segments' probability distributions
 * (aggregateProbabilities). The interpreter keys its combined distribution by first appearance
 * over the segments' maps, which decides ties; compiled, the order is fixed, so every segment
 * must give the same categories in the same order on every row.
 */
function combineProbabilities(model: MiningModel, segments: SegmentRow[], ctx: KernelContext, target: TargetFacts): FamilyRow {
  const method = model.multipleModelMethod;
  const weightedMethod = method === "weightedAverage";
  const ranked = method === "median" || method === "max";
  if (weightedMethod && segments.some((s) => s.segment.weight === 0)) throw new NotCompilable("weightedAverage with a zero Segment weight");
  for (const s of segments) {
    if (s.row.kind !== "category" || !s.row.probabilities || s.row.staticProbabilities !== true) {
      throw new NotCompilable(`MiningModel ${method} of a segment whose probability distribution varies by row (${s.segment.model.kind})`);
    }
  }
  const { categories, tables } = categoryMaps(segments, target, ctx);
  if (tables.some((t) => t.length !== categories.length || t.some((c, k) => c !== k))) {
    throw new NotCompilable(`MiningModel ${method} of segments with different category lists`);
  }
  const K = categories.length;
  const S = segments.length;
  const {
    tracking,
    names: [ran, acc, count, kept, bad],
    alloc,
  } = missingTracking(model, ctx, [
    ["ran", _`new Uint8Array(n)`],
    ["acc", _`new Float64Array(n * ${ranked ? S * K : K})`],
    ["count", _`new Float64Array(n)`],
    ["kept", _`new Int32Array(n)`],
    ["bad", _`new Uint8Array(n)`],
  ]);
  runSegments(
    segments,
    ctx,
    alloc,
    ran,
    (s) => {
      const w = s.segment.weight;
      const term = (p: Name) => (weightedMethod && w !== 1 ? _`${w} * ${p}` : p);
      const adds = ranked
        ? s.row.probabilities!.map((p, k) => _`${acc}[(i * ${S} + ${kept}[i]) * ${K} + ${k}] = ${p};`)
        : s.row.probabilities!.map((p, k) => _`${acc}[i * ${K} + ${k}] += ${term(p)};`);
      // "continue": a missing prediction makes the combined prediction missing.
      return treated(tracking, s, _`${join(adds, " ")} ${count}[i] += ${weightedMethod ? w : 1}; ${kept}[i] += 1;`, _`${bad}[i] = 1;`);
    },
    tracking.stop,
  );
  const value = ctx.names.name("value");
  const probabilities = categories.map(() => ctx.names.name("p"));
  const best = ctx.names.name("best");
  const ok = _`${ran}[i] === 1 && ${bad}[i] === 0 && ${kept}[i] > 0 && !${nulled(tracking)}`;
  const pick = _`let ${best} = -Infinity;
  ${join(
    probabilities.map((p, k) => _`if (${p} > ${best}) { ${best} = ${p}; ${value} = ${k}; }`),
    "\n  ",
  )}`;
  if (!ranked) {
    const body = _`let ${value} = ${MISSING_CODE}; ${declareLocals(probabilities)}
if (${ok}) {
  ${join(
    probabilities.map((p, k) => _`${p} = ${acc}[i * ${K} + ${k}] / ${count}[i];`),
    "\n  ",
  )}
  ${pick}
}`;
    return { body, value, kind: "category", categories, probabilities, staticProbabilities: true };
  }
  // The winner is scanned in the target's declared category order where it declares some.
  const declared = target.categories.map((c) => categories.findIndex((x) => formatValue(x) === formatValue(c))).filter((k) => k >= 0);
  const order = ctx.pool.add(Int32Array.from(target.categories.length > 0 ? declared : categories.map((_c, k) => k)), "order");
  const out = ctx.names.name("combined");
  const col = ctx.names.name("scratch");
  const med = ctx.names.name("scratch");
  const chosen = ctx.names.name("chosen");
  ctx.declare(_`const ${out} = new Float64Array(${K}), ${col} = new Float64Array(${S}), ${med} = new Float64Array(${S}), ${chosen} = new Int32Array(${S});`);
  const body = _`let ${value} = ${MISSING_CODE}; ${declareLocals(probabilities)}
if (${ok} && ${rankedHelper(ctx, method === "max")}(${acc}, i * ${S * K}, ${kept}[i], ${K}, ${order}, ${out}, ${col}, ${med}, ${chosen}) === 1) {
  ${join(
    probabilities.map((p, k) => _`${p} = ${out}[${k}];`),
    "\n  ",
  )}
  ${pick}
}`;
  return { body, value, kind: "category", categories, probabilities, staticProbabilities: true };
}

/**
 * Classification median / max (aggregateProbabilities): the per-category median (max) of the
 * kept distributions, the winning category in `order` (first on ties), then the distribution of
 * the segments that gave it (max: equal to it; median: closest to it), averaged when several.
 * Returns 0 when no category wins (the prediction is missing).
 */
function rankedHelper(ctx: KernelContext, isMax: boolean): Name {
  const fn = ctx.names.name(isMax ? "maxOfDists" : "medianOfDists");
  const median = medianHelper(ctx);
  const stat = isMax
    ? _`let s = -Infinity; for (let d = 0; d < m; d++) s = Math.max(s, P[off + d * K + k]);`
    : _`for (let d = 0; d < m; d++) col[d] = P[off + d * K + k]; const s = ${median}(col, 0, m, med);`;
  const choose = isMax
    ? _`for (let d = 0; d < m; d++) if (P[off + d * K + winner] === winnerP) chosen[c++] = d;`
    : _`let min = Number.MAX_VALUE;
  for (let d = 0; d < m; d++) { const diff = Math.abs(winnerP - P[off + d * K + winner]); if (diff < min) { c = 0; min = diff; } if (diff <= min) chosen[c++] = d; }`;
  ctx.declare(_`function ${fn}(P, off, m, K, order, out, col, med, chosen) {
  let winner = -1, winnerP = -Infinity;
  for (let o = 0; o < order.length; o++) { const k = order[o]; ${stat} if (winner < 0 || s > winnerP) { winner = k; winnerP = s; } }
  if (winner < 0) return 0;
  let c = 0;
  ${choose}
  if (c === 1) { for (let k = 0; k < K; k++) out[k] = P[off + chosen[0] * K + k]; }
  else { for (let k = 0; k < K; k++) { let s = 0; for (let j = 0; j < c; j++) s += P[off + chosen[j] * K + k]; out[k] = s / c; } }
  return 1;
}`);
  return fn;
}
