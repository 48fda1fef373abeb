/**
 * `npx tsx examples/console/screenshots.ts`: rewrites the PNGs beside this file — the web console
 * of `porta serve` (README "Web console") on a folder of fixtures, after some scoring traffic, in
 * headless Chromium (PORTA_CHROMIUM, else /usr/bin/chromium). Builds the console first; runs the
 * `porta` command from the sources; strategy.png is the churn model under a canary deploy on a second
 * `porta serve --registry`. Run by hand when the console changes, not by the tests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { buildConsole } from "../../packages/serve/console/build.ts";
import { CHURN, churnVariant, tgzOf } from "../../packages/serve/src/strategies/strategies.test-helper.ts";
import { launchChromium } from "../../test/chromium.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const HERE = import.meta.dirname;

const models = mkdtempSync(join(tmpdir(), "porta-console-shots-"));
/** The registry of the canary deploy and its packages, apart from the fixed folder of models. */
const work = mkdtempSync(join(tmpdir(), "porta-console-shots-registry-"));
cpSync(join(ROOT, "fixtures", "pmml", "iris-tree.pmml"), join(models, "iris-tree.pmml"));
cpSync(join(ROOT, "fixtures", "pmml", "forest.pmml"), join(models, "forest.pmml"));
cpSync(join(ROOT, "fixtures", "packages", "churn-pmml"), join(models, "churn"), { recursive: true });
await buildConsole();

/** `porta serve ARGS… --port 0` from the sources; resolves with the process and its URL. */
function start(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(ROOT, "packages", "cli", "bin", "porta.cjs"), "serve", ...args, "--port", "0"], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, PORTA_SOURCE: "1", ...env },
  });
  return new Promise((resolve, reject) => {
    let stderr = "";
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (d: string) => {
      stderr += d;
      const m = / at (http:\/\/\S+?)[;\s]/.exec(stderr);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once("exit", (code) => reject(new Error(`porta serve exited ${code}: ${stderr}`)));
  });
}

const TOKEN = "console-screenshots";
const [fixed, registry] = await Promise.all([
  start(["--models", models]),
  start(["--registry", join(work, "registry"), "--seed", "7"], { PORTA_ADMIN_TOKEN: TOKEN }),
]);
const url = fixed.url;

/** churn 1.2.0 live, then 1.3.0 (another intercept) as a canary taking half the request keys, and keyed traffic. */
async function canary(): Promise<void> {
  const deploy = async (root: string, query: string) => {
    const response = await fetch(`${registry.url}/v1/admin/deploy${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/gzip" },
      body: await tgzOf(root),
    });
    if (response.status !== 200) throw new Error(`deploy${query}: ${response.status} ${await response.text()}`);
  };
  await deploy(CHURN, "");
  await deploy(churnVariant(work, { version: "1.3.0", intercept: 0.3 }), "?strategy=canary&share=0.5");
}

async function canaryTraffic(ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (let i = 0; Date.now() < end; i++) {
    await fetch(`${registry.url}/v1/models/churn/score`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-porta-key": `user-${i}` },
      body: JSON.stringify({ row: { x1: Math.random() * 4 - 2, x2: Math.random() } }),
    });
  }
}

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
  const open = async (hash: string, base = url): Promise<Page> => {
    await page.goto(`${base}/?poll=500${hash}`);
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
  await canary();
  await open("#/models/churn", registry.url);
  // Traffic past two of the strategy panel's refreshes (every 3 s): its counts and the charts move.
  await canaryTraffic(7000);
  await shot("strategy.png");
  process.stdout.write(`wrote models.png, model.png, version.png, score.png, tree.png, strategy.png in ${HERE}\n`);
} finally {
  await browser.close();
  fixed.child.kill("SIGTERM");
  registry.child.kill("SIGTERM");
  rmSync(models, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}
