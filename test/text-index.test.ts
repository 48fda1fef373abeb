import { describe, expect, it } from "vitest";
import { EvaluationError, SchemaError, UnsupportedFeatureError } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { pmmlModel } from "@porta/runtime";
import { scoreBatchBoth } from "./producers/both-backends.ts";

/**
 * PMML 4.4 §Transformations "TextIndex", through both backends: the spec's examples with their
 * stated results, a nyoka-shaped TF-IDF + logistic regression document, and bad input.
 */

/** A regression model predicting the DerivedField `d` (coefficient 1), with `extra` before it. */
function doc(derived: string, extra = "", fields = ""): string {
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
    <DataDictionary>
      <DataField name="text" optype="categorical" dataType="string"/>
      ${fields}
      <DataField name="out" optype="continuous" dataType="double"/>
    </DataDictionary>
    ${extra}
    <RegressionModel functionName="regression">
      <MiningSchema><MiningField name="text"/><MiningField name="out" usageType="target"/></MiningSchema>
      <LocalTransformations>${derived}</LocalTransformations>
      <RegressionTable intercept="0"><NumericPredictor name="d" coefficient="1"/></RegressionTable>
    </RegressionModel></PMML>`;
}

function textIndex(attrs: string, term: string, inner = ""): string {
  return `<DerivedField name="d" optype="continuous" dataType="double"><TextIndex textField="text" ${attrs}>${inner}<Constant>${term}</Constant></TextIndex></DerivedField>`;
}

/** Scores rows through the interpreter and compile-js; both must give the same results. */
function bothBackends(text: string, rows: Record<string, unknown>[]): { values: unknown[]; compiled: boolean } {
  const { results, compiled } = scoreBatchBoth(text, rows);
  return { values: results.map((r) => r?.out), compiled };
}

describe("TextIndex: the examples of PMML 4.4 §Transformations", () => {
  it("wordSeparatorCharacterRE=[\\s\\-] makes user-friendly two tokens: 'user friendly' counts 1 in both spellings", () => {
    const r = bothBackends(doc(textIndex('wordSeparatorCharacterRE="[\\s\\-]"', "user friendly")), [{ text: "user-friendly" }, { text: "user friendly" }]);
    expect(r.values).toEqual([1, 1]);
    expect(r.compiled).toBe(true);
  });

  it("maxLevenshteinDistance adds the distances of the term's tokens: 'brown fox' counts 2 within 1, 3 within 2", () => {
    const text = "The quick browny foxy jumps over the lazy dog. The brown fox runs away and to be with another brown foxy.";
    expect(bothBackends(doc(textIndex('maxLevenshteinDistance="1" wordSeparatorCharacterRE="[\\s]"', "brown fox")), [{ text }]).values).toEqual([2]);
    expect(bothBackends(doc(textIndex('maxLevenshteinDistance="2" wordSeparatorCharacterRE="[\\s]"', "brown fox")), [{ text }]).values).toEqual([3]);
  });

  it("countHits: allHits counts every match within the distance (3), bestHits only the closest ones (1)", () => {
    const text = "I have a doog. My dog is white. The doog is friendly";
    const attrs = (hits: string) => `maxLevenshteinDistance="1" wordSeparatorCharacterRE="[\\s\\.]" countHits="${hits}"`;
    expect(bothBackends(doc(textIndex(attrs("allHits"), "dog")), [{ text }]).values).toEqual([3]);
    expect(bothBackends(doc(textIndex(attrs("bestHits"), "dog")), [{ text }]).values).toEqual([1]);
  });

  it("case-insensitive with the default separator: 'sun' matches Sun, son and sunk within 1 (3), only Sun within 0 (1)", () => {
    const text = "The Sun was setting while the captain's son reached the bounty island, minutes after their ship had sunk to the bottom of the ocean";
    expect(
      bothBackends(doc(textIndex('localTermWeights="termFrequency" isCaseSensitive="false" maxLevenshteinDistance="1" countHits="allHits"', "sun")), [{ text }])
        .values,
    ).toEqual([3]);
    expect(bothBackends(doc(textIndex('isCaseSensitive="false" maxLevenshteinDistance="0"', "sun")), [{ text }]).values).toEqual([1]);
  });

  it("TextIndexNormalization tables in a DefineFunction: 'the interfaces are excellent' becomes ui_good (binary 1)", () => {
    const fn = `<TransformationDictionary>
      <DefineFunction name="myIndexFunction" optype="continuous" dataType="double">
        <ParameterField name="reviewText"/>
        <ParameterField name="term"/>
        <TextIndex textField="reviewText" localTermWeights="binary" isCaseSensitive="false">
          <TextIndexNormalization inField="string" outField="stem" regexField="regex">
            <InlineTable>
              <row><string>interfaces?</string><stem>interface</stem><regex>true</regex></row>
              <row><string>is|are|seem(ed|s?)|were</string><stem>be</stem><regex>true</regex></row>
              <row><string>user friendl(y|iness)</string><stem>user_friendly</stem><regex>true</regex></row>
            </InlineTable>
          </TextIndexNormalization>
          <TextIndexNormalization inField="re" outField="feature" regexField="regex">
            <InlineTable>
              <row><re>interface be (user_friendly|well designed|excellent)</re><feature>ui_good</feature><regex>true</regex></row>
            </InlineTable>
          </TextIndexNormalization>
          <FieldRef field="term"/>
        </TextIndex>
      </DefineFunction></TransformationDictionary>`;
    const derived = `<DerivedField name="d" optype="continuous" dataType="double"><Apply function="myIndexFunction"><FieldRef field="text"/><Constant>ui_good</Constant></Apply></DerivedField>`;
    const r = bothBackends(doc(derived, fn), [
      { text: "Testing the app for a few days convinced me the interfaces are excellent!" },
      { text: "The interface is slow." },
    ]);
    expect(r.values).toEqual([1, 0]);
  });
});

describe("TextIndex: attributes and normalisation", () => {
  // The KIE drools test text: case-sensitive tokens of which "The", "with" and "another" occur twice.
  const text = "The quick browny fox 234 -. jumps over the lazy dog with another Brown Fox. The brown fox runs away and to be with another  ; : brown-foxy.";

  it("localTermWeights: termFrequency, binary, log10(1 + f), 0.5 (1 + f / most frequent token's count)", () => {
    const run = (w: string) =>
      bothBackends(doc(textIndex(`localTermWeights="${w}" isCaseSensitive="true" maxLevenshteinDistance="2"`, "brown fox")), [{ text }]).values[0];
    // Windows within distance 2: "browny fox" (1), "Brown Fox" (2), "brown fox" (0), "brown-foxy" is one token.
    const f = 3;
    expect(run("termFrequency")).toBe(f);
    expect(run("binary")).toBe(1);
    expect(run("logarithmic")).toBe(Math.log10(1 + f));
    expect(run("augmentedNormalizedTermFrequency")).toBe(0.5 * (1 + f / 2));
  });

  it("augmentedNormalizedTermFrequency folds case for the most frequent token when case-insensitive", () => {
    // Case-insensitive: "the" occurs 3 times; the term (distance 0) matches "Brown Fox" and "brown fox".
    const r = bothBackends(doc(textIndex('localTermWeights="augmentedNormalizedTermFrequency"', "brown fox")), [
      { text },
      { text: "" },
      { text: "nothing here" },
    ]);
    expect(r.values).toEqual([0.5 * (1 + 2 / 3), 0, 0]);
  });

  it("a missing text gives a missing term frequency (and so a missing prediction)", () => {
    const r = bothBackends(doc(textIndex("", "fox")), [{ text: null }, { text: "fox" }]);
    expect(r.values).toEqual([null, 1]);
  });

  it("a literal normalisation row replaces every occurrence, case-insensitively unless the table says otherwise", () => {
    const table = (cs: string) =>
      `<TextIndexNormalization ${cs}><InlineTable><row><string>U.S.</string><stem>usa</stem></row></InlineTable></TextIndexNormalization>`;
    const rows = [{ text: "made in the U.S. and the u.s." }, { text: "USxS" }];
    expect(bothBackends(doc(textIndex("", "usa", table(""))), rows).values).toEqual([2, 0]);
    expect(bothBackends(doc(textIndex("", "usa", table('isCaseSensitive="true"'))), rows).values).toEqual([1, 0]);
  });

  it("recursive reapplies a table until it changes nothing; Java $n group references in the replacement", () => {
    const table = (recursive: string) =>
      `<TextIndexNormalization recursive="${recursive}"><InlineTable><row><string>(\\w)\\1</string><stem>$1</stem><regex>true</regex></row></InlineTable></TextIndexNormalization>`;
    // "goooood" loses one letter of each pair per pass: goood → good → god with recursion.
    expect(bothBackends(doc(textIndex("", "god", table("true"))), [{ text: "goooood god" }]).values).toEqual([2]);
    expect(bothBackends(doc(textIndex("", "god", table("false"))), [{ text: "goooood god" }]).values).toEqual([1]);
  });

  it("leading and trailing punctuation is trimmed from each token; inner punctuation stays", () => {
    expect(bothBackends(doc(textIndex("", "o'neil")), [{ text: "(O'Neil), \u201CO'Neil!\u201D O'Neils" }]).values).toEqual([2]);
  });
});

describe("TextIndex: a nyoka TfidfVectorizer + LogisticRegression document", () => {
  // nyoka writes lowercase(text), then per vocabulary term an Apply "*" of a TextIndex (the
  // term as a Constant) and the term's idf, and a RegressionModel over those fields.
  const vocabulary = ["good", "bad", "movie", "not", "great"];
  const idf = [1.6931471805599454, 1.4054651081081644, 1.0, 1.2876820724517808, 2.09861228866811];
  const coef = [1.25, -1.5, 0.125, -0.75, 2.0];
  const intercept = -0.25;
  const name = (t: string) => `tfidf@[text](${t})`;
  const derived = vocabulary
    .map(
      (t, k) => `
      <DerivedField name="${name(t)}" optype="continuous" dataType="double">
        <Apply function="*">
          <TextIndex textField="lowercase(text)" wordSeparatorCharacterRE="\\s+" tokenize="true">
            <Extension value="${t}"/>
            <Constant>${t}</Constant>
          </TextIndex>
          <Constant>${idf[k].toFixed(16)}</Constant>
        </Apply>
      </DerivedField>`,
    )
    .join("");
  const text = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
    <DataDictionary>
      <DataField name="text" optype="categorical" dataType="string"/>
      <DataField name="sentiment" optype="categorical" dataType="string"><Value value="neg"/><Value value="pos"/></DataField>
    </DataDictionary>
    <TransformationDictionary>
      <DerivedField name="lowercase(text)" optype="categorical" dataType="string"><Apply function="lowercase"><FieldRef field="text"/></Apply></DerivedField>
      ${derived}
    </TransformationDictionary>
    <RegressionModel functionName="classification" normalizationMethod="logit">
      <MiningSchema><MiningField name="text"/><MiningField name="sentiment" usageType="target"/></MiningSchema>
      <Output>
        <OutputField name="probability_pos" optype="continuous" dataType="double" feature="probability" value="pos"/>
      </Output>
      <RegressionTable intercept="${intercept}" targetCategory="pos">
        ${vocabulary.map((t, k) => `<NumericPredictor name="${name(t)}" coefficient="${coef[k]}"/>`).join("")}
      </RegressionTable>
      <RegressionTable intercept="0" targetCategory="neg"/>
    </RegressionModel></PMML>`;

  /** The expected probability, from whitespace tokens of the lower-cased review (nothing shared with Porta). */
  function expected(review: string): number {
    const tokens = review
      .toLowerCase()
      .split(/\s+/)
      .map((w) => w.replace(/^[.,!?;:'"()]+|[.,!?;:'"()]+$/g, ""));
    let y = intercept;
    vocabulary.forEach((t, k) => {
      const count = tokens.filter((w) => w === t).length;
      y += coef[k] * (count * Number(idf[k].toFixed(16)));
    });
    return 1 / (1 + Math.exp(-y));
  }

  const reviews = ["Good movie, GREAT cast. Good!", "not good, not great: a bad movie", "bad bad bad", "", "An unrelated sentence", "Movie. movie? MOVIE!"];

  it("scores every review as the TF-IDF arithmetic says, compiled as per-category tables", () => {
    const pipeline = parsePmml(text);
    const interp = pmmlModel(pipeline, "interp");
    const js = pmmlModel(pipeline, "js");
    expect(js.backend).toBe("js");
    const rows = reviews.map((r) => ({ text: r }));
    const a = interp.scoreBatch(rows);
    const b = js.scoreBatch(rows);
    expect(b.results).toEqual(a.results);
    reviews.forEach((r, i) => {
      expect(a.results[i]?.probability_pos as number).toBeCloseTo(expected(r), 14);
      expect(a.results[i]?.sentiment).toBe(expected(r) > 0.5 ? "pos" : "neg");
    });
  });
});

describe("TextIndex: bad input is a typed error", () => {
  it("a TextIndex without a term", () => {
    const bad = doc(`<DerivedField name="d" optype="continuous" dataType="double"><TextIndex textField="text"/></DerivedField>`);
    expect(() => parsePmml(bad)).toThrow(SchemaError);
    expect(() => parsePmml(bad)).toThrow(expect.objectContaining({ code: "PMML_EXPRESSION_EXPECTED", path: expect.stringContaining("TextIndex") }));
  });

  it("a wordSeparatorCharacterRE or normalisation regex that does not compile", () => {
    expect(() => parsePmml(doc(textIndex('wordSeparatorCharacterRE="[\\s"', "x")))).toThrow(
      expect.objectContaining({ code: "PMML_TEXT_INDEX_REGEX", value: "[\\s" }),
    );
    const table = `<TextIndexNormalization><InlineTable><row><string>(a</string><stem>b</stem><regex>true</regex></row></InlineTable></TextIndexNormalization>`;
    const err = (() => {
      try {
        parsePmml(doc(textIndex("", "x", table)));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SchemaError);
    expect(err).toMatchObject({ code: "PMML_TEXT_INDEX_REGEX", value: "(a", path: expect.stringContaining("TextIndexNormalization") });
  });

  it("a huge, negative or fractional maxLevenshteinDistance", () => {
    for (const d of ["1000000000000", "-1", "1.5", "x"]) {
      expect(() => parsePmml(doc(textIndex(`maxLevenshteinDistance="${d}"`, "x")))).toThrow(
        expect.objectContaining({ code: "PMML_TEXT_INDEX_LEVENSHTEIN", value: d }),
      );
    }
  });

  it("a normalisation row without its inField or outField cell, an undeclared textField", () => {
    const table = `<TextIndexNormalization><InlineTable><row><stem>b</stem></row></InlineTable></TextIndexNormalization>`;
    expect(() => parsePmml(doc(textIndex("", "x", table)))).toThrow(expect.objectContaining({ code: "PMML_TEXT_INDEX_ROW" }));
    expect(() => parsePmml(doc(textIndex("", "x").replace('textField="text"', 'textField="nope"')))).toThrow(
      expect.objectContaining({ code: "PMML_UNDECLARED_FIELD", value: "nope" }),
    );
  });

  it('tokenize="false" and a TableLocator are refused as unsupported, not misread', () => {
    expect(() => parsePmml(doc(textIndex('tokenize="false"', "x")))).toThrow(UnsupportedFeatureError);
    expect(() => parsePmml(doc(textIndex("", "x", "<TextIndexNormalization><TableLocator/></TextIndexNormalization>")))).toThrow(UnsupportedFeatureError);
  });

  it("a recursive table that never settles stops with an evaluation error on both backends", () => {
    const table = `<TextIndexNormalization recursive="true"><InlineTable><row><string>a</string><stem>aa</stem></row></InlineTable></TextIndexNormalization>`;
    const pipeline = parsePmml(doc(textIndex("", "x", table)));
    for (const backend of ["interp", "js"] as const) {
      const r = pmmlModel(pipeline, backend).scoreBatch([{ text: "a" }, { text: "b" }], { onError: "collect" });
      expect(r.errors.map((e) => [e.row, e.code])).toEqual([[0, "PMML_TEXT_INDEX_NORMALIZATION"]]);
      expect(r.results[1]?.out).toBe(0);
    }
    expect(() => pmmlModel(pipeline, "interp").score({ text: "a" })).toThrow(EvaluationError);
  });
});

describe("TextIndex: a JPMML-SkLearn CountVectorizer document (x-wordRE, stop words, bigrams)", () => {
  // JPMML-SkLearn: lowercase(text); a DefineFunction tf@[lowercase(text)](document, term) of a
  // TextIndex with x-wordRE = scikit-learn's token_pattern and, for n-grams with stop words, a
  // recursive normalisation blanking the stop words; one Apply per vocabulary term.
  const stopWords = ["the", "a", "is"];
  const vocabulary = ["good", "movie", "good movie", "not good", "plot"];
  const coef = [0.5, 0.25, 1.5, -2.0, -0.125];
  const intercept = 0.75;
  const name = (t: string) => `tf(lowercase(text), ${t})`;
  const text = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
    <DataDictionary>
      <DataField name="text" optype="categorical" dataType="string"/>
      <DataField name="out" optype="continuous" dataType="double"/>
    </DataDictionary>
    <TransformationDictionary>
      <DefineFunction name="tf@[lowercase(text)]" optype="continuous" dataType="integer">
        <ParameterField name="document"/>
        <ParameterField name="term"/>
        <TextIndex textField="document" x-wordRE="(?u)\\b\\w\\w+\\b" tokenize="true">
          <TextIndexNormalization recursive="true">
            <InlineTable>
              <row><string>(?u)\\b(${stopWords.join("|")})\\b</string><stem> </stem><regex>true</regex></row>
            </InlineTable>
          </TextIndexNormalization>
          <FieldRef field="term"/>
        </TextIndex>
      </DefineFunction>
      <DerivedField name="lowercase(text)" optype="categorical" dataType="string"><Apply function="lowercase"><FieldRef field="text"/></Apply></DerivedField>
      ${vocabulary.map((t) => `<DerivedField name="${name(t)}" optype="continuous" dataType="integer"><Apply function="tf@[lowercase(text)]"><FieldRef field="lowercase(text)"/><Constant dataType="string">${t}</Constant></Apply></DerivedField>`).join("")}
    </TransformationDictionary>
    <RegressionModel functionName="regression">
      <MiningSchema><MiningField name="text"/><MiningField name="out" usageType="target"/></MiningSchema>
      <RegressionTable intercept="${intercept}">
        ${vocabulary.map((t, k) => `<NumericPredictor name="${name(t)}" coefficient="${coef[k]}"/>`).join("")}
      </RegressionTable>
    </RegressionModel></PMML>`;

  /** scikit-learn's analyzer: token_pattern words, stop words dropped, then 1- and 2-grams. */
  function expected(review: string): number {
    const words = (review.toLowerCase().match(/\b\w\w+\b/g) ?? []).filter((w) => !stopWords.includes(w));
    const grams = [...words, ...words.slice(1).map((w, i) => `${words[i]} ${w}`)];
    return vocabulary.reduce((y, t, k) => y + coef[k] * grams.filter((g) => g === t).length, intercept);
  }

  it("counts unigrams and bigrams across removed stop words, compiled as per-category tables", () => {
    const reviews = ["A good movie", "Not good. The plot is a mess; good, the movie!", "good the movie good movie", "", "I  x", "Plot-plot PLOT"];
    const pipeline = parsePmml(text);
    const js = pmmlModel(pipeline, "js");
    expect(js.backend).toBe("js");
    const r = bothBackends(
      text,
      reviews.map((t) => ({ text: t })),
    );
    reviews.forEach((review, i) => expect(r.values[i]).toBe(expected(review)));
  });
});
