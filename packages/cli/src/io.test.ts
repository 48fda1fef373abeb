import { describe, expect, it } from "vitest";
import { CsvSplitter, JsonArraySplitter, checkCsvHeader, jsonNestingExceeds } from "./io.ts";

/** Feeds `text` cut at every position in turn: records must not depend on where chunks end. */
function everyCut<T>(text: string, run: (chunks: string[]) => T): T[] {
  const out: T[] = [];
  for (let cut = 0; cut <= text.length; cut++) out.push(run([text.slice(0, cut), text.slice(cut)]));
  return out;
}

function csv(chunks: string[]) {
  const splitter = new CsvSplitter();
  return [...chunks.flatMap((c) => splitter.push(c)), ...splitter.end()];
}

function jsonArray(chunks: string[], limit = 3) {
  const splitter = new JsonArraySplitter("rows.json", limit);
  const out = chunks.flatMap((c) => splitter.push(c));
  splitter.end();
  return out;
}

describe("CsvSplitter (RFC 4180, streamed)", () => {
  const text = '\uFEFFa,b,c\r\n1,"x, ""y""",3\n\n"multi\nline",,\r\n4,5"6,7\n"bad"x,1,2\nlast,row,"end"';

  it('cuts records the same wherever a chunk ends: quotes, "" escapes, CRLF, empty lines skipped, line numbers of each record\'s first line', () => {
    for (const records of everyCut(text, csv)) {
      expect(records).toEqual([
        { cells: ["a", "b", "c"], line: 1 },
        { cells: ["1", 'x, "y"', "3"], line: 2 },
        { cells: ["multi\nline", "", ""], line: 4 },
        // A quote inside an unquoted cell is an ordinary character.
        { cells: ["4", '5"6', "7"], line: 6 },
        { cells: ['"bad"x,1,2'], line: 7, error: "text after a closing quote" },
        { cells: ["last", "row", "end"], line: 8 },
      ]);
    }
  });

  it("a quote never closed fails the last record only", () => {
    expect(csv(['a,b\n1,2\n3,"open\n'])).toEqual([
      { cells: ["a", "b"], line: 1 },
      { cells: ["1", "2"], line: 2 },
      { cells: ['3,"open\n'], line: 3, error: "a quoted cell is not closed" },
    ]);
  });

  it("a header must name distinct columns and at least one model field", () => {
    expect(() => checkCsvHeader(["x", "y", "x"], "f.csv", 1)).toThrow(
      expect.objectContaining({ code: "CSV_DUPLICATE_COLUMN", value: "x", path: "f.csv:1" }) as Error,
    );
    expect(() => checkCsvHeader(["5.1", "3.5"], "f.csv", 1, ["sepal_length"])).toThrow(expect.objectContaining({ code: "CSV_NO_HEADER" }) as Error);
    expect(checkCsvHeader(["id", "sepal_length"], "f.csv", 1, ["sepal_length", "petal_length"])).toEqual(["id", "sepal_length"]);
  });
});

describe("JsonArraySplitter (one top-level element at a time)", () => {
  const text = '[\n {"a": [1, {"b": "]},\\"["}]},\n  2 , "s,t" ,\n{"deep": [[[[1]]]]}, {"x": null}\n]\n';

  it("cuts elements the same wherever a chunk ends; strings and escapes hide brackets; too-deep elements are dropped, not kept", () => {
    for (const elements of everyCut(text, (c) => jsonArray(c))) {
      expect(elements.map((e) => ({ ...e, text: e.tooDeep ? "" : e.text.trim() }))).toEqual([
        { text: '{"a": [1, {"b": "]},\\"["}]}', line: 2, tooDeep: false },
        { text: "2", line: 3, tooDeep: false },
        { text: '"s,t"', line: 3, tooDeep: false },
        { text: "", line: 4, tooDeep: true },
        { text: '{"x": null}', line: 4, tooDeep: false },
      ]);
    }
  });

  it("refuses what is not one array: another value, an unclosed array, brackets that do not pair, text after the end", () => {
    expect(() => jsonArray(['{"a": 1}'])).toThrow(expect.objectContaining({ code: "INPUT_JSON_NOT_ARRAY" }) as Error);
    expect(() => jsonArray(["[1, 2"])).toThrow(expect.objectContaining({ code: "INPUT_JSON_MALFORMED" }) as Error);
    expect(() => jsonArray(['[{"a": [1}]'])).toThrow(expect.objectContaining({ code: "INPUT_JSON_MALFORMED", path: "rows.json:1" }) as Error);
    expect(() => jsonArray(["[1] [2]"])).toThrow(/text after the closing \]/);
    expect(jsonArray(["[ ]"])).toEqual([]);
  });

  it("jsonNestingExceeds counts brackets outside strings only", () => {
    expect(jsonNestingExceeds('{"a": [[1]]}', 3)).toBe(false);
    expect(jsonNestingExceeds('{"a": [[[1]]]}', 3)).toBe(true);
    expect(jsonNestingExceeds('{"a": "[[[[[[", "b": "\\"[[[["}', 1)).toBe(false);
  });
});
