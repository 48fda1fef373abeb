import type { RegressionModel, RegressionTable, TargetInfo, Value } from "@porta/ir";
import { lowerRegression } from "@porta/ir";
import { type Block, type Code, type Json, cannotConvert, doubles, lift, literal } from "../code.ts";
import type { Env } from "../fields.ts";
import { typedLiteral } from "../fields.ts";
import { category, type ModelCode } from "./result.ts";

/**
 * RegressionModel (PMML 4.4 §Regression) as explicit PFA arithmetic rather than
 * model.reg.linear: PMML's value is summed in a fixed order (numeric predictors, categorical
 * predictors, terms, then the intercept, as JPMML), and a dot product would round differently.
 */
export function convertRegression(model: RegressionModel, target: TargetInfo, env: Env, block: Block): ModelCode {
  if (model.mathContext === "float") cannotConvert("RegressionModel@mathContext=float", "single-precision arithmetic is not converted", model.path);
  const plan = lowerRegression(model, { opType: target.opType, category: (text) => category(text, target) });
  if (plan.kind === "regression") {
    const y = tableValue(plan.table, env, block);
    const value = block.bind(
      lift(block, [y], ([x]) => ({ expr: inverseLink(plan.normalization, x.expr, model.path), type: "double", nullable: false })),
      "y",
    );
    return { value };
  }
  if ("fault" in plan.normalization) return cannotConvert("RegressionModel@normalizationMethod", plan.normalization.fault.message, model.path);
  const { scheme, categories } = plan.normalization;
  const ys = plan.tables.map((t) => block.bind(tableValue(t, env, block), "y"));
  // A missing table value makes the whole result missing (JPMML).
  const bindings: Record<string, Json> = {};
  const xs = ys.map((y) => {
    if (!y.nullable) return y.expr;
    const name = block.fresh("p");
    bindings[name] = y.expr;
    return name;
  });
  const normalized = normalize(scheme, xs, block, model.path);
  const probs: Json =
    Object.keys(bindings).length === 0 ? normalized : { ifnotnull: bindings, then: normalized, else: { type: NULLABLE_PROBABILITIES, value: null } };
  return classificationResult(probs, categories, block, target);
}

const NULLABLE_PROBABILITIES: Json = ["null", { type: "array", items: "double" }];

/** The winning category (the first of equal maxima, a.argmax's order) and the probabilities. */
export function classificationResult(probs: Json, categories: readonly Value[], block: Block, target: TargetInfo): ModelCode {
  // Bound as a union with null whether or not it can be missing: outputs read it with ifnotnull.
  const name = block.fresh("probs");
  block.statements.push({ let: { [name]: { upcast: probs, as: NULLABLE_PROBABILITIES } } });
  const valueType = target.dataType === "string" || categories.some((c) => typeof c === "string") ? "string" : "double";
  const table = valueType === "string" ? { type: { type: "array", items: "string" }, value: categories.map(String) } : doubles(categories.map(Number));
  const k = block.fresh("k");
  const value: Code = {
    expr: { ifnotnull: { [k]: name }, then: { upcast: { attr: table as Json, path: [{ "a.argmax": [k] }] }, as: ["null", valueType] }, else: null },
    type: valueType,
    nullable: true,
  };
  return {
    value: block.bind(value, "pred"),
    categories: categories.map((c) => (valueType === "string" ? String(c) : c)),
    probabilities: name,
    valueIsCategory: true,
  };
}

function tableValue(table: RegressionTable, env: Env, block: Block): Code {
  const numeric = table.numericPredictors.map((p) => env.resolve(p.field));
  const termFields = table.predictorTerms.map((t) => t.fields.map((f) => env.resolve(f)));
  const required = [...numeric, ...termFields.flat()];
  const categorical = table.categoricalPredictors.map((p) => {
    const v = env.resolve(p.field);
    const value = typedLiteral(p.value, v.type, `CategoricalPredictor[@name=${p.field}]`);
    const s = block.fresh("c");
    const hit: Json = { if: { "==": [v.nullable ? s : v.expr, value.expr] }, then: literal(p.coefficient, "double").expr, else: { double: 0 } };
    // "If the input value is missing, then the categorical field is ignored."
    return v.nullable ? ({ ifnotnull: { [s]: v.expr }, then: hit, else: { double: 0 } } as Json) : hit;
  });
  return lift(block, required, (present) => {
    const terms: Json[] = [];
    table.numericPredictors.forEach((p, i) => {
      const x = present[i].expr;
      const power = p.exponent === 1 ? x : { "**": [x, literal(p.exponent, "double").expr] };
      terms.push({ "*": [literal(p.coefficient, "double").expr, power] });
    });
    terms.push(...categorical);
    let offset = numeric.length;
    table.predictorTerms.forEach((t) => {
      let product: Json = literal(t.coefficient, "double").expr;
      for (let j = 0; j < t.fields.length; j++) product = { "*": [product, present[offset + j].expr] };
      offset += t.fields.length;
      terms.push(product);
    });
    terms.push(literal(table.intercept, "double").expr);
    // y = 0; y += each term: 0 + t₁ is t₁, so the fold starts from the first term.
    return { expr: terms.reduce((a, b) => ({ "+": [a, b] })), type: "double", nullable: false };
  });
}

