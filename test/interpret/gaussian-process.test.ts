import { describe, expect, it } from "vitest";
import { parsePmml } from "@porta/pmml";
import { SchemaError, interpret } from "@porta/ir";

function doc(kernel: string, rows = `<row><x1>0</x1><x2>0</x2><y>1</y></row><row><x1>1</x1><x2>2</x2><y>3</y></row>`): string {
  return `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4">
  <Header/>
  <DataDictionary>
    <DataField name="x1" optype="continuous" dataType="double"/>
    <DataField name="x2" optype="continuous" dataType="double"/>
    <DataField name="y" optype="continuous" dataType="double"/>
  </DataDictionary>
  <GaussianProcessModel functionName="regression" optimizer="Exact">
    <MiningSchema><MiningField name="x1"/><MiningField name="x2"/><MiningField name="y" usageType="predicted"/></MiningSchema>
    <Output>
      <OutputField name="mu" feature="predictedValue" dataType="double"/>
      <OutputField name="sd" feature="standardDeviation" dataType="double"/>
    </Output>
    ${kernel}
    <TrainingInstances>
      <InstanceFields><InstanceField field="x1" column="x1"/><InstanceField field="x2" column="x2"/><InstanceField field="y" column="y"/></InstanceFields>
      <InlineTable>${rows}</InlineTable>
    </TrainingInstances>
  </GaussianProcessModel>
</PMML>`;
}

/** The GP posterior for two training points, by the 2×2 inverse. */
function posterior(k: (a: number[], b: number[]) => number, noise: number, xs: number[][], ys: number[], x: number[]) {
  const a = k(xs[0], xs[0]) + noise,
    b = k(xs[0], xs[1]),
    d = k(xs[1], xs[1]) + noise;
  const det = a * d - b * b;
  const inv = [
    [d / det, -b / det],
    [-b / det, a / det],
  ];
  const ks = [k(x, xs[0]), k(x, xs[1])];
  const mean = ks[0] * (inv[0][0] * ys[0] + inv[0][1] * ys[1]) + ks[1] * (inv[1][0] * ys[0] + inv[1][1] * ys[1]);
  const quad = ks[0] * (inv[0][0] * ks[0] + inv[0][1] * ks[1]) + ks[1] * (inv[1][0] * ks[0] + inv[1][1] * ks[1]);
  return { mean, sd: Math.sqrt(k(x, x) + noise - quad) };
}

const xs = [
    [0, 0],
    [1, 2],
  ],
  ys = [1, 3];

describe("GaussianProcessModel (PMML 4.4 §GaussianProcessModel)", () => {
  it("ARD squared exponential: μ = k*ᵀ(K + σ²I)⁻¹y, sd = sqrt(k(x,x) + σ² − k*ᵀ(K + σ²I)⁻¹k*)", () => {
    const p = parsePmml(
      doc(`<ARDSquaredExponentialKernel gamma="2" noiseVariance="0.1"><Lambda><Array n="2" type="real">1 2</Array></Lambda></ARDSquaredExponentialKernel>`),
    );
    const k = (a: number[], b: number[]) => 2 * Math.exp(-0.5 * ((a[0] - b[0]) ** 2 / 1 + (a[1] - b[1]) ** 2 / 4));
    const want = posterior(k, 0.1, xs, ys, [0.5, 1]);
    const r = interpret(p, { x1: 0.5, x2: 1 });
    expect(r.y).toBeCloseTo(want.mean, 12);
    expect(r.mu).toBeCloseTo(want.mean, 12);
    expect(r.sd).toBeCloseTo(want.sd, 12);
  });

  it("radial basis kernel γ·exp(−‖x−z‖²/(2λ²)); absolute and generalized exponential kernels", () => {
    const rbf = parsePmml(doc(`<RadialBasisKernel gamma="1.5" noiseVariance="0.2" lambda="2"/>`));
    const k1 = (a: number[], b: number[]) => 1.5 * Math.exp(-((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) / 8);
    expect(interpret(rbf, { x1: 2, x2: -1 }).y).toBeCloseTo(posterior(k1, 0.2, xs, ys, [2, -1]).mean, 12);
    const abs = parsePmml(
      doc(`<AbsoluteExponentialKernel gamma="1" noiseVariance="0.5"><Lambda><Array n="2" type="real">1 1</Array></Lambda></AbsoluteExponentialKernel>`),
    );
    const k2 = (a: number[], b: number[]) => Math.exp(-0.5 * (Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1])));
    expect(interpret(abs, { x1: 1, x2: 1 }).sd).toBeCloseTo(posterior(k2, 0.5, xs, ys, [1, 1]).sd, 12);
    const gen = parsePmml(
      doc(
        `<GeneralizedExponentialKernel gamma="1" noiseVariance="0.5" degree="1.5"><Lambda><Array n="2" type="real">2 3</Array></Lambda></GeneralizedExponentialKernel>`,
      ),
    );
    const k3 = (a: number[], b: number[]) => Math.exp(-0.5 * (Math.abs(a[0] - b[0]) ** 1.5 / 2 + Math.abs(a[1] - b[1]) ** 1.5 / 3));
    expect(interpret(gen, { x1: 1, x2: 1 }).y).toBeCloseTo(posterior(k3, 0.5, xs, ys, [1, 1]).mean, 12);
  });

  it("a missing input gives a missing prediction", () => {
    const p = parsePmml(doc(`<RadialBasisKernel/>`));
    const r = interpret(p, { x1: null, x2: 1 });
    expect(r.y).toBeNull();
    expect(r.mu).toBeNull();
  });

  it("a Lambda count that does not match the inputs, or a training row without a number, is a schema error", () => {
    expect(() => parsePmml(doc(`<ARDSquaredExponentialKernel><Lambda><Array n="3" type="real">1 2 3</Array></Lambda></ARDSquaredExponentialKernel>`))).toThrow(
      SchemaError,
    );
    expect(() => parsePmml(doc(`<RadialBasisKernel/>`, `<row><x1>0</x1><y>1</y></row>`))).toThrow(SchemaError);
  });
});
