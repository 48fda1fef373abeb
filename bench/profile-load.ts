/**
 * Times the phases of a cold PMML load in this process, for profiling (not a suite: the load
 * suite measures whole fresh processes). Phases: read (the file's bytes, which the reader scans
 * without decoding them whole), XML pre-scan, tree build, parsePmml (scan with the tree tables
 * captured, conversion to IR, reference checks), then loadModelSync's compile of the same file.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --conditions=@porta/source --import tsx bench/profile-load.ts FILE [--parse-only] [--repeat N]
 *
 * Make a forest with `npx tsx fixtures/gen/forest.ts --trees 200 --depth 8 --features 50 --out FILE`.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_LIMITS } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { checkXmlDocument } from "../packages/pmml/src/xml-check.ts";
import { readXmlTree } from "../packages/pmml/src/xml.ts";
import { loadModelSync } from "@porta/runtime";
import "porta/backends";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { "parse-only": { type: "boolean" }, repeat: { type: "string" } } });
const file = positionals[0];
if (file === undefined) throw new Error("usage: profile-load.ts FILE [--parse-only] [--repeat N]");

/** Wall and CPU time (user + system, less disturbed by other processes on a shared machine). */
const time = <T>(label: string, f: () => T): T => {
  const t0 = performance.now(),
    c0 = process.cpuUsage();
  const out = f();
  const cpu = process.cpuUsage(c0);
  process.stderr.write(
    `${label.padEnd(22)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms wall ${((cpu.user + cpu.system) / 1e3).toFixed(0).padStart(6)} ms cpu\n`,
  );
  return out;
};

for (let r = 0; r < Number(values.repeat ?? 1); r++) {
  const text = time("read", () => readFileSync(file));
  const counts = time("xml pre-scan", () => checkXmlDocument(text, DEFAULT_LIMITS));
  time("xml tree", () => readXmlTree(text, DEFAULT_LIMITS, counts));
  time("parsePmml (all)", () => parsePmml(text));
  if (!values["parse-only"]) time("loadModelSync (js)", () => loadModelSync(file, { backend: "js" }));
}
