/**
 * model.naive.* is recognised and refused with its reason: none of the three computes what an IR
 * NaiveBayesModel does (PMML §NaiveBayesModel, JPMML's arithmetic), so no lowering is exact.
 * The action's calls are scanned before anything else, so the refusal names the function rather
 * than the shape around it.
 */
import type { Block } from "../ast/nodes.ts";
import { childrenOf, type AstNode } from "../ast/children.ts";
import { notLowerable } from "./refusal.ts";

const REASONS: Readonly<Record<string, string>> = {
  "model.naive.gaussian":
    "model.naive.gaussian sums −½·ln(2πσ²) − (x − μ)²/(2σ²) per feature; an IR NaiveBayesModel takes the density exp(…) floored at its threshold, then its ln, and ln count priors, which round (and underflow) otherwise",
  "model.naive.multinomial":
    "model.naive.multinomial weights each feature's ln probability by the datum's count; an IR NaiveBayesModel adds one category's ln probability per input",
  "model.naive.bernoulli":
    "model.naive.bernoulli reads an array of strings (the items present); an IR NaiveBayesModel's inputs are fields, and it has no ln(1 − p) terms",
};

function firstNaive(node: AstNode): AstNode | undefined {
  if (node.kind === "call" && Object.hasOwn(REASONS, node.name)) return node;
  for (const child of childrenOf(node)) {
    const found = firstNaive(child);
    if (found) return found;
  }
  return undefined;
}

/** Refuses an action that calls model.naive.*, with that function's reason. */
export function naiveBayesRefusal(action: Block): void {
  for (const e of action.exprs) {
    const call = firstNaive(e);
    if (call?.kind === "call") notLowerable(`not lowered: ${REASONS[call.name]}`, call.path);
  }
}
