import type { ClassificationScheme, RegressionLink, RegressionModel, RegressionNormalization, Value } from "@porta/ir";
import { lowerRegression } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { codeOf, MISSING_CODE } from "../columns.ts";
import { declareLocals, type ColumnRef, type FamilyRow, type KernelContext } from "../kernel.ts";
import { NotCompilable } from "../unsupported.ts";
import type { TargetFacts } from "../targets.ts";
import { planOrRefuse } from "./plan.ts";

/**
 * RegressionModel as straight-line code per row: the same summation order as the interpreter
 * (from 0: numeric, categorical, terms, then the intercept last, as JPMML), so results are
 * bit-identical.
 */
export function compileRegression(model: RegressionModel, ctx: KernelContext, target: TargetFacts): FamilyRow {
  const plan = planOrRefuse("RegressionModel", () => lowerRegression(model, target));
  const missing = ctx.names.name("miss");
  const tableValues = model.tables.map(() => ctx.names.name("y"));
  const statements: Code[] = [_`let ${missing} = false;`];
  // The interpreter stops at the first missing predictor: a derived field that can fail is read
  // (and its error recorded) only while nothing is missing yet.
  const read = (col: ColumnRef): Code => (col.errors ? _`(${missing} ? ${col.array}[i] : ${col.at})` : col.at);
  // mathContext="float" (the interpreter's tableValueFloat, JPMML's FloatValue): inputs and
  // coefficients are floats and every product and sum is rounded with Math.fround.
  const float = plan.float;
  const f = (x: number): number => (float ? Math.fround(x) : x);
  const addTo = (y: Name, term: Code): Code => (float ? _`${y} = Math.fround(${y} + ${term});` : _`${y} += ${term};`);
  model.tables.forEach((table, t) => {
    const y = tableValues[t];
    statements.push(_`let ${y} = 0;`);
    for (const p of table.numericPredictors) {
      const col = ctx.column(p.field);
      if (col.kind !== "number") throw new NotCompilable(`NumericPredictor on categorical field`);
      const x = ctx.names.name("x");
      if (float) {
        const xf = p.exponent === 1 ? _`Math.fround(${x})` : _`Math.fround(Math.pow(Math.fround(${x}), ${p.exponent}))`;
        statements.push(_`const ${x} = ${read(col)}; if (${x} !== ${x}) ${missing} = true; ${addTo(y, _`Math.fround(${xf} * ${f(p.coefficient)})`)}`);
        continue;
      }
      const term = p.exponent === 1 ? x : _`Math.pow(${x}, ${p.exponent})`;
      statements.push(_`const ${x} = ${read(col)}; if (${x} !== ${x}) ${missing} = true; ${y} += ${p.coefficient} * ${term};`);
    }
    for (const p of table.categoricalPredictors) {
      const col = ctx.column(p.field);
      const c = ctx.names.name("x");
      if (col.kind === "category") {
        const code = codeOf(col.input!, p.value);
        statements.push(_`const ${c} = ${read(col)}; if (${c} === ${code}) ${addTo(y, _`${f(p.coefficient)}`)}`);
      } else {
        const v = ctx.numericLiteral(p.field, p.value);
        if (v === undefined) throw new NotCompilable("CategoricalPredictor with a non-numeric value on a numeric field");
        statements.push(_`const ${c} = ${read(col)}; if (${c} === ${v}) ${addTo(y, _`${f(p.coefficient)}`)}`);
      }
    }
    for (const term of table.predictorTerms) {
      const product = ctx.names.name("prod");
      statements.push(_`let ${product} = ${f(term.coefficient)};`);
      for (const fieldName of term.fields) {
        const col = ctx.column(fieldName);
        if (col.kind !== "number") throw new NotCompilable("PredictorTerm on a categorical field");
        const x = ctx.names.name("x");
        const times = float ? _`${product} = Math.fround(${product} * Math.fround(${x}));` : _`${product} *= ${x};`;
        statements.push(_`const ${x} = ${read(col)}; if (${x} !== ${x}) ${missing} = true; ${times}`);
      }
      statements.push(addTo(y, product));
    }
    statements.push(addTo(y, _`${f(table.intercept)}`));
  });

  if (plan.kind === "regression") {
    const value = ctx.names.name("value");
    const link = float ? inverseLinkFloat(plan.normalization, tableValues[0], ctx) : regressionLink(plan.normalization, tableValues[0], ctx);
    statements.push(_`const ${value} = ${missing} ? NaN : ${link};`);
    return { body: join(statements, "\n"), value, kind: "number" };
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
  return { body: join(statements, "\n"), value, kind: "category", categories, probabilities };
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
