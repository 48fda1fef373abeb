import type { Predicate, SimplePredicate } from "@porta/ir";
import { type Block, type Json, cannotConvert, PFA_COMPARISON } from "./code.ts";
import { type Env, typedLiteral } from "./fields.ts";

/**
 * PMML predicates (§Predicates) as PFA int expressions of three-valued logic: 1 TRUE, 0 FALSE,
 * -1 UNKNOWN (a compared input is missing). PFA's booleans have no third value, and trees,
 * rules and segments each treat UNKNOWN their own way.
 */
export const TRUE = 1;
export const FALSE = 0;
export const UNKNOWN = -1;

const int = (n: number): Json => ({ int: n });

export function compilePredicate(p: Predicate, env: Env, block: Block): Json {
  switch (p.kind) {
    case "true":
      return int(TRUE);
    case "false":
      return int(FALSE);
    case "simple":
      return simple(p, env, block);
    case "simpleSet": {
      const v = env.resolve(p.field);
      const x = block.fresh("s");
      const present = v.nullable ? x : (v.expr as Json);
      const tests = p.values.map((text): Json => ({ "==": [present, typedLiteral(text, v.type, `SimpleSetPredicate[@field=${p.field}]`).expr] }));
      const isIn: Json = tests.length === 0 ? false : tests.reduce((a, b) => ({ "||": [a, b] }));
      const truth: Json = { if: p.booleanOperator === "isIn" ? isIn : { "!": isIn }, then: int(TRUE), else: int(FALSE) };
      return v.nullable ? { ifnotnull: { [x]: v.expr }, then: truth, else: int(UNKNOWN) } : truth;
    }
    case "compound":
      return compound(
        p.booleanOperator,
        p.predicates.map((q) => compilePredicate(q, env, block)),
        block,
        p.path,
      );
    default: {
      const never: never = p;
      return never;
    }
  }
}

function simple(p: SimplePredicate, env: Env, block: Block): Json {
  const v = env.resolve(p.field);
  const x = block.fresh("s");
  const present = v.nullable ? x : (v.expr as Json);
  if (p.operator === "isMissing" || p.operator === "isNotMissing") {
    const missingTruth = p.operator === "isMissing" ? TRUE : FALSE;
    return v.nullable ? { ifnotnull: { [x]: v.expr }, then: int(1 - missingTruth), else: int(missingTruth) } : int(1 - missingTruth);
  }
  if (p.value === undefined) cannotConvert(`SimplePredicate[@field=${p.field}]`, "a comparison needs @value", p.path);
  const value = typedLiteral(p.value, v.type, `SimplePredicate[@field=${p.field}]@value`);
  if (v.type === "string" && p.operator !== "equal" && p.operator !== "notEqual") {
    cannotConvert(`SimplePredicate[@operator=${p.operator}]`, "ordering of strings (ordinal categories) is not converted", p.path);
  }
  const truth: Json = { if: { [PFA_COMPARISON[p.operator]]: [present, value.expr] }, then: int(TRUE), else: int(FALSE) };
  return v.nullable ? { ifnotnull: { [x]: v.expr }, then: truth, else: int(UNKNOWN) } : truth;
}

/**
 * and/or/xor/surrogate over three-valued operands (PMML 4.4 §CompoundPredicate): and is FALSE
 * when any is FALSE, else UNKNOWN when any is UNKNOWN; or the dual; xor UNKNOWN with any UNKNOWN;
 * surrogate the first operand that is not UNKNOWN.
 */
function compound(op: "and" | "or" | "xor" | "surrogate", operands: Json[], block: Block, path?: string): Json {
  if (operands.length === 0) cannotConvert("CompoundPredicate", "has no predicates", path);
  const names = operands.map((o) => {
    const name = block.fresh("t");
    return { name, value: o };
  });
  // Each operand is bound in a nested do-block of its own, so later ones are not evaluated in vain.
  const combine = (acc: Json, next: Json): Json => {
    switch (op) {
      case "and":
        return {
          cond: [
            { if: { "||": [{ "==": [acc, int(FALSE)] }, { "==": [next, int(FALSE)] }] }, then: int(FALSE) },
            { if: { "||": [{ "==": [acc, int(UNKNOWN)] }, { "==": [next, int(UNKNOWN)] }] }, then: int(UNKNOWN) },
          ],
          else: int(TRUE),
        };
      case "or":
        return {
          cond: [
            { if: { "||": [{ "==": [acc, int(TRUE)] }, { "==": [next, int(TRUE)] }] }, then: int(TRUE) },
            { if: { "||": [{ "==": [acc, int(UNKNOWN)] }, { "==": [next, int(UNKNOWN)] }] }, then: int(UNKNOWN) },
          ],
          else: int(FALSE),
        };
      case "xor":
        return {
          cond: [{ if: { "||": [{ "==": [acc, int(UNKNOWN)] }, { "==": [next, int(UNKNOWN)] }] }, then: int(UNKNOWN) }],
          else: { if: { "!=": [acc, next] }, then: int(TRUE), else: int(FALSE) },
        };
      case "surrogate":
        return { if: { "!=": [acc, int(UNKNOWN)] }, then: acc, else: next };
    }
  };
  // Left fold over let-bound operands: ((t1 ∘ t2) ∘ t3) …, each step bound so the text stays linear.
  const statements: Json[] = [{ let: { [names[0].name]: names[0].value } }];
  let acc: Json = names[0].name;
  for (let i = 1; i < names.length; i++) {
    statements.push({ let: { [names[i].name]: names[i].value } });
    const step = block.fresh("t");
    statements.push({ let: { [step]: combine(acc, names[i].name) } });
    acc = step;
  }
  return { do: [...statements, acc] };
}
