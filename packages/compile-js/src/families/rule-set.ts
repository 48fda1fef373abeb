import type { Rule, RuleSetModel, SimpleRule, Value } from "@porta/ir";
import { _, join, type Code } from "../codegen.ts";
import { MISSING_CODE } from "../columns.ts";
import type { FamilyRow, KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";
import { predicateCode } from "./tree.ts";

/**
 * RuleSetModel with the firstHit criterion, as the interpreter's evaluateRuleSet: the first
 * SimpleRule (depth first) whose predicate, and every enclosing CompoundRule's, is TRUE wins;
 * with none, RuleSet/@defaultScore. One function per rule set returns the winning rule's index.
 */
export function compileRuleSet(model: RuleSetModel, ctx: KernelContext, target: TargetFacts): FamilyRow {
  if (model.criterion !== "firstHit") throw new NotCompilable(`RuleSetModel criterion=${model.criterion}`);
  const simple: SimpleRule[] = [];
  const fn = ctx.names.name("ruleSet");
  const emit = (rules: readonly Rule[]): Code => join(rules.map((rule) => {
    const p = predicateCode(rule.predicate, ctx);
    if (rule.kind === "simpleRule") {
      simple.push(rule);
      return _`if (${p} === 1) return ${simple.length - 1};`;
    }
    return _`if (${p} === 1) { ${emit(rule.rules)} }`;
  }), "\n");
  ctx.declare(_`function ${fn}(i) {
${emit(model.rules)}
return -1;
}`);
  const categories: Value[] = [];
  const slot = (text: string): number => {
    const c = target.category(text);
    let k = categories.findIndex((x) => x === c);
    if (k < 0) { categories.push(c); k = categories.length - 1; }
    return k;
  };
  const predicted = Int32Array.from(simple, (r) => slot(r.score));
  const fallback = model.defaultScore === undefined ? MISSING_CODE : slot(model.defaultScore);
  const table = ctx.pool.add(predicted, "ruleScore");
  const rule = ctx.names.name("rule");
  const value = ctx.names.name("value");
  const entity = ctx.names.name("ruleIndex");
  // Entity ids by index: the rules, then the default (no id).
  const ids: (string | null)[] = [...simple.map((r) => r.id), null];
  // Without both defaults, a row no rule fires for is refused (as the interpreter, as JPMML).
  const missingDefault = model.defaultScore === undefined ? "defaultScore" : model.defaultConfidence === undefined ? "defaultConfidence" : null;
  const refuse = missingDefault === null ? _`` : _`if (${rule} < 0) { ${ctx.fail({ code: "PMML_MISSING_ATTRIBUTE", message: `no rule fired, and the RuleSet has no ${missingDefault}`, path: `${model.path}/RuleSet` })} }
`;
  const body = _`const ${rule} = ${fn}(i);
${refuse}let ${value} = ${rule} < 0 ? ${fallback} : ${table}[${rule}];
const ${entity} = ${rule} < 0 ? ${model.defaultScore === undefined ? MISSING_CODE : simple.length} : ${rule};`;
  return { body, value, kind: "category", categories, entity: { index: entity, ids } };
}
