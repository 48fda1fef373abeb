import { describe, expect, it } from "vitest";
import { interpret } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { _, Code, NameScope, instantiate, literal, stringLiteral } from "./codegen.ts";
import { compilePipeline } from "./compile.ts";
import { CompiledScorer } from "./scorer.ts";

const HOSTILE = [
  '"); process.exit(1); ("',
  "'); process.exit(1); ('",
  "`${process.exit(1)}`",
  "*/ process.exit(1) /*",
  "\u2028process.exit(1)\u2029",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "ünïcødé 名前 🚀",
  "x".repeat(10_000),
  "a\\\\b\nc\r\td",
  "</script><script>alert(1)</script>",
];

function xmlEscape(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

describe("codegen: values from documents can never become code", () => {
  it("interpolated strings become string literals that round-trip exactly", () => {
    for (const s of HOSTILE) {
      const fn = instantiate<() => string>(_`return () => ${s};`, []);
      expect(fn()).toBe(s);
    }
  });

  it("numbers, booleans and null become literals; objects are refused", () => {
    const fn = instantiate<() => unknown[]>(_`return () => [${1.5}, ${-2}, ${NaN}, ${-Infinity}, ${true}, ${null}, ${-0}];`, []);
    expect(fn()).toEqual([1.5, -2, NaN, -Infinity, true, null, -0]);
    expect(() => literal({ toString: () => "process.exit(1)" })).toThrow(/cannot emit/);
  });

  it("identifiers come only from fixed prefixes; reserved words and odd prefixes are refused", () => {
    const names = new NameScope();
    expect(names.name("tree").text).toBe("tree0");
    expect(names.name("tree").text).toBe("tree1");
    expect(() => names.name("in")).toThrow(/bad identifier/);
    expect(() => names.name("a-b")).toThrow(/bad identifier/);
    expect(() => names.name("x); process.exit(1); (y")).toThrow(/bad identifier/);
  });

  it("escapes U+2028/U+2029 for old parsers", () => {
    expect(stringLiteral("\u2028\u2029")).toBe('"\\u2028\\u2029"');
    expect(new Code("x") instanceof Code).toBe(true);
  });

  it("hostile field names and categories compile and score like the interpreter", () => {
    for (const name of HOSTILE) {
      const field = xmlEscape(name);
      const category = xmlEscape(`${name}-cat`);
      const xml = `<PMML version="4.4"><Header/>
        <DataDictionary>
          <DataField name="${field}" optype="continuous" dataType="double"/>
          <DataField name="c${field}" optype="categorical" dataType="string"><Value value="${category}"/><Value value="other"/></DataField>
          <DataField name="y${field}" optype="categorical" dataType="string"><Value value="${category}"/><Value value="no"/></DataField>
        </DataDictionary>
        <TreeModel functionName="classification">
          <MiningSchema><MiningField name="${field}"/><MiningField name="c${field}"/><MiningField name="y${field}" usageType="target"/></MiningSchema>
          <Output><OutputField name="p${field}" feature="probability" value="${category}"/><OutputField name="id${field}" feature="entityId"/></Output>
          <Node id="${field}"><True/>
            <Node id="n1${category}" score="${category}"><CompoundPredicate booleanOperator="and">
              <SimplePredicate field="${field}" operator="lessThan" value="1"/>
              <SimplePredicate field="c${field}" operator="equal" value="${category}"/></CompoundPredicate>
              <ScoreDistribution value="${category}" recordCount="3"/><ScoreDistribution value="no" recordCount="1"/></Node>
            <Node id="n2" score="no"><True/></Node>
          </Node>
        </TreeModel></PMML>`;
      const pipeline = parsePmml(xml);
      const scorer = new CompiledScorer(compilePipeline(pipeline));
      const rows = [
        { [name]: "0.5", [`c${name}`]: `${name}-cat` },
        { [name]: "3", [`c${name}`]: "other" },
        { [name]: null, [`c${name}`]: null },
      ];
      const { results } = scorer.scoreRows(rows);
      const reference = rows.map((r) => interpret(pipeline, r));
      expect(results).toEqual(reference);
      expect(results[0]?.[`y${name}`]).toBe(`${name}-cat`);
      expect(results[0]?.[`id${name}`]).toBe(`n1${name}-cat`);
    }
  });
});
