import { lowerGeneralRegression, type GrmCumulativeLink, type GeneralRegressionModel, type GrmLink, type GrmRow, type GrmTerm } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { codeOf, MISSING_CODE } from "../columns.ts";
import { declareLocals, type ColumnRef, type FamilyRow, type KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";
import { planOrRefuse } from "./plan.ts";

/**
 * GeneralRegressionModel from its lowered plan (matrices grouped per linear predictor, reference
 * category last, link checked): each linear predictor becomes a function of the row summing
 * β × row(x) in ParamMatrix order (a row's factor product of 0 skips its covariates, as JPMML),
 * NaN standing for the interpreter's null.
 */
export function compileGeneralRegression(model: GeneralRegressionModel, ctx: KernelContext, target: TargetFacts): FamilyRow {
  const plan = planOrRefuse("GeneralRegressionModel", () => lowerGeneralRegression(model, target));
  if (plan.kind === "cox") throw new NotCompilable("GeneralRegressionModel modelType=CoxRegression");
  // Read per row by the interpreter: compile-js takes the constant offsetValue/trialsValue only.
  if (model.offsetVariable !== undefined) throw new NotCompilable("GeneralRegressionModel offsetVariable");
  if (model.trialsVariable !== undefined) throw new NotCompilable("GeneralRegressionModel trialsVariable");
  const exp = ctx.helper("exp");
  const value = ctx.names.name("value");

  if (plan.kind === "regression") {
    const eta = etaFunction(plan.eta, ctx);
    const y = ctx.names.name("eta");
    const result = plan.link ? linkCode(model, plan.link, y, ctx, exp) : y;
    return { body: _`const ${y} = ${eta}(i); const ${value} = ${y} !== ${y} ? NaN : ${result};`, value, kind: "number" };
  }
  const type = plan.modelType;
  const categories = [...plan.categories];
  const values = categories.map(() => ctx.names.name("p"));
  const missing = ctx.names.name("miss");
  const statements: Code[] = [_`let ${missing} = false;`];
  const last = categories.length - 1;
  plan.etas.forEach((terms, k) => {
    const eta = ctx.names.name("eta");
    statements.push(_`const ${eta} = ${etaFunction(terms, ctx)}(i); if (${eta} !== ${eta}) ${missing} = true;`);
    const v =
      type === "generalizedLinear"
        ? linkCode(model, plan.link!, eta, ctx, exp)
        : type === "multinomialLogistic"
          ? _`${exp}(${eta})`
          : cumulativeCode(model, plan.cumulativeLink!, eta, ctx, exp);
    statements.push(_`${values[k]} = ${v};`);
  });
  if (type === "generalizedLinear") statements.push(_`${values[last]} = ${last === 0 ? _`1` : _`1 - ${values[last - 1]}`};`);
  else statements.push(_`${values[last]} = 1;`);
  if (type === "ordinalMultinomial") {
    // value − previous cumulative, as the interpreter; from the last category down so each
    // difference still reads the previous category's cumulative value.
    for (let k = last; k >= 1; k--) statements.push(_`${values[k]} = ${values[k]} - ${values[k - 1]};`);
  }
  if (type === "multinomialLogistic") {
    const sum = ctx.names.name("sum");
    statements.push(_`let ${sum} = ${values[0]}; ${join(
      values.slice(1).map((p) => _`${sum} += ${p};`),
      " ",
    )}
if (${sum} !== 1) { ${join(
      values.map((p) => _`${p} /= ${sum};`),
      " ",
    )} }`);
  }
  const best = ctx.names.name("best");
  const body = _`let ${value} = ${MISSING_CODE}; ${declareLocals(values)}
{
${join(statements, "\n")}
if (${missing}) { ${join(
    values.map((p) => _`${p} = NaN;`),
    " ",
  )} }
else { let ${best} = -Infinity; ${join(
    values.map((p, k) => _`if (${p} > ${best}) { ${best} = ${p}; ${value} = ${k}; }`),
    " ",
  )} }
}`;
  return { body, value, kind: "category", categories, probabilities: values, staticProbabilities: true };
}

/** `eta(i)`: Σ β × row(x) in cell order, NaN when a reached predictor is missing. */
function etaFunction(terms: readonly GrmTerm[], ctx: KernelContext): Name {
  // No PCells: the interpreter's η is null (missing) on every row.
  if (terms.length === 0) throw new NotCompilable("GeneralRegressionModel without PCells");
  const fn = ctx.names.name("grmEta");
  const cache = new Map<GrmRow, Name>();
  const statements: Code[] = [_`let r = 0;`];
  for (const term of terms) {
    const row = term.row;
    if (!row) {
      statements.push(_`r += ${term.beta};`);
      continue;
    }
    let x = cache.get(row);
    if (!x) {
      x = ctx.names.name("x");
      cache.set(row, x);
      statements.push(rowCode(row, x, ctx));
    }
    statements.push(_`r += ${term.beta} * ${x};`);
  }
  ctx.declare(_`function ${fn}(i) {
${join(statements, "\n")}
return r;
}`);
  return fn;
}

/** One PPMatrix row's product; returns NaN from the function when a reached field is missing. */
function rowCode(row: GrmRow, x: Name, ctx: KernelContext): Code {
  const out: Code[] = [_`let ${x} = 1;`];
  for (const f of row.factors) {
    if (f.predictor.contrastMatrix) throw new NotCompilable("GeneralRegressionModel contrast matrix");
    const col = ctx.column(f.field);
    if (col.kind === "category") {
      const code = codeOf(col.input!, f.category);
      out.push(_`if (${col.at} === ${MISSING_CODE}) return NaN; if (${col.at} !== ${code}) ${x} = ${x} * 0;`);
    } else {
      const lit = ctx.numericLiteral(f.field, f.category);
      if (lit === undefined) throw new NotCompilable("GeneralRegressionModel factor level with text on a numeric field");
      out.push(_`if (${col.at} !== ${col.at}) return NaN; if (${col.at} !== ${lit}) ${x} = ${x} * 0;`);
    }
  }
  if (row.covariates.length === 0) return join(out, "\n");
  const cov: Code[] = [];
  for (const c of row.covariates) {
    const col = ctx.column(c.field);
    const v = ctx.names.name("cv");
    cov.push(
      _`const ${v} = ${col.kind === "number" ? col.at : categoryNumber(col, ctx)}; if (${v} !== ${v}) return NaN; ${x} = ${c.exponent === undefined ? _`${x} * ${v}` : _`${x} * Math.pow(${v}, ${c.exponent})`};`,
    );
  }
  // A zero factor product decides the row: covariates are not looked at (JPMML).
  out.push(row.factors.length ? _`if (${x} !== 0) { ${join(cov, " ")} }` : join(cov, " "));
  return join(out, "\n");
}

/**
 * A covariate on a string field (R pmml writes MapValues to numeric text, typed string, as a
 * covariate): the number of the row's code, from a per-batch table of the column's texts.
 */
function categoryNumber(col: ColumnRef, ctx: KernelContext): Code {
  const numbers = ctx.names.name("covNumbers");
  ctx.declare(_`let ${numbers};`);
  ctx.step(_`${numbers} = ${ctx.helper("categoryNumbers")}(${ctx.textsOf(col)});`);
  // A code past the batch's texts is none the interpreter could meet; it reads as missing.
  return _`(${numbers}[${col.at} + 1] ?? NaN)`;
}

/** μ = link⁻¹(η + offset) × trials, with the plan's checked link and parameter. */
function linkCode(model: GeneralRegressionModel, link: GrmLink, eta: Code, ctx: KernelContext, exp: Name): Code {
  // Raised by the interpreter on the rows whose prediction reaches the link.
  if ("fault" in link) throw new NotCompilable(`GeneralRegressionModel linkFunction (${link.fault.code})`);
  const y = model.offsetValue !== undefined ? _`(${eta} + ${model.offsetValue})` : eta;
  const mu = inverseLink(link, y, ctx, exp);
  return model.trialsValue !== undefined ? _`(${mu}) * ${model.trialsValue}` : mu;
}

function inverseLink(link: Exclude<GrmLink, { fault: unknown }>, y: Code, ctx: KernelContext, exp: Name): Code {
  switch (link.link) {
    case "cloglog":
      return _`(1 - ${exp}(-${exp}(${y})))`;
    case "identity":
      return y;
    case "log":
      return _`${exp}(${y})`;
    case "logc":
      return _`(1 - ${exp}(${y}))`;
    case "logit":
      return _`(1 / (1 + ${exp}(-${y})))`;
    case "loglog":
      return _`${exp}(-${exp}(-${y}))`;
    case "probit":
      return _`${ctx.helper("normalCdf")}(${y})`;
    case "negbin":
      return _`(1 / (${link.parameter!} * (${exp}(-${y}) - 1)))`;
    case "oddspower": {
      const d = link.parameter!;
      return d !== 0 ? _`(1 / (1 + Math.pow(1 + ${d} * ${y}, -(1 / ${d}))))` : _`(1 / (1 + ${exp}(-${y})))`;
    }
    case "power": {
      const d = link.parameter!;
      return d !== 0 ? _`Math.pow(${y}, 1 / ${d})` : _`${exp}(${y})`;
    }
  }
}

function cumulativeCode(model: GeneralRegressionModel, cumulative: GrmCumulativeLink, eta: Code, ctx: KernelContext, exp: Name): Code {
  if ("fault" in cumulative) throw new NotCompilable(`GeneralRegressionModel cumulativeLink (${cumulative.fault.code})`);
  const y = model.offsetValue !== undefined ? _`(${eta} + ${model.offsetValue})` : eta;
  switch (cumulative.link) {
    case "logit":
      return _`(1 / (1 + ${exp}(-${y})))`;
    case "probit":
      return _`${ctx.helper("normalCdf")}(${y})`;
    case "cloglog":
      return _`(1 - ${exp}(-${exp}(${y})))`;
    case "loglog":
      return _`${exp}(-${exp}(-${y}))`;
    case "cauchit":
      return _`(0.5 + (1 / Math.PI) * Math.atan(${y}))`;
  }
}
