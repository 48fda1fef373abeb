import { statSync } from "node:fs";
import { Command, CommanderError } from "commander";
// Only what builds the command line is imported here, so `porta --help` starts fast: each
// command imports the runtime, the backends and its own modules when it runs (see `engine`).
import { LIMIT_NAMES, resolveLimits, type Limits } from "@porta/ir/limits";
import type { BackendChoice, Model } from "@porta/runtime";
import { DATA_FORMATS, isDataFormat, type DataFormat } from "./formats.ts";
import { EXIT } from "./exit-codes.ts";
import type { ServeCommandOptions } from "./serve-command.ts";

/** The runtime with every backend porta ships registered: what each command that loads a model needs. */
async function engine() {
  await import("./backends.ts");
  return import("@porta/runtime/load");
}

/** Entry point of the `porta` command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes("--debug");
  let exitCode: number = EXIT.ok;
  const program = new Command("porta")
    .description("Score PMML and PFA models: the same answers as JPMML and Titus, with nothing but Node.")
    .option("--debug", "print stack traces with errors")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command("score")
    .description("score rows from a CSV, JSON, NDJSON or Arrow IPC file")
    .argument("<model>", "PMML (.pmml/.xml) or PFA (.pfa/.json/.yaml) document")
    .requiredOption("-i, --input <file>", "input rows: .csv, .json (array of objects), .ndjson, or Arrow IPC .arrow (file) / .arrows (stream)")
    .option("--input-format <format>", "read the input as csv, json, ndjson, arrow or arrows whatever its extension")
    .option("-o, --output <file>", "write results here (format from the extension unless --format); default stdout")
    .option("--format <format>", "output format: csv, json, ndjson, arrow (IPC file) or arrows (IPC stream); default: the -o extension, else the input's")
    .option("--quiet", "no progress bar (drawn on stderr only when it is a terminal)")
    .option(
      "--on-error <policy>",
      "a row that cannot be read or scored: fail (default: stop, naming its line) or skip (report it on stderr, write an empty result, score the rest)",
      "fail",
    )
    .option("--limit <name=value>", `override a resource limit (${LIMIT_NAMES.join(", ")}); repeatable`, collectLimit, {})
    .option("--verbose", "print timings on stderr")
    .option(
      "--backend <backend>",
      "auto (fastest that can score), one backend tried first (js, onnx, interp, …), or a comma list tried in that order only",
      "auto",
    )
    .option("--no-cache", "do not use the compiled-artifact cache (PORTA_CACHE_DIR, default ~/.cache/porta)")
    .action(async (modelPath: string, opts: ScoreOptions) => {
      exitCode = await scoreCommand(modelPath, opts);
    });

  program
    .command("inspect")
    .description("print a model's fields, families and sizes")
    .argument("<model>", "model document")
    .option("--json", "print JSON")
    .option("--backend <backend>", "as for score: which backend to try first", "auto")
    .action(async (modelPath: string, opts: { json?: boolean; backend: string }) => {
      const { loadModel } = await engine();
      const { summarize, formatSummary } = await import("./inspect.ts");
      const model = await loadModel(modelPath, { backend: await backendOption(opts.backend), scoring: "async" });
      const summary = summarize(model, await sizeOf(modelPath));
      process.stdout.write(opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
    });

  program
    .command("convert")
    .description(
      "write the model in another format: --to onnx (ai.onnx 21 + ai.onnx.ml 5, double tensors), --to js (a standalone ES module + .d.ts), --to browser (the same module for a web page), or --to pfa (a PFA 0.8.1 document, --yaml for YAML)",
    )
    .argument("<model>", "PMML document")
    .requiredOption("--to <format>", "target format: onnx, js, browser or pfa")
    .requiredOption("-o, --output <file>", "where to write it")
    .option("--yaml", "with --to pfa: write the PFA document as YAML instead of JSON")
    .option("--format <format>", "with --to browser: esm (an ES module, the default) or iife (a classic <script> that sets globalThis.PortaModel)")
    .option("--global <name>", "with --format iife: the global it sets (default PortaModel)")
    .action(async (modelPath: string, opts: { to: string; output: string; yaml?: boolean; format?: string; global?: string }) => {
      const { convertModel } = await import("./convert.ts");
      if (opts.to === "js" || opts.to === "browser") await engine();
      const bytes = await convertModel(modelPath, opts.to, opts.output, { yaml: opts.yaml, format: opts.format, global: opts.global });
      process.stderr.write(`porta: wrote ${opts.output} (${opts.to}, ${bytes} bytes)\n`);
    });

  program
    .command("bench")
    .description("time a model on your rows with every backend: load+compile, batch rows/s, row p50/p99, agreement with the reference")
    .argument("<model>", "PMML or PFA document")
    .requiredOption("-i, --input <file>", "rows as for score: .csv, .json or .ndjson (held in memory: a sample)")
    .option("--backend <list>", "comma list of backends to measure (default: every registered backend)")
    .option("--time <seconds>", "timing budget per backend, half batches, half single rows", positiveNumber("--time"), 2)
    .option("--batch <rows>", "rows per batch call (the input's first N)", positiveInteger("--batch"), 4096)
    .option("--tolerance <x>", "largest relative difference between numbers that agree", positiveNumber("--tolerance"), 1e-9)
    .option("--limit <name=value>", `override a resource limit (${LIMIT_NAMES.join(", ")}); repeatable`, collectLimit, {})
    .option("--json", "print one JSON object")
    .option("--plot <file>", "write an SVG chart of the batch throughput")
    .action(
      async (
        modelPath: string,
        opts: { input: string; backend?: string; time: number; batch: number; tolerance: number; limit: Partial<Limits>; json?: boolean; plot?: string },
      ) => {
        const backends = opts.backend === undefined ? undefined : await backendList(opts.backend);
        const { benchCommand } = await import("./bench.ts");
        exitCode = await benchCommand(modelPath, { ...opts, backends, timeSeconds: opts.time, batchRows: opts.batch, limits: opts.limit });
      },
    );

  program
    .command("validate")
    .description("check that a model loads and reproduces its own ModelVerification records: exit 0, or the problems and a non-zero exit")
    .argument("<model>", "model document")
    .option("--no-verify", "only load the model; skip the document's ModelVerification records")
    .option("--limit <name=value>", `override a resource limit (${LIMIT_NAMES.join(", ")}); repeatable`, collectLimit, {})
    .action(async (modelPath: string, opts: { limit: Partial<Limits>; verify: boolean }) => {
      const { loadModel, loadModelVerified } = await engine();
      // loadModelSync's backends, loaded through import: the CLI never takes the require path.
      const options = { limits: opts.limit, scoring: "sync" } as const;
      const { model, report } = opts.verify ? await loadModelVerified(modelPath, options) : { model: await loadModel(modelPath, options), report: undefined };
      process.stdout.write(`ok: ${model.format} ${model.modelTypes.join(", ")}, ${model.inputFields.length} inputs, ${model.outputFields.length} outputs\n`);
      if (!report) return;
      const { formatVerification } = await import("./verification.ts");
      process.stdout.write(`${formatVerification(report)}\n`);
      if (report.failures.length > 0) exitCode = EXIT.evaluation;
    });

  const packageCommand = program
    .command("package")
    .description("model packages: the document, porta.json (versions, training, audit) and the assets that prove it");
  packageCommand
    .command("init")
    .description("start a package: the model copied in and porta.json with what the model tells; lists what is left to write")
    .argument("<dir>", "new package folder (absent or empty)")
    .requiredOption("-m, --model <file>", "PMML or PFA document")
    .option("--name <name>", "registry name (default: from the file name)")
    .option("--model-version <version>", "model version (default 0.1.0)")
    .option("--author <who>", "audit.builtBy (default: the user name)")
    .action(async (dir: string, opts: { model: string; name?: string; modelVersion?: string; author?: string }) => {
      await engine();
      const { initCommand } = await import("./package-command.ts");
      exitCode = await initCommand(dir, { ...opts, version: opts.modelVersion });
    });
  packageCommand
    .command("validate")
    .description("check porta.json against formats/model-package/porta.schema.json, version agreement and files: exit 0, or the problems and exit 66")
    .argument("<package>", "package folder or .tgz")
    .option("--json", "print JSON")
    .action(async (path: string, opts: { json?: boolean }) => {
      const { validateCommand } = await import("./package-command.ts");
      exitCode = await validateCommand(path, opts.json === true);
    });
  packageCommand
    .command("verify")
    .description("validate, load and compile the model, run the end-to-end and confidence sets: PASS, or FAIL and exit 68 (66 when invalid)")
    .argument("<package>", "package folder or .tgz")
    .option("--json", "print JSON")
    .option("--backend <backend>", "as for score: which backend to try first", "auto")
    .action(async (path: string, opts: { json?: boolean; backend: string }) => {
      await engine();
      const { verifyCommand } = await import("./package-command.ts");
      exitCode = await verifyCommand(path, { json: opts.json === true, backend: await backendOption(opts.backend) });
    });

  const cacheCommand = program.command("cache").description("the compiled-artifact cache (PORTA_CACHE_DIR, default ~/.cache/porta)");
  cacheCommand
    .command("ls")
    .description("list cached artifacts")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const { ArtifactCache } = await import("@porta/cache");
      const cache = new ArtifactCache();
      const entries = cache.list();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ dir: cache.dir, entries })}\n`);
        return;
      }
      process.stdout.write(`${cache.dir}: ${entries.length} artifacts, ${entries.reduce((s, e) => s + e.bytes, 0)} bytes\n`);
      for (const e of entries) process.stdout.write(`  ${e.key}  ${String(e.bytes).padStart(10)}  ${e.modifiedAt.toISOString()}\n`);
    });
  cacheCommand
    .command("clear")
    .description("delete every cached artifact")
    .action(async () => {
      const { ArtifactCache } = await import("@porta/cache");
      const cache = new ArtifactCache();
      const { removed, bytes } = cache.clear();
      process.stdout.write(`removed ${removed} artifacts (${bytes} bytes) from ${cache.dir}\n`);
    });

  program
    .command("serve")
    .description("serve models over HTTP: score, NDJSON streams, model metadata, /healthz, /readyz, /metrics, OpenAPI at /docs/json, a web console at /")
    .option("--models <dir>", "a fixed folder of model packages (subfolders with porta.json) and model documents, loaded at start")
    .option("--registry <dir>", "a registry folder: its live versions, and deploys and rollbacks through the admin API (bearer PORTA_ADMIN_TOKEN)")
    .option("--port <port>", "TCP port (0: any free port)", nonNegativeInteger("--port"), 8080)
    .option("--host <address>", "address to listen on (0.0.0.0: every interface)", "127.0.0.1")
    .option("--redis <url>", "share the result cache through Redis (redis://host:6379/0); the local LRU stays the near cache")
    .option("--no-cache", "no result cache")
    .option("--body-limit <bytes>", "largest score request body (a stream is bounded per line)", positiveInteger("--body-limit"), 10 * 1024 * 1024)
    .option("--backend <backend>", "as for score: which backend to try first", "auto")
    .option("--log", "log every request (JSON lines on stdout)")
    .option("--no-console", "no web console at /")
    // A fleet worker on Redis Streams (README "Fleet on Redis Streams"); with --registry, --redis also shares deploys.
    .option("--stream <in:out>", "also score the entries of Redis stream IN (fields model, row, version?) into stream OUT; needs --redis and --group")
    .option("--group <name>", "with --stream: the consumer group on IN (created when missing)")
    .option("--consumer <id>", "with --stream: this worker's consumer name (default <hostname>-<pid>)")
    .option("--claim-idle-ms <ms>", "with --stream: claim entries pending this long on another consumer", positiveInteger("--claim-idle-ms"), 30_000)
    .option("--batch <entries>", "with --stream: entries read and scored per batch", positiveInteger("--batch"), 256)
    .option("--seed <n>", "seed the deployment strategies' random draws (canary requests without a key, bandit arms): a repeatable run", nonNegativeSafeInteger)
    .action(async (opts: ServeCliOptions) => {
      await engine();
      const { serveCommand } = await import("./serve-command.ts");
      exitCode = await serveCommand({ ...opts, backend: await backendOption(opts.backend) });
    });

  program
    .command("deploy")
    .description("deploy a model package to a running `porta serve --registry` (token: PORTA_ADMIN_TOKEN); exit 69 naming the gate that refused it")
    .argument("<package>", "package folder (packed to .tgz) or .tgz")
    .requiredOption("--server <url>", "the server, e.g. http://127.0.0.1:8080")
    .option(
      "--strategy <kind>",
      "single (default: replaces the live version), silent (a shadow beside it), canary (a share of traffic) or bandit (adds an arm)",
    )
    .option("--canary-share <fraction>", "canary: fraction of request keys it takes (default 0.1)", positiveNumber("--canary-share"))
    .option("--canary-key <field>", "canary: the input field whose value keeps a user on one version (after the x-porta-key header)")
    .option("--max-error-rate <fraction>", "canary: abort it past this error rate (default 0.05)", nonNegativeNumber("--max-error-rate"))
    .option("--max-p99-ms <ms>", "canary: abort it past this p99 latency (default: no limit)", positiveNumber("--max-p99-ms"))
    .option("--min-requests <n>", "canary: judge the thresholds after this many of its requests (default 100)", positiveInteger("--min-requests"))
    .option("--bandit <algorithm>", "bandit: thompson (default) or ucb1")
    .action(async (pkg: string, opts: { server: string } & import("./strategy-command.ts").StrategyFlags) => {
      const [{ deployCommand }, { deployQuery }] = await Promise.all([import("./deploy-command.ts"), import("./strategy-command.ts")]);
      const query = deployQuery(opts);
      if (typeof query !== "string") throw new CommanderError(EXIT.usage, "porta.strategy", `porta: ${query.usage}`);
      exitCode = await deployCommand(pkg, opts.server, query);
    });

  for (const kind of ["promote", "abort"] as const) {
    program
      .command(kind)
      .description(
        kind === "promote"
          ? "make the version a strategy runs beside the live one live: the shadow, the canary, or a bandit's arm (token: PORTA_ADMIN_TOKEN)"
          : "end a model's strategy, its live version unchanged (a canary stays on record as aborted; token: PORTA_ADMIN_TOKEN)",
      )
      .argument("<name>", "model name")
      .requiredOption("--server <url>", "the server, e.g. http://127.0.0.1:8080")
      .option(
        kind === "promote" ? "--version <version>" : "--reason <text>",
        kind === "promote" ? "a bandit's arm (default: the best mean reward)" : "why (shown in the model's strategy)",
      )
      .action(async (name: string, opts: { server: string; version?: string; reason?: string }) => {
        const { strategyCommand } = await import("./strategy-command.ts");
        exitCode = await strategyCommand(kind, name, opts.server, opts);
      });
  }

  program
    .command("shadow-report")
    .description("compare a silent deploy's logged answers: agreement overall and per output field, differences' quantiles, failures, latency of each version")
    .argument("<name>", "model name")
    .option("--log <file>", "the shadow log (NDJSON)")
    .option("--registry <dir>", "the registry the server runs on: its logs/shadow/NAME.ndjson")
    .option("--redis <url>", "the Redis the server logs to (porta serve --redis): the stream porta:shadow:NAME")
    .option("--tolerance <x>", "largest absolute or relative difference between numbers that agree", positiveNumber("--tolerance"), 1e-9)
    .option("--json", "print one JSON object")
    .action(async (name: string, opts: { log?: string; registry?: string; redis?: string; tolerance: number; json?: boolean }) => {
      const { shadowReportCommand } = await import("./strategy-command.ts");
      exitCode = await shadowReportCommand(name, opts);
    });

  program
    .command("rollback")
    .description("make an earlier version of a model live again on a running `porta serve --registry` (token: PORTA_ADMIN_TOKEN)")
    .argument("<name>", "model name")
    .option("--version <version>", "the version to make live (default: the one live before the current)")
    .requiredOption("--server <url>", "the server, e.g. http://127.0.0.1:8080")
    .action(async (name: string, opts: { version?: string; server: string }) => {
      const { rollbackCommand } = await import("./deploy-command.ts");
      exitCode = await rollbackCommand(name, opts.version, opts.server);
    });

  program
    .command("conformance")
    .description("run a conformance corpus and print pass counts")
    .argument("<format>", "pmml or pfa")
    .argument("<path>", "pmml: a directory with manifest.json (or the manifest); pfa: pfa-tests.json")
    .option("--json", "print one JSON object on stdout")
    .option("--filter <text>", "only cases whose id contains this text")
    .option("--backend <backend>", "pmml: auto (fastest that can score), a backend tried first, or a comma list tried in that order only", "auto")
    .action(async (format: string, path: string, opts: { json?: boolean; filter?: string; backend: string }) => {
      if (format === "pmml") {
        const { loadModel } = await engine();
        const { formatPmmlTables, runPmmlConformanceAsync } = await import("./conformance/pmml.ts");
        const backend = await backendOption(opts.backend);
        const report = await runPmmlConformanceAsync(path, (text) => loadModel(text, { format: "pmml", backend, scoring: "async" }), opts.filter);
        process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${formatPmmlTables(report)}\n`);
      } else if (format === "pfa") {
        const { formatPfaTables, runPfaConformanceReport } = await import("./conformance/pfa.ts");
        const report = await runPfaConformanceReport(path, opts.filter);
        process.stdout.write(opts.json ? `${JSON.stringify(report)}\n` : `${formatPfaTables(report)}\n`);
      } else {
        throw new CommanderError(EXIT.usage, "porta.format", `porta: unknown format "${format}" (pmml or pfa)`);
      }
    });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code.startsWith("porta.")) process.stderr.write(`${e.message}\n`);
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { reportError } = await import("./errors.ts");
    return reportError(e, debug);
  }
  return exitCode;
}

interface ScoreOptions {
  input: string;
  inputFormat?: string;
  output?: string;
  format?: string;
  quiet?: boolean;
  onError: string;
  limit: Partial<Limits>;
  verbose?: boolean;
  backend: string;
  cache: boolean;
}

/** `porta score`: streams the input through the model in chunks; returns the exit code. */
async function scoreCommand(modelPath: string, opts: ScoreOptions): Promise<number> {
  if (opts.onError !== "fail" && opts.onError !== "skip")
    throw new CommanderError(EXIT.usage, "porta.onError", `porta: unknown --on-error policy "${opts.onError}" (fail or skip)`);
  const limits = resolveLimits(opts.limit);
  const namedInput = formatOption(opts.inputFormat, "--input-format");
  const namedOutput = formatOption(opts.format, "--format");
  const t0 = performance.now();
  const { loadModel } = await engine();
  const [{ formatOfPath, isArrowFormat, outputFormat }, { scoreInput }] = await Promise.all([import("./formats.ts"), import("./score-input.ts")]);
  const model = await loadModel(modelPath, { backend: await backendOption(opts.backend), cache: opts.cache, limits, scoring: "async" });
  const t1 = performance.now();
  // The PFA library (its JSON codecs, the engine) is loaded for PFA documents only.
  const pfa = model.format === "pfa" ? await pfaTools(model) : undefined;
  const pfaEngine = pfa?.engine;
  const inputFormat = namedInput ?? formatOfPath(opts.input);
  const outputs = model.outputFields.map((f) => f.name);
  const writeFormat = outputFormat(namedOutput, opts.output, inputFormat);
  // A PFA output that is not a record is written bare in JSON and NDJSON; a table (CSV, Arrow)
  // keeps its one "output" column, a structure in it written as JSON text.
  const unwrap = pfaEngine !== undefined && outputs.length === 1 && outputs[0] === "output" && (writeFormat === "json" || writeFormat === "ndjson");
  const summary = await scoreInput(model, {
    input: opts.input,
    inputFormat,
    output: opts.output,
    outputFormat: writeFormat,
    // Arrow in, PMML out, no grouping: batches go from the reader to scoreColumnsAsync as columns.
    columnar: isArrowFormat(inputFormat) && model.format === "pmml" && model.groupField === undefined,
    quiet: opts.quiet === true,
    read: {
      // A PFA engine whose input is not a record (a map, an array, a number) takes each JSON value whole.
      wrap: pfaEngine ? (pfaEngine.inputType.kind === "record" ? "none" : "all") : "none",
      parseJson: pfa?.parseJsonLossless,
      rowDepth: limits.rowDepth,
      expectedFields: model.inputFields.map((f) => f.name),
    },
    stringify: pfa?.stringifyJson,
    stream: {
      skip: opts.onError === "skip",
      limits,
      inputName: opts.input,
      prepare: pfa && inputFormat === "csv" ? (row) => pfa.typedCsvRow(row, model) : undefined,
      present: unwrap ? (result) => (result.output ?? {}) as Record<string, unknown> : undefined,
    },
  });
  const t2 = performance.now();
  if (opts.verbose) {
    for (const notice of model.notices) process.stderr.write(`porta: ${notice}\n`);
    const artifact = model.loadInfo?.artifactCache;
    if (artifact) {
      process.stderr.write(
        `porta: artifact cache ${artifact.hit ? "hit" : "miss"} (${artifact.key.slice(0, 12)}): parse+compile ${artifact.compileMs.toFixed(1)} ms, cache ${artifact.cacheMs.toFixed(1)} ms\n`,
      );
    }
    const what = model.groupField === undefined ? "rows" : `groups (by ${model.groupField})`;
    process.stderr.write(
      `porta: backend ${model.backend}; load+compile ${(t1 - t0).toFixed(1)} ms, scored ${summary.records} ${what} in ${(t2 - t1).toFixed(1)} ms, ${summary.failed} failed\n`,
    );
  }
  return summary.exitCode;
}

