/**
 * `npx tsx examples/console/screenshots.ts`: rewrites the PNGs beside this file — the web console
 * of `porta serve` (README "Web console") on a folder of fixtures, after some scoring traffic, in
 * headless Chromium (PORTA_CHROMIUM, else /usr/bin/chromium). Builds the console first; runs the
 * `porta` command from the sources. Run by hand when the console changes, not by the tests.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { buildConsole } from "../../packages/serve/console/build.ts";
import { launchChromium } from "../../test/chromium.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const HERE = import.meta.dirname;

const models = mkdtempSync(join(tmpdir(), "porta-console-shots-"));
cpSync(join(ROOT, "fixtures", "pmml", "iris-tree.pmml"), join(models, "iris-tree.pmml"));
cpSync(join(ROOT, "fixtures", "pmml", "forest.pmml"), join(models, "forest.pmml"));
cpSync(join(ROOT, "fixtures", "packages", "churn-pmml"), join(models, "churn"), { recursive: true });
await buildConsole();

const child = spawn(process.execPath, [join(ROOT, "packages", "cli", "bin", "porta.cjs"), "serve", "--models", models, "--port", "0"], {
  stdio: ["ignore", "ignore", "pipe"],
  env: { ...process.env, PORTA_SOURCE: "1" },
});
const url = await new Promise<string>((resolve, reject) => {
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d: string) => {
    stderr += d;
    const m = / at (http:\/\/\S+?)[;\s]/.exec(stderr);
    if (m) resolve(m[1]!);
  });
  child.once("exit", (code) => reject(new Error(`porta serve exited ${code}: ${stderr}`)));
});

/** Scoring traffic for the charts: single rows and batches, for `ms` milliseconds. */
async function traffic(ms: number): Promise<void> {
  const end = Date.now() + ms;
  const row = { sepal_length: 6.3, sepal_width: 2.8, petal_length: 5.1, petal_width: 1.5 };
  while (Date.now() < end) {
    const post = (name: string, body: unknown) =>
      fetch(`${url}/v1/models/${name}/score`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) =>
        r.text(),
      );
    await Promise.all([
      post("iris-tree", { row: { ...row, petal_length: 1 + Math.random() * 5 } }),
      post("forest", { rows: Array.from({ length: 20 }, () => ({ x0: Math.random(), x1: Math.random(), x2: 0, x3: -1, x4: 1, x5: 0 })) }),
      post("churn", { row: { x1: Math.random(), x2: Math.random() } }),
    ]);
  }
}

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  const open = async (hash: string): Promise<Page> => {
    await page.goto(`${url}/?poll=500${hash}`);
    await page.locator("body[data-ready=true]").waitFor();
    return page;
  };
  const shot = (name: string) => page.screenshot({ path: join(HERE, name), fullPage: true });

  await open("#/");
  await traffic(4000);
  await shot("models.png");

  await open("#/models/iris-tree");
  await traffic(4000);
  await shot("model.png");

  await open("#/models/churn/versions/1.2.0");
  await shot("version.png");

  await open("#/models/iris-tree/score");
  for (const [name, value] of Object.entries({ sepal_length: "6.3", sepal_width: "2.8", petal_length: "5.1", petal_width: "1.5" })) {
    await page.locator(`#row-form [name="${name}"]`).fill(value);
  }
  await page.locator("#row-form button[type=submit]").click();
  await page.locator("#row-result table").waitFor();
  await page.locator("#csv-file").setInputFiles(join(ROOT, "fixtures", "pmml", "iris.csv"));
  await page.locator("#csv-result table").waitFor();
  await page.setViewportSize({ width: 1100, height: 1000 });
  await page.screenshot({ path: join(HERE, "score.png") });
  await page.setViewportSize({ width: 1100, height: 760 });

  await open("#/models/forest/tree/3");
  await page.getByRole("button", { name: "Expand all" }).click();
  await shot("tree.png");
  process.stdout.write(`wrote models.png, model.png, version.png, score.png, tree.png in ${HERE}\n`);
} finally {
  await browser.close();
  child.kill("SIGTERM");
  rmSync(models, { recursive: true, force: true });
}
