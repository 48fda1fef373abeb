import { SchemaError, type CompareFunction, type ComparisonField, type ComparisonMeasure, type Measure } from "@porta/ir";
import { enumAttr, numberArray, numberAttr, requiredAttr, requiredNumberAttr } from "../attributes.ts";
import { numberText } from "../model-common.ts";
import type { XmlElement } from "../xml.ts";

/** ComparisonMeasure and the per-field comparison settings shared by ClusteringModel and NearestNeighborModel. */

export const COMPARE_FUNCTIONS: readonly CompareFunction[] = ["absDiff", "gaussSim", "delta", "equal", "table"];
const MEASURES = ["euclidean", "squaredEuclidean", "chebychev", "cityBlock", "minkowski", "simpleMatching", "jaccard", "tanimoto", "binarySimilarity"] as const;

export function parseComparisonMeasure(el: XmlElement): ComparisonMeasure {
  const kind = enumAttr(el, "kind", ["distance", "similarity"] as const) ?? (requiredAttr(el, "kind") as never);
  const measures = el.children().filter((c) => (MEASURES as readonly string[]).includes(c.name));
  if (measures.length !== 1) {
    throw new SchemaError("PMML_MISSING_ELEMENT", `ComparisonMeasure needs exactly one measure element, found ${measures.length}`, {
      path: el.path,
      value: measures.map((m) => m.name),
    });
  }
  return {
    kind,
    measure: parseMeasure(measures[0]),
    compareFunction: enumAttr(el, "compareFunction", COMPARE_FUNCTIONS, "absDiff"),
    path: el.path,
  };
}

function parseMeasure(el: XmlElement): Measure {
  switch (el.name) {
    case "minkowski":
      return { kind: "minkowski", p: requiredNumberAttr(el, "p-parameter") };
    case "binarySimilarity":
      return {
        kind: "binarySimilarity",
        c00: requiredNumberAttr(el, "c00-parameter"),
        c01: requiredNumberAttr(el, "c01-parameter"),
        c10: requiredNumberAttr(el, "c10-parameter"),
        c11: requiredNumberAttr(el, "c11-parameter"),
        d00: requiredNumberAttr(el, "d00-parameter"),
        d01: requiredNumberAttr(el, "d01-parameter"),
        d10: requiredNumberAttr(el, "d10-parameter"),
        d11: requiredNumberAttr(el, "d11-parameter"),
      };
    default:
      return { kind: el.name as Exclude<Measure["kind"], "minkowski" | "binarySimilarity"> };
  }
}

/** The comparison attributes of a ClusteringField or KNNInput (its field name attribute differs). */
export function parseComparisonField(el: XmlElement, fieldAttr: string): ComparisonField {
  const comparisons = el.child("Comparisons");
  const matrix = comparisons?.child("Matrix");
  if (comparisons && !matrix) throw new SchemaError("PMML_MISSING_ELEMENT", "Comparisons needs a Matrix", { path: comparisons.path, value: "Matrix" });
  return {
    kind: "comparisonField",
    field: requiredAttr(el, fieldAttr),
    fieldWeight: numberAttr(el, "fieldWeight", 1),
    compareFunction: enumAttr(el, "compareFunction", COMPARE_FUNCTIONS),
    similarityScale: numberAttr(el, "similarityScale"),
    comparisonTable: matrix ? parseMatrix(matrix) : undefined,
    path: el.path,
  };
}

/** PMML Matrix (§Matrix): rows of Arrays (any/symmetric lower triangle/diagonal) or sparse MatCells. */
export function parseMatrix(el: XmlElement): number[][] {
  const kind = enumAttr(el, "kind", ["diagonal", "symmetric", "any"] as const, "any");
  const diagDefault = numberAttr(el, "diagDefault");
  const offDiagDefault = numberAttr(el, "offDiagDefault");
  const arrays = el.children("Array").map(numberArray);
  const cells = el.children("MatCell").map((c) => ({
    row: requiredNumberAttr(c, "row") - 1,
    col: requiredNumberAttr(c, "col") - 1,
    value: numberText(c, c.text()),
  }));
  let n = numberAttr(el, "nbRows") ?? numberAttr(el, "nbCols");
  if (n === undefined) {
    n = kind === "diagonal" && arrays.length === 1 ? arrays[0].length : arrays.length;
    for (const c of cells) n = Math.max(n, c.row + 1, c.col + 1);
  }
  const m: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) row.push(NaN);
    m.push(row);
  }
  if (kind === "diagonal" && arrays.length > 0) {
    arrays[0].forEach((v, i) => {
      if (i < n!) m[i][i] = v;
    });
  } else {
    arrays.forEach((values, i) => {
      values.forEach((v, j) => {
        if (i >= n! || j >= n!) return;
        m[i][j] = v;
        if (kind === "symmetric") m[j][i] = v;
      });
    });
  }
  for (const c of cells) {
    if (c.row < 0 || c.col < 0 || c.row >= n || c.col >= n) {
      throw new SchemaError("PMML_BAD_VALUE", "MatCell lies outside the Matrix", { path: el.path, value: `${c.row + 1},${c.col + 1}` });
    }
    m[c.row][c.col] = c.value;
    if (kind === "symmetric") m[c.col][c.row] = c.value;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (!Number.isNaN(m[i][j])) continue;
      const dflt = i === j ? diagDefault : (offDiagDefault ?? (kind === "diagonal" ? 0 : undefined));
      if (dflt === undefined) throw new SchemaError("PMML_BAD_VALUE", `Matrix has no value at (${i + 1}, ${j + 1})`, { path: el.path, value: null });
      m[i][j] = dflt;
    }
  }
  return m;
}