async function pfaTools(model: Model) {
  const [{ pfaEngineOfModel, typedCsvRow }, { parseJsonLossless, stringifyJson }] = await Promise.all([import("./pfa-engine.ts"), import("@porta/pfa")]);
  return { engine: pfaEngineOfModel(model), typedCsvRow, parseJsonLossless, stringifyJson };
}

function formatOption(value: string | undefined, flag: string): DataFormat | undefined {
  if (value === undefined || isDataFormat(value)) return value;
  throw new CommanderError(EXIT.usage, "porta.format", `porta: unknown ${flag} "${value}" (${DATA_FORMATS.join(", ")})`);
}

/** commander's reducer for repeated `--limit name=value`. */
function collectLimit(text: string, previous: Partial<Limits>): Partial<Limits> {
  const eq = text.indexOf("=");
  const name = text.slice(0, eq) as keyof Limits;
  const value = Number(text.slice(eq + 1));
  if (eq < 0 || !LIMIT_NAMES.includes(name) || !Number.isInteger(value) || value <= 0) {
    throw new CommanderError(EXIT.usage, "porta.limit", `porta: --limit wants name=positive integer with name one of ${LIMIT_NAMES.join(", ")}; got "${text}"`);
  }
  return { ...previous, [name]: value };
}

/** `porta serve`'s options as commander gives them: the command's, with the backend not yet resolved. */
type ServeCliOptions = Omit<ServeCommandOptions, "backend" | "console"> & { backend: string; console: boolean };

