/**
 * The web console of `porta serve` (packages/serve/console) in real headless Chromium: the real
 * command on a folder of fixtures, one browser, the page at `/` under its Content-Security-Policy.
 * Every figure the page shows is checked against the service's own JSON answer: the models list,
 * a version's fields and audit trail, a row scored through the form, CSV files dropped and picked,
 * the tree viewer against the structure route, the charts after scoring traffic, a real canary
 * deploy on a second `porta serve --registry` (its panel against the model's `strategy` after
 * traffic), and the other strategy shapes (injected into the model's answer). The page may log no
 * error and violate no policy directive. Without Chromium the file fails, naming what to install.
 * Budget: 60 s on 2 cores (beforeAll: the console bundle, both servers and Chromium in parallel);
 * measured 27-41 s for the file (tests 19-27 s) on 2 cores shared at load average 14-20; the real
 * canary (a second server, two deploys, 40 requests) adds about 5 s wall, 3 s CPU at load 5-9.
 */
import { cpSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConsole } from "../packages/serve/console/build.ts";
import { quantileMs } from "../packages/serve/console/histogram.ts";
import { cellValue, csvRows as consoleCsvRows, csvText, resultColumns } from "../packages/serve/console/rows.ts";
import { CHURN, churnVariant, tgzOf } from "../packages/serve/src/strategies/strategies.test-helper.ts";
import { launchChromium } from "./chromium.ts";
import { ROOT, tempFiles } from "./porta-cli.ts";
import { serve, type Served } from "./serve-process.ts";

const PMML = join(ROOT, "fixtures", "pmml");
const TOKEN = "console-admin-token";

let browser: Browser;
/** One context for every page: they share its HTTP cache (the console's files are revalidated, 304). */
let context: BrowserContext;
let served: Served;
/** `porta serve --registry`: deploys with a strategy through the admin API. */
let registry: Served;
let folder: ReturnType<typeof tempFiles>;
/** The registry's folder and the packages deployed to it (apart from the fixed folder of models). */
let work: ReturnType<typeof tempFiles>;

beforeAll(async () => {
  folder = tempFiles("porta-console-");
  work = tempFiles("porta-console-registry-");
  cpSync(join(PMML, "iris-tree.pmml"), join(folder.dir, "iris-tree.pmml"));
  cpSync(join(PMML, "forest.pmml"), join(folder.dir, "forest.pmml"));
  cpSync(join(ROOT, "fixtures", "packages", "churn-pmml"), join(folder.dir, "churn"), { recursive: true });
  // The console is built before the server starts: it reads the built files once.
  await buildConsole();
  [served, registry, browser] = await Promise.all([
    serve(["--models", folder.dir]),
    serve(["--registry", join(work.dir, "registry"), "--seed", "7"], { PORTA_ADMIN_TOKEN: TOKEN }),
    launchChromium(),
  ]);
  context = await browser.newContext();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (served?.child.exitCode === null) await served.stop();
  if (registry?.child.exitCode === null) await registry.stop();
  if (folder) rmSync(folder.dir, { recursive: true, force: true });
  if (work) rmSync(work.dir, { recursive: true, force: true });
});

async function api<T>(path: string, body?: unknown, base = served.url): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as T;
}

/** The page at `hash`, ready; every error it logs or throws and every policy it violates goes to `problems`. */
async function open(hash: string, query = "", base = served.url): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  // Page-side code as text: this file is type-checked without the DOM library.
  await page.addInitScript(
    'document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`))',
  );
  await page.goto(`${base}/${query}${hash}`);
  await page.locator("body[data-ready=true]").waitFor({ timeout: 10_000 });
  return { page, problems };
}

function tableCells(page: Page, selector: string): Promise<string[][]> {
  return page.locator(`${selector} tbody tr`).evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent ?? "")));
}

/** A results table as the console draws it: `#`, then each key of the results in order of appearance; a failed row is its error. */
function expectedCells(results: (Record<string, unknown> | null)[], errors: { row: number; code: string; message: string }[] = []): string[][] {
  const columns = [...new Set(results.flatMap((r) => (r ? Object.keys(r) : [])))];
  return results.map((r, i) => {
    const error = errors.find((e) => e.row === i);
    if (error) return [String(i + 1), `${error.code}: ${error.message}`];
    return [
      String(i + 1),
      ...columns.map((c) => (r?.[c] === null || r?.[c] === undefined ? "" : typeof r[c] === "object" ? JSON.stringify(r[c]) : String(r[c]))),
    ];
  });
}

