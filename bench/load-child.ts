/**
 * One measurement of the load suite, in a process of its own so that nothing (V8's eval cache,
 * an already-grown heap) carries over from the run before. Prints one JSON object on stdout.
 *
 *   node --expose-gc --conditions=@porta/source --import tsx bench/load-child.ts load <model.pmml> [cacheDir]   (cold without cacheDir)
 *   node --expose-gc --conditions=@porta/source --import tsx bench/load-child.ts parse <model.pmml>
 *   node --expose-gc --conditions=@porta/source --import tsx bench/load-child.ts phases <model.pmml>   (cold, js, with the phase breakdown)
 */
import { readFileSync } from "node:fs";
import { recordLoadPhases, type PhaseTime } from "@porta/ir";
import { parsePmml } from "@porta/pmml";
import { ArtifactCache, loadModelSync, loadReaders } from "@porta/runtime";
import { loadBackends } from "porta/backends";

// Loaded before the clock starts, as importing porta used to load them: the measured load is
// parse + compile (or restore), and loadModelSync does not require second copies under tsx.
await Promise.all([loadBackends(), loadReaders()]);

const [mode, path, cacheDir] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

if (mode === "load") {
  const t0 = performance.now();
  const model = loadModelSync(path!, cacheDir ? { cache: new ArtifactCache({ dir: cacheDir }), backend: "js" } : { backend: "js" });
  const ms = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ ms, backend: model.backend, hit: model.loadInfo?.artifactCache?.hit ?? null })}\n`);
} else if (mode === "phases") {
  const phases = recordLoadPhases();
  const t0 = performance.now(),
    c0 = process.cpuUsage();
  const model = loadModelSync(path!, { backend: "js" });
  const cpu = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  const round = (t: PhaseTime) => ({ wallMs: Math.round(t.wallMs), cpuMs: Math.round(t.cpuMs) });
  process.stdout.write(
    `${JSON.stringify({
      ms,
      cpuMs: (cpu.user + cpu.system) / 1e3,
      backend: model.backend,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      phases: Object.fromEntries([...phases].map(([name, t]) => [name, round(t)])),
    })}\n`,
  );
} else if (mode === "parse") {
  // The file's bytes, as loadModel hands them to the reader (issue 14: never decoded whole).
  const text = readFileSync(path!);
  gc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const pipeline = parsePmml(text);
  const ms = performance.now() - t0;
  const after = process.memoryUsage();
  gc();
  const retained = process.memoryUsage();
  const segments = (pipeline.model as { segments?: unknown[] }).segments?.length ?? 0;
  process.stdout.write(
    `${JSON.stringify({
      ms,
      bytes: text.length,
      segments,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      rssBeforeBytes: before.rss,
      heapAfterParseBytes: after.heapUsed,
      heapRetainedBytes: retained.heapUsed,
    })}\n`,
  );
} else {
  throw new Error(`load-child: unknown mode ${mode}`);
}