/** commander parser of an option that must be a positive number. */
function positiveNumber(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!(Number.isFinite(value) && value > 0)) throw new CommanderError(EXIT.usage, "porta.option", `porta: ${option} wants a positive number; got "${text}"`);
    return value;
  };
}

function nonNegativeInteger(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!(Number.isInteger(value) && value >= 0 && value <= 65535))
      throw new CommanderError(EXIT.usage, "porta.option", `porta: ${option} wants a port number (0-65535); got "${text}"`);
    return value;
  };
}

function nonNegativeNumber(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!(Number.isFinite(value) && value >= 0 && text.trim() !== ""))
      throw new CommanderError(EXIT.usage, "porta.option", `porta: ${option} wants a non-negative number; got "${text}"`);
    return value;
  };
}

function nonNegativeSafeInteger(text: string): number {
  const value = Number(text);
  if (!(Number.isSafeInteger(value) && value >= 0))
    throw new CommanderError(EXIT.usage, "porta.option", `porta: --seed wants a non-negative integer; got "${text}"`);
  return value;
}

function positiveInteger(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!(Number.isInteger(value) && value > 0))
      throw new CommanderError(EXIT.usage, "porta.option", `porta: ${option} wants a positive integer; got "${text}"`);
    return value;
  };
}

/** `porta bench --backend a,b`: registered backend names, each measured alone. */
async function backendList(value: string): Promise<string[]> {
  const { registeredBackends } = await engine();
  const known = registeredBackends().map((b) => b.name);
  const names = value
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  const unknown = names.find((n) => !known.includes(n));
  if (unknown !== undefined || names.length === 0) {
    throw new CommanderError(EXIT.usage, "porta.backend", `porta: unknown backend "${unknown ?? value}" (${known.join(", ")}, or a comma list of them)`);
  }
  return names;
}

/** `--backend`: "auto", one registered backend (tried first), or a comma list (tried in order, nothing else). */
async function backendOption(value: string): Promise<BackendChoice> {
  const { registeredBackends } = await engine();
  const names = value
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  const known = ["auto", ...registeredBackends().map((b) => b.name)];
  const unknown = names.find((n) => !known.includes(n));
  if (unknown !== undefined || names.length === 0) {
    throw new CommanderError(EXIT.usage, "porta.backend", `porta: unknown backend "${unknown ?? value}" (${known.join(", ")}, or a comma list of them)`);
  }
  return value.includes(",") ? names : names[0];
}

async function sizeOf(pathOrText: string): Promise<number | undefined> {
  try {
    return statSync(pathOrText).size;
  } catch {
    const { readModelSource } = await engine();
    return readModelSource(pathOrText).text.length;
  }
}