/** §Regression normalizationMethod for one value (the interpreter's normalizeRegression/inverseLink). */
export function inverseLink(method: string, y: Json, path?: string): Json {
  const one = { double: 1 };
  const exp = (x: Json): Json => ({ "m.exp": x });
  switch (method) {
    case "none":
    case "simplemax":
      return y;
    case "logit":
    case "softmax":
      return { "/": [one, { "+": [one, exp({ "u-": y })] }] };
    case "exp":
      return exp(y);
    case "probit":
      return { "*": [{ double: 0.5 }, { "m.special.erfc": { "/": [{ "u-": y }, { double: Math.SQRT2 }] } }] };
    case "cloglog":
      return { "-": [one, exp({ "u-": exp(y) })] };
    case "loglog":
      return exp({ "u-": exp({ "u-": y }) });
    case "cauchit":
      return { "+": [{ double: 0.5 }, { "*": [{ "/": [one, { "m.pi": [] }] }, { "m.atan": y }] }] };
    default:
      return cannotConvert(`RegressionModel@normalizationMethod=${method}`, "no PFA translation", path);
  }
}

type Scheme = Exclude<import("@porta/ir").ClassificationScheme, { kind: "refused" }>;

/** Probabilities from present table values, as the interpreter's normalizeClassification. */
function normalize(scheme: Scheme, ys: Json[], block: Block, path?: string): Json {
  const arr = (xs: Json[]): Json => ({ new: xs, type: { type: "array", items: "double" } });
  const one = { double: 1 };
  const sumOf = (xs: Json[]): Json => xs.reduce((a, b) => ({ "+": [a, b] }));
  const link = (method: string, y: Json): Json => (method === "none" ? { min: [{ max: [y, { double: 0 }] }, one] } : inverseLink(method, y, path));
  switch (scheme.kind) {
    case "binomial": {
      const p0 = block.fresh("p0");
      return { do: [{ let: { [p0]: link(scheme.link, ys[0]) } }, arr([p0, { "-": [one, p0] }])] };
    }
    case "ordinal":
      return cannotConvert("RegressionModel (ordinal target)", "cumulative link models are not converted", path);
    case "multinomial":
      break;
  }
  switch (scheme.method) {
    case "softmax": {
      const max = block.fresh("max");
      const es = ys.map(() => block.fresh("e"));
      const sum = block.fresh("sum");
      // Math.max over the values, then exp(y - max) each, their left-to-right sum, and e / sum.
      const maxExpr = ys.reduce((a, b) => ({ max: [a, b] }));
      return {
        do: [
          { let: { [max]: maxExpr } },
          ...es.map((e, i): Json => ({ let: { [e]: { "m.exp": { "-": [ys[i], max] } } } })),
          { let: { [sum]: sumOf(es) } },
          arr(es.map((e) => ({ "/": [e, sum] }))),
        ],
      };
    }
    case "logit":
    case "simplemax": {
      const vs = ys.map(() => block.fresh("l"));
      const sum = block.fresh("sum");
      return {
        do: [
          ...vs.map((v, i): Json => ({ let: { [v]: scheme.method === "logit" ? inverseLink("logit", ys[i]) : ys[i] } })),
          { let: { [sum]: sumOf(vs) } },
          arr(vs.map((v) => ({ "/": [v, sum] }))),
        ],
      };
    }
    case "identity":
      return arr(ys);
    case "none": {
      // The last category gets the residual 1 − Σ of the others (JPMML).
      const head = ys.slice(0, -1);
      return arr([...head, { "-": [one, head.length === 0 ? { double: 0 } : sumOf(head)] }]);
    }
  }
}
