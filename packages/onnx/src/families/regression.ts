import type { RegressionModel, RegressionTable } from "@porta/ir";
import { NotExportable } from "../refusal.ts";
import { codeOf, type GraphScope } from "../scope.ts";

/**
 * RegressionModel: each RegressionTable's value y as the interpreter sums it (numeric predictors,
 * categorical predictors, terms, intercept last, left to right), one column per table: [N, tables].
 * A missing numeric input makes y NaN (the interpreter's null); a missing categorical input adds
 * nothing. The normalisation (softmax, links, JPMML's schemes) is applied by the backend with the
 * interpreter's own normalizeClassification / normalizeRegression.
 */
export function regressionTables(model: RegressionModel, scope: GraphScope): string {
  if (model.mathContext === "float") throw new NotExportable('RegressionModel mathContext="float" is not exported');
  return scope.g.concat(model.tables.map((t) => tableValue(t, scope)));
}

function tableValue(table: RegressionTable, scope: GraphScope): string {
  const g = scope.g;
  let y: string | undefined;
  const plus = (term: string): void => {
    y = y === undefined ? term : g.add(y, term);
  };
  for (const p of table.numericPredictors) {
    const v = scope.resolve(p.field);
    if (v.kind !== "number") throw new NotExportable(`NumericPredictor name="${p.field}" is text`);
    plus(g.mul(g.scalar(p.coefficient), g.pow(v.tensor, p.exponent)));
  }
  for (const p of table.categoricalPredictors) {
    const v = scope.resolve(p.field);
    const literal = v.kind === "code" ? codeOf(v.table, p.value) : Number(p.value);
    if (v.kind === "number" && Number.isNaN(literal)) throw new NotExportable(`CategoricalPredictor name="${p.field}" value="${p.value}" is not a number`);
    plus(g.where(g.op("Equal", [v.tensor, g.scalar(literal)]), g.scalar(p.coefficient), g.scalar(0)));
  }
  for (const term of table.predictorTerms) {
    let product = g.scalar(term.coefficient);
    for (const f of term.fields) {
      const v = scope.resolve(f);
      if (v.kind !== "number") throw new NotExportable(`PredictorTerm field "${f}" is text`);
      product = g.mul(product, v.tensor);
    }
    plus(product);
  }
  // 0 + … as the interpreter starts its sum; a table without predictors still has a row dimension.
  const first = scope.root.pipeline.dataFields.find((f) => f.dataType !== "string");
  const zeros =
    y ?? (first ? g.mul(g.where(g.isNaN(scope.root.resolve(first.name).tensor), g.scalar(0), scope.root.resolve(first.name).tensor), g.scalar(0)) : undefined);
  if (zeros === undefined) throw new NotExportable("RegressionTable without predictors in a document without numeric DataFields");
  return g.add(zeros, g.scalar(table.intercept));
}
