/**
 * `porta convert --to browser` and the demo page (examples/browser/) in real headless Chromium:
 * the page builds its form from the module's fields, scores the form and a CSV file, and every
 * cell it shows equals what Node's `loadModel` scores for the same rows. Without Chromium the file
 * fails, naming what to install: it is never skipped.
 * Budget: 30 s on 2 cores (ceilings: beforeAll 60 s, each test 60 s); measured 22-24 s of tests
 * (conversions and page bundle ~10 s, Chromium start ~2 s, each page 4-7 s) on 2 cores shared at
 * load average 12-14.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "@porta/runtime";
import { convertModel } from "../packages/cli/src/convert.ts";
import { buildPage, servePage } from "../examples/browser/page.ts";
import { launchChromium } from "./chromium.ts";
import { porta, ROOT, tempFiles } from "./porta-cli.ts";

const PMML = join(ROOT, "fixtures", "pmml");

/** CSV rows as `porta score` reads them (the fixtures have no quoting; an empty cell is missing). */
function csvRows(path: string): Record<string, string | null>[] {
  const [header, ...lines] = readFileSync(path, "utf8").trim().split("\n");
  const names = header.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((cell, i) => [names[i], cell === "" ? null : cell])));
}

/** A result as the page's table shows it: `#`, then one cell per output field (missing is empty). */
function shown(outputs: readonly string[], result: Record<string, unknown>, index: number): string[] {
  return [String(index + 1), ...outputs.map((name) => (result[name] === null || result[name] === undefined ? "" : String(result[name])))];
}

/** The cells of the table under `selector`, row by row, as the page shows them. */
function tableCells(page: Page, selector: string): Promise<string[][]> {
  return page.locator(`${selector} table tbody tr`).evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent ?? "")));
}

let browser: Browser;
let site: Awaited<ReturnType<typeof servePage>>;
let dir: string;

