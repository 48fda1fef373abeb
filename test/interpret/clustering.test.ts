import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { correctlyRoundedExp, EvaluationError, SchemaError, UnsupportedFeatureError, interpret } from "@porta/ir";

/** A ClusteringModel document over numeric fields x, y (and whatever `extraFields` declares). */
function clusteringDoc(body: string, opts: { fields?: string; mining?: string; output?: string; modelAttrs?: string } = {}): string {
  const fields =
    opts.fields ??
    `
    <DataField name="x" optype="continuous" dataType="double"/>
    <DataField name="y" optype="continuous" dataType="double"/>`;
  const mining = opts.mining ?? `<MiningField name="x"/><MiningField name="y"/>`;
  const output =
    opts.output ??
    `
      <OutputField name="id" feature="entityId" dataType="string"/>
      <OutputField name="clusterId" feature="clusterId" dataType="string"/>
      <OutputField name="predicted" feature="predictedValue" dataType="string"/>
      <OutputField name="display" feature="predictedDisplayValue" dataType="string"/>
      <OutputField name="affinity" feature="clusterAffinity" dataType="double"/>`;
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">
  <Header/>
  <DataDictionary>${fields}</DataDictionary>
  <ClusteringModel functionName="clustering" modelClass="centerBased" numberOfClusters="2" ${opts.modelAttrs ?? ""}>
    <MiningSchema>${mining}</MiningSchema>
    <Output>${output}</Output>
    ${body}
  </ClusteringModel>
</PMML>`;
}

const twoClusters = `
    <Cluster id="a" name="near origin"><Array n="2" type="real">0 0</Array></Cluster>
    <Cluster id="b" name="far"><Array n="2" type="real">10 10</Array></Cluster>`;

function measure(xml: string, compareFunction = ""): string {
  return `<ComparisonMeasure kind="${/simpleMatching|jaccard|tanimoto|binarySimilarity/.test(xml) ? "similarity" : "distance"}" ${compareFunction}>${xml}</ComparisonMeasure>`;
}

const xyFields = `<ClusteringField field="x"/><ClusteringField field="y"/>`;

describe("ClusteringModel (PMML 4.4 §ClusteringModel)", () => {
  it("§Scoring: the nearest center wins; predictedValue/entityId/clusterId are the cluster id, predictedDisplayValue its name", () => {
    const p = parsePmml(clusteringDoc(measure("<squaredEuclidean/>") + xyFields + twoClusters));
    const r = interpret(p, { x: "1", y: "2" });
    expect(r).toEqual({ id: "a", clusterId: "a", predicted: "a", display: "near origin", affinity: 5 });
    expect(interpret(p, { x: 9, y: 8 }).id).toBe("b");
  });

  it("§Cluster: without an id the cluster is identified by its 1-based position", () => {
    const clusters = `<Cluster><Array n="2" type="real">0 0</Array></Cluster><Cluster name="second"><Array n="2" type="real">5 5</Array></Cluster>`;
    const p = parsePmml(clusteringDoc(measure("<euclidean/>") + xyFields + clusters));
    expect(interpret(p, { x: 4, y: 4 })).toMatchObject({ id: "2", predicted: "2", display: "second" });
    // No name: no display value (JPMML's ClusterAffinityDistribution gives the name only).
    expect(interpret(p, { x: 0, y: 1 })).toMatchObject({ id: "1", display: null });
  });

  it("§Distance measures: euclidean, cityBlock, chebychev and minkowski combine absDiff per field", () => {
    const at = (m: string) => interpret(parsePmml(clusteringDoc(measure(m) + xyFields + twoClusters)), { x: 3, y: -4 }).affinity;
    expect(at("<euclidean/>")).toBe(5);
    expect(at("<squaredEuclidean/>")).toBe(25);
    expect(at("<cityBlock/>")).toBe(7);
    expect(at("<chebychev/>")).toBe(4);
    expect(at(`<minkowski p-parameter="3"/>`)).toBe(Math.pow(27 + 64, 1 / 3));
  });

  it("§ClusteringField fieldWeight multiplies each field's term", () => {
    const fields = `<ClusteringField field="x" fieldWeight="2"/><ClusteringField field="y" fieldWeight="0.5"/>`;
    const p = parsePmml(clusteringDoc(measure("<squaredEuclidean/>") + fields + twoClusters));
    expect(interpret(p, { x: 1, y: 2 }).affinity).toBe(2 * 1 + 0.5 * 4);
  });

  it("§Missing values: missing fields are skipped and the sum is scaled by (number of fields / number present)", () => {
    const p = parsePmml(clusteringDoc(measure("<squaredEuclidean/>") + xyFields + twoClusters));
    expect(interpret(p, { x: 3, y: null }).affinity).toBe(9 * 2);
  });

  it("§MissingValueWeights: the adjustment is Σq / Σq over present fields", () => {
    const body = measure("<cityBlock/>") + xyFields + `<MissingValueWeights><Array n="2" type="real">1 3</Array></MissingValueWeights>` + twoClusters;
    const p = parsePmml(clusteringDoc(body));
    expect(interpret(p, { x: 2, y: null }).affinity).toBe(2 * (4 / 1));
    expect(interpret(p, { x: null, y: 2 }).affinity).toBe(2 * (4 / 3));
  });

  it("a record with every field missing is scored as JPMML: adjustment n/0, every distance NaN, the first cluster wins; chebychev has no maximum", () => {
    const p = parsePmml(clusteringDoc(measure("<euclidean/>") + xyFields + twoClusters));
    const r = interpret(p, { x: null, y: null });
    expect(r.id).toBe("a");
    expect(r.affinity).toBeNull(); // JPMML's NaN, answered as missing
    const c = parsePmml(clusteringDoc(measure("<chebychev/>") + xyFields + twoClusters));
    expect(() => interpret(c, { x: null, y: null })).toThrow(EvaluationError);
  });

  it("invalid input under the default invalidValueTreatment returnInvalid is an EvaluationError; asMissing skips it", () => {
    const p = parsePmml(clusteringDoc(measure("<squaredEuclidean/>") + xyFields + twoClusters));
    expect(() => interpret(p, { x: "abc", y: 1 })).toThrow(EvaluationError);
    const q = parsePmml(
      clusteringDoc(measure("<squaredEuclidean/>") + xyFields + twoClusters, {
        mining: `<MiningField name="x" invalidValueTreatment="asMissing"/><MiningField name="y"/>`,
      }),
    );
    expect(interpret(q, { x: "abc", y: 1 }).affinity).toBe(2);
  });

  it("ties go to the first cluster in document order", () => {
    const p = parsePmml(clusteringDoc(measure("<euclidean/>") + xyFields + twoClusters));
    expect(interpret(p, { x: 5, y: 5 }).id).toBe("a");
  });

  it("§Comparison functions: gaussSim uses similarityScale; delta and equal compare categories", () => {
    const gauss = `<ClusteringField field="x" compareFunction="gaussSim" similarityScale="2"/><ClusteringField field="y"/>`;
    const p = parsePmml(clusteringDoc(measure("<cityBlock/>") + gauss + twoClusters));
    expect(interpret(p, { x: 1, y: 0 }).affinity).toBe(correctlyRoundedExp((-Math.log(2) * 1) / 4));

    const fields = `<DataField name="color" optype="categorical" dataType="string"><Value value="red"/><Value value="blue"/></DataField>
      <DataField name="size" optype="continuous" dataType="double"/>`;
    const clusters = `<Cluster id="r"><Array n="2" type="string">red 1</Array></Cluster><Cluster id="b"><Array n="2" type="string">blue 1</Array></Cluster>`;
    const doc = (fn: string) =>
      clusteringDoc(measure("<cityBlock/>") + `<ClusteringField field="color" compareFunction="${fn}"/><ClusteringField field="size"/>` + clusters, {
        fields,
        mining: `<MiningField name="color"/><MiningField name="size"/>`,
      });
    expect(interpret(parsePmml(doc("delta")), { color: "blue", size: 1 })).toMatchObject({ id: "b", affinity: 0 });
    expect(interpret(parsePmml(doc("equal")), { color: "blue", size: 1 })).toMatchObject({ id: "r", affinity: 0 });
    // An unseen category is invalid for the DataField (returnInvalid by default).
    expect(() => interpret(parsePmml(doc("delta")), { color: "green", size: 1 })).toThrow(EvaluationError);
  });

  it("§Comparisons: compareFunction table reads the Matrix by the field's category order", () => {
    const fields = `<DataField name="c" optype="categorical" dataType="string"><Value value="lo"/><Value value="mid"/><Value value="hi"/></DataField>`;
    const body =
      measure("<cityBlock/>") +
      `<ClusteringField field="c" compareFunction="table"><Comparisons>
        <Matrix kind="symmetric"><Array n="1">0</Array><Array n="2">1 0</Array><Array n="3">5 2 0</Array></Matrix>
      </Comparisons></ClusteringField>
      <Cluster id="L"><Array n="1" type="string">lo</Array></Cluster><Cluster id="H"><Array n="1" type="string">hi</Array></Cluster>`;
    const p = parsePmml(clusteringDoc(body, { fields, mining: `<MiningField name="c"/>` }));
    expect(interpret(p, { c: "mid" })).toMatchObject({ id: "L", affinity: 1 });
    expect(interpret(p, { c: "hi" })).toMatchObject({ id: "H", affinity: 0 });
  });

  it("ComparisonMeasure/@compareFunction cannot be gaussSim (it needs a per-field scale)", () => {
    const p = parsePmml(clusteringDoc(measure("<euclidean/>", `compareFunction="gaussSim"`) + xyFields + twoClusters));
    expect(() => interpret(p, { x: 1, y: 1 })).toThrow(SchemaError);
  });

  it("§Similarity measures: simpleMatching, jaccard, tanimoto and binarySimilarity on 0/1 fields; the most similar wins", () => {
    const fields = ["a", "b", "c", "d"].map((n) => `<DataField name="${n}" optype="continuous" dataType="integer"/>`).join("");
    const mining = ["a", "b", "c", "d"].map((n) => `<MiningField name="${n}"/>`).join("");
    const cf = ["a", "b", "c", "d"].map((n) => `<ClusteringField field="${n}"/>`).join("");
    const clusters = `<Cluster id="p"><Array n="4" type="int">1 1 0 0</Array></Cluster><Cluster id="q"><Array n="4" type="int">0 0 1 1</Array></Cluster>`;
    const row = { a: 1, b: 0, c: 0, d: 0 }; // vs p: a11=1 a10=0 a01=1 a00=2
    const at = (m: string) => interpret(parsePmml(clusteringDoc(measure(m) + cf + clusters, { fields, mining })), row);
    expect(at("<simpleMatching/>")).toMatchObject({ id: "p", affinity: 3 / 4 });
    expect(at("<jaccard/>")).toMatchObject({ id: "p", affinity: 1 / 2 });
    expect(at("<tanimoto/>")).toMatchObject({ id: "p", affinity: 3 / (1 + 2 * 1 + 2) });
    const bin = `<binarySimilarity c00-parameter="1" c01-parameter="0" c10-parameter="0" c11-parameter="2" d00-parameter="1" d01-parameter="1" d10-parameter="1" d11-parameter="1"/>`;
    expect(at(bin)).toMatchObject({ id: "p", affinity: (2 + 2) / 4 });
    expect(() => at("<jaccard/>") && interpret(parsePmml(clusteringDoc(measure("<jaccard/>") + cf + clusters, { fields, mining })), { ...row, a: 2 })).toThrow(
      EvaluationError,
    );
  });

  it("§ClusteringField isCenterField=false: the field is not part of the centers", () => {
    const fields = `<ClusteringField field="x"/><ClusteringField field="y" isCenterField="false"/>`;
    const clusters = `<Cluster id="a"><Array n="1" type="real">0</Array></Cluster><Cluster id="b"><Array n="1" type="real">10</Array></Cluster>`;
    const p = parsePmml(clusteringDoc(measure("<squaredEuclidean/>") + fields + clusters));
    expect(interpret(p, { x: 3, y: 1000 })).toMatchObject({ id: "a", affinity: 9 });
  });

  it("§Output rank: entityId and affinity with rank 2 give the runner-up; clusterAffinity with value names a cluster", () => {
    const output = `
      <OutputField name="second" feature="entityId" rank="2" dataType="string"/>
      <OutputField name="secondAffinity" feature="affinity" rank="2" dataType="double"/>
      <OutputField name="toB" feature="clusterAffinity" value="b" dataType="double"/>
      <OutputField name="entityAffinity" feature="entityAffinity" dataType="double"/>`;
    const p = parsePmml(clusteringDoc(measure("<squaredEuclidean/>") + xyFields + twoClusters, { output }));
    expect(interpret(p, { x: 1, y: 1 })).toEqual({ second: "b", secondAffinity: 162, toB: 162, entityAffinity: 2 });
  });

  it("distributionBased models and CenterFields are unsupported, by name", () => {
    expect(() =>
      parsePmml(clusteringDoc(measure("<euclidean/>") + xyFields + twoClusters, { modelAttrs: "" }).replace("centerBased", "distributionBased")),
    ).toThrow(UnsupportedFeatureError);
    expect(() => parsePmml(clusteringDoc(`<CenterFields/>` + measure("<euclidean/>") + xyFields + twoClusters))).toThrow(/CenterFields/);
  });

  it("a Cluster center with the wrong number of values is a SchemaError", () => {
    const clusters = `<Cluster id="a"><Array n="1" type="real">0</Array></Cluster>`;
    const p = parsePmml(clusteringDoc(measure("<euclidean/>") + xyFields + clusters));
    expect(() => interpret(p, { x: 1, y: 1 })).toThrow(SchemaError);
  });

  it("an unknown measure element or missing ComparisonMeasure is a SchemaError", () => {
    expect(() => parsePmml(clusteringDoc(`<ComparisonMeasure kind="distance"><manhattan/></ComparisonMeasure>` + xyFields + twoClusters))).toThrow(SchemaError);
    expect(() => parsePmml(clusteringDoc(xyFields + twoClusters))).toThrow(SchemaError);
  });

  it("OutputField affinity/entityId rules as JPMML's OutputUtil: positive ranks, descending only, unknown entities least optimal", () => {
    const out = (xml: string) => parsePmml(clusteringDoc(measure("<squaredEuclidean/>") + xyFields + twoClusters, { output: xml }));
    const r = interpret(
      out(`
      <OutputField name="cid2" feature="clusterId" rank="2"/>
      <OutputField name="win2" feature="clusterAffinity" rank="2"/>
      <OutputField name="second" feature="clusterAffinity" value="a" rank="2"/>
      <OutputField name="unknown" feature="affinity" value="zzz"/>
      <OutputField name="id2" feature="entityId" rank="2"/>`),
      { x: 1, y: 2 },
    );
    expect(r).toEqual({ cid2: "a", win2: 5, second: 145, unknown: Infinity, id2: "b" });
    expect(() => interpret(out(`<OutputField name="e" feature="entityId" rank="0"/>`), { x: 1, y: 2 })).toThrow(SchemaError);
    expect(() => interpret(out(`<OutputField name="e" feature="affinity" rank="2" rankOrder="ascending"/>`), { x: 1, y: 2 })).toThrow(UnsupportedFeatureError);
    const sim = parsePmml(
      clusteringDoc(measure("<jaccard/>") + xyFields + twoClusters.replace(/10 10/, "1 1"), {
        output: `<OutputField name="u" feature="affinity" value="zzz"/>`,
      }),
    );
    expect(interpret(sim, { x: 1, y: 0 })).toEqual({ u: 0 });
  });

  it("document refusals as JPMML: Targets are misplaced, functionName must be clustering", () => {
    const doc = clusteringDoc(measure("<euclidean/>") + xyFields + twoClusters);
    expect(() => parsePmml(doc.replace("<Output>", '<Targets><Target field="x"/></Targets><Output>'))).toThrow(SchemaError);
    expect(() => parsePmml(doc.replace('functionName="clustering"', 'functionName="regression"'))).toThrow(SchemaError);
  });
});
