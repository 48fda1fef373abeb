import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { pmmlModel } from "@porta/runtime";
import { compilePipeline } from "./compile.ts";
import { CompiledScorer } from "./scorer.ts";
import { deserializeCompiled, serializeCompiled } from "./serialize.ts";
import { expectSameAnswers, pmml, xyFields, xyRows } from "./families/same-answers.test-helper.ts";

const mining = `<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="z"/><MiningField name="r" usageType="target"/></MiningSchema>`;

/** A regression over derived fields d0..dk (each `dataType` double unless given). */
function withDerived(fields: { expr: string; dataType?: string; local?: boolean }[], extra = ""): string {
  const global = fields.map((f, k) => ({ ...f, k })).filter((f) => !f.local);
  const local = fields.map((f, k) => ({ ...f, k })).filter((f) => f.local);
  const df = (f: { expr: string; dataType?: string; k: number }) =>
    `<DerivedField name="d${f.k}" optype="continuous" dataType="${f.dataType ?? "double"}">${f.expr}</DerivedField>`;
  return pmml(
    xyFields,
    `<TransformationDictionary>${extra}${global.map(df).join("")}</TransformationDictionary>
<RegressionModel functionName="regression">${mining}
<LocalTransformations>${local.map(df).join("")}</LocalTransformations>
<RegressionTable intercept="0.5">${fields.map((_f, k) => `<NumericPredictor name="d${k}" coefficient="${k + 1}"/>`).join("")}</RegressionTable></RegressionModel>`,
  );
}

const apply = (fn: string, ...args: string[]) => `<Apply function="${fn}">${args.join("")}</Apply>`;
const x = `<FieldRef field="x"/>`,
  y = `<FieldRef field="y"/>`,
  z = `<FieldRef field="z"/>`;
const c = (v: string | number) => `<Constant>${v}</Constant>`;

const rows: Record<string, unknown>[] = [
  ...xyRows,
  { x: -1, y: 0, z: "b" },
  { x: 2.5, y: -2.5, z: "c" },
  { x: 3e9, y: 1, z: "a" },
  { x: 0.5, y: 1.5, z: "qq" },
  { x: -0.5, y: 2, z: "  b  " },
];

