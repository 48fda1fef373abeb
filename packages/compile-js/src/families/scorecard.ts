import { lowerScorecard, type PortaError, type Scorecard } from "@porta/ir";
import { _, join, type Code } from "../codegen.ts";
import type { FamilyRow, KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { planOrRefuse } from "./plan.ts";
import { predicateCode } from "./tree.ts";

/**
 * Scorecard as the interpreter's evaluateScorecard: initialScore plus, per Characteristic, the
 * partial score of its first TRUE Attribute (none TRUE: an evaluation error; a missing
 * ComplexPartialScore: a missing score, and nothing after it is evaluated). With reason codes,
 * each partial score adds (baseline − partial) [pointsBelow] or (partial − baseline)
 * [pointsAbove] to its code's points in evaluation order; codes with negative totals are
 * dropped and the rest ranked by points, descending, ties by first appearance.
 *
 * One function per scorecard returns the score; the ranking is left in module-level typed arrays
 * (`ranked[0..count)` code indices), no allocation per row.
 */
export function compileScorecard(model: Scorecard, ctx: KernelContext, _target: TargetFacts): FamilyRow {
  const plan = planOrRefuse("Scorecard", () => lowerScorecard(model));
  const codes = plan.codes;
  const fn = ctx.names.name("scorecard");
  const score = ctx.names.name("score");
  const points = ctx.names.name("points");
  const seen = ctx.names.name("seen");
  const order = ctx.names.name("order");
  const ranked = ctx.names.name("ranked");
  const count = ctx.names.name("rcount");
  const characteristics = plan.characteristics.map((ch) => {
    const attrs = ch.attributes.map((a) => {
      const p = predicateCode(a.predicate, ctx);
      let partial: Code;
      let head: Code = _``;
      // A fault fails the row that chooses the Attribute, with the plan's code and path (as the rule set's missing default).
      const failWith = (fault: PortaError): Code => _`${ctx.fail({ code: fault.code, message: fault.message, path: fault.path })} return NaN;`;
      if (a.partial.kind === "fault") return _`if (${p} === 1) { ${failWith(a.partial.fault)} }`;
      if (a.partial.kind === "complex") {
        const v = ctx.names.name("part");
        head = _`const ${v} = ${ctx.expr(a.partial.expr)}; if (${v} !== ${v}) return NaN;`;
        partial = v;
      } else {
        partial = _`${a.partial.value}`;
      }
      let reason: Code = _``;
      if (a.reason !== undefined) {
        // After the ComplexPartialScore: a missing one makes the score missing first.
        if ("fault" in a.reason) return _`if (${p} === 1) { ${head} ${failWith(a.reason.fault)} }`;
        const k = a.reason.code;
        const difference = plan.pointsAbove ? _`(${partial} - ${a.reason.baseline})` : _`(${a.reason.baseline} - ${partial})`;
        reason = _`if (${seen}[${k}] === 0) { ${seen}[${k}] = 1; ${order}[${count}++] = ${k}; } ${points}[${k}] += ${difference};`;
      }
      return _`if (${p} === 1) { ${head} ${score} += ${partial}; ${reason} break ch; }`;
    });
    const fail = ctx.fail({ code: "PMML_SCORECARD_NO_ATTRIBUTE", message: `no Attribute of Characteristic ${ch.name ?? ""} is TRUE`, path: ch.path });
    return _`ch: { ${attrs} ${fail} return NaN; }`;
  });
  const K = Math.max(codes.length, 1);
  ctx.declare(_`const ${points} = new Float64Array(${K}), ${seen} = new Int32Array(${K}), ${order} = new Int32Array(${K}), ${ranked} = new Int32Array(${K});
let ${count} = 0, ${score} = 0;
function ${fn}(i) {
${score} = ${plan.initialScore};
${count} = 0; ${points}.fill(0); ${seen}.fill(0);
${join(characteristics, "\n")}
return ${score};
}`);
  const value = ctx.names.name("value");
  const n = ctx.names.name("ranks");
  // Stable insertion of non-negative codes in appearance order, by points descending.
  const rank = plan.useReasonCodes
    ? _`${n} = 0;
if (${value} === ${value}) for (let j = 0; j < ${count}; j++) {
  const c = ${order}[j]; const p = ${points}[c]; if (!(p >= 0)) continue;
  let k = ${n}++; while (k > 0 && ${points}[${ranked}[k - 1]] < p) { ${ranked}[k] = ${ranked}[k - 1]; k--; } ${ranked}[k] = c;
}`
    : _``;
  const body = _`const ${value} = ${fn}(i); let ${n} = 0; ${rank}`;
  return { body, value, kind: "number", reasonCodes: { ranked, count: n, codes: codes.slice() } };
}
