/**
 * `npx tsx --conditions=@porta/source examples/browser/screenshot.ts`: writes screenshot.png, the
 * page with the iris tree after scoring the form and fixtures/pmml/iris.csv, in headless Chromium
 * (PORTA_CHROMIUM, else /usr/bin/chromium). Run by hand when the page changes, not by the tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { loadBackends } from "porta/backends";
import { convertModel } from "../../packages/cli/src/convert.ts";
import { buildPage, servePage } from "./page.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const PMML = join(ROOT, "fixtures", "pmml");

const dir = mkdtempSync(join(tmpdir(), "porta-screenshot-"));
await loadBackends();
await convertModel(join(PMML, "iris-tree.pmml"), "browser", join(dir, "model.js"));
await buildPage(dir);
const site = await servePage(dir);
const browser = await chromium.launch({
  executablePath: process.env.PORTA_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage({ viewport: { width: 960, height: 720 } });
  await page.goto(site.url);
  await page.locator("body[data-ready]").waitFor();
  const row: Record<string, string> = { sepal_length: "6.3", sepal_width: "2.8", petal_length: "5.1", petal_width: "1.5" };
  for (const [name, value] of Object.entries(row)) await page.locator(`#row-form [name="${name}"]`).fill(value);
  await page.locator("#row-form button[type=submit]").click();
  await page.locator("#csv-file").setInputFiles(join(PMML, "iris.csv"));
  await page.locator("#csv-result table").waitFor();
  const out = join(import.meta.dirname, "screenshot.png");
  await page.screenshot({ path: out, fullPage: true });
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await browser.close();
  await site.close();
  rmSync(dir, { recursive: true, force: true });
}