describe("compiled derived-field expressions give the interpreter's answers (PMML 4.4 §Built-in functions)", () => {
  it("arithmetic (x/0 is Infinity, 0/0 invalid), modulo and the math functions", () => {
    for (const fn of ["+", "-", "*", "/", "modulo", "pow", "hypot", "threshold", "x-atan2"]) {
      expectSameAnswers(withDerived([{ expr: apply(fn, x, y) }]), rows);
    }
    for (const fn of [
      "log10",
      "ln",
      "exp",
      "sqrt",
      "abs",
      "floor",
      "ceil",
      "round",
      "rint",
      "expm1",
      "ln1p",
      "x-ln1p",
      "sin",
      "cos",
      "tan",
      "asin",
      "acos",
      "atan",
      "sinh",
      "cosh",
      "tanh",
    ]) {
      expectSameAnswers(withDerived([{ expr: apply(fn, x) }, { expr: apply(fn, apply("*", y, c(0.25))) }]), rows);
    }
  });

  it("aggregates skip missing arguments (all missing is missing); median sorts stably", () => {
    for (const fn of ["min", "max", "sum", "avg", "median", "product"]) {
      expectSameAnswers(
        withDerived([{ expr: apply(fn, x, y, c(1.5)) }, { expr: apply(fn, x, y) }, { expr: apply(fn, x, y, apply("-", x, y), c(-0.0)) }]),
        rows,
      );
    }
  });

  it("comparisons, isIn/isNotIn, and/or/not, isMissing, if (lazy), on integer and boolean fields", () => {
    const cmp = ["equal", "notEqual", "lessThan", "lessOrEqual", "greaterThan", "greaterOrEqual"].map((fn) => ({ expr: apply(fn, x, y), dataType: "boolean" }));
    expectSameAnswers(
      withDerived([
        ...cmp,
        { expr: apply("isIn", x, c(0), c(1), c(10)) },
        { expr: apply("isNotIn", x, c(0), c(5)) },
        { expr: apply("and", apply("greaterThan", x, c(0)), apply("lessThan", y, c(5))) },
        { expr: apply("or", apply("greaterThan", x, c(0)), apply("lessThan", y, c(5)), apply("isMissing", x)) },
        { expr: apply("not", apply("isNotMissing", y)) },
        { expr: `<Apply function="if" mapMissingTo="-7">${apply("greaterThan", x, c(1))}${apply("ln", x)}${apply("*", y, c(2))}</Apply>` },
        { expr: apply("if", apply("lessThan", x, c(1)), c(3)) },
        { expr: apply("floor", apply("/", x, c(2))), dataType: "integer" },
      ]),
      rows,
    );
  });

  it("mapMissingTo, defaultValue and invalidValueTreatment asMissing / returnInvalid", () => {
    expectSameAnswers(
      withDerived([
        { expr: `<Apply function="+" mapMissingTo="100">${x}${y}</Apply>` },
        { expr: `<Apply function="ln" defaultValue="-1" invalidValueTreatment="asMissing">${x}</Apply>` },
        { expr: `<Apply function="sqrt" invalidValueTreatment="asMissing">${y}</Apply>` },
        { expr: `<FieldRef field="x" mapMissingTo="4"/>` },
      ]),
      rows,
    );
    // ln(-1): PMML invalid, an error for the rows (and only those) that evaluate it.
    expectSameAnswers(withDerived([{ expr: apply("ln", x) }]), rows);
  });

  it("an invalid derived value fails only rows that read it (if branches, tree paths are lazy)", () => {
    // d0 = ln(x) fails for x <= 0 and ...; d1 reads d0 only when y > 1; the regression reads d1 only.
    const doc = pmml(
      xyFields,
      `<TransformationDictionary>
<DerivedField name="d0" optype="continuous" dataType="double">${apply("ln", x)}</DerivedField>
<DerivedField name="d1" optype="continuous" dataType="double">${apply("if", apply("greaterThan", y, c(1)), `<FieldRef field="d0"/>`, c(0))}</DerivedField>
<DerivedField name="d2" optype="continuous" dataType="integer">${apply("/", x, c(2))}</DerivedField>
</TransformationDictionary>
<TreeModel functionName="regression" noTrueChildStrategy="returnLastPrediction">${mining}
<Node score="0"><True/>
  <Node score="1"><SimplePredicate field="y" operator="greaterThan" value="3"/>
    <Node score="2"><SimplePredicate field="d1" operator="lessThan" value="0.5"/></Node></Node>
  <Node score="3"><SimplePredicate field="d2" operator="equal" value="1"/></Node>
</Node></TreeModel>`,
    );
    expectSameAnswers(doc, rows);
  });

  it("CompoundPredicates and regression tables stop where the interpreter stops reading", () => {
    const doc = pmml(
      xyFields,
      `<TransformationDictionary>
<DerivedField name="d0" optype="continuous" dataType="double">${apply("ln", x)}</DerivedField></TransformationDictionary>
<TreeModel functionName="regression">${mining}
<Node score="0"><True/>
  <Node score="1"><CompoundPredicate booleanOperator="and"><SimplePredicate field="x" operator="greaterThan" value="5"/><SimplePredicate field="d0" operator="lessThan" value="2"/></CompoundPredicate></Node>
  <Node score="2"><CompoundPredicate booleanOperator="or"><SimplePredicate field="y" operator="lessThan" value="3"/><SimplePredicate field="d0" operator="lessThan" value="2"/></CompoundPredicate></Node>
  <Node score="3"><CompoundPredicate booleanOperator="surrogate"><SimplePredicate field="y" operator="lessThan" value="8"/><SimplePredicate field="d0" operator="lessThan" value="2"/></CompoundPredicate></Node>
</Node></TreeModel>`,
    );
    expectSameAnswers(doc, rows);
    // y missing: the table stops before reading d0 (which fails for x <= 0).
    const reg = pmml(
      xyFields,
      `<TransformationDictionary>
<DerivedField name="d0" optype="continuous" dataType="double">${apply("ln", x)}</DerivedField></TransformationDictionary>
<RegressionModel functionName="regression">${mining}<RegressionTable intercept="1"><NumericPredictor name="y" coefficient="2"/><NumericPredictor name="d0" coefficient="3"/></RegressionTable></RegressionModel>`,
    );
    expectSameAnswers(reg, [...rows, { x: -2, y: null, z: "a" }]);
  });

  it("Discretize to numbers and to text categories, then used by a tree", () => {
    const bins = `<DiscretizeBin binValue="low"><Interval closure="openClosed" rightMargin="0"/></DiscretizeBin>
<DiscretizeBin binValue="mid"><Interval closure="openOpen" leftMargin="0" rightMargin="5"/></DiscretizeBin>`;
    const doc = pmml(
      xyFields,
      `<TransformationDictionary>
<DerivedField name="b" optype="categorical" dataType="string"><Discretize field="x" mapMissingTo="none" defaultValue="high">${bins}</Discretize></DerivedField>
<DerivedField name="n" optype="continuous" dataType="double"><Discretize field="y" defaultValue="9"><DiscretizeBin binValue="1"><Interval closure="closedOpen" leftMargin="0" rightMargin="2"/></DiscretizeBin></Discretize></DerivedField>
</TransformationDictionary>
<TreeModel functionName="regression">${mining}
<Node score="0"><True/>
  <Node score="1"><SimplePredicate field="b" operator="equal" value="low"/></Node>
  <Node score="2"><SimplePredicate field="b" operator="equal" value="none"/></Node>
  <Node score="3"><SimplePredicate field="n" operator="equal" value="1"/></Node>
  <Node score="4"><SimplePredicate field="b" operator="equal" value="high"/></Node>
</Node></TreeModel>`,
    );
    expectSameAnswers(doc, rows);
  });

  const functions = `<DefineFunction name="scale" optype="continuous" dataType="double"><ParameterField name="a"/><ParameterField name="b"/>
  ${apply("+", apply("*", `<FieldRef field="a"/>`, c(2)), `<FieldRef field="b"/>`)}</DefineFunction>
<DefineFunction name="whole" optype="continuous" dataType="integer"><ParameterField name="a"/>${apply("/", `<FieldRef field="a"/>`, c(4))}</DefineFunction>
<DefineFunction name="norm" optype="categorical" dataType="string"><ParameterField name="w"/><ParameterField name="s"/>
  ${apply("trimBlanks", apply("uppercase", apply("substring", `<FieldRef field="s"/>`, c(1), `<FieldRef field="w"/>`)))}</DefineFunction>`;

  it("DefineFunction calls are inlined (typed result: a non-integer for an integer function is invalid)", () => {
    expectSameAnswers(
      withDerived(
        [
          { expr: apply("scale", x, y) },
          { expr: `<Apply function="whole" invalidValueTreatment="asMissing">${x}</Apply>` },
          { expr: apply("scale", apply("whole", y), c(1)), local: true },
        ],
        functions,
      ),
      rows,
    );
    expectSameAnswers(withDerived([{ expr: apply("whole", x) }], functions), rows);
  });

  it("string built-ins on a category column: evaluated per dictionary entry, values outside the dictionary too", () => {
    const doc = pmml(
      xyFields,
      `<TransformationDictionary>${functions}
<DerivedField name="s" optype="categorical" dataType="string">${apply("norm", c(1), z)}</DerivedField>
<DerivedField name="l" optype="continuous" dataType="double"><MapValues outputColumn="to"><FieldColumnPair field="s" column="from"/>
  <InlineTable><row><from>A</from><to>1</to></row><row><from>QQ</from><to>2</to></row><row><from>Q</from><to>2.5</to></row><row><from>C</from><to>3</to></row></InlineTable></MapValues></DerivedField>
<DerivedField name="u" optype="continuous" dataType="double">${apply("if", apply("equal", apply("lowercase", z), c("zz")), x, y)}</DerivedField>
<DerivedField name="f" optype="categorical" dataType="string">${apply("concat", z, c("-"), z)}</DerivedField>
</TransformationDictionary>
<RegressionModel functionName="regression">${mining}
<RegressionTable intercept="0"><NumericPredictor name="l" coefficient="1"/><NumericPredictor name="u" coefficient="1"/>
<CategoricalPredictor name="f" value="a-a" coefficient="10"/><CategoricalPredictor name="s" value="B" coefficient="100"/></RegressionTable></RegressionModel>`,
    );
    const open = [...rows, { x: 1, y: 1, z: "q" }, { x: 1, y: 1, z: "  c" }];
    // z's DataField lists values; an unlisted one is invalid unless treated asIs.
    expectSameAnswers(doc.replace(`<MiningField name="z"/>`, `<MiningField name="z" invalidValueTreatment="asIs"/>`), open);
    expectSameAnswers(doc, open);
  });

  it("a failing string function fails only the rows whose category fails (substring start 0)", () => {
    const doc = withDerived([{ expr: apply("if", apply("equal", z, c("a")), apply("stringLength", apply("substring", z, c(0), c(1))), c(1)) }]);
    expectSameAnswers(doc, rows);
  });

  it("matches/replace cannot run away on either backend (issue 11): same answers, same REGEX_BUDGET rows", () => {
    const long = "a".repeat(30) + "b";
    const open = [...rows, { x: 1, y: 1, z: long }, { x: 2, y: 2, z: "a".repeat(100_000) + "b" }, { x: 3, y: 3, z: "xaa" }];
    const asIs = (doc: string) => doc.replace(`<MiningField name="z"/>`, `<MiningField name="z" invalidValueTreatment="asIs"/>`);
    // (a+)+$ runs on the linear engine: an answer for every row, at once.
    const t = performance.now();
    expectSameAnswers(
      asIs(
        withDerived([
          { expr: apply("if", apply("matches", z, c("(a+)+$")), c(1), c(2)) },
          { expr: apply("stringLength", apply("replace", z, c("(a+)+b$"), c("$1"))) },
        ]),
      ),
      open,
    );
    expect(performance.now() - t).toBeLessThan(4000);
    // A back reference needs the bounded engine: the runaway rows fail with REGEX_BUDGET, the others answer.
    const doc = asIs(withDerived([{ expr: apply("if", apply("matches", z, c("(a+)+\\1$")), c(1), c(2)) }]));
    expectSameAnswers(doc, open);
    const errors = pmmlModel(parsePmml(doc), "js").scoreBatch(open, { onError: "collect" }).errors;
    expect(errors.map((e) => [e.row, e.code])).toEqual([
      [open.length - 3, "REGEX_BUDGET"],
      [open.length - 2, "REGEX_BUDGET"],
    ]);
  });

  it("an artifact using category tables and shared functions round-trips through serialisation", () => {
    const doc = pmml(
      xyFields,
      `<TransformationDictionary>${functions}
<DerivedField name="s" optype="categorical" dataType="string">${apply("norm", c(1), z)}</DerivedField>
<DerivedField name="m" optype="continuous" dataType="double">${apply("median", x, y, apply("rint", x))}</DerivedField>
</TransformationDictionary>
<RegressionModel functionName="regression">${mining.replace(`<MiningField name="z"/>`, `<MiningField name="z" invalidValueTreatment="asIs"/>`)}
<RegressionTable intercept="0"><NumericPredictor name="m" coefficient="1"/><CategoricalPredictor name="s" value="B" coefficient="100"/></RegressionTable></RegressionModel>`,
    );
    const compiled = compilePipeline(parsePmml(doc));
    const artifact = serializeCompiled(compiled);
    expect(artifact).toBeDefined();
    const back = deserializeCompiled(JSON.parse(JSON.stringify(artifact)) as { code: string; meta: Record<string, unknown> });
    const open = [...rows, { x: 1, y: 1, z: "q" }];
    const a = new CompiledScorer(compiled).scoreRows(open);
    const b = new CompiledScorer(back).scoreRows(open);
    expect(b.results).toEqual(a.results);
    expect(b.errors.map((e) => e?.code)).toEqual(a.errors.map((e) => e?.code));
  });

  it("field names and texts from the document stay data", () => {
    const nasty = `&quot;); process.exit(1); (&quot;`;
    const doc = withDerived([{ expr: apply("ln1p", x) }, { expr: apply("if", apply("equal", z, c(nasty)), c(1), c(2)) }]).replaceAll(`"d0"`, `"${nasty}"`);
    expectSameAnswers(doc, rows);
  });
});
