import { describe, expect, it } from "vitest";
import { parseArrayContent } from "./attributes.ts";

describe("Array content (PMML 4.4 §Array, tokenised as JPMML does)", () => {
  it("splits on whitespace and strips the quotes of quoted string items", () => {
    expect(parseArrayContent(' a  "north east"\n\t"" b ')).toEqual(["a", "north east", "", "b"]);
  });

  it('inside quotes only \\" is an escape; any other backslash is kept as written', () => {
    expect(parseArrayContent('"say \\"hi\\"" "C:\\temp\\x"')).toEqual(['say "hi"', "C:\\temp\\x"]);
  });

  it("a quote inside an unquoted token opens a run that whitespace does not end", () => {
    expect(parseArrayContent('ab"c d" e')).toEqual(['ab"c d"', "e"]);
  });

  it("int and real Arrays give quotes no meaning", () => {
    expect(parseArrayContent('"1" 2', false)).toEqual(['"1"', "2"]);
  });
});
