/**
 * Porta as an installed package: every workspace package is built, packed with `npm pack` and
 * installed from the tarballs (dependencies from the npm cache, `--offline`) into a new project
 * outside the repository; there plain Node, with no loader flag, imports and requires `porta`,
 * scores iris, and `npx porta` runs, and a TypeScript consumer type-checks against the `.d.ts`.
 * Budget: 90 s on 2 cores (beforeAll: 120 s ceiling); measured 34-38 s (incremental build and
 * pack ~15 s, offline install ~3 s, the consumer type check ~12-18 s).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join, relative, sep } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const IRIS_MODEL = join(ROOT, "fixtures", "pmml", "iris-tree.pmml");
const IRIS_ROWS = join(ROOT, "fixtures", "pmml", "iris.csv");
const PACKAGES = readdirSync(join(ROOT, "packages")).filter((d) => existsSync(join(ROOT, "packages", d, "package.json")));
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  exports: Record<string, Record<string, string>>;
  files?: string[];
}
interface Packed {
  name: string;
  version: string;
  filename: string;
  integrity: string;
  files: { path: string }[];
}

interface LockEntry {
  version: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  dev?: boolean;
  link?: boolean;
}

/**
 * A lockfile for the temporary project: the tarballs, and their third-party dependencies at the
 * versions of the repository's own lockfile, so `npm ci --offline` needs no registry metadata
 * (the npm cache holds the tarballs `npm ci` fetched, not the registry's package documents).
 */
function lockfileFor(packed: Packed[], tarballs: Record<string, string>, project: string): unknown {
  const repo = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const { standIns } = repositoryOverrides(project);
  const packages: Record<string, unknown> = { "": { name: "porta-pack-test", version: "1.0.0", dependencies: { ...tarballs, ...standIns.dependencies } } };
  Object.assign(packages, standIns.lock);
  const pending: { name: string; from: string }[] = [];
  for (const p of packed) {
    const { dependencies = {}, bin, engines } = manifestByName(p.name);
    // npm ci links bins from the lockfile's record, not the package's manifest.
    packages[`node_modules/${p.name}`] = { version: p.version, resolved: tarballs[p.name], integrity: p.integrity, dependencies, bin, engines };
    pending.push(
      ...Object.keys(dependencies)
        .filter((n) => !n.startsWith("@porta/") && n !== "porta")
        .map((name) => ({ name, from: "" })),
    );
  }
  while (pending.length > 0) {
    const { name, from } = pending.pop()!;
    const key = lockKey(repo.packages, name, from);
    if (key in packages) continue;
    const entry = repo.packages[key];
    if (!entry || entry.link) throw new Error(`${key} is not in package-lock.json`);
    packages[key] = { ...entry, resolved: entry.resolved ?? registryTarball(key, entry.version), dev: undefined };
    pending.push(...Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }).map((dep) => ({ name: dep, from: key })));
  }
  return { name: "porta-pack-test", version: "1.0.0", lockfileVersion: 3, requires: true, packages };
}

/**
 * The repository's root `overrides`, for the installed project: a version pin as it is (webgpu), and
 * a stand-in linked from the repository (`"gl": "$gl"` with `gl` a `file:` devDependency,
 * packages/compile-gpu/no-gl) as the project's own dependency and its lockfile link.
 */
function repositoryOverrides(project: string): {
  overrides: Record<string, string>;
  standIns: { dependencies: Record<string, string>; lock: Record<string, unknown> };
} {
  const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { overrides?: Record<string, string>; devDependencies?: Record<string, string> };
  const overrides = { ...root.overrides };
  const dependencies: Record<string, string> = {};
  const lock: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(overrides)) {
    const local = spec === `$${name}` ? root.devDependencies?.[name] : undefined;
    if (!local?.startsWith("file:")) continue;
    const dir = join(ROOT, local.slice("file:".length));
    const rel = relative(project, dir).split(sep).join("/");
    const { version, license } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string; license?: string };
    dependencies[name] = `file:${rel}`;
    lock[`node_modules/${name}`] = { resolved: rel, link: true };
    lock[rel] = { name, version, license };
  }
  return { overrides, standIns: { dependencies, lock } };
}

/**
 * Where npm put `name` as a dependency of the package at `from`: nested under it (a version that
 * conflicts with the hoisted one, e.g. apache-arrow's own @types/node), else under an ancestor, as
 * Node resolves it, else at the top.
 */
function lockKey(lock: Record<string, LockEntry>, name: string, from: string): string {
  for (let dir = from; dir !== ""; dir = dir.slice(0, Math.max(0, dir.lastIndexOf("/node_modules/")))) {
    if (`${dir}/node_modules/${name}` in lock) return `${dir}/node_modules/${name}`;
  }
  return `node_modules/${name}`;
}

