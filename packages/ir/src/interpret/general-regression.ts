import type {
  CumulativeLink, GeneralRegressionLink, GeneralRegressionModel, GeneralRegressionPredictor, PCell,
} from "../models/general-regression.ts";
import type { ModelResult } from "../model.ts";
import { EvaluationError, SchemaError } from "../errors.ts";
import { formatValue, toNumber, valuesEqual, type Value } from "../values.ts";
import { coerceLiteral } from "./predicate.ts";
import type { ModelScope } from "./scope.ts";
import { toCategory, type TargetInfo } from "./target.ts";
import { normalCdf } from "./normal.ts";
import { exp } from "./exp.ts";

/** A factor cell of a PPMatrix row: a category indicator, or a contrast-matrix lookup. */
interface FactorTerm {
  field: string;
  category: string;
  predictor: GeneralRegressionPredictor;
}

/** A covariate cell of a PPMatrix row: x, or x^exponent. */
interface CovariateTerm {
  field: string;
  /** undefined when the exponent is 1 (plain multiplication, as JPMML does). */
  exponent?: number;
}

/** The predictor side of one parameter: Π factors × Π covariates (§GeneralRegression PPMatrix). */
interface PPRow {
  factors: FactorTerm[];
  covariates: CovariateTerm[];
}

/** Key of the default group (cells without targetCategory). */
const DEFAULT = "\u0000default";

interface PreparedGrm {
  /** targetCategory (canonical text, or DEFAULT) → parameterName → row. */
  ppRows: Map<string, Map<string, PPRow>>;
  /** targetCategory (canonical text, or DEFAULT) → cells in document order. */
  paramCells: Map<string, PCell[]>;
}

const prepared = new WeakMap<GeneralRegressionModel, PreparedGrm>();

function categoryKey(text: string | undefined, target: TargetInfo): string {
  return text === undefined ? DEFAULT : formatValue(toCategory(text, target));
}

function prepare(model: GeneralRegressionModel, target: TargetInfo): PreparedGrm {
  const cached = prepared.get(model);
  if (cached) return cached;
  const factors = new Map(model.factors.map((p) => [p.field, p]));
  const covariates = new Map(model.covariates.map((p) => [p.field, p]));
  const ppRows = new Map<string, Map<string, PPRow>>();
  for (const cell of model.ppMatrix) {
    const key = categoryKey(cell.targetCategory, target);
    let rows = ppRows.get(key);
    if (!rows) ppRows.set(key, rows = new Map());
    let row = rows.get(cell.parameterName);
    if (!row) rows.set(cell.parameterName, row = { factors: [], covariates: [] });
    const factor = factors.get(cell.field);
    if (factor) {
      row.factors.push({ field: cell.field, category: cell.value, predictor: factor });
      continue;
    }
    if (covariates.has(cell.field)) {
      const exponent = Number(cell.value);
      if (Number.isNaN(exponent) || cell.value.trim() === "") {
        throw new SchemaError("PMML_GRM_EXPONENT", `PPCell for covariate "${cell.field}" needs a numeric value (its exponent)`, { path: model.path, value: cell.value });
      }
      row.covariates.push({ field: cell.field, exponent: exponent === 1 ? undefined : exponent });
      continue;
    }
    throw new SchemaError("PMML_GRM_PREDICTOR", `PPCell names "${cell.field}", which is neither in the FactorList nor in the CovariateList`, { path: `${model.path}/PPMatrix`, value: cell.field });
  }
  const paramCells = new Map<string, PCell[]>();
  for (const cell of model.paramMatrix) {
    const key = categoryKey(cell.targetCategory, target);
    let cells = paramCells.get(key);
    if (!cells) paramCells.set(key, cells = []);
    cells.push(cell);
  }
  const result = { ppRows, paramCells };
  prepared.set(model, result);
  return result;
}

/** GeneralRegressionModel (PMML 4.4 §GeneralRegression), with JPMML's order of operations. */
export function evaluateGeneralRegression(model: GeneralRegressionModel, scope: ModelScope, target: TargetInfo): ModelResult {
  const p = prepare(model, target);
  switch (model.functionName) {
    case "regression":
      return model.modelType === "CoxRegression" ? evaluateCox(model, p, scope) : evaluateGeneral(model, p, scope);
    case "classification":
      return evaluateClassification(model, p, scope, target);
    default:
      throw new SchemaError("PMML_FUNCTION_NAME", `GeneralRegressionModel cannot do ${model.functionName}`, { path: model.path, value: model.functionName });
  }
}

