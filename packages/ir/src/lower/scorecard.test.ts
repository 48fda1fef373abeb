import { describe, expect, it } from "vitest";
import type { Expr } from "../expr.ts";
import type { Characteristic, Scorecard, ScorecardAttribute } from "../models/scorecard.ts";
import type { Predicate } from "../predicate.ts";
import { lowerScorecard } from "./scorecard.ts";

const TRUE = { kind: "true" } as unknown as Predicate;
const attribute = (more: Partial<ScorecardAttribute>): ScorecardAttribute => ({
  predicate: TRUE,
  path: "/PMML/Scorecard/Characteristics/Characteristic/Attribute",
  ...more,
});
const characteristic = (attributes: ScorecardAttribute[], more: Partial<Characteristic> = {}): Characteristic => ({
  attributes,
  path: "/PMML/Scorecard/Characteristics/Characteristic",
  ...more,
});

function model(more: Partial<Scorecard>): Scorecard {
  return {
    kind: "scorecard",
    functionName: "regression",
    path: "/PMML/Scorecard",
    miningSchema: [],
    output: [],
    targets: [],
    localTransformations: [],
    initialScore: 5,
    useReasonCodes: true,
    reasonCodeAlgorithm: "pointsBelow",
    baselineScore: 1,
    baselineMethod: "other",
    characteristics: [],
    ...more,
  } as unknown as Scorecard;
}

describe("lowerScorecard (PMML 4.4 §Scorecard)", () => {
  it("reason code from the Attribute, else the Characteristic; baseline from the Characteristic, else the Scorecard; codes in document order", () => {
    const plan = lowerScorecard(
      model({
        reasonCodeAlgorithm: "pointsAbove",
        characteristics: [
          characteristic([attribute({ partialScore: 2, reasonCode: "B" }), attribute({ partialScore: 3 })], { reasonCode: "A", baselineScore: 4 }),
          characteristic([attribute({ partialScore: 1, reasonCode: "A" })]),
        ],
      }),
    );
    expect(plan).toMatchObject({ initialScore: 5, useReasonCodes: true, pointsAbove: true, codes: ["B", "A"] });
    expect(plan.characteristics.map((c) => c.attributes.map((a) => a.reason))).toEqual([
      [
        { code: 0, baseline: 4 },
        { code: 1, baseline: 4 },
      ],
      [{ code: 1, baseline: 1 }],
    ]);
  });

  it("ComplexPartialScore takes precedence over partialScore; neither is a fault raised for the row that chooses the Attribute", () => {
    const expr = { kind: "constant", value: 7 } as unknown as Expr;
    const plan = lowerScorecard(
      model({ useReasonCodes: false, characteristics: [characteristic([attribute({ partialScore: 1, complexPartialScore: expr }), attribute({})])] }),
    );
    const [complex, none] = plan.characteristics[0].attributes;
    expect(complex).toMatchObject({ partial: { kind: "complex", expr }, reason: undefined });
    expect(none.partial).toMatchObject({ kind: "fault", fault: { code: "PMML_MISSING_ATTRIBUTE", value: "partialScore" } });
  });

  it("with useReasonCodes, an Attribute without a reason code at either level is a fault; without a baseline the points are NaN", () => {
    const plan = lowerScorecard(
      model({ baselineScore: undefined, characteristics: [characteristic([attribute({ partialScore: 1 }), attribute({ partialScore: 2, reasonCode: "R" })])] }),
    );
    const [nameless, named] = plan.characteristics[0].attributes;
    expect(nameless.reason).toMatchObject({ fault: { code: "PMML_MISSING_ATTRIBUTE", value: "reasonCode" } });
    expect(named.reason).toEqual({ code: 0, baseline: NaN });
  });

  it("a functionName other than regression is an UnsupportedFeatureError naming it", () => {
    expect(() => lowerScorecard(model({ functionName: "classification" }))).toThrow(
      expect.objectContaining({ code: "UNSUPPORTED_FEATURE", value: "Scorecard@functionName=classification" }),
    );
  });
});
