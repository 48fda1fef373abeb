import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, ParseError } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { loadModel } from "porta";
import { deepDocument, type DeepChain } from "./deep-documents.ts";

// Issue 11, task 2: nesting is bounded by the documentDepth limit (XML_TOO_DEEP), never by
// a parser's own nesting Error (fast-xml-parser, used before, stopped at 100 levels) or by a stack overflow in a later phase.

const run = promisify(execFile);
const PORTA = join(import.meta.dirname, "..", "packages", "cli", "bin", "porta.cjs");
const dir = mkdtempSync(join(tmpdir(), "porta-deep-"));
const LIMIT = DEFAULT_LIMITS.documentDepth;
const CHAINS: DeepChain[] = ["Node", "Apply", "CompoundPredicate", "Segment"];

describe(`documentDepth (default ${LIMIT}): at the limit every phase works, one past it is XML_TOO_DEEP`, () => {
  it.each(CHAINS)("%s chain at the limit parses and scores the same on the interpreter and compile-js", async (chain) => {
    const { text, expected } = deepDocument(chain, LIMIT);
    expect(deepestElement(text)).toBe(LIMIT);
    for (const backend of ["interp", "js"] as const) {
      const model = await loadModel(text, { backend });
      expect(Object.values(model.score({ x: 1 }))[0]).toBe(expected);
    }
    const js = await loadModel(text, { backend: "js" });
    // Compiled, not a silent fallback: the limit is chosen so that compile-js holds it.
    expect(js.notices.join(" ")).not.toMatch(/compile-js/);
  });

  it.each(CHAINS)("%s chain one past the limit: ParseError XML_TOO_DEEP from the library and exit 65 from validate", async (chain) => {
    const { text } = deepDocument(chain, LIMIT + 1);
    expect(deepestElement(text)).toBe(LIMIT + 1);
    for (const backend of ["interp", "js"] as const) {
      await expect(loadModel(text, { backend })).rejects.toMatchObject({ code: "XML_TOO_DEEP", value: LIMIT + 1 });
    }
    const path = join(dir, `${chain}.pmml`);
    writeFileSync(path, text);
    const r = await run(process.execPath, [PORTA, "validate", path]).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(65);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^porta: ParseError XML_TOO_DEEP /);
  });

  it("the limit is overridable through parsePmml(text, { limits })", () => {
    const { text } = deepDocument("Node", 40);
    expect(() => parsePmml(text, { limits: { documentDepth: 39 } })).toThrow(expect.objectContaining({ code: "XML_TOO_DEEP" }));
    expect(parsePmml(text, { limits: { documentDepth: 40 } }).model.kind).toBe("tree");
  });

  it("a limit raised past what the stack holds still ends in XML_TOO_DEEP, not a RangeError", () => {
    const { text } = deepDocument("Node", 30_000);
    let error: unknown;
    try {
      parsePmml(text, { limits: { documentDepth: 100_000 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: "XML_TOO_DEEP" });
  });
});

/** Deepest element nesting, counted independently of Porta's scanner (documents here have no comments or CDATA). */
function deepestElement(text: string): number {
  let depth = 0,
    max = 0;
  for (const m of text.matchAll(/<(\/?)[A-Za-z][^>]*?(\/?)>/g)) {
    if (m[1]) depth--;
    else if (!m[2]) max = Math.max(max, ++depth);
    else max = Math.max(max, depth + 1);
  }
  return max;
}
