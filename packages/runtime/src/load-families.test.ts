import { describe, expect, it } from "vitest";
import { loadModel } from "./load.ts";

/**
 * Families compile-js does not compile: loadModel with backend "auto" falls back to the
 * interpreter (compile-js throws NotCompilable) and says so in `notices`.
 */
const anomalyDoc = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">
  <Header/>
  <DataDictionary><DataField name="x" optype="continuous" dataType="double"/></DataDictionary>
  <AnomalyDetectionModel functionName="regression" algorithmType="iforest" sampleDataSize="2">
    <MiningSchema><MiningField name="x"/></MiningSchema>
    <Output>
      <OutputField name="anomalyScore" feature="predictedValue" dataType="double" optype="continuous"/>
      <OutputField name="anomaly" feature="transformedValue" dataType="boolean" optype="categorical">
        <Apply function="if"><Apply function="lessThan"><FieldRef field="anomalyScore"/><Constant dataType="double">0.6</Constant></Apply>
          <Constant dataType="boolean">false</Constant><Constant dataType="boolean">true</Constant></Apply>
      </OutputField>
    </Output>
    <MiningModel functionName="regression">
      <MiningSchema><MiningField name="x"/></MiningSchema>
      <Segmentation multipleModelMethod="average">
        <Segment id="1"><True/>
          <TreeModel functionName="regression" splitCharacteristic="binarySplit">
            <MiningSchema><MiningField name="x"/></MiningSchema>
            <Node id="1"><True/>
              <Node id="2" score="1"><SimplePredicate field="x" operator="lessThan" value="0"/></Node>
              <Node id="3" score="2"><SimplePredicate field="x" operator="greaterOrEqual" value="0"/></Node>
            </Node>
          </TreeModel>
        </Segment>
      </Segmentation>
    </MiningModel>
  </AnomalyDetectionModel>
</PMML>`;

const arimaDoc = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">
  <Header/>
  <DataDictionary>
    <DataField name="ts_value" optype="continuous" dataType="double"/>
    <DataField name="h" optype="continuous" dataType="double"/>
  </DataDictionary>
  <TimeSeriesModel modelName="ARIMA_model" functionName="timeSeries" bestFit="ARIMA">
    <MiningSchema>
      <MiningField name="ts_value" usageType="predicted"/>
      <MiningField name="h" usageType="supplementary"/>
    </MiningSchema>
    <Output><OutputField name="Predicted_ts_value" optype="continuous" dataType="double" feature="predictedValue"/></Output>
    <TimeSeries usage="original" startTime="1" endTime="3">
      <TimeValue index="1" value="1"/><TimeValue index="2" value="2"/><TimeValue index="3" value="4"/>
    </TimeSeries>
    <ARIMA RMSE="1" transformation="none" constantTerm="0" predictionMethod="conditionalLeastSquares">
      <NonseasonalComponent p="1" d="1" q="0"><AR><Array type="real" n="1">0.5</Array></AR></NonseasonalComponent>
    </ARIMA>
  </TimeSeriesModel>
</PMML>`;

const baselineDoc = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">
  <Header/>
  <DataDictionary><DataField name="x" optype="continuous" dataType="double"/><DataField name="z" optype="continuous" dataType="double"/></DataDictionary>
  <BaselineModel functionName="regression">
    <MiningSchema><MiningField name="x"/><MiningField name="z" usageType="predicted"/></MiningSchema>
    <TestDistributions field="x" testStatistic="zValue"><Baseline><GaussianDistribution mean="1" variance="4"/></Baseline></TestDistributions>
  </BaselineModel>
</PMML>`;

const gpDoc = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">
  <Header/>
  <DataDictionary><DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
  <GaussianProcessModel functionName="regression">
    <MiningSchema><MiningField name="x"/><MiningField name="y" usageType="predicted"/></MiningSchema>
    <RadialBasisKernel gamma="1" noiseVariance="1" lambda="1"/>
    <TrainingInstances>
      <InstanceFields><InstanceField field="x"/><InstanceField field="y"/></InstanceFields>
      <InlineTable><row><x>0</x><y>2</y></row></InlineTable>
    </TrainingInstances>
  </GaussianProcessModel>
</PMML>`;

describe("loadModel(backend auto) on AnomalyDetectionModel: compile-js scores it", () => {
  it("AnomalyDetectionModel (iforest): c(2) = 1, so the score is 2^(−path length)", async () => {
    const model = await loadModel(anomalyDoc, { backend: "auto" });
    expect(model.backend).toBe("js");
    expect(model.notices).toEqual([]);
    expect(model.modelTypes).toEqual(["AnomalyDetectionModel", "MiningModel", "TreeModel"]);
    expect(model.score({ x: -1 })).toEqual({ anomalyScore: 0.5, anomaly: false });
    expect(model.score({ x: 1 })).toEqual({ anomalyScore: 0.25, anomaly: false });
    expect(model.scoreBatch([{ x: "a" }], { onError: "collect" }).errors).toHaveLength(1);
  });
});

describe("loadModel(backend auto) on families scored by the interpreter", () => {
  it("TimeSeriesModel (ARIMA CLS, R pmml's layout): h from the supplementary field", async () => {
    const model = await loadModel(arimaDoc, { backend: "auto" });
    expect(model.backend).toBe("interp");
    // differences 1, 2; next difference 0.5·2 = 1 → 5; then 0.5 → 5.5
    expect(model.score({ h: "1" })).toEqual({ ts_value: 5, Predicted_ts_value: 5 });
    expect(model.score({ h: "2" }).Predicted_ts_value).toBe(5.5);
    expect(model.score({ h: null }).Predicted_ts_value).toBe(5);
  });

  it("BaselineModel (zValue) and GaussianProcessModel", async () => {
    const baseline = await loadModel(baselineDoc, { backend: "auto" });
    expect(baseline.backend).toBe("interp");
    expect(baseline.score({ x: "5" })).toEqual({ z: 2 });
    const gp = await loadModel(gpDoc, { backend: "auto" });
    expect(gp.backend).toBe("interp");
    // one instance at its own input: k = 1, K + σ² = 2 → μ = 2/2
    expect(gp.score({ x: 0 }).y).toBeCloseTo(1, 12);
  });
});
