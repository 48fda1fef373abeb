import { describe, expect, it } from "vitest";
import type { TreeModel, TreeNode } from "../models/tree.ts";
import type { Predicate, SimpleOperator } from "../predicate.ts";
import { parseNumber } from "../values.ts";
import { forestNodes, lowerNodeTable, NODE_TABLE_MISSING_MODES, NODE_TABLE_OPS } from "./tree.ts";

const TRUE: Predicate = { kind: "true" };
const cmp = (field: string, operator: SimpleOperator, value: string): Predicate => ({ kind: "simple", field, operator, value });
const orMissing = (p: Predicate, field: string): Predicate => ({
  kind: "compound",
  booleanOperator: "or",
  predicates: [p, { kind: "simple", field, operator: "isMissing" }],
});
const node = (id: string, predicate: Predicate, children: TreeNode[] = [], more: Partial<TreeNode> = {}): TreeNode => ({
  id,
  score: id,
  predicate,
  children,
  scoreDistributions: [],
  path: `/Node[${id}]`,
  ...more,
});

function tree(root: TreeNode, more: Partial<TreeModel> = {}): TreeModel {
  return {
    kind: "tree",
    functionName: "regression",
    path: "/PMML/TreeModel",
    miningSchema: [],
    output: [],
    targets: [],
    localTransformations: [],
    missingValueStrategy: "none",
    missingValuePenalty: 1,
    noTrueChildStrategy: "returnNullPrediction",
    splitCharacteristic: "binarySplit",
    root,
    ...more,
  } as unknown as TreeModel;
}
const numeric = (_field: string, text: string) => parseNumber(text);

describe("lowerNodeTable (PMML 4.4 §TreeModel as a node table)", () => {
  it("pre-order numbering across trees; split fields in order of first use; the first child is the split, the second its complement", () => {
    const t1 = tree(
      node("r", TRUE, [
        node("a", cmp("x", "lessOrEqual", "1"), [node("c", cmp("y", "lessThan", "2")), node("d", cmp("y", "greaterOrEqual", "2"))]),
        node("b", cmp("x", "greaterThan", "1")),
      ]),
    );
    const t2 = tree(node("s", TRUE, [node("e", cmp("y", "equal", "0.5")), node("f", TRUE)]), {
      missingValueStrategy: "lastPrediction",
      noTrueChildStrategy: "returnLastPrediction",
    });
    const table = lowerNodeTable([t1, t2], numeric)!;
    expect(table.size).toBe(8);
    expect(forestNodes([t1, t2]).map((n) => n.id)).toEqual(["r", "a", "c", "d", "b", "s", "e", "f"]);
    expect(table.fields).toEqual(["x", "y"]);
    expect([...table.feature]).toEqual([0, 1, -1, -1, -1, 1, -1, -1]);
    expect([...table.op.slice(0, 2)]).toEqual([NODE_TABLE_OPS.lessOrEqual, NODE_TABLE_OPS.lessThan]);
    expect(table.op[5]).toBe(NODE_TABLE_OPS.equal);
    expect([...table.threshold]).toEqual([1, 2, 0, 0, 0, 0.5, 0, 0]);
    expect([...table.left]).toEqual([1, 2, -1, -1, -1, 6, -1, -1]);
    expect([...table.right]).toEqual([4, 3, -1, -1, -1, 7, -1, -1]);
    expect([...table.rightAlways]).toEqual([0, 0, 0, 0, 0, 1, 0, 0]);
    expect([...table.roots]).toEqual([0, 5]);
    expect([...table.missingMode]).toEqual([NODE_TABLE_MISSING_MODES.none, NODE_TABLE_MISSING_MODES.lastPrediction]);
    expect([...table.noTrueChildNull]).toEqual([1, 0]);
  });

  it("`x ⊙ v or isMissing(x)` sends missing values down that child; defaultChild resolved to the child's row", () => {
    const root = node("r", TRUE, [node("a", orMissing(cmp("x", "lessOrEqual", "1"), "x")), node("b", cmp("x", "greaterThan", "1"))], { defaultChild: "b" });
    const table = lowerNodeTable([tree(root, { missingValueStrategy: "defaultChild" })], numeric)!;
    expect([table.missingLeft[0], table.rightAlways[0], table.defaultChild[0]]).toEqual([1, 0, 2]);
    const right = node("r", TRUE, [node("a", cmp("x", "lessOrEqual", "1")), node("b", orMissing(cmp("x", "greaterThan", "1"), "x"))]);
    expect(lowerNodeTable([tree(right)], numeric)!.rightAlways[0]).toBe(1);
  });

  it("null when a node does not qualify: three children, a field the backend cannot walk, a second child that is no complement", () => {
    const three = node("r", TRUE, [node("a", cmp("x", "lessThan", "1")), node("b", cmp("x", "equal", "1")), node("c", TRUE)]);
    expect(lowerNodeTable([tree(three)], numeric)).toBeNull();
    const split = node("r", TRUE, [node("a", cmp("z", "lessThan", "1")), node("b", TRUE)]);
    expect(lowerNodeTable([tree(split)], (field, text) => (field === "z" ? undefined : parseNumber(text)))).toBeNull();
    const other = node("r", TRUE, [node("a", cmp("x", "lessThan", "1")), node("b", cmp("x", "greaterThan", "1"))]);
    expect(lowerNodeTable([tree(other)], numeric)).toBeNull();
    expect(lowerNodeTable([tree(other.children[0])], numeric)).toBeNull();
  });
});