/**
 * The registry's tarball URL of a lockfile entry (the repository's lockfile records none): with
 * it `npm ci --offline` takes the tarball from the cache by URL and integrity, and needs no
 * registry document (which the cache may hold in another form than `npm ci` asks for).
 */
function registryTarball(key: string, version: string): string {
  const name = key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
  return `https://registry.npmjs.org/${name}/-/${name.slice(name.indexOf("/") + 1)}-${version}.tgz`;
}

const manifestByName = (name: string): PackageJson => manifest(PACKAGES.find((d) => manifest(d).name === name)!);
const manifest = (dir: string): PackageJson => JSON.parse(readFileSync(join(ROOT, "packages", dir, "package.json"), "utf8"));

describe("every package is built and publishable the same way", () => {
  for (const dir of PACKAGES) {
    it(`${dir}: public, exports the sources under @porta/source and dist/ otherwise, tsconfig references its @porta deps`, () => {
      const pkg = manifest(dir);
      expect(pkg.private).toBeUndefined();
      expect(pkg.files).toEqual(expect.arrayContaining(["dist"]));
      for (const [subpath, entry] of Object.entries(pkg.exports)) {
        // The source condition must come first: conditions are matched in object order.
        expect(Object.keys(entry), subpath).toEqual(["@porta/source", "types", "import", "default"]);
        expect(entry["@porta/source"]).toMatch(/^\.\/src\/.*\.ts$/);
        expect(entry.types).toBe(entry["@porta/source"]!.replace("./src/", "./dist/").replace(/\.ts$/, ".d.ts"));
        expect(entry.import).toBe(entry.types!.replace(/\.d\.ts$/, ".js"));
        expect(entry.default).toBe(entry.import);
      }
      const tsconfig = JSON.parse(readFileSync(join(ROOT, "packages", dir, "tsconfig.json"), "utf8")) as { extends: string; references: { path: string }[] };
      expect(tsconfig.extends).toBe("../../tsconfig.package.json");
      const deps = Object.keys(pkg.dependencies ?? {})
        .filter((n) => n.startsWith("@porta/"))
        .map((n) => `../${n.slice("@porta/".length)}`);
      expect(tsconfig.references.map((r) => r.path).sort()).toEqual(deps.sort());
    });
  }
});