beforeAll(async () => {
  dir = tempFiles("porta-browser-").dir;
  // The command line once (iris); the forest through the same function in this process, which
  // spares a second CLI start-up on a loaded machine.
  const [cli] = await Promise.all([
    porta("convert", join(PMML, "iris-tree.pmml"), "--to", "browser", "-o", join(dir, "iris-tree.js")),
    convertModel(join(PMML, "forest.pmml"), "browser", join(dir, "forest.js")),
    convertModel(join(PMML, "text-regex.pmml"), "browser", join(dir, "text-regex.js")),
    convertModel(join(PMML, "iris-tree.pmml"), "browser", join(dir, "iris-tree-global.js"), { format: "iife" }),
    convertModel(join(PMML, "forest.pmml"), "browser", join(dir, "forest-global.js"), { format: "iife", global: "Forest" }),
    buildPage(dir),
  ]);
  // a page without modules: one classic script
  writeFileSync(
    join(dir, "global.html"),
    '<!doctype html><title>global</title><script src="iris-tree-global.js"></script><script src="forest-global.js"></script>',
  );
  expect(cli.code, cli.stderr).toBe(0);
  site = await servePage(dir);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The page with `model` loaded; fails on any error the page logs or throws. */
async function openPage(model: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  await page.goto(`${site.url}?model=${model}.js`);
  await page.locator("body[data-ready]").waitFor({ timeout: 10_000 });
  return { page, problems };
}

describe("porta convert --to browser: the demo page in headless Chromium", () => {
  it("the module has no import statement (the page below loads it with no import map), RE2JS only where the model runs a regex, and a .d.ts", () => {
    const code = readFileSync(join(dir, "iris-tree.js"), "utf8");
    expect(code).not.toMatch(/^\s*import[\s{*"]/m);
    // esbuild names each bundled file in a comment.
    const re2js = /^\/\/ node_modules\/re2js\//m;
    expect(code).not.toMatch(re2js);
    expect(readFileSync(join(dir, "text-regex.js"), "utf8")).toMatch(re2js);
    expect(readFileSync(join(dir, "iris-tree.d.ts"), "utf8")).toContain('"petal_length"?: number | string | null;');
  });

  it("iris tree: the form and an uploaded CSV score as Node does, cell for cell", async () => {
    const model = await loadModel(join(PMML, "iris-tree.pmml"));
    const outputs = model.outputFields.map((f) => f.name);
    const rows = csvRows(join(PMML, "iris.csv"));
    const expected = model.scoreBatch(rows).results.map((r, i) => shown(outputs, r as Record<string, unknown>, i));
    const { page, problems } = await openPage("iris-tree");

    // The form: one control per input field, named by it.
    expect(await page.locator("#row-form [name]").evaluateAll((els) => els.map((e) => e.getAttribute("name")))).toEqual(model.inputFields.map((f) => f.name));
    const row = rows[3]!;
    for (const [name, value] of Object.entries(row)) await page.locator(`#row-form [name="${name}"]`).fill(value ?? "");
    await page.locator("#row-form button[type=submit]").click();
    expect(await tableCells(page, "#row-result")).toEqual([shown(outputs, model.score(row) as Record<string, unknown>, 0)]);

    // An invalid value fails that row with the code Node gives.
    await page.locator('#row-form [name="petal_length"]').fill("x");
    await page.locator("#row-form button[type=submit]").click();
    expect(await page.locator("#row-result td.error").textContent()).toMatch(/^PMML_INVALID_VALUE: /);

    await page.locator("#csv-file").setInputFiles(join(PMML, "iris.csv"));
    await page.locator("#csv-result table").waitFor();
    expect(await tableCells(page, "#csv-result")).toEqual(expected);
    expect(await page.locator("#csv-result p").textContent()).toBe(`iris.csv: ${rows.length} rows scored.`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a random forest (MiningModel, node-table kernel helpers): 500 rows of a dropped CSV file as Node scores them", async () => {
    const model = await loadModel(join(PMML, "forest.pmml"));
    const outputs = model.outputFields.map((f) => f.name);
    const rows = csvRows(join(PMML, "forest-rows.csv"));
    const expected = model.scoreBatch(rows).results.map((r, i) => shown(outputs, r as Record<string, unknown>, i));
    const { page, problems } = await openPage("forest");
    // Dropped on the page this time: a drop event carrying the file, as a drag from the desktop ends.
    const csv = readFileSync(join(PMML, "forest-rows.csv"), "utf8");
    const dataTransfer = await page.evaluateHandle(
      `(() => { const t = new DataTransfer(); t.items.add(new File([${JSON.stringify(csv)}], "forest-rows.csv", { type: "text/csv" })); return t; })()`,
    );
    await page.locator("#drop").dispatchEvent("drop", { dataTransfer });
    await page.locator("#csv-result table").waitFor();
    expect(await tableCells(page, "#csv-result")).toEqual(expected);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("regular expressions in the page (matches on RE2JS or V8, replace with a back reference) score as in Node", async () => {
    const model = await loadModel(join(PMML, "text-regex.pmml"));
    const outputs = model.outputFields.map((f) => f.name);
    const rows = csvRows(join(PMML, "text-regex.csv"));
    const expected = model.scoreBatch(rows).results.map((r, i) => shown(outputs, r as Record<string, unknown>, i));
    const { page, problems } = await openPage("text-regex");
    await page.locator('#row-form [name="text"]').fill("room 101");
    await page.locator("#row-form button[type=submit]").click();
    expect(await tableCells(page, "#row-result")).toEqual([shown(outputs, model.score({ text: "room 101" }) as Record<string, unknown>, 0)]);
    await page.locator("#csv-file").setInputFiles(join(PMML, "text-regex.csv"));
    await page.locator("#csv-result table").waitFor();
    expect(await tableCells(page, "#csv-result")).toEqual(expected);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("--format iife: classic <script>s on a page without modules set globalThis.PortaModel (and --global's name); score and scoreColumns answer as Node does", async () => {
    const code = readFileSync(join(dir, "iris-tree-global.js"), "utf8");
    expect(code).not.toMatch(/^\s*(import|export)[\s{*"]/m);
    expect(readFileSync(join(dir, "iris-tree-global.d.ts"), "utf8")).toMatch(
      /declare namespace PortaModel \{[\s\S]*"petal_length"\?: number \| string \| null;[\s\S]*function score\(row: InputRow\): Result;[\s\S]*const ready: Promise<void>;/,
    );
    const model = await loadModel(join(PMML, "iris-tree.pmml"));
    const rows = csvRows(join(PMML, "iris.csv")).slice(0, 30);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${site.url}global.html`);
    const got = await page.evaluate(async (rows) => {
      type Row = Record<string, unknown>;
      const m = (globalThis as unknown as { PortaModel: GlobalModel }).PortaModel;
      interface GlobalModel {
        ready: Promise<void>;
        inputFields: { name: string }[];
        score(row: Row): Row;
        batchFromRows(rows: Row[]): unknown;
        scoreColumns(batch: unknown): unknown;
        rowsFromBatch(batch: unknown): Row[];
      }
      await m.ready;
      return { one: m.score(rows[0]!), all: m.rowsFromBatch(m.scoreColumns(m.batchFromRows(rows))), inputs: m.inputFields.map((f) => f.name) };
    }, rows);
    expect(got.inputs).toEqual(model.inputFields.map((f) => f.name));
    // a second model on the page under the global --global named
    const forest = await loadModel(join(PMML, "forest.pmml"));
    const forestRow = Object.fromEntries(forest.inputFields.map((f, k) => [f.name, k + 0.5]));
    const fromPage = await page.evaluate(async (row) => {
      const m = (globalThis as unknown as { Forest: { ready: Promise<void>; score(r: unknown): unknown } }).Forest;
      await m.ready;
      return m.score(row);
    }, forestRow);
    expect(fromPage).toEqual(forest.score(forestRow));
    expect(got.one).toEqual(model.score(rows[0]!));
    expect(got.all).toEqual(model.scoreBatch(rows).results);
    expect(problems).toEqual([]);
    await page.close();
  });
}, 60_000);