/** CSV rows as the service takes them (text cells, empty missing): the model types them. */
function csvRows(path: string): Record<string, string | null>[] {
  const [header, ...lines] = readFileSync(path, "utf8").trim().split("\n");
  const names = header!.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((cell, i) => [names[i], cell === "" ? null : cell])));
}

describe("the web console at / of porta serve, in headless Chromium", () => {
  it("serves the page with a Content-Security-Policy and no inline script; lists the models as GET /v1/models does", async () => {
    const response = await fetch(`${served.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\son\w+=/);

    const { models } = await api<{ models: { name: string; live: string; versions: string[]; format: string; backend: string }[] }>("/v1/models");
    const { page, problems } = await open("#/");
    const cells = await tableCells(page, "table.models");
    expect(cells.map((row) => row.slice(0, 5))).toEqual(models.map((m) => [m.name, m.live, String(m.versions.length), m.format, m.backend]));
    await page.locator("table.models a", { hasText: "churn" }).click();
    await page.locator("#summary").waitFor();
    expect(await page.locator("h1").textContent()).toBe("churn");
    expect(problems).toEqual([]);
    // The policy holds, and a violation is seen: markup with an inline style is refused.
    await page.evaluate(`document.body.insertAdjacentHTML("beforeend", '<div style="color: red">x</div>')`);
    await expect.poll(() => problems.some((p) => /^CSP violation: style-src/.test(p))).toBe(true);
    expect(problems.every((p) => /^CSP violation|Content Security Policy/.test(p))).toBe(true);
    await page.close();
  });

  it("a version's metadata: fields and the audit trail in time order, as GET /v1/models/:name/versions/:v says", async () => {
    const v = await api<{ fields: { inputs: { name: string; dataType: string }[] }; audit: { builtBy: string; approval: { by: string; reason: string } } }>(
      "/v1/models/churn/versions/1.2.0",
    );
    const { page, problems } = await open("#/models/churn/versions/1.2.0");
    expect((await tableCells(page, "table.inputs")).map((r) => r.slice(0, 2))).toEqual(v.fields.inputs.map((f) => [f.name, f.dataType]));
    const trail = await page.locator("#audit li").allTextContents();
    expect(trail[0]).toContain(`built by ${v.audit.builtBy}`);
    expect(trail.find((t) => t.includes("approved"))).toContain(`approved by ${v.audit.approval.by} — ${v.audit.approval.reason}`);
    expect(trail.at(-1)).toContain("deployed (live now)");
    const times = await page.locator("#audit time").evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute("datetime") ?? "")));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(problems).toEqual([]);
    await page.close();
  });

  it("scores a row through the form, a dropped CSV and a picked one: every cell as the score API answers", async () => {
    const { page, problems } = await open("#/models/iris-tree/score");
    const inputs = (await api<{ fields: { inputs: { name: string }[] } }>("/v1/models/iris-tree")).fields.inputs.map((f) => f.name);
    expect(await page.locator("#row-form [name]").evaluateAll((els) => els.map((e) => e.getAttribute("name")))).toEqual(inputs);

    const row = { sepal_length: "6.3", sepal_width: "2.8", petal_length: "5.1", petal_width: "1.5" };
    for (const [name, value] of Object.entries(row)) await page.locator(`#row-form [name="${name}"]`).fill(value);
    await page.locator("#row-form button[type=submit]").click();
    await page.locator("#row-result table").waitFor();
    const one = await api<{ result: Record<string, unknown> }>("/v1/models/iris-tree/score", { row });
    expect(await tableCells(page, "#row-result")).toEqual(expectedCells([one.result]));

    // A value the model refuses: its typed error in the row's place.
    await page.locator('#row-form [name="petal_length"]').fill("x");
    await page.locator("#row-form button[type=submit]").click();
    await page.locator("#row-result td.error").waitFor();
    expect(await page.locator("#row-result td.error").textContent()).toMatch(/^PMML_INVALID_VALUE: /);
    // Chromium logs the 422 itself; nothing else may be logged.
    const refused = problems.findIndex((p) => p.includes("status of 422"));
    expect(refused).toBeGreaterThanOrEqual(0);
    problems.splice(refused, 1);

    // Dropped on the page: a drop event carrying the file, as a drag from the desktop ends.
    const csv = readFileSync(join(PMML, "iris.csv"), "utf8");
    const dataTransfer = await page.evaluateHandle(
      `(() => { const t = new DataTransfer(); t.items.add(new File([${JSON.stringify(csv)}], "iris.csv", { type: "text/csv" })); return t; })()`,
    );
    await page.locator("#drop").dispatchEvent("drop", { dataTransfer });
    await page.locator("#csv-result table").waitFor();
    const rows = csvRows(join(PMML, "iris.csv"));
    const batch = await api<{ results: Record<string, unknown>[]; errors: { row: number; code: string; message: string }[] }>("/v1/models/iris-tree/score", {
      rows,
    });
    expect(await tableCells(page, "#csv-result")).toEqual(expectedCells(batch.results, batch.errors));
    expect(await page.locator("#csv-result p.summary").textContent()).toBe(`iris.csv: ${rows.length} rows scored.`);
    // Every result as CSV, the error column last (empty: no row failed).
    const downloading = page.waitForEvent("download");
    await page.locator("#csv-download").click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("iris-scored.csv");
    const lines = readFileSync(await download.path(), "utf8")
      .trimEnd()
      .split("\r\n");
    const columns = [...new Set(batch.results.flatMap((r) => Object.keys(r)))];
    expect(lines).toEqual([["#", ...columns, "error"].join(","), ...expectedCells(batch.results).map((cells) => [...cells, ""].join(","))]);
    expect(problems).toEqual([]);
    await page.close();

    // A 500-row forest file through the file picker.
    const forest = await open("#/models/forest/score");
    await forest.page.locator("#csv-file").setInputFiles(join(PMML, "forest-rows.csv"));
    await forest.page.locator("#csv-result table").waitFor();
    const forestRows = csvRows(join(PMML, "forest-rows.csv"));
    const forestBatch = await api<{ results: Record<string, unknown>[] }>("/v1/models/forest/score", { rows: forestRows });
    expect(await tableCells(forest.page, "#csv-result")).toEqual(expectedCells(forestBatch.results));
    expect(forest.problems).toEqual([]);
    await forest.page.close();
  });

  it("the tree viewer: an ensemble's segments, then one tree, node for node as the structure route sends it", async () => {
    const top = await api<{ model: { mining: { segmentCount: number; segments: { index: number; nodes: number }[] } } }>("/v1/models/forest/structure");
    const { page, problems } = await open("#/models/forest/tree");
    const segments = await tableCells(page, "table.segments");
    expect(segments).toHaveLength(top.model.mining.segmentCount);
    expect(segments.map((r) => r[5])).toEqual(top.model.mining.segments.map((s) => expect.stringContaining(`${s.nodes} nodes`)));
    await page.locator("table.segments a", { hasText: /^3$/ }).click();
    await page.locator("#tree").waitFor();
    expect(page.url()).toContain("#/models/forest/tree/3");

    interface Node {
      predicate: string;
      score?: string;
      children: Node[];
    }
    const tree = await api<{ model: { tree: { nodes: number; root: Node } } }>("/v1/models/forest/structure?segment=3");
    const walk = (n: Node): string[] => [`${n.predicate}${n.score === undefined ? "" : ` → ${n.score}`}`, ...n.children.flatMap(walk)];
    await page.getByRole("button", { name: "Expand all" }).click();
    // Document order of the nodes is depth first, as `walk` goes.
    const shown = await page
      .locator("#tree .node")
      .evaluateAll((els) =>
        els.map((e) => `${e.querySelector("code")?.textContent ?? ""}${e.querySelector("strong") ? ` → ${e.querySelector("strong")!.textContent}` : ""}`),
      );
    expect(shown).toEqual(walk(tree.model.tree.root));
    expect(shown).toHaveLength(tree.model.tree.nodes);
    await page.getByRole("button", { name: "Collapse all" }).click();
    expect(await page.locator("#tree details[open]").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("draws latency and throughput from GET /v1/metrics/summary while scoring traffic flows", async () => {
    const { page, problems } = await open("#/models/iris-tree", "?poll=250");
    const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
    const last = async (kind: string) =>
      JSON.parse((await page.locator(`figure[data-chart="${kind}"]`).getAttribute("data-last")) ?? "[]") as (number | null)[];
    const charts = async () => ({ throughput: await last("throughput"), latency: await last("latency") });
    // Traffic until a poll interval held some (bounded: a loaded machine polls late, never not at all).
    let seen = await charts();
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; seen = await charts()) {
      if ((seen.throughput[0] ?? 0) > 0 && (seen.latency[1] ?? 0) > 0) break;
      await api("/v1/models/iris-tree/score", { rows: [row, row, row] });
    }
    expect(seen.throughput[0]).toBeGreaterThan(0);
    // p50 ≤ p99, both positive milliseconds.
    expect(seen.latency[0]).toBeGreaterThan(0);
    expect(seen.latency[1]).toBeGreaterThanOrEqual(seen.latency[0]!);
    expect(await page.locator('figure[data-chart="throughput"] canvas').count()).toBe(1);
    expect(await page.locator('figure[data-chart="latency"] canvas').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("a real canary: the panel shows the live and canary versions, share, requests and errors as GET /v1/models/:name reports", async () => {
    const deploy = async (root: string, query: string) => {
      const response = await fetch(`${registry.url}/v1/admin/deploy${query}`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/gzip" },
        body: await tgzOf(root),
      });
      expect(response.status, await response.text()).toBe(200);
    };
    await deploy(CHURN, "");
    await deploy(churnVariant(work.dir, { version: "1.3.0", intercept: 0.3 }), "?strategy=canary&share=0.5");
    // Before any request the service reports p99 0 for each arm: no latency is drawn for it.
    const { page, problems } = await open("#/models/churn", "", registry.url);
    await page.locator('#strategy[data-kind="canary"]').waitFor({ timeout: 10_000 });
    expect(await tableCells(page, "#strategy table")).toEqual([
      ["live", "1.2.0", "0", "0", "—"],
      ["canary", "1.3.0", "0", "0", "—"],
    ]);
    // Keyed requests: a key is hashed to one version for good, so these 40 split the same way every run.
    for (let i = 0; i < 40; i++) {
      await fetch(`${registry.url}/v1/models/churn/score`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-porta-key": `user-${i}` },
        body: JSON.stringify({ row: { x1: (i - 20) / 8, x2: 0.5 } }),
      });
    }
    type PerArm = { live: number; canary: number };
    type Canary = { kind: "canary"; live: string; canary: string; share: number; requests: PerArm; errors: PerArm; p99Ms: PerArm };
    const { strategy } = await api<{ strategy: Canary }>("/v1/models/churn", undefined, registry.url);
    expect(strategy).toMatchObject({ kind: "canary", live: "1.2.0", canary: "1.3.0", share: 0.5 });
    expect(strategy.requests.live + strategy.requests.canary).toBe(40);
    expect(strategy.requests.canary).toBeGreaterThan(0);
    expect(strategy.requests.live).toBeGreaterThan(0);

    await page.reload();
    await page.locator("body[data-ready=true]").waitFor({ timeout: 10_000 });
    await page.locator('#strategy[data-kind="canary"]').waitFor({ timeout: 10_000 });
    const ms = (v: number) => `${v.toFixed(2)} ms`;
    expect(await tableCells(page, "#strategy table")).toEqual([
      ["live", strategy.live, String(strategy.requests.live), String(strategy.errors.live), ms(strategy.p99Ms.live)],
      ["canary", strategy.canary, String(strategy.requests.canary), String(strategy.errors.canary), ms(strategy.p99Ms.canary)],
    ]);
    const facts = await page
      .locator("#strategy dl.facts")
      .evaluate((dl) => [...dl.querySelectorAll("dt")].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]));
    expect(facts).toEqual([["canary share", `${(strategy.share * 100).toFixed(1)} % `]]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("renders each deployment strategy the model's answer carries, and none when it carries none", async () => {
    const strategies = [
      { kind: "single", live: "v1" },
      { kind: "silent", live: "v1", shadow: "v2", compared: 120, agreement: 0.975 },
      {
        kind: "canary",
        live: "v1",
        canary: "v2",
        share: 0.1,
        requests: { live: 900, canary: 100 },
        errors: { live: 1, canary: 4 },
        p99Ms: { live: 1.5, canary: 9.25 },
        abortedReason: "canary error rate 4% above 1%",
      },
      {
        kind: "bandit",
        algorithm: "thompson",
        arms: [
          { version: "v1", pulls: 70, rewards: 35, probability: 0.25 },
          { version: "v2", pulls: 30, rewards: 24, probability: 0.75 },
        ],
      },
    ];
    const texts: Record<string, string> = {};
    const { page, problems } = await open("#/");
    let strategy: (typeof strategies)[number] | undefined;
    // The real answer with a strategy added, as a server with strategies sends it.
    await page.route("**/v1/models/iris-tree", async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...(await response.json()), strategy } });
    });
    for (strategy of strategies) {
      await page.locator("header a.brand").click();
      await page.locator("table.models a", { hasText: "iris-tree" }).click();
      await page.locator(`#strategy[data-kind="${strategy.kind}"]`).waitFor({ timeout: 10_000 });
      texts[strategy.kind] = (await page.locator("#strategy").textContent()) ?? "";
    }
    strategy = undefined;
    await page.locator("header a.brand").click();
    await page.locator("table.models a", { hasText: "iris-tree" }).click();
    await page.locator("#summary").waitFor();
    expect(await page.locator("#strategy[data-kind]").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
    expect(texts.single).toContain("v1");
    expect(texts.silent).toMatch(/shadow\s*v2[\s\S]*compared\s*120[\s\S]*97\.5 %/);
    expect(texts.canary).toMatch(/10\.0 %[\s\S]*canary error rate 4% above 1%/);
    expect(texts.canary).toMatch(/canary\s*v2\s*100\s*4\s*9\.25 ms/);
    expect(texts.bandit).toMatch(/thompson[\s\S]*v1\s*70\s*35\s*0\.500\s*25\.0 %[\s\S]*v2\s*30\s*24\s*0\.800\s*75\.0 %/);
  });
}, 60_000);

describe("the console's own arithmetic (no browser)", () => {
  it("reads quantiles off cumulative buckets as Prometheus' histogram_quantile does", () => {
    const bounds = [0.001, 0.002, 0.005];
    // 10 requests: 4 ≤ 1 ms, 8 ≤ 2 ms, 9 ≤ 5 ms, 1 above.
    const counts = [4, 8, 9, 10];
    expect(quantileMs(0.5, bounds, counts)).toBeCloseTo(1.25, 9);
    expect(quantileMs(0.2, bounds, counts)).toBeCloseTo(0.5, 9);
    expect(quantileMs(0.9, bounds, counts)).toBeCloseTo(5, 9);
    // Past the last finite bound: that bound.
    expect(quantileMs(0.99, bounds, counts)).toBe(5);
    expect(quantileMs(0.5, bounds, [0, 0, 0, 0])).toBeNull();
  });

  it("types CSV cells by the input fields: numbers for numeric fields, text otherwise, NA and empty missing", () => {
    const fields = [
      { name: "x", dataType: "double" },
      { name: "n", dataType: "integer" },
      { name: "c", dataType: "string" },
    ];
    expect(consoleCsvRows('x,n,c\n1.5,2,3\n,NA,N/A\nabc,1e3,"a,b"\n', fields)).toEqual([
      { x: 1.5, n: 2, c: "3" },
      { x: null, n: null, c: null },
      { x: "abc", n: 1000, c: "a,b" },
    ]);
    expect(cellValue(" 7 ", { name: "x", dataType: "float" })).toBe(7);
    expect(cellValue("7", undefined)).toBe("7");
    expect(resultColumns([{ a: 1 }, null, { b: 2, a: 3 }])).toEqual(["a", "b"]);
    // Written back: quoted where a cell holds a comma, a quote or a line break; read back the same.
    const text = csvText(
      ["a", "b"],
      [
        ["x,y", 'say "hi"'],
        ["line\nbreak", ""],
      ],
    );
    expect(text).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n');
    expect(consoleCsvRows(text, [])).toEqual([
      { a: "x,y", b: 'say "hi"' },
      { a: "line\nbreak", b: null },
    ]);
  });
});
