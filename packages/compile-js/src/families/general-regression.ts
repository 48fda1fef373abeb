import {
  formatValue, toDataType, valuesEqual,
  type GeneralRegressionLink, type GeneralRegressionModel, type GeneralRegressionPredictor, type PCell, type Value,
} from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { codeOf, MISSING_CODE } from "../columns.ts";
import { declareLocals, type FamilyRow, type KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";

interface PPRow {
  factors: { field: string; category: string; predictor: GeneralRegressionPredictor }[];
  covariates: { field: string; exponent?: number }[];
}

const DEFAULT = "\u0000default";

/**
 * GeneralRegressionModel as the interpreter's evaluateGeneralRegression: the PPMatrix and
 * ParamMatrix are grouped at compile time exactly as its `prepare` does; each linear predictor
 * becomes a function of the row summing β × row(x) in ParamMatrix order (a row's factor product
 * of 0 skips its covariates, as JPMML), NaN standing for the interpreter's null.
 */
export function compileGeneralRegression(model: GeneralRegressionModel, ctx: KernelContext, target: TargetFacts): FamilyRow {
  if (model.modelType === "CoxRegression") throw new NotCompilable("GeneralRegressionModel modelType=CoxRegression");
  if (model.offsetVariable !== undefined) throw new NotCompilable("GeneralRegressionModel offsetVariable");
  if (model.trialsVariable !== undefined) throw new NotCompilable("GeneralRegressionModel trialsVariable");
  const keyOf = (text: string | undefined) => (text === undefined ? DEFAULT : formatValue(target.category(text)));
  const factors = new Map(model.factors.map((p) => [p.field, p]));
  const covariates = new Set(model.covariates.map((p) => p.field));
  const ppRows = new Map<string, Map<string, PPRow>>();
  for (const cell of model.ppMatrix) {
    const key = keyOf(cell.targetCategory);
    let rows = ppRows.get(key);
    if (!rows) ppRows.set(key, rows = new Map());
    let row = rows.get(cell.parameterName);
    if (!row) rows.set(cell.parameterName, row = { factors: [], covariates: [] });
    const factor = factors.get(cell.field);
    if (factor) {
      if (factor.contrastMatrix) throw new NotCompilable("GeneralRegressionModel contrast matrix");
      row.factors.push({ field: cell.field, category: cell.value, predictor: factor });
    } else if (covariates.has(cell.field)) {
      const exponent = Number(cell.value);
      if (Number.isNaN(exponent) || cell.value.trim() === "") throw new NotCompilable("PPCell with a non-numeric covariate exponent");
      row.covariates.push({ field: cell.field, exponent: exponent === 1 ? undefined : exponent });
    } else {
      throw new NotCompilable("PPCell naming neither a factor nor a covariate");
    }
  }
  const paramCells = new Map<string, PCell[]>();
  for (const cell of model.paramMatrix) {
    const key = keyOf(cell.targetCategory);
    let cells = paramCells.get(key);
    if (!cells) paramCells.set(key, cells = []);
    cells.push(cell);
  }
  const exp = ctx.helper("exp");
  const value = ctx.names.name("value");

  if (model.functionName === "regression") {
    const rows = ppRows.size === 0 ? new Map<string, PPRow>() : ppRows.get(DEFAULT);
    const cells = paramCells.get(DEFAULT);
    if (!rows || paramCells.size !== 1 || !cells) throw new NotCompilable("regression GeneralRegressionModel with per-category matrices");
    if (model.modelType !== "regression" && model.modelType !== "generalLinear" && model.modelType !== "generalizedLinear") throw new NotCompilable(`regression GeneralRegressionModel modelType=${model.modelType}`);
    const eta = etaFunction(cells, rows, ctx);
    const y = ctx.names.name("eta");
    const result = model.modelType === "generalizedLinear" ? linkCode(model, y, ctx, exp) : y;
    return { body: _`const ${y} = ${eta}(i); const ${value} = ${y} !== ${y} ? NaN : ${result};`, value, kind: "number" };
  }
  if (model.functionName !== "classification") throw new NotCompilable(`GeneralRegressionModel ${model.functionName}`);
  const type = model.modelType;
  if (type !== "multinomialLogistic" && type !== "ordinalMultinomial" && type !== "generalizedLinear") throw new NotCompilable(`classification GeneralRegressionModel modelType=${type}`);
  const categories = orderedCategories(model, paramCells, target);
  const values = categories.map(() => ctx.names.name("p"));
  const missing = ctx.names.name("miss");
  const statements: Code[] = [_`let ${missing} = false;`];
  const last = categories.length - 1;
  for (let k = 0; k < last; k++) {
    const key = formatValue(categories[k]);
    const rows = ppRows.size === 0 ? new Map<string, PPRow>() : (ppRows.get(key) ?? ppRows.get(DEFAULT));
    if (!rows) throw new NotCompilable("GeneralRegressionModel target category without PPCells");
    let cells: PCell[] | undefined;
    if (type === "ordinalMultinomial") {
      const intercept = paramCells.get(key);
      const common = paramCells.get(DEFAULT);
      if (!intercept || intercept.length !== 1 || !common) throw new NotCompilable("ordinalMultinomial ParamMatrix without one intercept per category");
      cells = [...intercept, ...common];
    } else {
      cells = paramCells.get(key);
      if (!cells && categories.length === 2) cells = paramCells.get(DEFAULT);
      if (!cells) throw new NotCompilable("GeneralRegressionModel target category without PCells");
    }
    const eta = ctx.names.name("eta");
    statements.push(_`const ${eta} = ${etaFunction(cells, rows, ctx)}(i); if (${eta} !== ${eta}) ${missing} = true;`);
    const v = type === "generalizedLinear" ? linkCode(model, eta, ctx, exp) : type === "multinomialLogistic" ? _`${exp}(${eta})` : cumulativeCode(model, eta, ctx, exp);
    statements.push(_`${values[k]} = ${v};`);
  }
  if (type === "generalizedLinear") statements.push(_`${values[last]} = ${last === 0 ? _`1` : _`1 - ${values[last - 1]}`};`);
  else statements.push(_`${values[last]} = 1;`);
  if (type === "ordinalMultinomial") {
    // value − previous cumulative, as the interpreter; from the last category down so each
    // difference still reads the previous category's cumulative value.
    for (let k = last; k >= 1; k--) statements.push(_`${values[k]} = ${values[k]} - ${values[k - 1]};`);
  }
  if (type === "multinomialLogistic") {
    const sum = ctx.names.name("sum");
    statements.push(_`let ${sum} = ${values[0]}; ${join(values.slice(1).map((p) => _`${sum} += ${p};`), " ")}
if (${sum} !== 1) { ${join(values.map((p) => _`${p} /= ${sum};`), " ")} }`);
  }
  const best = ctx.names.name("best");
  const body = _`let ${value} = ${MISSING_CODE}; ${declareLocals(values)}
{
${join(statements, "\n")}
if (${missing}) { ${join(values.map((p) => _`${p} = NaN;`), " ")} }
else { let ${best} = -Infinity; ${join(values.map((p, k) => _`if (${p} > ${best}) { ${best} = ${p}; ${value} = ${k}; }`), " ")} }
}`;
  return { body, value, kind: "category", categories, probabilities: values, staticProbabilities: true };
}

/** `eta(i)`: Σ β × row(x) in cell order, NaN when a reached predictor is missing. */
function etaFunction(cells: PCell[], rows: Map<string, PPRow>, ctx: KernelContext): Name {
  if (cells.length === 0) throw new NotCompilable("GeneralRegressionModel without PCells");
  const fn = ctx.names.name("grmEta");
  const cache = new Map<PPRow, Name>();
  const statements: Code[] = [_`let r = 0;`];
  for (const cell of cells) {
    const row = rows.get(cell.parameterName);
    if (!row) { statements.push(_`r += ${cell.beta};`); continue; }
    let x = cache.get(row);
    if (!x) {
      x = ctx.names.name("x");
      cache.set(row, x);
      statements.push(rowCode(row, x, ctx));
    }
    statements.push(_`r += ${cell.beta} * ${x};`);
  }
  ctx.declare(_`function ${fn}(i) {
${join(statements, "\n")}
return r;
}`);
  return fn;
}

/** One PPMatrix row's product; returns NaN from the function when a reached field is missing. */
function rowCode(row: PPRow, x: Name, ctx: KernelContext): Code {
  const out: Code[] = [_`let ${x} = 1;`];
  for (const f of row.factors) {
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
    if (col.kind !== "number") throw new NotCompilable("GeneralRegressionModel covariate on a string field");
    const v = _`${col.at}`;
    cov.push(_`if (${v} !== ${v}) return NaN; ${x} = ${c.exponent === undefined ? _`${x} * ${v}` : _`${x} * Math.pow(${v}, ${c.exponent})`};`);
  }
  // A zero factor product decides the row: covariates are not looked at (JPMML).
  out.push(row.factors.length ? _`if (${x} !== 0) { ${join(cov, " ")} }` : join(cov, " "));
  return join(out, "\n");
}

/** μ = link⁻¹(η + offset) × trials. */
function linkCode(model: GeneralRegressionModel, eta: Code, ctx: KernelContext, exp: Name): Code {
  const link = model.linkFunction;
  if (link === undefined) throw new NotCompilable("generalizedLinear without linkFunction");
  const misplaced = (model.distParameter !== undefined) !== (link === "negbin") || (model.linkParameter !== undefined) !== (link === "oddspower" || link === "power");
  if (misplaced) throw new NotCompilable("distParameter/linkParameter that the linkFunction refuses or needs");
  const y = model.offsetValue !== undefined ? _`(${eta} + ${model.offsetValue})` : eta;
  const mu = inverseLink(model, link, y, ctx, exp);
  return model.trialsValue !== undefined ? _`(${mu}) * ${model.trialsValue}` : mu;
}

function inverseLink(model: GeneralRegressionModel, link: GeneralRegressionLink, y: Code, ctx: KernelContext, exp: Name): Code {
  switch (link) {
    case "cloglog": return _`(1 - ${exp}(-${exp}(${y})))`;
    case "identity": return y;
    case "log": return _`${exp}(${y})`;
    case "logc": return _`(1 - ${exp}(${y}))`;
    case "logit": return _`(1 / (1 + ${exp}(-${y})))`;
    case "loglog": return _`${exp}(-${exp}(-${y}))`;
    case "probit": return _`${ctx.helper("normalCdf")}(${y})`;
    case "negbin": {
      const c = model.distParameter;
      if (c === undefined) throw new NotCompilable("negbin link without distParameter");
      return _`(1 / (${c} * (${exp}(-${y}) - 1)))`;
    }
    case "oddspower": {
      const d = model.linkParameter;
      if (d === undefined) throw new NotCompilable("oddspower link without linkParameter");
      return d !== 0 ? _`(1 / (1 + Math.pow(1 + ${d} * ${y}, -(1 / ${d}))))` : _`(1 / (1 + ${exp}(-${y})))`;
    }
    case "power": {
      const d = model.linkParameter;
      if (d === undefined) throw new NotCompilable("power link without linkParameter");
      return d !== 0 ? _`Math.pow(${y}, 1 / ${d})` : _`${exp}(${y})`;
    }
  }
}

function cumulativeCode(model: GeneralRegressionModel, eta: Code, ctx: KernelContext, exp: Name): Code {
  const link = model.cumulativeLink;
  if (link === undefined) throw new NotCompilable("ordinalMultinomial without cumulativeLink");
  const y = model.offsetValue !== undefined ? _`(${eta} + ${model.offsetValue})` : eta;
  switch (link) {
    case "logit": return _`(1 / (1 + ${exp}(-${y})))`;
    case "probit": return _`${ctx.helper("normalCdf")}(${y})`;
    case "cloglog": return _`(1 - ${exp}(-${exp}(${y})))`;
    case "loglog": return _`${exp}(-${exp}(-${y}))`;
    case "cauchit": return _`(0.5 + (1 / Math.PI) * Math.atan(${y}))`;
  }
}

/** The interpreter's orderedCategories: the declared categories, the reference category last. */
function orderedCategories(model: GeneralRegressionModel, paramCells: Map<string, PCell[]>, target: TargetFacts): Value[] {
  const categories = target.categories.slice();
  if (categories.length < 2) throw new NotCompilable("classification GeneralRegressionModel with fewer than two categories");
  let reference: Value | undefined = model.targetReferenceCategory === undefined ? undefined : target.category(model.targetReferenceCategory);
  if (reference === undefined && model.modelType !== "ordinalMultinomial") {
    const absent = categories.filter((c) => !paramCells.has(formatValue(c)));
    if (absent.length === 1) reference = absent[0];
    else throw new NotCompilable("GeneralRegressionModel without a reference category");
  }
  if (reference !== undefined) {
    const idx = categories.findIndex((c) => valuesEqual(c, reference!));
    if (idx >= 0) {
      const [ref] = categories.splice(idx, 1);
      categories.push(ref);
    }
  }
  return categories;
}
