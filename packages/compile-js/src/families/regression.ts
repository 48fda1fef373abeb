import type { ClassificationScheme, RegressionLink, RegressionModel, RegressionNormalization, Value } from "@porta/ir";
import { lowerRegression } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { codeOf, MISSING_CODE } from "../columns.ts";
import { declareLocals, type ColumnRef, type FamilyRow, type KernelContext } from "../kernel.ts";
import { NotCompilable } from "../unsupported.ts";
import type { TargetFacts } from "../targets.ts";
import { planOrRefuse } from "./plan.ts";

/**
 * RegressionModel in the interpreter's summation order (from 0: numeric, categorical, terms, then
 * the intercept last, as JPMML), so results are bit-identical. The tables are summed ahead of the
 * row loop, one term at a time over the batch (`blockedSums`), unless a predictor reads a derived
 * field whose evaluation can fail: then row by row (`rowSums`), where reads stop at the first
 * missing predictor as the interpreter's.
 */
export function compileRegression(model: RegressionModel, ctx: KernelContext, target: TargetFacts): FamilyRow {
  const plan = planOrRefuse("RegressionModel", () => lowerRegression(model, target));
  const float = plan.float;
  const fields = model.tables.flatMap((t) => [
    ...t.numericPredictors.map((p) => p.field),
    ...t.categoricalPredictors.map((p) => p.field),
    ...t.predictorTerms.flatMap((t) => t.fields),
  ]);
  const blocked = model.tables.length > 0 && !fields.some((f) => ctx.column(f).errors);
  const sums = blocked ? blockedSums(model, ctx, plan.float) : rowSums(model, ctx, plan.float);
  const { missing, tableValues } = sums;
  const statements = [...sums.statements];
  if (plan.kind === "regression") {
    const value = ctx.names.name("value");
    const link = float ? inverseLinkFloat(plan.normalization, tableValues[0], ctx) : regressionLink(plan.normalization, tableValues[0], ctx);
    statements.push(_`const ${value} = ${missing} ? NaN : ${link};`);
    return { prepass: sums.prepass, body: join(statements, "\n"), value, kind: "number" };
  }
  const normalization = plan.normalization;
  // A document JPMML refuses: the interpreter fails the rows that reach the normalisation.
  if ("fault" in normalization) throw new NotCompilable(`RegressionModel normalizationMethod (${normalization.fault.code})`);
  const scheme = normalization.scheme;
  const categories: Value[] = [];
  const codes = normalization.categories.map((c) => {
    const existing = categories.findIndex((x) => x === c);
    if (existing >= 0) throw new NotCompilable("two RegressionTables for one category");
    categories.push(c);
    return categories.length - 1;
  });
  const probabilities = model.tables.map(() => ctx.names.name("p"));
  statements.push(declareLocals(probabilities));
  const value = ctx.names.name("value");
  statements.push(_`let ${value} = ${MISSING_CODE};`);
  statements.push(_`if (!${missing}) {`);
  statements.push(float ? normalizeFloat(scheme, tableValues, probabilities, ctx) : normalize(scheme, tableValues, probabilities, ctx));
  // argmax with strict ">" in table order, as the interpreter.
  const best = ctx.names.name("best");
  statements.push(_`let ${best} = -Infinity;`);
  probabilities.forEach((p, k) => statements.push(_`if (${p} > ${best}) { ${best} = ${p}; ${value} = ${codes[k]}; }`));
  statements.push(_`}`);
  return { prepass: sums.prepass, body: join(statements, "\n"), value, kind: "category", categories, probabilities };
}

/** The table sums as a row's locals: `statements` set `tableValues` and `missing` (a predictor read was missing). */
interface TableSums {
  prepass?: Code;
  statements: Code[];
  missing: Name;
  tableValues: Name[];
}

