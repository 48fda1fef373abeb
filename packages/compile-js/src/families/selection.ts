import { formatValue, type MiningModel, type OutputField, type Value } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { MISSING_CODE } from "../columns.ts";
import { declareLocals, type ComputedOutput, type FamilyRow, type KernelContext, type ModelOutputs } from "../kernel.ts";
import { displayValueOf, type TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";
import { compileSegment, missingPrediction, type SegmentRow } from "./segmentation.ts";

interface SelectedSegment {
  s: SegmentRow;
  index: number;
  outputs: ModelOutputs;
  /** Per-row error flags of reading its OutputFields: 0 where the segment defined them (modelChain). */
  defined: Name | null;
  /** Whether its prediction can be the MiningModel's (same functionName). */
  matches: boolean;
  /** Per-row 1 where the segment ran (its predicate held), when an OutputField with its segmentId needs it. */
  ran: Name | null;
  /**
   * Batch steps its compilation declared (derived-field fills, output arrays). In a chain they
   * run just before the segment: a LocalTransformation of segment k may read the OutputFields of
   * segments before it (R pmml xgboost sums predictedValueTree0..n in the last segment).
   */
  steps: Code[];
}

/**
 * selectFirst and modelChain (evaluateSegments + passThrough in interpret/mining.ts): the
 * segments run segment-major in document order; a per-row index records the segment whose
 * result is passed through (selectFirst: the first that ran and was not skipped; modelChain: the
 * last that ran), and each segment copies its prediction into union arrays the row loop reads.
 * In a chain every segment's OutputFields are batch columns later segments (and the
 * MiningModel's Output) read by name.
 */
export function compileSelection(model: MiningModel, ctx: KernelContext, _target: TargetFacts): FamilyRow {
  const chain = model.multipleModelMethod === "modelChain";
  const treatment = model.missingPredictionTreatment;
  if (chain && treatment === "skipSegment") throw new NotCompilable("skipSegment with modelChain (an error the interpreter reports)");
  // The MiningModel's Targets apply only to rows where no segment's result is passed through.
  if (model.targets.length > 0) throw new NotCompilable(`Targets of a ${model.multipleModelMethod} MiningModel`);
  const matches = (fn: string) => model.functionName === "mixed" || fn === model.functionName;
  const sel = ctx.names.name("sel");
  // modelChain: returnMissing met; selectFirst with skipSegment: a segment was skipped (`first` is the first one).
  const stop = ctx.names.name("stop");
  const first = ctx.names.name("first");
  ctx.declare(_`let ${sel}, ${stop}, ${first};`);
  ctx.step(_`${sel} = new Int32Array(n).fill(-1); ${stop} = new Uint8Array(n); ${first} = new Int32Array(n).fill(-1);`);
  const shadowed = new Set([
    ...ctx.pipeline.dataFields.map((f) => f.name),
    ...ctx.pipeline.transformations.map((f) => f.name),
    ...model.localTransformations.map((f) => f.name),
  ]);
  const definers = new Map<string, { out: ComputedOutput; defined: Name }[]>();
  const selected: SelectedSegment[] = model.segments.map((segment, index) => {
    const ok = matches(segment.model.functionName);
    if (!chain && !ok) throw new NotCompilable("selectFirst segment of another functionName");
    const {
      result: { s, outputs },
      steps,
    } = ctx.captureSteps(() => {
      const s = compileSegment(segment, ctx);
      return { s, outputs: s.sctx.modelOutputs(segment.model, s.row, s.target) };
    });
    let defined: Name | null = null;
    if (chain && outputs.fields.length > 0) {
      // Per row: 0 once the segment defined its fields, else the error a read of them records.
      const d = ctx.names.name("undefinedErr");
      defined = d;
      const unknown = ctx.errorIndex({
        code: "PMML_UNKNOWN_FIELD",
        message: `an OutputField of modelChain segment ${segment.id ?? index + 1} is read where that segment did not run`,
        path: segment.path,
      });
      ctx.declare(_`let ${d};`);
      ctx.step(_`${d} = new Int32Array(n).fill(${unknown});`);
      for (const out of outputs.fields) {
        const name = out.field.name;
        if (shadowed.has(name)) throw new NotCompilable("a modelChain OutputField named like another field");
        const list = [...(definers.get(name) ?? []), { out, defined: d }];
        definers.set(name, list);
        ctx.define(name, () => {
          if (list.length > 1) throw new NotCompilable("a modelChain field defined by several segments");
          return list[0].out.ref(d);
        });
      }
    }
    return { s, index, outputs, defined, matches: ok, steps, ran: null };
  });
  const segmentOutputs = segmentIdOutputs(model, selected, ctx, chain);
  const union = selected.filter((x) => x.matches);
  if (union.length === 0) throw new NotCompilable("modelChain without a segment of the MiningModel's functionName");
  const kind = union[0].s.row.kind;
  if (union.some((x) => x.s.row.kind !== kind)) throw new NotCompilable("selected segments of different prediction kinds");

  // The union of the segments' categories (values as the segments give them: passed through untyped).
  const categories: Value[] = [];
  const displays: (string | null)[] = [];
  const keyIndex = new Map<string, number>();
  const maps = new Map<SelectedSegment, Int32Array>();
  for (const x of union) {
    if (kind !== "category") break;
    const row = x.s.row;
    maps.set(
      x,
      Int32Array.from(row.categories ?? [], (c, ck) => {
        const key = `${typeof c}:${formatValue(c)}`;
        const display = row.displayValues ? row.displayValues[ck] : (displayValueOf(x.s.target, c) ?? formatValue(c));
        let u = keyIndex.get(key);
        if (u === undefined) {
          u = categories.length;
          keyIndex.set(key, u);
          categories.push(c);
          displays.push(display);
        } else if (displays[u] !== display) {
          throw new NotCompilable("selected segments that display a category differently");
        }
        return u;
      }),
    );
  }
  const K = categories.length;
  const hasProbabilities = union.some((x) => x.s.row.probabilities !== undefined);
  const hasConfidences = union.some((x) => x.s.row.confidences !== undefined);
  const uval = ctx.names.name("uval");
  const uprob = ctx.names.name("uprob");
  const uconf = ctx.names.name("uconf");
  ctx.declare(_`let ${uval}, ${uprob}, ${uconf};`);
  const alloc = _`${uval} = ${kind === "number" ? _`new Float64Array(n)` : _`new Int32Array(n)`};
${uprob} = ${hasProbabilities ? _`new Float64Array(n * ${K})` : _`null`}; ${uconf} = ${hasConfidences ? _`new Float64Array(n * ${K})` : _`null`};`;

  // A union category's probability from one segment: its own, 0 where its distribution lacks the
  // category (categoryValue), missing where it has none.
  const slot = (x: SelectedSegment, u: number, locals: Name[] | undefined): Code => {
    if (!locals || locals.length === 0) return _`NaN`;
    const table = maps.get(x)!;
    let c = -1;
    table.forEach((t, ck) => {
      if (t === u) c = ck;
    });
    return c >= 0 ? _`${locals[c]}` : _`(${locals[0]} === ${locals[0]} ? 0 : NaN)`;
  };
  const write = (x: SelectedSegment): Code => {
    const row = x.s.row;
    const parts: Code[] = [];
    if (kind === "number") parts.push(_`${uval}[i] = ${row.value};`);
    else {
      const cmap = ctx.pool.add(maps.get(x)!, "cmap");
      parts.push(_`${uval}[i] = ${row.value} < 0 ? ${MISSING_CODE} : ${cmap}[${row.value}];`);
    }
    if (hasProbabilities) for (let u = 0; u < K; u++) parts.push(_`${uprob}[i * ${K} + ${u}] = ${slot(x, u, row.probabilities)};`);
    if (hasConfidences) for (let u = 0; u < K; u++) parts.push(_`${uconf}[i * ${K} + ${u}] = ${slot(x, u, row.confidences ?? row.probabilities)};`);
    return join(parts, " ");
  };

  const calls = selected.map((x) => {
    const { s, index } = x;
    const fn = ctx.names.name("segment");
    const missing = missingPrediction(s.row);
    const guard = chain ? _`if (${stop}[i] === 1) continue;` : _`if (${sel}[i] !== -1) continue;`;
    const take = _`${sel}[i] = ${index}; ${x.defined ? _`${x.defined}[i] = 0;` : _``} ${x.ran ? _`${x.ran}[i] = 1;` : _``} ${x.matches ? write(x) : _``}`;
    let choose: Code;
    if (treatment === "returnMissing")
      choose = chain ? _`if (${missing}) ${stop}[i] = 1; else { ${take} }` : _`if (${missing}) ${sel}[i] = -2; else { ${take} }`;
    // A skipped segment still counts as run: where every segment is skipped, the first one run is passed through.
    else if (treatment === "skipSegment")
      choose = _`if (!(${missing})) { ${take} } else if (${stop}[i] === 0) { ${stop}[i] = 1; ${first}[i] = ${index}; ${x.matches ? write(x) : _``} }`;
    else choose = take;
    ctx.declare(_`function ${fn}(n) {
${s.row.prepass ?? _``}
for (let i = 0; i < n; i++) {
${guard}
${s.predicate ? _`if (${s.predicate} !== 1) continue;` : _``}
${s.row.body}
${s.post}
${x.outputs.code}
${choose}
}
}`);
    return _`${join(x.steps, "\n")}
${fn}(n);`;
  });
  ctx.step(_`${alloc}
${join(calls, "\n")}
${treatment === "skipSegment" ? _`for (let i = 0; i < n; i++) if (${sel}[i] === -1) ${sel}[i] = ${first}[i];` : _``}`);

  const ok = chain ? _`(${sel}[i] >= 0 && ${stop}[i] === 0)` : _`(${sel}[i] >= 0)`;
  const checks: Code[] = [];
  if (selected.some((x) => !x.matches)) {
    const fnOk = ctx.pool.add(
      Uint8Array.from(selected, (x) => (x.matches ? 1 : 0)),
      "matches",
    );
    checks.push(
      _`if (${ok} && ${fnOk}[${sel}[i]] === 0) { ${ctx.fail({ code: "PMML_SEGMENT_FUNCTION", message: `the last segment of the modelChain is not a ${model.functionName} model`, path: model.path })} }`,
    );
  }
  const value = ctx.names.name("value");
  const probabilities = hasProbabilities ? categories.map(() => ctx.names.name("p")) : undefined;
  const confidences = hasConfidences ? categories.map(() => ctx.names.name("q")) : undefined;
  const body = _`${join(checks, "\n")}
let ${value} = ${kind === "number" ? _`NaN` : _`${MISSING_CODE}`}; ${declareLocals(probabilities ?? [])} ${declareLocals(confidences ?? [])}
if (${ok}) {
  ${value} = ${uval}[i];
  ${join(
    (probabilities ?? []).map((p, u) => _`${p} = ${uprob}[i * ${K} + ${u}];`),
    " ",
  )}
  ${join(
    (confidences ?? []).map((q, u) => _`${q} = ${uconf}[i * ${K} + ${u}];`),
    " ",
  )}
}`;

  // The passed-through segment's final OutputFields, present where it gave the result.
  const byName = new Map<string, { x: SelectedSegment; out: ComputedOutput }[]>();
  for (const x of selected)
    for (const out of x.outputs.fields) {
      if (!out.field.isFinalResult) continue;
      byName.set(out.field.name, [...(byName.get(out.field.name) ?? []), { x, out }]);
    }
  const gave = (x: SelectedSegment) => (chain ? _`(${sel}[i] === ${x.index} && ${stop}[i] === 0)` : _`${sel}[i] === ${x.index}`);
  const passThrough = [...byName].map(([name, list]) => {
    const column = list[0].out.column;
    if (
      list.length > 1 &&
      list.some(
        ({ out }) =>
          out.column.storage !== column.storage ||
          out.column.dataType !== column.dataType ||
          (out.column.decode.kind === "table" ? out.column.decode !== column.decode : out.column.decode.kind !== column.decode.kind),
      )
    ) {
      throw new NotCompilable("segment OutputFields of one name stored differently");
    }
    const missingCell = column.storage === "f64" ? _`NaN` : _`${MISSING_CODE}`;
    const value = list.reduceRight<Code>((acc, { x, out }) => _`${gave(x)} ? ${out.array}[i] : ${acc}`, missingCell);
    const present = join(
      list.map(({ x }) => _`(${gave(x)})`),
      " || ",
    );
    return { name, column, value: _`(${value})`, present };
  });

  const row: FamilyRow = { body, value, kind, passThrough, segmentOutputs };
  if (kind === "category") {
    row.categories = categories;
    row.displayValues = displays;
    if (probabilities) row.probabilities = probabilities;
    if (confidences) row.confidences = confidences;
  }
  return row;
}

/**
 * The MiningModel's OutputFields with a segmentId (segmentOutputValue): a transformedValue or
 * decision expression evaluated in that segment's scope, missing where the segment did not run.
 * R pmml's gbm multinomial reads each class's last `UpdatedPredictedValue` this way. Evaluated in
 * the row loop, after every segment ran, as the interpreter's computeOutputs: the segment's
 * fields read are then in their final state.
 */
function segmentIdOutputs(model: MiningModel, selected: SelectedSegment[], ctx: KernelContext, chain: boolean): Map<OutputField, Code> {
  const out = new Map<OutputField, Code>();
  const fields = model.output.filter((f) => f.segmentId !== undefined);
  if (fields.length === 0) return out;
  // returnMissing stops a chain where the interpreter has still recorded the segment's run;
  // skipSegment with selectFirst lets a skipped segment run without being selected.
  if (model.missingPredictionTreatment !== "continue")
    throw new NotCompilable(`OutputField segmentId with missingPredictionTreatment=${model.missingPredictionTreatment}`);
  const ids = selected.map((x) => x.s.segment.id ?? String(x.index + 1));
  for (const f of fields) {
    if ((f.feature !== "transformedValue" && f.feature !== "decision") || f.expr === undefined || f.value !== undefined) {
      throw new NotCompilable(`OutputField segmentId feature=${f.feature}`);
    }
    if (f.dataType !== "double" && f.dataType !== "float") throw new NotCompilable(`OutputField segmentId of dataType ${f.dataType ?? "(none)"}`);
    const at = ids.flatMap((id, k) => (id === f.segmentId ? [k] : []));
    if (at.length > 1) throw new NotCompilable("OutputField segmentId naming several segments");
    if (at.length === 0) {
      out.set(f, _`NaN`);
      continue;
    }
    const x = selected[at[0]];
    if (!chain) throw new NotCompilable("OutputField segmentId of a selectFirst MiningModel");
    if (!x.ran) {
      const ran = ctx.names.name("ran");
      ctx.declare(_`let ${ran};`);
      ctx.step(_`${ran} = new Uint8Array(n);`);
      x.ran = ran;
    }
    const value = x.s.sctx.expr(f.expr);
    // castOutput to double or float (the value of a numeric expression; NaN stays missing).
    out.set(f, _`(${x.ran}[i] === 1 ? ${f.dataType === "float" ? _`Math.fround(${value})` : value} : NaN)`);
  }
  return out;
}