function defaultRows(model: GeneralRegressionModel, p: PreparedGrm): Map<string, PPRow> {
  if (p.ppRows.size === 0) return new Map();
  const rows = p.ppRows.get(DEFAULT);
  if (!rows) {
    throw new SchemaError("PMML_GRM_PPMATRIX", "a regression GeneralRegressionModel needs PPCells without targetCategory", { path: `${model.path}/PPMatrix`, value: null });
  }
  return rows;
}

function defaultCells(model: GeneralRegressionModel, p: PreparedGrm): PCell[] {
  const cells = p.paramCells.get(DEFAULT);
  if (p.paramCells.size !== 1 || !cells) {
    throw new SchemaError("PMML_GRM_PARAMMATRIX", "a regression GeneralRegressionModel needs one set of PCells without targetCategory", { path: `${model.path}/ParamMatrix`, value: [...p.paramCells.keys()].filter((k) => k !== DEFAULT) });
  }
  return cells;
}

function evaluateGeneral(model: GeneralRegressionModel, p: PreparedGrm, scope: ModelScope): ModelResult {
  let y = dotProduct(defaultCells(model, p), defaultRows(model, p), scope);
  if (y === null) return { value: null };
  switch (model.modelType) {
    case "regression":
    case "generalLinear":
      break;
    case "generalizedLinear":
      y = computeLink(model, y, scope);
      break;
    default:
      throw new SchemaError("PMML_GRM_MODEL_TYPE", `modelType "${model.modelType}" cannot do regression`, { path: model.path, value: model.modelType });
  }
  return { value: y };
}

/**
 * Classification: one linear predictor per category but the last (the reference category);
 * multinomialLogistic normalises exp(η), ordinalMultinomial takes differences of the cumulative
 * link, generalizedLinear gives link⁻¹(η) and the last category 1 − the previous one.
 */
function evaluateClassification(model: GeneralRegressionModel, p: PreparedGrm, scope: ModelScope, target: TargetInfo): ModelResult {
  const type = model.modelType;
  if (type !== "multinomialLogistic" && type !== "ordinalMultinomial" && type !== "generalizedLinear") {
    throw new SchemaError("PMML_GRM_MODEL_TYPE", `modelType "${type}" cannot do classification`, { path: model.path, value: type });
  }
  const categories = orderedCategories(model, p, target);
  const values: number[] = [];
  let previousLink: number | null = null;
  let previousCumulative: number | null = null;
  for (let i = 0; i < categories.length; i++) {
    const key = formatValue(categories[i]);
    let value: number;
    if (i < categories.length - 1) {
      const rows = p.ppRows.size === 0 ? new Map<string, PPRow>() : (p.ppRows.get(key) ?? p.ppRows.get(DEFAULT));
      if (!rows) {
        throw new SchemaError("PMML_GRM_PPMATRIX", `no PPCells apply to target category "${key}"`, { path: `${model.path}/PPMatrix`, value: key });
      }
      let cells: PCell[] | undefined;
      if (type === "ordinalMultinomial") {
        // "ParamMatrix specifies different values for the intercept parameter: one for each
        // target category except one. Values for all other parameters are constant."
        const intercept = p.paramCells.get(key);
        const common = p.paramCells.get(DEFAULT);
        if (!intercept || intercept.length !== 1 || !common) {
          throw new SchemaError("PMML_GRM_PARAMMATRIX", `ordinalMultinomial needs one intercept PCell for "${key}" and PCells without targetCategory`, { path: `${model.path}/ParamMatrix`, value: key });
        }
        cells = [...intercept, ...common];
      } else {
        cells = p.paramCells.get(key);
        // Binomial models may leave targetCategory out of their PCells.
        if (!cells && categories.length === 2) cells = p.paramCells.get(DEFAULT);
        if (!cells) {
          throw new SchemaError("PMML_GRM_PARAMMATRIX", `no PCells for target category "${key}"`, { path: `${model.path}/ParamMatrix`, value: key });
        }
      }
      const eta = dotProduct(cells, rows, scope);
      if (eta === null) return { value: null };
      if (type === "generalizedLinear") value = computeLink(model, eta, scope);
      else if (type === "multinomialLogistic") value = exp(eta);
      else value = computeCumulativeLink(model, eta, scope);
    } else {
      if (type === "generalizedLinear") value = previousLink === null ? 1 : 1 - previousLink;
      // "By convention, the vector of Parameter estimates for the last category is 0."
      else if (type === "multinomialLogistic") value = exp(0);
      else value = 1;
    }
    if (type === "generalizedLinear") {
      previousLink = value;
    } else if (type === "ordinalMultinomial") {
      const cumulative = value;
      if (previousCumulative !== null) value = value - previousCumulative;
      previousCumulative = cumulative;
    }
    values.push(value);
  }
  if (type === "multinomialLogistic") normalizeSimpleMax(values);
  const probabilities = new Map<Value, number>();
  let best: Value = null, bestP = -Infinity;
  categories.forEach((c, i) => {
    probabilities.set(c, values[i]);
    if (values[i] > bestP) { best = c; bestP = values[i]; }
  });
  return { value: best, probabilities };
}

