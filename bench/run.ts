/**
 * `npm run bench [-- NAME...] [--json] [--smoke] [--out DIR]`
 *
 * Runs the named suites (all of `bench/suites/` when none is named), prints a table per suite
 * and writes `bench/results/<name>.json` and `<name>.svg`. With `--json`, stdout carries only
 * JSON: ONE object `{"bench","ratios","results"}` per suite (one line each), and the tables go
 * to stderr. `--smoke` runs tiny sizes (checks the harness, measures nothing meaningful).
 */
import { loadBackends } from "porta/backends";
import { loadReaders } from "@porta/runtime";
import { formatTable, listSuites, runSuite } from "./runner.ts";

// Backends and the PMML reader load lazily; the sync path (loadModelSync, pmmlModel) would
// require them, which under tsx gives second copies of the sources: load them once, by import.
await Promise.all([loadBackends(), loadReaders()]);

const args = process.argv.slice(2);
const json = args.includes("--json");
const smoke = args.includes("--smoke");
const outIndex = args.indexOf("--out");
const outDir = outIndex >= 0 ? args[outIndex + 1] : undefined;
const unknownFlag = args.find((a, i) => a.startsWith("--") && !["--json", "--smoke", "--out"].includes(a) && args[i - 1] !== "--out");
if (unknownFlag || (outIndex >= 0 && !outDir)) {
  process.stderr.write(
    `bench: ${unknownFlag ? `unknown option ${unknownFlag}` : "--out needs a directory"}\n` +
      "usage: npm run bench [-- NAME...] [--json] [--smoke] [--out DIR]\n",
  );
  process.exit(2);
}
const names = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--out");

// In --json mode stdout belongs to the JSON: anything else that writes there (a library's
// console.log) is sent to stderr instead.
const writeStdout = process.stdout.write.bind(process.stdout);
if (json) {
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
}
const say = (text: string) => (json ? process.stderr.write(text) : writeStdout(text));

let failed = false;
for (const name of names.length > 0 ? names : listSuites()) {
  try {
    const { output, report, files } = await runSuite(name, { size: smoke ? "smoke" : "full", outDir });
    say(formatTable(name, report));
    say(`wrote ${files.join(", ")}\n\n`);
    if (json) await new Promise((resolve) => writeStdout(`${JSON.stringify(output)}\n`, resolve));
  } catch (e) {
    failed = true;
    process.stderr.write(`bench ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  }
}
// Suites close what they open; exit anyway so a stray handle cannot hang the runner.
process.exit(failed ? 1 : 0);