/** mathContext="float" (the interpreter's tableValueFloat, JPMML's FloatValue): every product and sum rounded with Math.fround. */
function arithmetic(float: boolean) {
  return {
    f: (x: number): number => (float ? Math.fround(x) : x),
    addTo: (y: Code, term: Code): Code => (float ? _`${y} = Math.fround(${y} + ${term});` : _`${y} += ${term};`),
    numericTerm: (x: Code, exponent: number, coefficient: number): Code => {
      if (!float) return _`${coefficient} * ${exponent === 1 ? x : _`Math.pow(${x}, ${exponent})`}`;
      const xf = exponent === 1 ? _`Math.fround(${x})` : _`Math.fround(Math.pow(Math.fround(${x}), ${exponent}))`;
      return _`Math.fround(${xf} * ${Math.fround(coefficient)})`;
    },
    times: (product: Code, x: Code): Code => (float ? _`${product} = Math.fround(${product} * Math.fround(${x}));` : _`${product} *= ${x};`),
  };
}

/** The categorical predictor's test on a column value `c` (a category code, or a number on a numeric field). */
function categoryTest(field: string, value: string, col: ColumnRef, c: Code, ctx: KernelContext): Code {
  if (col.kind === "category") return _`${c} === ${codeOf(col.input!, value)}`;
  const v = ctx.numericLiteral(field, value);
  if (v === undefined) throw new NotCompilable("CategoricalPredictor with a non-numeric value on a numeric field");
  return _`${c} === ${v}`;
}

/** Straight-line code per row. */
function rowSums(model: RegressionModel, ctx: KernelContext, float: boolean): TableSums {
  const missing = ctx.names.name("miss");
  const tableValues = model.tables.map(() => ctx.names.name("y"));
  const statements: Code[] = [_`let ${missing} = false;`];
  // The interpreter stops at the first missing predictor: a derived field that can fail is read
  // (and its error recorded) only while nothing is missing yet.
  const read = (col: ColumnRef): Code => (col.errors ? _`(${missing} ? ${col.array}[i] : ${col.at})` : col.at);
  const { f, addTo, numericTerm, times } = arithmetic(float);
  model.tables.forEach((table, t) => {
    const y = tableValues[t];
    statements.push(_`let ${y} = 0;`);
    for (const p of table.numericPredictors) {
      const col = ctx.column(p.field);
      if (col.kind !== "number") throw new NotCompilable(`NumericPredictor on categorical field`);
      const x = ctx.names.name("x");
      statements.push(_`const ${x} = ${read(col)}; if (${x} !== ${x}) ${missing} = true; ${addTo(y, numericTerm(x, p.exponent, p.coefficient))}`);
    }
    for (const p of table.categoricalPredictors) {
      const col = ctx.column(p.field);
      const c = ctx.names.name("x");
      statements.push(_`const ${c} = ${read(col)}; if (${categoryTest(p.field, p.value, col, c, ctx)}) ${addTo(y, _`${f(p.coefficient)}`)}`);
    }
    for (const term of table.predictorTerms) {
      const product = ctx.names.name("prod");
      statements.push(_`let ${product} = ${f(term.coefficient)};`);
      for (const fieldName of term.fields) {
        const col = ctx.column(fieldName);
        if (col.kind !== "number") throw new NotCompilable("PredictorTerm on a categorical field");
        const x = ctx.names.name("x");
        statements.push(_`const ${x} = ${read(col)}; if (${x} !== ${x}) ${missing} = true; ${times(product, x)}`);
      }
      statements.push(addTo(y, product));
    }
    statements.push(addTo(y, _`${f(table.intercept)}`));
  });
  return { statements, missing, tableValues };
}

/** Rows per pass of the blocked sums: a table's block of sums (8 KB) stays in L1 while every predictor's column streams past. */
const SUM_BLOCK_ROWS = 1024;

/**
 * Ahead of the row loop: each table's sums in a batch array, built one term at a time over a block
 * of rows (a column streamed into the sums: no per-row reads of 50 column variables). Each row
 * still adds its terms in the interpreter's order. A row's missing flag comes from its sums: a
 * missing value makes its term, and so its table's sum, NaN (x^0 excepted, checked on every row),
 * so only rows with a NaN sum look at their predictors (a sum can also be NaN from ∞ − ∞).
 */