/** Σ then divide, skipping the division when the sum is exactly 1 (JPMML's ValueUtil). */
function normalizeSimpleMax(values: number[]): void {
  if (values.length === 0) return;
  let sum = values[0];
  for (let i = 1; i < values.length; i++) sum += values[i];
  if (sum === 1) return;
  for (let i = 0; i < values.length; i++) values[i] /= sum;
}

/** Target categories with the reference category moved last (§GeneralRegression targetReferenceCategory). */
function orderedCategories(model: GeneralRegressionModel, p: PreparedGrm, target: TargetInfo): Value[] {
  // JPMML takes the categories of the target field only (its Values), and needs two at least.
  const categories = target.categories.slice();
  if (categories.length < 2) {
    throw new SchemaError("PMML_GRM_CATEGORIES", "a classification GeneralRegressionModel needs a target field with at least two categories (Values)", { path: model.path, value: categories.map(formatValue) });
  }
  let reference: Value | undefined = model.targetReferenceCategory === undefined ? undefined : toCategory(model.targetReferenceCategory, target);
  if (reference === undefined && model.modelType !== "ordinalMultinomial") {
    // "The reference category is the one from DataDictionary that does not appear in the ParamMatrix."
    const absent = categories.filter((c) => !p.paramCells.has(formatValue(c)));
    // Exactly one category must be absent: binomial PCells without targetCategory do not tell it.
    if (absent.length === 1) {
      reference = absent[0];
    } else {
      throw new SchemaError("PMML_GRM_REFERENCE_CATEGORY", "cannot tell the reference category: give targetReferenceCategory", { path: `${model.path}/ParamMatrix`, value: absent.map(formatValue) });
    }
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

/** Σ beta × row(x) over the cells, in document order; a missing predictor makes it missing. */
function dotProduct(cells: PCell[], rows: Map<string, PPRow>, scope: ModelScope): number | null {
  let result: number | null = null;
  for (const cell of cells) {
    if (result === null) result = 0;
    const row = rows.get(cell.parameterName);
    if (row) {
      const x = evaluateRow(row, scope);
      if (x === null) return null;
      result += cell.beta * x;
    } else {
      result += cell.beta;
    }
  }
  return result;
}

function evaluateRow(row: PPRow, scope: ModelScope): number | null {
  let product = 1;
  for (const f of row.factors) {
    const v = scope.resolve(f.field);
    if (v === null) return null;
    product = updateFactor(product, f, v, scope);
  }
  // A zero factor product decides the row: covariates are not even looked at (JPMML).
  if (product === 0) return product;
  for (const c of row.covariates) {
    const v = scope.resolve(c.field);
    if (v === null) return null;
    const x = toNumber(v);
    product = c.exponent === undefined ? product * x : product * Math.pow(x, c.exponent);
  }
  return product;
}

function updateFactor(product: number, f: FactorTerm, v: Value, scope: ModelScope): number {
  const matrix = f.predictor.contrastMatrix;
  if (!matrix) {
    return valuesEqual(v, coerceLiteral(f.category, v, scope, f.field)) ? product : product * 0;
  }
  const categories = f.predictor.categories ?? [];
  const row = categories.findIndex((c) => valuesEqual(v, coerceLiteral(c, v, scope, f.field)));
  const column = categories.indexOf(f.category);
  if (row < 0 || column < 0) {
    throw new EvaluationError("PMML_GRM_CONTRAST", `value of "${f.field}" has no row in its contrast matrix`, { value: formatValue(v) });
  }
  const element = matrix.rows[row]?.[column];
  if (element === undefined || Number.isNaN(element)) {
    throw new EvaluationError("PMML_GRM_CONTRAST", `contrast matrix of "${f.field}" has no element (${row + 1}, ${column + 1})`, { value: [row + 1, column + 1] });
  }
  return product * element;
}

function requiredVariable(scope: ModelScope, name: string, what: string): Value {
  const v = scope.resolve(name);
  if (v === null) throw new EvaluationError("PMML_MISSING_VALUE", `${what} "${name}" is missing`, { value: name });
  return v;
}

function offset(model: GeneralRegressionModel, scope: ModelScope): number | undefined {
  if (model.offsetVariable !== undefined) return toNumber(requiredVariable(scope, model.offsetVariable, "offsetVariable"));
  return model.offsetValue;
}

function trials(model: GeneralRegressionModel, scope: ModelScope): number | undefined {
  if (model.trialsVariable !== undefined) {
    const n = toNumber(requiredVariable(scope, model.trialsVariable, "trialsVariable"));
    if (!Number.isInteger(n)) throw new EvaluationError("PMML_GRM_TRIALS", `trialsVariable "${model.trialsVariable}" is not an integer`, { value: n });
    return n;
  }
  return model.trialsValue;
}

/** μ = link⁻¹(η + offset) × trials (§GeneralRegression, generalizedLinear). */
function computeLink(model: GeneralRegressionModel, eta: number, scope: ModelScope): number {
  const link = model.linkFunction;
  if (link === undefined) {
    throw new SchemaError("PMML_MISSING_ATTRIBUTE", "generalizedLinear needs a linkFunction", { path: model.path, value: "linkFunction" });
  }
  checkLinkParameters(model, link);
  let y = eta;
  const a = offset(model, scope);
  if (a !== undefined) y += a;
  y = inverseLink(model, link, y);
  const b = trials(model, scope);
  if (b !== undefined) y *= b;
  return y;
}

/**
 * JPMML's computeLink refuses a distParameter beside any link but negbin and a linkParameter
 * beside any but oddspower and power (MisplacedAttributeException), and needs them there.
 */
export function checkLinkParameters(model: GeneralRegressionModel, link: GeneralRegressionLink): void {
  const needsDist = link === "negbin";
  const needsLink = link === "oddspower" || link === "power";
  for (const [name, v, needed] of [["distParameter", model.distParameter, needsDist], ["linkParameter", model.linkParameter, needsLink]] as const) {
    if (v !== undefined && !needed) {
      throw new SchemaError("PMML_MISPLACED_ATTRIBUTE", `${name} does not apply to linkFunction "${link}"`, { path: `${model.path}/@${name}`, value: v });
    }
    if (v === undefined && needed) {
      throw new SchemaError("PMML_MISSING_ATTRIBUTE", `linkFunction "${link}" needs ${name}`, { path: model.path, value: name });
    }
  }
}

function inverseLink(model: GeneralRegressionModel, link: GeneralRegressionLink, y: number): number {
  switch (link) {
    case "cloglog": return 1 - exp(-exp(y));
    case "identity": return y;
    case "log": return exp(y);
    case "logc": return 1 - exp(y);
    case "logit": return 1 / (1 + exp(-y));
    case "loglog": return exp(-exp(-y));
    case "probit": return normalCdf(y);
    case "negbin": {
      const c = requireParameter(model, model.distParameter, "distParameter");
      return 1 / (c * (exp(-y) - 1));
    }
    case "oddspower": {
      const d = requireParameter(model, model.linkParameter, "linkParameter");
      return d !== 0 ? 1 / (1 + Math.pow(1 + d * y, -(1 / d))) : 1 / (1 + exp(-y));
    }
    case "power": {
      const d = requireParameter(model, model.linkParameter, "linkParameter");
      return d !== 0 ? Math.pow(y, 1 / d) : exp(y);
    }
  }
}

function requireParameter(model: GeneralRegressionModel, v: number | undefined, name: string): number {
  if (v === undefined) {
    throw new SchemaError("PMML_MISSING_ATTRIBUTE", `linkFunction "${model.linkFunction}" needs ${name}`, { path: model.path, value: name });
  }
  return v;
}

/** Cumulative probability link⁻¹(η + offset) of ordinalMultinomial. */
function computeCumulativeLink(model: GeneralRegressionModel, eta: number, scope: ModelScope): number {
  const link: CumulativeLink | undefined = model.cumulativeLink;
  if (link === undefined) {
    throw new SchemaError("PMML_MISSING_ATTRIBUTE", "ordinalMultinomial needs a cumulativeLink", { path: model.path, value: "cumulativeLink" });
  }
  let y = eta;
  const a = offset(model, scope);
  if (a !== undefined) y += a;
  switch (link) {
    case "logit": return 1 / (1 + exp(-y));
    case "probit": return normalCdf(y);
    case "cloglog": return 1 - exp(-exp(y));
    case "loglog": return exp(-exp(-y));
    case "cauchit": return 0.5 + (1 / Math.PI) * Math.atan(y);
  }
}

/**
 * CoxRegression: cumulative hazard H₀(t) × exp(η − η_ref), with H₀ read from the baseline
 * table (or the stratum's) at the largest time not after the end time.
 */
function evaluateCox(model: GeneralRegressionModel, p: PreparedGrm, scope: ModelScope): ModelResult {
  const tables = model.baseCumHazardTables;
  if (model.endTimeVariable === undefined) {
    throw new SchemaError("PMML_MISSING_ATTRIBUTE", "CoxRegression needs an endTimeVariable", { path: model.path, value: "endTimeVariable" });
  }
  if (!tables) {
    throw new SchemaError("PMML_MISSING_ELEMENT", "CoxRegression needs BaseCumHazardTables", { path: model.path, value: "BaseCumHazardTables" });
  }
  let cells = tables.cells;
  let maxTime = tables.maxTime;
  if (model.baselineStrataVariable !== undefined) {
    const v = requiredVariable(scope, model.baselineStrataVariable, "baselineStrataVariable");
    const stratum = tables.strata.find((s) => valuesEqual(v, coerceLiteral(s.value, v, scope, model.baselineStrataVariable!)));
    // "If the value does not have a corresponding BaselineStratum element, then the result is a missing value."
    if (!stratum) return { value: null };
    cells = stratum.cells;
    maxTime = stratum.maxTime;
  }
  if (cells.length === 0 || maxTime === undefined) {
    throw new SchemaError("PMML_GRM_BASELINE", "the baseline hazard table needs BaselineCells and a maxTime", { path: `${model.path}/BaseCumHazardTables`, value: null });
  }
  const time = toNumber(requiredVariable(scope, model.endTimeVariable, "endTimeVariable"));
  if (time > maxTime) return { value: null };
  let minTime = Infinity;
  for (const c of cells) if (c.time < minTime) minTime = c.time;
  if (time < minTime) return { value: 0 };
  let chosen = cells[0];
  let chosenTime = -Infinity;
  for (const c of cells) {
    if (c.time <= time && c.time > chosenTime) { chosen = c; chosenTime = c.time; }
  }
  const paramCells = defaultCells(model, p);
  const r = dotProduct(paramCells, defaultRows(model, p), scope);
  let s: number | null = null;
  const parameters = new Map(model.parameters.map((x) => [x.name, x]));
  for (const cell of paramCells) {
    const parameter = parameters.get(cell.parameterName);
    if (!parameter) { s = null; break; }
    s = (s ?? 0) + cell.beta * parameter.referencePoint;
  }
  if (r === null || s === null) return { value: null };
  return { value: exp(r - s) * chosen.cumHazard };
}
