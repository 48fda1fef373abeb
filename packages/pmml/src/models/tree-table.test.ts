import { afterEach, describe, expect, it } from "vitest";
import {
  forestNodes,
  interpret,
  lowerNodeTable,
  parseNumber,
  treeTableOf,
  treeTableScores,
  type MiningModel,
  type Pipeline,
  type TreeModel,
  type TreeNode,
} from "@porta/ir";
import { forestText } from "../../../../fixtures/gen/forest.ts";
import { parsePmml } from "../parse.ts";
import { pmmlDocument } from "../testing.ts";
import { parseXml, type XmlElement } from "../xml.ts";
import { TreeCapture, treeTableReading } from "./tree-table.ts";

// Issue 14: plain trees are read straight from the document's tables into node tables
// (tree-table.ts); their IR nodes are made on first access. Both readings must agree node for
// node (paths included), and trees outside the table reader's rules must be read as before.

afterEach(() => {
  treeTableReading.enabled = true;
});

function parseBoth(text: string): { table: Pipeline; objects: Pipeline } {
  treeTableReading.enabled = true;
  const table = parsePmml(text);
  treeTableReading.enabled = false;
  try {
    return { table, objects: parsePmml(text) };
  } finally {
    treeTableReading.enabled = true;
  }
}

function treesOf(p: Pipeline): TreeModel[] {
  const m = p.model;
  if (m.kind === "tree") return [m];
  if (m.kind === "mining") return (m as MiningModel).segments.map((s) => s.model as TreeModel);
  return [];
}

/** Every node's own properties and document paths (a getter on parsed nodes), depth first. */
function shape(node: TreeNode): unknown[] {
  const out: unknown[] = [];
  const stack: TreeNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    out.push({
      class: n.constructor.name,
      keys: Object.keys(n),
      path: n.path,
      id: n.id,
      score: n.score,
      recordCount: n.recordCount,
      defaultChild: n.defaultChild,
      predicate: { ...n.predicate, class: n.predicate.constructor.name, path: n.predicate.path },
      scoreDistributions: n.scoreDistributions,
      children: n.children.length,
    });
    for (let k = n.children.length - 1; k >= 0; k--) stack.push(n.children[k]);
  }
  return out;
}

/** The readings agree: the table reading held every tree as a table (or none, `tables: false`), and its nodes once made equal the object reading's. */
function expectSameTrees(text: string, tables = true): { table: Pipeline; objects: Pipeline } {
  const both = parseBoth(text);
  const a = treesOf(both.table),
    b = treesOf(both.objects);
  expect(a.length).toBeGreaterThan(0);
  for (const tree of a) expect(treeTableOf(tree) !== undefined).toBe(tables);
  for (const tree of b) expect(treeTableOf(tree)).toBeUndefined();
  a.forEach((tree, t) => expect(shape(tree.root)).toEqual(shape(b[t].root)));
  expect(both.table).toEqual(both.objects);
  // Made once: the table is released and the nodes stay.
  for (const tree of a) {
    expect(treeTableOf(tree)).toBeUndefined();
    expect(tree.root).toBe(tree.root);
  }
  return both;
}

const XY = `<DataField name="x" optype="continuous" dataType="double"/><DataField name="y" optype="continuous" dataType="double"/><DataField name="t" optype="continuous" dataType="double"/>`;
const SCHEMA = `<MiningSchema><MiningField name="x"/><MiningField name="y"/><MiningField name="t" usageType="target"/></MiningSchema>`;

function treeDoc(nodes: string, attrs = "", fields = XY): string {
  return pmmlDocument(fields, `<TreeModel functionName="regression" ${attrs}>${SCHEMA}${nodes}</TreeModel>`);
}

