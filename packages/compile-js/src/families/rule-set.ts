import { lowerRuleSet, type RuleNodePlan, type RuleSetModel, type RuleSetPlan, type Value } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { MISSING_CODE } from "../columns.ts";
import type { FamilyRow, KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { planOrRefuse } from "./plan.ts";
import { predicateCode } from "./tree.ts";

/**
 * RuleSetModel as the interpreter's evaluateRuleSet, over the lowered plan: one function per rule
 * set returns the winning SimpleRule's index (-1: none fired). firstHit returns the first rule
 * (depth first) whose predicate, and every enclosing CompoundRule's, is TRUE; weightedSum and
 * weightedMax list the fired rules, group them by score in the order each score first fired, and
 * pick the group and its heaviest rule with the interpreter's comparisons.
 */
export function compileRuleSet(model: RuleSetModel, ctx: KernelContext, target: TargetFacts): FamilyRow {
  const plan = planOrRefuse("RuleSetModel", () => lowerRuleSet(model, target));
  const fn = ctx.names.name("ruleSet");
  ctx.declare(plan.criterion === "firstHit" ? firstHit(plan, fn, ctx) : weighted(plan, fn, ctx));
  const categories: Value[] = [];
  // Scores written differently may type to one category: one code each.
  const codes = plan.scores.map(({ category }) => {
    let k = categories.findIndex((x) => x === category);
    if (k < 0) {
      categories.push(category);
      k = categories.length - 1;
    }
    return k;
  });
  const rules = plan.simpleRules;
  const table = ctx.pool.add(
    Int32Array.from(rules, (r) => codes[r.score]),
    "ruleScore",
  );
  const rule = ctx.names.name("rule");
  const value = ctx.names.name("value");
  const entity = ctx.names.name("ruleIndex");
  // Entity ids by index: the rules, then the default (no id).
  const ids: (string | null)[] = [...rules.map((r) => r.id), null];
  const fallback = plan.fallback;
  // Without both defaults, a row no rule fires for is refused with the plan's fault (as the interpreter, as JPMML).
  const refuse =
    "fault" in fallback
      ? _`if (${rule} < 0) { ${ctx.fail({ code: fallback.fault.code, message: fallback.fault.message, path: fallback.fault.path })} }\n`
      : _``;
  const fallbackCode = "fault" in fallback ? MISSING_CODE : codes[fallback.score];
  const body = _`const ${rule} = ${fn}(i);
${refuse}let ${value} = ${rule} < 0 ? ${fallbackCode} : ${table}[${rule}];
const ${entity} = ${rule} < 0 ? ${"fault" in fallback ? MISSING_CODE : rules.length} : ${rule};`;
  return { body, value, kind: "category", categories, entity: { index: entity, ids } };
}

/** Code for the rule tree: `fire(k)` where SimpleRule k fires; a CompoundRule guards its nested rules. */
function ruleTree(rules: readonly RuleNodePlan[], ctx: KernelContext, fire: (k: number) => Code): Code {
  return join(
    rules.map((rule) => {
      const p = predicateCode(rule.predicate, ctx);
      if (rule.kind === "simple") return _`if (${p} === 1) ${fire(rule.rule)}`;
      return _`if (${p} === 1) { ${ruleTree(rule.rules, ctx, fire)} }`;
    }),
    "\n",
  );
}

function firstHit(plan: RuleSetPlan, fn: Name, ctx: KernelContext): Code {
  return _`function ${fn}(i) {
${ruleTree(plan.rules, ctx, (k) => _`return ${k};`)}
return -1;
}`;
}

/**
 * weightedSum: a score's value is Σ weight of its fired rules / number of fired rules;
 * weightedMax: the confidence of its heaviest fired rule (the first on ties). The first score (in
 * order of first firing) of strictly greatest value wins, with its heaviest rule.
 */
function weighted(plan: RuleSetPlan, fn: Name, ctx: KernelContext): Code {
  const R = Math.max(plan.simpleRules.length, 1);
  const S = Math.max(plan.scores.length, 1);
  const fired = ctx.names.name("fired");
  const groups = ctx.names.name("groups");
  const total = ctx.names.name("total");
  const heavy = ctx.names.name("heavy");
  const seen = ctx.names.name("seen");
  const score = ctx.pool.add(
    Int32Array.from(plan.simpleRules, (r) => r.score),
    "ruleScoreIndex",
  );
  const weight = ctx.pool.add(
    Float64Array.from(plan.simpleRules, (r) => r.weight),
    "ruleWeight",
  );
  const confidence = ctx.pool.add(
    Float64Array.from(plan.simpleRules, (r) => r.confidence),
    "ruleConfidence",
  );
  const groupValue = plan.criterion === "weightedSum" ? _`${total}[s] / n` : _`${confidence}[${heavy}[s]]`;
  return _`const ${fired} = new Int32Array(${R}), ${groups} = new Int32Array(${S}), ${heavy} = new Int32Array(${S}), ${seen} = new Int32Array(${S});
const ${total} = new Float64Array(${S});
function ${fn}(i) {
let n = 0;
${ruleTree(plan.rules, ctx, (k) => _`${fired}[n++] = ${k};`)}
if (n === 0) return -1;
${seen}.fill(0); let m = 0;
for (let j = 0; j < n; j++) {
  const r = ${fired}[j], s = ${score}[r];
  if (${seen}[s] === 0) { ${seen}[s] = 1; ${groups}[m++] = s; ${total}[s] = 0; ${heavy}[s] = r; }
  ${total}[s] += ${weight}[r];
  if (${weight}[r] > ${weight}[${heavy}[s]]) ${heavy}[s] = r;
}
let best = -1, bestValue = -Infinity;
for (let g = 0; g < m; g++) {
  const s = ${groups}[g]; const v = ${groupValue};
  if (best < 0 || v > bestValue) { best = ${heavy}[s]; bestValue = v; }
}
return best;
}`;
}
