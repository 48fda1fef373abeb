/**
 * Test support: PMML documents whose deepest element sits at exactly `depth` (the XML nesting the
 * documentDepth limit counts, the root PMML being 1), built as chains of one construct, for the
 * "at the limit and one past it" tests of issue 11. Generated at test time; never committed.
 */
export type DeepChain = "Node" | "Apply" | "CompoundPredicate" | "Segment";

const HEAD = `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>`;
const DICTIONARY = `<DataDictionary><DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/></DataDictionary>`;
const SCHEMA = `<MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>`;

/**
 * The document, and the score it gives for x = 1:
 * - Node: a chain of Nodes, each child true when x > -i; the deepest node scores `levels`.
 * - Apply: a DerivedField `d` = (((x + 1) + 1) … + 1); a regression on d (1 + d).
 * - CompoundPredicate: and(and(… and(x > 0, True) …, True), True) on the single child Node of the root.
 * - Segment: MiningModel → Segmentation → Segment → MiningModel … ending in a regression, 1 + 2x.
 */
export function deepDocument(chain: DeepChain, depth: number): { text: string; expected: number } {
  switch (chain) {
    case "Node": {
      // PMML(1) TreeModel(2) Node(3 … k+2) True/SimplePredicate(k+3)
      const k = depth - 3;
      let open = "",
        close = "";
      for (let i = 0; i < k; i++) {
        open += `<Node score="${i + 1}">${i === 0 ? "<True/>" : `<SimplePredicate field="x" operator="greaterThan" value="${-i}"/>`}`;
        close += "</Node>";
      }
      return { text: `${HEAD}${DICTIONARY}<TreeModel functionName="regression">${SCHEMA}${open}${close}</TreeModel></PMML>`, expected: k };
    }
    case "Apply": {
      // PMML(1) TransformationDictionary(2) DerivedField(3) Apply(4 … k+3) FieldRef(k+4)
      const k = depth - 4;
      const expr = `${`<Apply function="+">`.repeat(k)}<FieldRef field="x"/>${`<Constant dataType="double">1</Constant></Apply>`.repeat(k)}`;
      const transformations = `<TransformationDictionary><DerivedField name="d" optype="continuous" dataType="double">${expr}</DerivedField></TransformationDictionary>`;
      const model = `<RegressionModel functionName="regression">${SCHEMA}<RegressionTable intercept="1"><NumericPredictor name="d" coefficient="1"/></RegressionTable></RegressionModel>`;
      return { text: `${HEAD}${DICTIONARY}${transformations}${model}</PMML>`, expected: 1 + (1 + k) };
    }
    case "CompoundPredicate": {
      // PMML(1) TreeModel(2) Node(3) Node(4) CompoundPredicate(5 … k+4) SimplePredicate(k+5)
      const k = depth - 5;
      const predicate = `${`<CompoundPredicate booleanOperator="and">`.repeat(k)}<SimplePredicate field="x" operator="greaterThan" value="0"/>${`<True/></CompoundPredicate>`.repeat(k)}`;
      const tree = `<Node score="0"><True/><Node score="${k}">${predicate}</Node></Node>`;
      return { text: `${HEAD}${DICTIONARY}<TreeModel functionName="regression">${SCHEMA}${tree}</TreeModel></PMML>`, expected: k };
    }
    case "Segment": {
      // PMML(1) then each level MiningModel(+1) Segmentation(+2) Segment(+3); the last Segment holds
      // a RegressionModel(+1) whose RegressionTable(+2) holds NumericPredictor(+3).
      // Deepest = 1 + 3·levels + 3; levels chosen so that it is at most `depth`, padded with
      // Extension elements to reach it exactly.
      const levels = Math.floor((depth - 4) / 3);
      const pad = depth - (1 + 3 * levels + 3);
      const leaf = `<RegressionModel functionName="regression">${SCHEMA}<RegressionTable intercept="1"><NumericPredictor name="x" coefficient="2">${"<Extension>".repeat(pad)}${"</Extension>".repeat(pad)}</NumericPredictor></RegressionTable></RegressionModel>`;
      const open = `<MiningModel functionName="regression">${SCHEMA}<Segmentation multipleModelMethod="selectFirst"><Segment><True/>`;
      const close = `</Segment></Segmentation></MiningModel>`;
      return { text: `${HEAD}${DICTIONARY}${open.repeat(levels)}${leaf}${close.repeat(levels)}</PMML>`, expected: 3 };
    }
  }
}