function blockedSums(model: RegressionModel, ctx: KernelContext, float: boolean): TableSums {
  const { f, addTo, numericTerm, times } = arithmetic(float);
  const sums = model.tables.map(() => ctx.names.name("sums"));
  ctx.declare(_`let ${join(sums, ", ")};`);
  const s = ctx.names.name("s");
  const e = ctx.names.name("e");
  const loop = (body: Code): Code => _`for (let i = ${s}; i < ${e}; i++) { ${body} }`;
  const byNaN: Code[] = []; // columns whose missing value makes a sum NaN
  const always: Code[] = []; // columns read as x^0
  const passes = model.tables.map((table, t) => {
    const y = _`${sums[t]}[i]`;
    const code: Code[] = [_`${sums[t]}.fill(0, ${s}, ${e});`];
    // Consecutive plain predictors (double, exponent 1) as one loop over a table of columns and
    // coefficients: the function's size does not grow with the number of predictors.
    let run: { cols: Code[]; coefficients: number[] } | null = null;
    const flush = () => {
      if (run === null) return;
      const coefficients = ctx.pool.add(Float64Array.from(run.coefficients), "coef");
      code.push(_`{ const cols = [${join(run.cols, ", ")}], ys = ${sums[t]};
for (let k = 0; k < ${run.cols.length}; k++) { const a = cols[k], c = ${coefficients}[k]; for (let i = ${s}; i < ${e}; i++) ys[i] += c * a[i]; } }`);
      run = null;
    };
    for (const p of table.numericPredictors) {
      const col = ctx.column(p.field);
      if (col.kind !== "number") throw new NotCompilable(`NumericPredictor on categorical field`);
      (p.exponent === 0 ? always : byNaN).push(_`${col.array}[i] !== ${col.array}[i]`);
      if (!float && p.exponent === 1) {
        run ??= { cols: [], coefficients: [] };
        run.cols.push(col.array);
        run.coefficients.push(p.coefficient);
        continue;
      }
      flush();
      code.push(loop(addTo(y, numericTerm(_`${col.array}[i]`, p.exponent, p.coefficient))));
    }
    flush();
    for (const p of table.categoricalPredictors) {
      const col = ctx.column(p.field);
      code.push(loop(_`if (${categoryTest(p.field, p.value, col, _`${col.array}[i]`, ctx)}) ${addTo(y, _`${f(p.coefficient)}`)}`));
    }
    for (const term of table.predictorTerms) {
      const reads = term.fields.map((fieldName) => {
        const col = ctx.column(fieldName);
        if (col.kind !== "number") throw new NotCompilable("PredictorTerm on a categorical field");
        byNaN.push(_`${col.array}[i] !== ${col.array}[i]`);
        return times(_`p`, _`${col.array}[i]`);
      });
      code.push(loop(_`let p = ${f(term.coefficient)}; ${join(reads, " ")} ${addTo(y, _`p`)}`));
    }
    code.push(loop(addTo(y, _`${f(table.intercept)}`)));
    return join(code, "\n");
  });
  const run = ctx.names.name("tableSums");
  ctx.declare(_`function ${run}(n) {
if (${sums[0]} === undefined || ${sums[0]}.length < n) { ${join(
    sums.map((y) => _`${y} = new Float64Array(n);`),
    " ",
  )} }
for (let ${s} = 0; ${s} < n; ${s} += ${SUM_BLOCK_ROWS}) {
const ${e} = Math.min(n, ${s} + ${SUM_BLOCK_ROWS});
${join(passes, "\n")}
}
}`);
  const missing = ctx.names.name("miss");
  const tableValues = model.tables.map(() => ctx.names.name("y"));
  const anyOf = (tests: Code[]): Code => (tests.length === 0 ? _`false` : join(tests, " || "));
  const nanSum = join(
    tableValues.map((y) => _`${y} !== ${y}`),
    " || ",
  );
  return {
    prepass: _`${run}(n);`,
    statements: [
      _`${join(
        tableValues.map((y, t) => _`const ${y} = ${sums[t]}[i];`),
        " ",
      )}`,
      _`const ${missing} = ((${nanSum}) && (${anyOf(byNaN)})) || ${anyOf(always)};`,
    ],
    missing,
    tableValues,
  };
}

