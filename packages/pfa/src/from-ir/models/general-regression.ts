import type { GeneralRegressionModel, GrmLink, GrmRow, GrmTerm, TargetInfo } from "@porta/ir";
import { lowerGeneralRegression } from "@porta/ir";
import { type Block, type Code, type Json, cannotConvert, literal } from "../code.ts";
import type { Env } from "../fields.ts";
import { typedLiteral } from "../fields.ts";
import { numberOf } from "../text-number.ts";
import { classificationResult } from "./regression.ts";
import { category, type ModelCode } from "./result.ts";

const ARRAY: Json = { type: "array", items: "double" };

/**
 * GeneralRegressionModel (PMML 4.4 §GeneralRegression) as explicit arithmetic, in JPMML's order
 * (the interpreter's dotProduct and evaluateRow): η = Σ β × row(x) over the ParamMatrix, a row
 * the product of its factor indicators then its covariates; μ = link⁻¹(η + offset) × trials.
 */
export function convertGeneralRegression(model: GeneralRegressionModel, target: TargetInfo, env: Env, block: Block): ModelCode {
  const plan = lowerGeneralRegression(model, { categories: target.categories, category: (text) => category(text, target) });
  if (plan.kind === "cox") return cannotConvert("GeneralRegressionModel@modelType=CoxRegression", "not converted", model.path);
  if (model.offsetVariable !== undefined) cannotConvert("GeneralRegressionModel@offsetVariable", "not converted", model.path);
  if (model.trialsVariable !== undefined) cannotConvert("GeneralRegressionModel@trialsVariable", "not converted", model.path);
  if (plan.kind === "regression") {
    const eta = block.bind(dotProduct(plan.eta, env, block), "eta");
    if (!plan.link) return { value: eta };
    const link = plan.link;
    return {
      value: block.bind(
        onPresent(eta, (y) => computeLink(model, link, y)),
        "mu",
      ),
    };
  }
  if (plan.modelType === "ordinalMultinomial") cannotConvert("GeneralRegressionModel@modelType=ordinalMultinomial", "not converted", model.path);
  const etas = plan.etas.map((terms) => block.bind(dotProduct(terms, env, block), "eta"));
  const bindings: Record<string, Json> = {};
  const xs = etas.map((e) => {
    if (!e.nullable) return e.expr;
    const name = block.fresh("p");
    bindings[name] = e.expr;
    return name;
  });
  const statements: Json[] = [];
  const values: string[] = [];
  const bind = (e: Json): string => {
    const name = block.fresh("v");
    statements.push({ let: { [name]: e } });
    values.push(name);
    return name;
  };
  if (plan.modelType === "multinomialLogistic") {
    for (const x of xs) bind({ "m.exp": x });
    // The reference category's exp(0).
    bind({ double: 1 });
    const sum = block.fresh("sum");
    // Σ from the first value; x / 1 is x, so JPMML's skipped division at a sum of exactly 1 changes nothing.
    statements.push({ let: { [sum]: values.slice(1).reduce<Json>((a, b) => ({ "+": [a, b] }), values[0]) } });
    statements.push({ new: values.map((v) => ({ "/": [v, sum] })), type: ARRAY });
  } else {
    const link = plan.link;
    if (!link) return cannotConvert("GeneralRegressionModel@linkFunction", "a generalizedLinear classification needs a link", model.path);
    let previous: string | null = null;
    for (const x of xs) previous = bind(computeLink(model, link, x));
    // The last category: 1 − the previous category's value (JPMML's generalizedLinear classification).
    bind(previous === null ? { double: 1 } : { "-": [{ double: 1 }, previous] });
    statements.push({ new: values, type: ARRAY });
  }
  const body: Json = { do: statements };
  const probs: Json = Object.keys(bindings).length === 0 ? body : { ifnotnull: bindings, then: body, else: { type: ["null", ARRAY], value: null } };
  return classificationResult(probs, plan.categories, block, target);
}

function onPresent(c: Code, f: (x: Json) => Json): Code {
  if (!c.nullable) return { expr: f(c.expr), type: "double", nullable: false };
  return { expr: { ifnotnull: { present: c.expr }, then: f("present"), else: null }, type: "double", nullable: true };
}

/** Σ β × row(x) in ParamMatrix order, from the first term (0 + t is t); missing with a missing predictor; no terms: missing. */
function dotProduct(terms: readonly GrmTerm[], env: Env, block: Block): Code {
  if (terms.length === 0) return { expr: { type: ["null", "double"], value: null }, type: "double", nullable: true };
  const parts = terms.map((t): Code => {
    if (!t.row) return literal(t.beta, "double");
    const row = block.bind(rowValue(t.row, env, block), "row");
    return row.nullable
      ? { expr: { ifnotnull: { r: row.expr }, then: { "*": [literal(t.beta, "double").expr, "r"] }, else: null }, type: "double", nullable: true }
      : { expr: { "*": [literal(t.beta, "double").expr, row.expr] }, type: "double", nullable: false };
  });
  let acc = block.bind(parts[0], "s");
  for (let i = 1; i < parts.length; i++) {
    const part = block.bind(parts[i], "s");
    const nullable = acc.nullable || part.nullable;
    const bindings: Record<string, Json> = {};
    const a = acc.nullable ? "a" : acc.expr;
    const b = part.nullable ? "b" : part.expr;
    if (acc.nullable) bindings.a = acc.expr;
    if (part.nullable) bindings.b = part.expr;
    const sum: Json = { "+": [a, b] };
    acc = block.bind({ expr: nullable ? { ifnotnull: bindings, then: sum, else: null } : sum, type: "double", nullable }, "s");
  }
  return acc;
}