describe("porta installed from its packed tarballs, in plain Node", () => {
  let work: string;
  let project: string;
  // The test suite runs the CLI from sources (PORTA_SOURCE=1); an installed porta never does.
  const env = { ...process.env, PORTA_SOURCE: undefined, NODE_OPTIONS: undefined, PORTA_CACHE_DIR: "" };
  // Child processes run asynchronously: a worker blocked for tens of seconds in a synchronous
  // spawn cannot answer vitest's RPC and the run ends with "Timeout calling onTaskUpdate".
  const exec = promisify(execFile);
  const run = async (command: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await exec(command, args, { cwd: project, env, encoding: "utf8", timeout: 60_000, maxBuffer: 1 << 24 });
      return { status: 0, stdout, stderr };
    } catch (e) {
      const failed = e as { code?: number; stdout?: string; stderr?: string };
      return { status: typeof failed.code === "number" ? failed.code : -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? String(e) };
    }
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "porta-pack-"));
    project = join(work, "project");
    env.PORTA_CACHE_DIR = join(work, "cache");
    // Pack what the sources are now: the build (an incremental tsc -b, seconds when dist/ is up to
    // date, then the CLI's front bundle).
    await exec(NPM, ["run", "build"], { cwd: ROOT });
    const packed = JSON.parse(
      (
        await exec(NPM, ["pack", "--workspaces", "--ignore-scripts", "--json", "--pack-destination", work], {
          cwd: ROOT,
          encoding: "utf8",
          env,
          maxBuffer: 1 << 24,
        })
      ).stdout,
    ) as Packed[];
    expect(packed.map((p) => p.name).sort()).toEqual(PACKAGES.map((d) => manifest(d).name).sort());
    writeFileSync(join(work, "packed.json"), JSON.stringify(packed));
    mkdirSync(project);
    const tarballs = Object.fromEntries(packed.map((p) => [p.name, `file:../${p.filename}`]));
    const { overrides, standIns } = repositoryOverrides(project);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "porta-pack-test", version: "1.0.0", private: true, dependencies: { ...tarballs, ...standIns.dependencies }, overrides }),
    );
    writeFileSync(join(project, "package-lock.json"), JSON.stringify(lockfileFor(packed, tarballs, project)));
    // Offline: the @porta/* packages come from the tarballs, the rest (commander, re2js, ...) at the
    // repository lockfile's versions from the npm cache that `npm ci` filled.
    await exec(NPM, ["ci", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: project, env });
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("the tarballs hold dist/ (JavaScript, .d.ts, maps) and run-time assets, never tests or build info", () => {
    const packed = JSON.parse(readFileSync(join(work, "packed.json"), "utf8")) as { name: string; files: { path: string }[] }[];
    for (const p of packed) {
      const files = p.files.map((f) => f.path);
      expect(files, p.name).toEqual(expect.arrayContaining(["package.json", "dist/index.js", "dist/index.d.ts", "dist/index.js.map", "dist/index.d.ts.map"]));
      expect(
        files.filter((f) => /\.test\.|test-helper|tsbuildinfo/.test(f)),
        p.name,
      ).toEqual([]);
    }
    expect(packed.find((p) => p.name === "@porta/pfa")!.files.map((f) => f.path)).toContain("formats/signatures.json");
    // The web console `porta serve` answers at / (built by npm run build: packages/serve/console/build.ts).
    expect(packed.find((p) => p.name === "@porta/serve")!.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(["dist/console/index.html", "dist/console/console.js", "dist/console/console.css"]),
    );
    expect(packed.find((p) => p.name === "porta")!.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(["bin/porta.cjs", "dist/main.js", "dist/main.bundle.cjs"]),
    );
    // Nothing needs tsx at run time: it is not installed with porta.
    expect(existsSync(join(project, "node_modules", "tsx"))).toBe(false);
  });

  it('import { loadModel } from "porta" scores iris in plain Node (ESM)', async () => {
    const script = `
      import { loadModel, isPortaError } from "porta";
      const model = await loadModel(${JSON.stringify(IRIS_MODEL)});
      const r = model.score({ sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5 });
      console.log(JSON.stringify({ predicted: r.predicted_species, backend: model.backend, isError: typeof isPortaError }));`;
    const out = await run(process.execPath, ["--input-type=module", "-e", script]);
    expect(out.stderr).toBe("");
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ predicted: "virginica", backend: "js", isError: "function" });
  });

  it('require("porta") works through require(esm) (CommonJS, no dual build)', async () => {
    const script = `
      const { loadModelSync } = require("porta");
      const model = loadModelSync(${JSON.stringify(IRIS_MODEL)});
      console.log(model.score({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }).predicted_species);`;
    const out = await run(process.execPath, ["-e", script]);
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout.trim()).toBe("setosa");
  });

  it("npx porta score gives the repository's answers; npx porta --help lists the commands", async () => {
    const score = await run("npx", ["--no-install", "porta", "score", IRIS_MODEL, "--input", IRIS_ROWS]);
    expect(score.status, score.stderr).toBe(0);
    const lines = score.stdout.trim().split("\n");
    const rows = readFileSync(IRIS_ROWS, "utf8").trim().split("\n").length - 1;
    expect(lines[0]).toMatch(/predicted_species/);
    expect(lines).toHaveLength(rows + 1);
    // The repository's porta, from its sources.
    const expected = await exec(process.execPath, [join(ROOT, "packages", "cli", "bin", "porta.cjs"), "score", IRIS_MODEL, "--input", IRIS_ROWS], {
      env: { ...process.env, PORTA_SOURCE: "1", PORTA_CACHE_DIR: join(work, "cache-repo") },
      encoding: "utf8",
    });
    expect(score.stdout).toBe(expected.stdout);

    const help = await run("npx", ["--no-install", "porta", "--help"]);
    expect(help.status, help.stderr).toBe(0);
    for (const command of ["score", "inspect", "validate", "package", "cache", "conformance"]) expect(help.stdout).toContain(command);
  });

  it("porta --help runs the front bundle alone, built from the current sources; in a build tree, a bundle older than one of its modules never runs (issue 13)", async () => {
    const porta = join(project, "node_modules", "porta");
    // NODE_DEBUG=module names every CommonJS module loaded; the modules path (dist/main.js, ESM) loads commander's own files.
    const loaded = async () => {
      const out = await exec(process.execPath, [join(porta, "bin", "porta.cjs"), "--help"], {
        cwd: project,
        env: { ...env, NODE_DEBUG: "module" },
        encoding: "utf8",
      });
      const files = [...out.stderr.matchAll(/^MODULE \d+: load "([^"]+)" for module/gm)].map((m) => m[1]!.slice(project.length + 1));
      return { files, help: out.stdout };
    };
    const fromSources = await exec(process.execPath, [join(ROOT, "packages", "cli", "bin", "porta.cjs"), "--help"], {
      env: { ...process.env, PORTA_SOURCE: "1" },
      encoding: "utf8",
    });
    const installed = await loaded();
    expect(installed.files).toEqual(["node_modules/porta/bin/porta.cjs", "node_modules/porta/dist/main.bundle.cjs"]);
    expect(installed.help).toBe(fromSources.stdout);

    // The same files as a build tree (dist/.tsbuildinfo): the bundle runs while it is the newest…
    const bundle = join(porta, "dist", "main.bundle.cjs");
    const inputs = (createRequire(import.meta.url)(bundle) as { inputs: [string, string][] }).inputs.map(([pkg, path]) =>
      join(project, "node_modules", pkg, path),
    );
    expect(inputs.map((f) => f.slice(project.length + 1))).toContain("node_modules/@porta/ir/dist/limits.js");
    const t = Date.now() / 1000;
    writeFileSync(join(porta, "dist", ".tsbuildinfo"), "{}");
    try {
      for (const input of inputs) utimesSync(input, t, t);
      utimesSync(bundle, t + 1, t + 1);
      expect((await loaded()).files).toEqual(["node_modules/porta/bin/porta.cjs", "node_modules/porta/dist/main.bundle.cjs"]);
      // …and not once one of its inputs is rebuilt after it (as `tsc -b` alone does): the modules run.
      utimesSync(join(project, "node_modules", "@porta", "ir", "dist", "limits.js"), t + 2, t + 2);
      const stale = await loaded();
      expect(stale.files).toContain("node_modules/commander/index.js");
      expect(stale.help).toBe(fromSources.stdout);
    } finally {
      rmSync(join(porta, "dist", ".tsbuildinfo"));
    }
  });

  it("the installed porta serve answers its web console at / (the built files found from dist/)", async () => {
    const child = spawn(
      process.execPath,
      [join(project, "node_modules", "porta", "bin", "porta.cjs"), "serve", "--models", join(ROOT, "fixtures", "packages"), "--port", "0"],
      {
        cwd: project,
        env,
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    try {
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
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('src="console/console.js"');
      const script = await fetch(`${url}/console/console.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("npx porta package verify runs a package with the installed dependencies (ajv, csv-parse, tar)", async () => {
    const verify = await run("npx", ["--no-install", "porta", "package", "verify", join(ROOT, "fixtures", "packages", "churn-pmml")]);
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/end-to-end: 6\/6 rows agree[\s\S]*PASS/);
  });

  it("npx porta convert --to js writes a module that scores in plain Node (bundled from the installed packages' sources)", async () => {
    const out = join(work, "iris-standalone.mjs");
    const convert = await run("npx", ["--no-install", "porta", "convert", IRIS_MODEL, "--to", "js", "-o", out]);
    expect(convert.status, convert.stderr).toBe(0);
    const scored = await run(process.execPath, [
      "--input-type=module",
      "-e",
      `import { score } from ${JSON.stringify(out)}; console.log(score({ petal_length: 6, petal_width: 2.5, sepal_length: 6.3, sepal_width: 3.3 }).species)`,
    ]);
    expect(scored.stdout.trim()).toBe("virginica");
  });

  it("npx porta convert --to browser bundles RE2JS and the browser stand-ins from the installed packages (no import left)", async () => {
    const out = join(work, "text-regex-browser.mjs");
    const convert = await run("npx", ["--no-install", "porta", "convert", join(ROOT, "fixtures", "pmml", "text-regex.pmml"), "--to", "browser", "-o", out]);
    expect(convert.status, convert.stderr).toBe(0);
    const code = readFileSync(out, "utf8");
    expect(code).not.toMatch(/^\s*import[\s{*"]/m);
    expect(code).toMatch(/^\/\/ \S*node_modules\/re2js\//m);
    // The module imports nothing, so plain Node runs it too: "book" has a doubled letter, no digit.
    const scored = await run(process.execPath, [
      "--input-type=module",
      "-e",
      `import { score } from ${JSON.stringify(out)}; console.log(score({ text: "book" }).y_hat)`,
    ]);
    expect(scored.stdout.trim()).toBe("10.5");
  });

  it("its types resolve for a TypeScript consumer (moduleResolution nodenext)", async () => {
    writeFileSync(
      join(project, "consumer.mts"),
      `import { loadModel, type Model, ParseError } from "porta";\nconst model: Model = await loadModel("m.pmml");\nconst label: unknown = model.score({}).predicted_species;\nexport { label, ParseError };\n// @ts-expect-error: not a function of the public API\nloadModel.nope();\n`,
    );
    const tsc = await run(process.execPath, [
      join(ROOT, "node_modules", "typescript", "bin", "tsc"),
      "--noEmit",
      "--strict",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--target",
      "es2022",
      "--types",
      "node",
      "--typeRoots",
      join(ROOT, "node_modules", "@types"),
      "consumer.mts",
    ]);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  });
});