function regressionLink(method: RegressionNormalization, y: Name, ctx: KernelContext): Code {
  switch (method) {
    case "none":
      return y;
    case "softmax":
    case "logit":
      return _`1 / (1 + ${ctx.helper("exp")}(-${y}))`;
    case "exp":
      return _`${ctx.helper("exp")}(${y})`;
    default:
      return inverseLink(method, y, ctx);
  }
}

/** JPMML's DoubleValue links; every exp is the correctly rounded one (JPMML: java.lang.Math.exp). */
function inverseLink(method: RegressionNormalization, y: Code, ctx: KernelContext): Code {
  const exp = (): Name => ctx.helper("exp"); // pooled only where used
  switch (method) {
    case "none":
    case "simplemax":
      return y;
    case "logit":
    case "softmax":
      return _`1 / (1 + ${exp()}(-${y}))`;
    case "probit":
      return _`${ctx.helper("normalCdf")}(${y})`;
    case "cloglog":
      return _`1 - ${exp()}(-${exp()}(${y}))`;
    case "loglog":
      return _`${exp()}(-${exp()}(-${y}))`;
    case "cauchit":
      return _`0.5 + (1 / Math.PI) * Math.atan(${y})`;
    case "exp":
      return _`${exp()}(${y})`;
  }
}

/** The interpreter's normalizeClassification, unrolled. */
function normalize(scheme: Exclude<ClassificationScheme, { kind: "refused" }>, ys: Name[], ps: Name[], ctx: KernelContext): Code {
  const out: Code[] = [];
  const link = (method: RegressionLink, y: Code): Code => (method === "none" ? _`Math.min(Math.max(${y}, 0), 1)` : inverseLink(method, y, ctx));
  switch (scheme.kind) {
    case "binomial":
      out.push(_`${ps[0]} = ${link(scheme.link, ys[0])}; ${ps[1]} = 1 - ${ps[0]};`);
      return join(out, "\n");
    case "ordinal": {
      const sum = ctx.names.name("sum");
      const last = ys.length - 1;
      for (let k = 0; k < last; k++) {
        if (k === 0) out.push(_`${ps[0]} = ${link(scheme.link, ys[0])}; let ${sum} = ${ps[0]};`);
        else out.push(_`${ps[k]} = ${link(scheme.link, ys[k])} - ${sum}; ${sum} = ${sum} + ${ps[k]};`);
      }
      out.push(_`${ps[last]} = 1 - ${sum};`);
      return join(out, "\n");
    }
    case "multinomial":
      break;
  }
  switch (scheme.method) {
    case "softmax": {
      const max = ctx.names.name("max");
      const sum = ctx.names.name("sum");
      out.push(_`const ${max} = Math.max(${join(ys, ", ")});`);
      const exp = ctx.helper("exp");
      ys.forEach((y, k) => out.push(_`${ps[k]} = ${exp}(${y} - ${max});`));
      out.push(_`const ${sum} = 0 + ${join(ps, " + ")};`);
      ps.forEach((p) => out.push(_`${p} = ${p} / ${sum};`));
      break;
    }
    case "logit":
    case "simplemax": {
      const sum = ctx.names.name("sum");
      if (scheme.method === "logit") ys.forEach((y, k) => out.push(_`${ps[k]} = ${inverseLink("logit", y, ctx)};`));
      else ys.forEach((y, k) => out.push(_`${ps[k]} = ${y};`));
      out.push(_`const ${sum} = 0 + ${join(ps, " + ")};`);
      ps.forEach((p) => out.push(_`${p} = ${p} / ${sum};`));
      break;
    }
    case "identity":
      ys.forEach((y, k) => out.push(_`${ps[k]} = ${y};`));
      break;
    case "none": {
      const sum = ctx.names.name("sum");
      ys.forEach((y, k) => out.push(_`${ps[k]} = ${y};`));
      out.push(_`const ${sum} = 0 + ${join(ys.slice(0, -1), " + ")};`);
      out.push(_`${ps[ps.length - 1]} = 1 - ${sum};`);
      break;
    }
  }
  return join(out, "\n");
}