/**
 * A ParamMatrix row: 1 × each factor's indicator (x·0 when it differs), missing with a missing
 * factor; a zero product is the row's value before any covariate is read; then × each covariate.
 */
function rowValue(row: GrmRow, env: Env, block: Block): Code {
  const factors = row.factors.map((f) => {
    if (f.predictor.contrastMatrix) cannotConvert("Matrix (contrastMatrixType)", "contrast matrices are not converted");
    return { f, v: env.resolve(f.field) };
  });
  let product: Json = { double: 1 };
  const names: Record<string, Json> = {};
  factors.forEach(({ f, v }, i) => {
    const name = `f${i}`;
    const x = v.nullable ? name : v.expr;
    if (v.nullable) names[name] = v.expr;
    product = {
      if: { "==": [x, typedLiteral(f.category, v.type, `PPCell[@predictorName=${f.field}]`).expr] },
      then: product,
      else: { "*": [product, { double: 0 }] },
    };
  });
  const afterFactors = block.bind(
    Object.keys(names).length === 0
      ? { expr: product, type: "double", nullable: false }
      : { expr: { ifnotnull: names, then: product, else: null }, type: "double", nullable: true },
    "fac",
  );
  if (row.covariates.length === 0) return afterFactors;
  // A covariate is read as a number (the interpreter's toNumber): text is parsed, what is no number is NaN.
  const covs = row.covariates.map((c) => ({ c, v: block.bind(numberOf(env.resolve(c.field), block, `PPCell[@predictorName=${c.field}]`), "cov") }));
  const covNames: Record<string, Json> = {};
  const p = afterFactors.nullable ? "pf" : (afterFactors.expr as string);
  let withCovariates: Json = p;
  covs.forEach(({ c, v }, i) => {
    const name = `c${i}`;
    const x = v.nullable ? name : v.expr;
    if (v.nullable) covNames[name] = v.expr;
    withCovariates = { "*": [withCovariates, c.exponent === undefined ? x : { "**": [x, literal(c.exponent, "double").expr] }] };
  });
  const covariatePart: Json = Object.keys(covNames).length === 0 ? withCovariates : { ifnotnull: covNames, then: withCovariates, else: null };
  const zeroOr: Json = { if: { "==": [p, { double: 0 }] }, then: { upcast: p, as: ["null", "double"] }, else: covariatePart };
  const nullable = afterFactors.nullable || Object.keys(covNames).length > 0;
  if (!afterFactors.nullable)
    return { expr: nullable ? zeroOr : { if: { "==": [p, { double: 0 }] }, then: p, else: withCovariates }, type: "double", nullable };
  return { expr: { ifnotnull: { pf: afterFactors.expr }, then: zeroOr, else: null }, type: "double", nullable: true };
}

/** μ = link⁻¹(η + offset) × trials with constant offset and trials (the interpreter's computeLink). */
function computeLink(model: GeneralRegressionModel, link: GrmLink, eta: Json): Json {
  if ("fault" in link) return cannotConvert("GeneralRegressionModel@linkFunction", link.fault.message, model.path);
  let y: Json = eta;
  if (model.offsetValue !== undefined) y = { "+": [y, literal(model.offsetValue, "double").expr] };
  const one = { double: 1 };
  const exp = (x: Json): Json => ({ "m.exp": x });
  let mu: Json;
  switch (link.link) {
    case "identity":
      mu = y;
      break;
    case "log":
      mu = exp(y);
      break;
    case "logc":
      mu = { "-": [one, exp(y)] };
      break;
    case "logit":
      mu = { "/": [one, { "+": [one, exp({ "u-": y })] }] };
      break;
    case "cloglog":
      mu = { "-": [one, exp({ "u-": exp(y) })] };
      break;
    case "loglog":
      mu = exp({ "u-": exp({ "u-": y }) });
      break;
    case "probit":
      mu = { "*": [{ double: 0.5 }, { "m.special.erfc": { "/": [{ "u-": y }, { double: Math.SQRT2 }] } }] };
      break;
    case "power": {
      const d = link.parameter!;
      mu = d !== 0 ? { "**": [y, literal(1 / d, "double").expr] } : exp(y);
      break;
    }
    default:
      return cannotConvert(`GeneralRegressionModel@linkFunction=${link.link}`, "not converted", model.path);
  }
  return model.trialsValue === undefined ? mu : { "*": [mu, literal(model.trialsValue, "double").expr] };
}
