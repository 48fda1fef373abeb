/**
 * Property tests (fast-check): generated valid PMML and PFA documents, mutated (hostile)
 * documents and rows of every JSON type. Whatever goes in, nothing but a PortaError comes out,
 * no case runs past its time budget, and on every valid PMML document compile-js gives the
 * interpreter's results and error codes row by row.
 *
 * Seed: PORTA_PROPERTY_SEED (default below); a failure prints the seed and the shrunk case, and
 * `PORTA_PROPERTY_SEED=<seed> npx vitest run test/property.test.ts` replays it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPortaError } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { compilePfa, decodeInput, parsePfa } from "@porta/pfa";
import { modelFromText, pmmlModel, type Model } from "@porta/runtime";

const SEED = Number(process.env.PORTA_PROPERTY_SEED ?? 20261206);
/** Wall-clock budget of one generated case (parse, compile and score a few rows). */
const CASE_BUDGET_MS = 2000;

/** Runs `f`; any throw must be a PortaError. Returns the value or the error. */
function typed<T>(f: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    if (!isPortaError(error)) throw new Error(`not a PortaError: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return { ok: false, error };
  }
}

function withinBudget(f: () => void): void {
  const t0 = performance.now();
  f();
  const ms = performance.now() - t0;
  if (ms > CASE_BUDGET_MS) throw new Error(`case took ${ms.toFixed(0)} ms, over its ${CASE_BUDGET_MS} ms budget`);
}

// ---------------------------------------------------------------- valid PMML documents

const NUMERIC = ["x0", "x1", "x2"] as const;
const CATEGORIES = ["a", "b", "c"] as const;
const num = fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }).map((v) => Number(v.toPrecision(6)));
const attrNum = num.map((v) => String(v));

/** A numeric expression over the inputs (PMML Apply/FieldRef/Constant), depth-bounded. */
const numericExpr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...NUMERIC).map((f) => `<FieldRef field="${f}"/>`),
    attrNum.map((v) => `<Constant dataType="double">${v}</Constant>`),
    fc.tuple(fc.constantFrom("+", "-", "*", "/", "min", "max", "pow"), tie("e"), tie("e")).map(([f, a, b]) => `<Apply function="${f}">${a}${b}</Apply>`),
    fc.tuple(fc.constantFrom("abs", "exp", "ln", "sqrt", "floor", "round", "isMissing"), tie("e")).map(([f, a]) => `<Apply function="${f}">${a}</Apply>`),
    fc
      .tuple(tie("e"), tie("e"), tie("e"))
      .map(([c, a, b]) => `<Apply function="if"><Apply function="greaterThan">${c}<Constant dataType="double">0</Constant></Apply>${a}${b}</Apply>`),
  ),
})).e;

const miningField = fc
  .tuple(
    fc.constantFrom(...NUMERIC),
    fc.option(attrNum, { nil: undefined }),
    fc.constantFrom("returnInvalid", "asIs", "asMissing"),
    fc.constantFrom("asIs", "asMissingValues", "asExtremeValues"),
  )
  .map(
    ([name, replacement, invalid, outliers]) =>
      `<MiningField name="${name}"${replacement === undefined ? "" : ` missingValueReplacement="${replacement}"`} invalidValueTreatment="${invalid}" outliers="${outliers}"${outliers === "asIs" ? "" : ` lowValue="-50" highValue="50"`}/>`,
  );

const predicate = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...NUMERIC, "d"),
      fc.constantFrom("lessThan", "lessOrEqual", "greaterThan", "greaterOrEqual", "equal", "notEqual", "isMissing", "isNotMissing"),
      attrNum,
    )
    .map(([f, op, v]) =>
      op.startsWith("is") ? `<SimplePredicate field="${f}" operator="${op}"/>` : `<SimplePredicate field="${f}" operator="${op}" value="${v}"/>`,
    ),
  fc
    .subarray([...CATEGORIES], { minLength: 1 })
    .map((cs) => `<SimpleSetPredicate field="c" booleanOperator="isIn"><Array type="string">${cs.join(" ")}</Array></SimpleSetPredicate>`),
  fc.constant("<True/>"),
);

function treeNode(depth: number, classification: boolean): fc.Arbitrary<string> {
  const score = classification ? fc.constantFrom(...CATEGORIES) : attrNum;
  if (depth === 0) return fc.tuple(predicate, score).map(([p, s]) => `<Node score="${s}">${p}</Node>`);
  return fc
    .tuple(predicate, score, fc.array(treeNode(depth - 1, classification), { minLength: 0, maxLength: 3 }))
    .map(([p, s, kids]) => `<Node score="${s}">${p}${kids.join("")}</Node>`);
}

function treeModel(classification: boolean): fc.Arbitrary<(target: string) => string> {
  return fc
    .tuple(
      fc.integer({ min: 0, max: 3 }).chain((d) => fc.array(treeNode(d, classification), { minLength: 1, maxLength: 3 })),
      fc.constantFrom("none", "lastPrediction", "nullPrediction", "defaultChild"),
      fc.constantFrom("returnNullPrediction", "returnLastPrediction"),
    )
    .map(
      ([kids, missing, noTrue]) =>
        (target: string) =>
          `<TreeModel functionName="${classification ? "classification" : "regression"}" missingValueStrategy="${missing}" noTrueChildStrategy="${noTrue}">
      <MiningSchema>${NUMERIC.map((f) => `<MiningField name="${f}"/>`).join("")}<MiningField name="c"/><MiningField name="${target}" usageType="target"/></MiningSchema>
      <Node score="${classification ? "a" : "0"}"><True/>${kids.join("")}</Node></TreeModel>`,
    );
}

const regressionModel = (classification: boolean): fc.Arbitrary<(target: string) => string> =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.constantFrom(...NUMERIC, "d"), attrNum, fc.integer({ min: 1, max: 2 })), { minLength: 1, maxLength: 4 }),
      fc.constantFrom(...(classification ? ["softmax", "simplemax", "logit", "probit", "cloglog", "none"] : ["none", "logit", "exp", "softmax", "cauchit"])),
      attrNum,
    )
    .map(([predictors, norm, intercept]) => (target: string) => {
      const table = (category?: string, empty = false) =>
        `<RegressionTable intercept="${empty ? 0 : intercept}"${category ? ` targetCategory="${category}"` : ""}>${empty ? "" : predictors.map(([f, c, e]) => `<NumericPredictor name="${f}" coefficient="${c}" exponent="${e}"/>`).join("")}<CategoricalPredictor name="c" value="b" coefficient="0.5"/></RegressionTable>`;
      const tables = classification ? table("a") + table("b") + table("c", true) : table();
      return `<RegressionModel functionName="${classification ? "classification" : "regression"}" normalizationMethod="${norm}">
      <MiningSchema>${NUMERIC.map((f) => `<MiningField name="${f}"/>`).join("")}<MiningField name="c"/><MiningField name="${target}" usageType="target"/></MiningSchema>
      ${tables}</RegressionModel>`;
    });

const ensemble = (classification: boolean): fc.Arbitrary<(target: string) => string> =>
  fc
    .tuple(
      fc.array(treeModel(classification), { minLength: 1, maxLength: 4 }),
      fc.constantFrom(
        ...(classification ? ["majorityVote", "weightedMajorityVote", "selectFirst"] : ["sum", "average", "weightedAverage", "median", "max", "selectFirst"]),
      ),
      fc.array(miningField, { maxLength: 2 }),
    )
    .map(([trees, method, topFields]) => (target: string) => {
      const named = new Set<string>();
      const top = topFields.filter((f) => {
        const n = /name="(\w+)"/.exec(f)![1];
        if (named.has(n)) return false;
        named.add(n);
        return true;
      });
      const rest = NUMERIC.filter((f) => !named.has(f)).map((f) => `<MiningField name="${f}"/>`);
      return `<MiningModel functionName="${classification ? "classification" : "regression"}">
      <MiningSchema>${top.join("")}${rest.join("")}<MiningField name="c"/><MiningField name="${target}" usageType="target"/></MiningSchema>
      <Segmentation multipleModelMethod="${method}">${trees.map((t, i) => `<Segment id="s${i}" weight="${i + 1}"><True/>${t(target)}</Segment>`).join("")}</Segmentation>
    </MiningModel>`;
    });

const validPmml: fc.Arbitrary<string> = fc
  .tuple(fc.boolean(), numericExpr, fc.constantFrom("4.4", "4.4.1", "4.3", "4.2", "3.2"))
  .chain(([classification, derived, version]) =>
    fc.oneof(treeModel(classification), regressionModel(classification), ensemble(classification)).map((model): string => {
      const target = classification
        ? `<DataField name="t" optype="categorical" dataType="string">${CATEGORIES.map((c) => `<Value value="${c}"/>`).join("")}</DataField>`
        : `<DataField name="t" optype="continuous" dataType="double"/>`;
      return `<?xml version="1.0"?>
<PMML version="${version}" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
  <DataDictionary>${NUMERIC.map((f) => `<DataField name="${f}" optype="continuous" dataType="double"/>`).join("")}
    <DataField name="c" optype="categorical" dataType="string">${CATEGORIES.map((c) => `<Value value="${c}"/>`).join("")}</DataField>${target}</DataDictionary>
  <TransformationDictionary><DerivedField name="d" optype="continuous" dataType="double">${derived}</DerivedField></TransformationDictionary>
  ${model("t")}
</PMML>`;
    }),
  );

/** A cell of any kind a client might send. */
const cell: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.constantFrom(null, undefined, "", "NA", "a", "b", "c", "d", "1e400", "-0", "NaN", "Infinity", " 3 ", "0x10", "__proto__") },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
);
const row = fc.record({ x0: cell, x1: cell, x2: cell, c: cell }, { requiredKeys: [] });
/** A cell a numeric field can hold: a number (any double), a numeric string, or missing. */
const validCell = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(null, undefined, "1.5", "-0", "1e3", "2"));
const validRow = fc.record({ x0: validCell, x1: validCell, x2: validCell, c: fc.constantFrom(null, "a", "b", "c") }, { requiredKeys: [] });

/**
 * Both backends' batch results, row by row. Strict (rows whose cells are valid or missing):
 * identical results and error codes. Otherwise (cells of any type) only PortaErrors, never an
 * internal error: the backends may part on invalid input, knowingly — compile-js checks every
 * input's validity before the model runs where the interpreter (like JPMML) checks only what the
 * model reads, and a numeric column cannot hold a non-number kept by invalidValueTreatment="asIs".
 */
function expectSameBatches(interp: Model, js: Model, rows: Record<string, unknown>[], strict: boolean): void {
  const a = interp.scoreBatch(rows, { onError: "collect" });
  const b = js.scoreBatch(rows, { onError: "collect" });
  for (const e of [...a.errors, ...b.errors]) expect(e.code).not.toBe("INTERNAL");
  if (!strict) return;
  expect(b.results.map(nanAsMissing)).toEqual(a.results.map(nanAsMissing));
  expect(b.errors.map((e) => [e.row, e.code])).toEqual(a.errors.map((e) => [e.row, e.code]));
}

/** compile-js holds a missing number as NaN, so a NaN result (0·∞ from an infinite input) reads back as missing. */
function nanAsMissing(r: Record<string, unknown> | null): Record<string, unknown> | null {
  return r && Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "number" && Number.isNaN(v) ? null : v]));
}

describe("property: valid PMML documents, compiled == interpreted (fast-check)", () => {
  it(`2,000 generated documents × (4 valid rows + 4 rows of any cells) (seed ${SEED})`, () => {
    fc.assert(
      fc.property(validPmml, fc.array(validRow, { minLength: 4, maxLength: 4 }), fc.array(row, { minLength: 4, maxLength: 4 }), (text, valid, anyRows) => {
        withinBudget(() => {
          const pipeline = parsePmml(text);
          const interp = pmmlModel(pipeline, "interp");
          const js = pmmlModel(pipeline, "js");
          expectSameBatches(interp, js, valid, true);
          expectSameBatches(interp, js, anyRows, false);
        });
      }),
      { numRuns: 2000, seed: SEED },
    );
  }, 240_000);
});

// ---------------------------------------------------------------- mutated (hostile) documents

const HOSTILE_SNIPPETS = [
  '<!DOCTYPE PMML [<!ENTITY e "boom">]>',
  "&e;",
  "&#0;",
  "&#xD800;",
  "&#x110000;",
  "<?pi <b?>",
  "\u0000",
  "]]>",
  "<![CDATA[x]]>",
  "<",
  ">",
  '"',
  "'",
  "&",
  "1e400",
  "-0",
  "NaN",
  '<Apply function="d"><FieldRef field="d"/></Apply>',
  "<Node>",
  "</Node>",
  '<DerivedField name="d" optype="continuous" dataType="double"><FieldRef field="d"/></DerivedField>',
  "\uFEFF",
  "<!-- -->",
  "<Extension/>",
  'xmlns="x"',
  "__proto__",
  "constructor",
  "\u2028",
  "<Segment/>",
  '<Array type="int">1 2 "3</Array>',
];

const mutation = fc.oneof(
  fc.tuple(fc.constant("delete" as const), fc.nat(), fc.integer({ min: 1, max: 40 })),
  fc.tuple(fc.constant("duplicate" as const), fc.nat(), fc.integer({ min: 1, max: 200 })),
  fc.tuple(fc.constant("insert" as const), fc.nat(), fc.constantFrom(...HOSTILE_SNIPPETS)),
  fc.tuple(fc.constant("insert" as const), fc.nat(), fc.string({ maxLength: 8 })),
  fc.tuple(fc.constant("attribute" as const), fc.nat(), fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", "-1", "1e308", "NaN", "a b", "4.4.1"))),
  fc.tuple(fc.constant("truncate" as const), fc.nat(), fc.constant(0)),
);

function mutate(text: string, [kind, at, arg]: readonly [string, number, number | string]): string {
  const i = at % (text.length + 1);
  switch (kind) {
    case "delete":
      return text.slice(0, i) + text.slice(i + Number(arg));
    case "duplicate":
      return text.slice(0, i) + text.slice(i, i + Number(arg)) + text.slice(i);
    case "insert":
      return text.slice(0, i) + String(arg) + text.slice(i);
    case "truncate":
      return text.slice(0, i);
    case "attribute": {
      const attrs = [...text.matchAll(/="([^"]*)"/g)];
      if (attrs.length === 0) return text;
      const m = attrs[at % attrs.length];
      const value = String(arg).replace(/"/g, "&quot;");
      return text.slice(0, m.index! + 2) + value + text.slice(m.index! + 2 + m[1].length);
    }
  }
  return text;
}

describe("property: mutated PMML documents end in a value or a PortaError (fast-check)", () => {
  it(`4,000 mutated documents, each loaded by both backends and scored (seed ${SEED})`, () => {
    fc.assert(
      fc.property(validPmml, fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.array(row, { minLength: 2, maxLength: 2 }), (text, mutations, rows) => {
        const hostile = mutations.reduce(mutate, text);
        withinBudget(() => {
          for (const backend of ["interp", "js"] as const) {
            const loaded = typed(() => modelFromText(hostile, "pmml", backend));
            if (!loaded.ok) continue;
            const { errors } = loaded.value.scoreBatch(rows, { onError: "collect" });
            for (const e of errors) expect(e.code).not.toBe("INTERNAL");
          }
        });
      }),
      { numRuns: 4000, seed: SEED },
    );
  }, 300_000);
});

// ---------------------------------------------------------------- PFA documents

const pfaExpr: fc.Arbitrary<unknown> = fc.letrec<{ e: unknown }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("input.x", "input.y", "input.n"),
    num,
    fc.tuple(fc.constantFrom("+", "-", "*", "/", "**", "m.max", "m.min", "%"), tie("e"), tie("e")).map(([f, a, b]) => ({ [f]: [a, b] })),
    fc.tuple(fc.constantFrom("m.sqrt", "m.abs", "m.exp", "m.ln", "m.floor", "m.sin", "u-"), tie("e")).map(([f, a]) => ({ [f]: [a] })),
    fc.tuple(tie("e"), tie("e"), tie("e")).map(([c, a, b]) => ({ if: { "<": [c, 0] }, then: a, else: b })),
    fc.tuple(tie("e"), tie("e")).map(([a, b]) => ({ do: [{ let: { t: a } }, { "+": ["t", b] }] })),
    fc.constant({ "s.len": ["input.s"] }),
    fc.constant({ "a.len": [{ new: ["input.x", "input.y"], type: { type: "array", items: "double" } }] }),
  ),
})).e;

const validPfa = fc.tuple(pfaExpr, fc.boolean()).map(([action, withAnnotations]) => {
  const doc: Record<string, unknown> = {
    input: {
      type: "record",
      name: "Input",
      fields: [
        { name: "x", type: "double" },
        { name: "y", type: "double" },
        { name: "n", type: "int" },
        { name: "s", type: "string" },
      ],
    },
    output: "double",
    action: [{ "+": [action, 0.0] }],
  };
  if (withAnnotations) doc["@"] = "generated";
  return JSON.stringify(doc);
});

const pfaRow = fc.record({ x: cell, y: cell, n: cell, s: cell }, { requiredKeys: [] });

describe("property: PFA documents, valid and mutated, end in a value or a PortaError (fast-check)", () => {
  it(`1,500 generated documents, their rows of every type (seed ${SEED})`, () => {
    fc.assert(
      fc.property(validPfa, fc.array(pfaRow, { minLength: 3, maxLength: 3 }), (text, rows) => {
        withinBudget(() => {
          const engine = typed(() => compilePfa(parsePfa(text)));
          if (!engine.ok) return;
          engine.value.begin();
          for (const r of rows) typed(() => engine.value.action(decodeInput(engine.value, r)));
          // The same document's well-typed rows always score.
          expect(typeof engine.value.action(decodeInput(engine.value, { x: 1.5, y: -2, n: 3, s: "abc" }))).toBe("number");
        });
      }),
      { numRuns: 1500, seed: SEED },
    );
  }, 240_000);

  it(`2,000 mutated PFA documents (seed ${SEED})`, () => {
    const PFA_SNIPPETS = ["{", "}", "[", "]", ",", '"', ":", '"@":1,', '"__proto__":', '{"while":true,"do":1}', "1e400", "null", "\u0000", '"input":1,'];
    const pfaMutation = fc.oneof(mutation, fc.tuple(fc.constant("insert" as const), fc.nat(), fc.constantFrom(...PFA_SNIPPETS)));
    fc.assert(
      fc.property(validPfa, fc.array(pfaMutation, { minLength: 1, maxLength: 3 }), pfaRow, (text, mutations, r) => {
        const hostile = mutations.reduce(mutate, text);
        withinBudget(() => {
          const model = typed(() => modelFromText(hostile, "pfa"));
          if (model.ok) typed(() => model.value.score(r));
        });
      }),
      { numRuns: 2000, seed: SEED },
    );
  }, 240_000);
});

// ---------------------------------------------------------------- rows of every type

describe("property: rows of every JSON type against fixed models (fast-check)", () => {
  const iris = `<PMML version="4.4.1" xmlns="http://www.dmg.org/PMML-4_4"><Header/><DataDictionary>
    <DataField name="x" optype="continuous" dataType="double"/><DataField name="k" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/></DataField>
    <DataField name="__proto__" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
    <RegressionModel functionName="regression"><MiningSchema><MiningField name="x"/><MiningField name="k"/><MiningField name="__proto__" missingValueReplacement="1"/><MiningField name="y" usageType="target"/></MiningSchema>
    <RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2"/><NumericPredictor name="__proto__" coefficient="3"/><CategoricalPredictor name="k" value="a" coefficient="5"/></RegressionTable></RegressionModel></PMML>`;
  const models: Model[] = [modelFromText(iris, "pmml", "interp"), modelFromText(iris, "pmml", "js")];
  const anyRow = fc.dictionary(
    fc.constantFrom("x", "k", "__proto__", "constructor", "y", "z"),
    fc.anything({ maxDepth: 4, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }),
  );

  it(`1,000 batches of rows through both backends: the same answers, only PortaErrors (seed ${SEED})`, () => {
    fc.assert(
      fc.property(fc.array(anyRow, { minLength: 1, maxLength: 5 }), (rows) => {
        expectSameBatches(models[0], models[1], rows, false);
      }),
      { numRuns: 1000, seed: SEED },
    );
  }, 120_000);
});