/**
 * FloatValue's inverse links (the interpreter's inverseLinkFloat): Math functions run in double
 * on the float operand, their result is rounded to float, and the arithmetic around is float.
 * `y` must already hold a float.
 */
function inverseLinkFloat(method: RegressionNormalization, y: Code, ctx: KernelContext): Code {
  const exp = (): Name => ctx.helper("exp");
  switch (method) {
    case "none":
    case "simplemax":
      return y;
    case "logit":
    case "softmax":
      return _`Math.fround(1 / Math.fround(1 + Math.fround(${exp()}(-${y}))))`;
    case "exp":
      return _`Math.fround(${exp()}(${y}))`;
    case "probit":
      return _`Math.fround(${ctx.helper("normalCdf")}(${y}))`;
    case "cloglog":
      return _`Math.fround(1 - Math.fround(${exp()}(-Math.fround(${exp()}(${y})))))`;
    case "loglog":
      return _`Math.fround(${exp()}(-Math.fround(${exp()}(-${y}))))`;
    case "cauchit":
      return _`Math.fround(0.5 + Math.fround(${Math.fround(1 / Math.fround(Math.PI))} * Math.fround(Math.atan(${y}))))`;
  }
}

/** The interpreter's normalizeClassificationFloat, unrolled (table values already floats). */
function normalizeFloat(scheme: Exclude<ClassificationScheme, { kind: "refused" }>, ys: Name[], ps: Name[], ctx: KernelContext): Code {
  const out: Code[] = [];
  const link = (method: RegressionLink, y: Code): Code => (method === "none" ? _`Math.min(Math.max(${y}, 0), 1)` : inverseLinkFloat(method, y, ctx));
  switch (scheme.kind) {
    case "binomial":
      out.push(_`${ps[0]} = ${link(scheme.link, ys[0])}; ${ps[1]} = Math.fround(1 - ${ps[0]});`);
      return join(out, "\n");
    case "ordinal": {
      const sum = ctx.names.name("sum");
      const last = ys.length - 1;
      for (let k = 0; k < last; k++) {
        if (k === 0) out.push(_`${ps[0]} = ${link(scheme.link, ys[0])}; let ${sum} = ${ps[0]};`);
        else out.push(_`${ps[k]} = Math.fround(${link(scheme.link, ys[k])} - ${sum}); ${sum} = Math.fround(${sum} + ${ps[k]});`);
      }
      out.push(_`${ps[last]} = Math.fround(1 - ${sum});`);
      return join(out, "\n");
    }
    case "multinomial":
      break;
  }
  const sum = ctx.names.name("sum");
  switch (scheme.method) {
    case "softmax":
    case "logit":
    case "simplemax": {
      ys.forEach((y, k) => {
        const e = scheme.method === "softmax" ? _`Math.fround(${ctx.helper("exp")}(${y}))` : scheme.method === "logit" ? inverseLinkFloat("logit", y, ctx) : y;
        out.push(_`${ps[k]} = ${e};`);
      });
      out.push(
        _`let ${sum} = 0; ${join(
          ps.map((p) => _`${sum} = Math.fround(${sum} + ${p});`),
          " ",
        )}`,
      );
      ps.forEach((p) => out.push(_`${p} = Math.fround(${p} / ${sum});`));
      break;
    }
    case "identity":
      ys.forEach((y, k) => out.push(_`${ps[k]} = ${y};`));
      break;
    case "none": {
      ys.forEach((y, k) => out.push(_`${ps[k]} = ${y};`));
      out.push(
        _`let ${sum} = 0; ${join(
          ps.slice(0, -1).map((p) => _`${sum} = Math.fround(${sum} + ${p});`),
          " ",
        )}`,
      );
      out.push(_`${ps[ps.length - 1]} = Math.fround(1 - ${sum});`);
      break;
    }
  }
  return join(out, "\n");
}