describe("TreeModel read as a node table (issue 14)", () => {
  it("a generated forest: the same IR node for node, the same scores from the interpreter, and its lowering without making nodes", () => {
    const text = forestText({ trees: 12, depth: 5, features: 6, task: "regression", seed: 3 });
    const { table, objects } = parseBoth(text);
    const trees = treesOf(table);
    expect(trees.every((t) => treeTableOf(t) !== undefined)).toBe(true);
    const literal = (_field: string, value: string) => parseNumber(value);
    const lowered = lowerNodeTable(trees, literal, () => (v) => v)!;
    // Lowering and the leaf scores read the tables; the nodes are not made.
    expect(trees.every((t) => treeTableOf(t) !== undefined)).toBe(true);
    const scores = trees.map((t) => treeTableScores(treeTableOf(t)!, false));
    const fromObjects = lowerNodeTable(treesOf(objects), literal)!;
    expect(lowered).toEqual(fromObjects);
    const leafScores = forestNodes(treesOf(objects)).map((n) => (n.score === undefined ? NaN : Number(n.score)));
    expect(scores.flatMap((s) => [...s])).toEqual(leafScores);
    for (let i = 0; i < 20; i++) {
      const row = Object.fromEntries(Array.from({ length: 6 }, (_x, f) => [`x${f}`, i % 7 === 0 && f === 2 ? null : Math.sin(i * 7 + f)]));
      expect(interpret(table, row)).toEqual(interpret(objects, row));
    }
    expectSameTrees(text);
  });

  it("classification forests whose leaves carry only a score, and trees whose right child is True", () => {
    const text = forestText({ trees: 3, depth: 3, features: 4, task: "regression", seed: 5, elseTrue: true });
    expectSameTrees(text);
    expectSameTrees(
      pmmlDocument(
        `<DataField name="x" optype="continuous" dataType="double"/><DataField name="c" optype="categorical" dataType="string"><Value value="a"/><Value value="b"/></DataField>`,
        `<TreeModel functionName="classification"><MiningSchema><MiningField name="x"/><MiningField name="c" usageType="target"/></MiningSchema>
        <Node score="a"><True/><Node score="b"><SimplePredicate field="x" operator="lessThan" value="0"/></Node><Node score="a"><True/></Node></Node></TreeModel>`,
      ),
    );
  });

  it("attributes: references decoded, non-ASCII text, prefixed names, the first of two, absent ones; other children and text ignored", () => {
    const nodes = `<Node id="r&amp;1" score="&#x3C;=50K" recordCount=" 12 " defaultChild="l" xmlns:p="urn:p" p:extra="1"><Extension name="e">ignored</Extension><True/><False/>
      <Node p:id="l" id="ignored" score="ünïcødé 😀" recordCount="1e2"><SimplePredicate field="x" operator="lessOrEqual" value="-0"/>text</Node>
      <Node id="m" score="NaN"><SimplePredicate field="x" operator="greaterThan" value="-0"/>
        <Node><SimplePredicate field="y" operator="isMissing"/></Node>
        <Node id="é" score="INF" defaultChild="nobody"><SimplePredicate field="y" operator="isNotMissing"/><Extension/></Node>
      </Node></Node>`;
    const { table } = expectSameTrees(treeDoc(nodes));
    const root = (table.model as TreeModel).root;
    expect(root.id).toBe("r&1");
    expect(root.score).toBe("<=50K");
    expect(root.recordCount).toBe(12);
    expect(root.children[0]).toMatchObject({ id: "l", score: "ünïcødé 😀", recordCount: 100 });
    expect(root.children[0].path).toBe("/PMML/TreeModel[1]/Node/Node[1]");
    expect(root.children[0].predicate).toMatchObject({ kind: "simple", field: "x", operator: "lessOrEqual", value: "-0" });
    expect(root.children[0].predicate.path).toBe("/PMML/TreeModel[1]/Node/Node[1]/SimplePredicate[1]");
    expect(root.children[1].children[1]).toMatchObject({ id: "é", defaultChild: "nobody" });
    expect(root.children[1].children[1].path).toBe("/PMML/TreeModel[1]/Node/Node[2]/Node[2]");
  });

  it("numbers: the table's reading of split and score texts is parseNumber's", () => {
    const texts = [
      "0",
      "-0",
      "+1.5",
      "1.",
      ".5",
      "0.1",
      "0.30000000000000004",
      "123456789012345",
      "1234567890123456789",
      "1e-7",
      "-2.5E+3",
      " 7 ",
      "NaN",
      "-INF",
      "x",
      "1.2.3",
      "-",
      "",
    ];
    const nodes = `<Node score="0"><True/>${texts.map((v) => `<Node score="${v}"><SimplePredicate field="x" operator="lessOrEqual" value="${v}"/></Node>`).join("")}</Node>`;
    const { table } = expectSameTrees(treeDoc(nodes));
    const tree = treesOf(parsePmml(treeDoc(nodes)))[0];
    const scores = [...treeTableScores(treeTableOf(tree)!, false)];
    expect(scores.slice(1)).toEqual(texts.map((v) => parseNumber(v) ?? NaN));
    expect([...treeTableScores(treeTableOf(treesOf(parsePmml(treeDoc(nodes)))[0])!, true)].slice(1)).toEqual(
      texts.map((v) => Math.fround(parseNumber(v) ?? NaN)),
    );
    expect(treesOf(table)).toHaveLength(1);
  });

  it("lowering a table agrees with lowering its nodes: defaultChild, returnLastPrediction, float literals and fields read from the text", () => {
    const split = (v: string, id: string) =>
      `<Node id="${id}L" score="1"><SimplePredicate field="x" operator="lessThan" value="${v}"/></Node><Node id="${id}R" score="2"><SimplePredicate field="x" operator="greaterOrEqual" value="${v}"/></Node>`;
    const nodes = `<Node id="r" score="0" defaultChild="aR"><True/><Node id="aL" score="3" defaultChild="bL"><SimplePredicate field="y" operator="lessOrEqual" value="0.1"/>${split("0.3", "b")}</Node><Node id="aR" score="4" defaultChild="cR"><SimplePredicate field="y" operator="greaterThan" value="0.100"/>${split("1e-1", "c")}</Node></Node>`;
    const literal = (_f: string, v: string) => Math.fround(parseNumber(v)!);
    for (const attrs of ['missingValueStrategy="defaultChild"', 'noTrueChildStrategy="returnLastPrediction"', ""]) {
      const { table, objects } = parseBoth(treeDoc(nodes, attrs));
      const a = lowerNodeTable(treesOf(table), literal, () => Math.fround);
      const b = lowerNodeTable(treesOf(objects), literal);
      const c = lowerNodeTable(treesOf(table), literal);
      expect(a).not.toBeNull();
      expect(a).toEqual(b);
      expect(c).toEqual(b);
      expect(treeTableOf(treesOf(table)[0])).toBeDefined();
    }
    // Texts that differ but read as the same number split alike; NaN is never a split.
    const nan = (v: string) =>
      `<Node score="0"><True/><Node score="1"><SimplePredicate field="x" operator="lessThan" value="${v}"/></Node><Node score="2"><SimplePredicate field="x" operator="greaterOrEqual" value="${v}"/></Node></Node>`;
    const numeric = (_f: string, v: string) => parseNumber(v);
    for (const v of ["NaN", "1"]) {
      const { table, objects } = parseBoth(treeDoc(nan(v)));
      expect(lowerNodeTable(treesOf(table), numeric, () => (x) => x)).toEqual(lowerNodeTable(treesOf(objects), numeric));
    }
    // A defaultChild naming no child, and returnLastPrediction at an inner node without a score, are not lowered.
    for (const [n, attrs] of [
      [nodes.replace('defaultChild="bL"', 'defaultChild="zz"'), 'missingValueStrategy="defaultChild"'],
      [nodes.replace('<Node id="aL" score="3"', '<Node id="aL"'), 'noTrueChildStrategy="returnLastPrediction"'],
    ]) {
      const { table, objects } = parseBoth(treeDoc(n, attrs));
      expect(lowerNodeTable(treesOf(table), literal, () => Math.fround)).toBeNull();
      expect(lowerNodeTable(treesOf(objects), literal)).toBeNull();
    }
  });

  it("trees the table does not hold are read as IR nodes, as before", () => {
    const wrap = (inner: string) => `<Node score="0"><True/>${inner}</Node>`;
    const cases = [
      wrap(`<Node score="1"><SimplePredicate field="x" operator="lessThan" value="1"/><ScoreDistribution value="1" recordCount="2"/></Node>`),
      wrap(
        `<Node score="1"><CompoundPredicate booleanOperator="or"><SimplePredicate field="x" operator="lessThan" value="1"/><SimplePredicate field="x" operator="isMissing"/></CompoundPredicate></Node>`,
      ),
      wrap(`<Node score="1"><SimpleSetPredicate field="x" booleanOperator="isIn"><Array type="real" n="1">1</Array></SimpleSetPredicate></Node>`),
      wrap(`<Node score="1"><False/></Node>`),
      wrap(`<Node score="1"><True/><Partition name="p"/></Node>`),
      wrap(`<Node score="1"><SimplePredicate field="x" operator="&#101;qual" value="1"/></Node>`),
    ];
    for (const nodes of cases) expectSameTrees(treeDoc(nodes), false);
  });

  it("a tree the capture gives back gets the rows the scan would have made: elements, attributes, text, CDATA (comments and PIs dropped)", () => {
    const xmlShape = (el: XmlElement): unknown => ({
      name: el.name,
      path: el.path,
      attrs: el.attrs,
      text: el.text(),
      count: el.childCount,
      children: el.children().map(xmlShape),
    });
    const odd = `<Node id="r" score="0"><True/>
      <Node id="a&amp;b" score="1" xmlns:q="urn:q" q:x="&lt;"><!-- a comment --><?pi data?><SimplePredicate field="x" operator="lessThan" value="1"/>
        text &amp; more<![CDATA[ <raw> & ]]><Extension><Node id="inner"/>deep</Extension>
        <ScoreDistribution value="1" recordCount="2"/></Node>
      <Node id="c" score="2"><True/></Node></Node>`;
    const predicateLast = `<Node score="0"><Node score="1"><True/></Node><True/></Node>`;
    for (const nodes of [odd, predicateLast]) {
      const text = treeDoc(nodes);
      const captured = parseXml(Buffer.from(text), undefined, new TreeCapture());
      expect(xmlShape(captured)).toEqual(xmlShape(parseXml(text)));
      expectSameTrees(text, false);
    }
  });

  it("trees nested deeper than the table reader goes are read as IR nodes", () => {
    const chain = (levels: number) => {
      let nodes = "";
      for (let i = 0; i < levels; i++)
        nodes += `<Node score="${i}">${i === 0 ? "<True/>" : `<SimplePredicate field="x" operator="greaterThan" value="${-i}"/>`}`;
      return treeDoc(nodes + "</Node>".repeat(levels));
    };
    expect(treeTableOf(parsePmml(chain(500)).model as TreeModel)).toBeDefined();
    expect(treeTableOf(parsePmml(chain(600), { limits: { documentDepth: 1000 } }).model as TreeModel)).toBeUndefined();
    expectSameTrees(chain(500));
  });

  it("errors are the object reader's: the same code, message and path", () => {
    const wrap = (inner: string) => treeDoc(`<Node score="0"><True/>${inner}</Node>`);
    const bad = [
      wrap(`<Node score="1" recordCount="many"><True/></Node>`),
      wrap(`<Node score="1"><SimplePredicate operator="lessThan" value="1"/></Node>`),
      wrap(`<Node score="1"><SimplePredicate field="x" value="1"/></Node>`),
      wrap(`<Node score="1"><SimplePredicate field="x" operator="below" value="1"/></Node>`),
      wrap(`<Node score="1"></Node>`),
      wrap(`<Node score="1"><SimplePredicate field="undeclared" operator="lessThan" value="1"/></Node>`),
      wrap(`<Node score="1"><True/><Regression functionName="regression"/></Node>`),
    ];
    for (const text of bad) {
      let tableError: unknown, objectError: unknown;
      try {
        parsePmml(text);
      } catch (e) {
        tableError = e;
      }
      treeTableReading.enabled = false;
      try {
        parsePmml(text);
      } catch (e) {
        objectError = e;
      }
      treeTableReading.enabled = true;
      expect(objectError).toBeDefined();
      expect(tableError).toEqual(objectError);
      expect({ ...(tableError as object), message: (tableError as Error).message }).toEqual({
        ...(objectError as object),
        message: (objectError as Error).message,
      });
    }
  });

  it("a table tree's root can be replaced and edited: the nodes are then the truth", () => {
    const text = treeDoc(
      `<Node score="0"><True/><Node score="1"><SimplePredicate field="x" operator="lessThan" value="1"/></Node><Node score="2"><True/></Node></Node>`,
    );
    const tree = parsePmml(text).model as TreeModel;
    expect(treeTableOf(tree)).toBeDefined();
    const replacement = { ...tree.root, score: "5", children: [] };
    tree.root = replacement;
    expect(tree.root).toBe(replacement);
    expect(treeTableOf(tree)).toBeUndefined();
    expect(interpret({ ...parsePmml(text), model: tree }, { x: 0 })).toEqual({ t: 5 });
    // Spread copies make the nodes.
    const copy = { ...(parsePmml(text).model as TreeModel) };
    expect(Object.getOwnPropertyDescriptor(copy, "root")?.value).toBeDefined();
  });
});
