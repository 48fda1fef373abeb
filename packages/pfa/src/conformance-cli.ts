/**
 * Measure PFA conformance: `npx tsx --conditions=@porta/source packages/pfa/src/conformance-cli.ts FILE [--filter PREFIX] [--json] [--failures]`.
 * Prints trials passed per library prefix and the total.
 */
import { runPfaConformance } from "./conformance.ts";

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--") && args[args.indexOf(a) - 1] !== "--filter");
if (!file) {
  console.error("usage: conformance-cli.ts pfa-tests.json [--filter PREFIX] [--json] [--failures]");
  process.exit(2);
}
const fi = args.indexOf("--filter");
const filter = fi >= 0 ? args[fi + 1] : undefined;
const started = Date.now();
const report = await runPfaConformance(file, { filter });
if (args.includes("--json")) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const rows = Object.entries(report.byPrefix).sort((a, b) => a[0].localeCompare(b[0]));
  console.log(`${"prefix".padEnd(14)} ${"passed".padStart(7)} ${"total".padStart(7)}      %`);
  for (const [p, r] of rows) {
    console.log(
      `${p.padEnd(14)} ${String(r.passed).padStart(7)} ${String(r.total).padStart(7)} ${((100 * r.passed) / Math.max(r.total, 1)).toFixed(2).padStart(6)}`,
    );
  }
  console.log(
    `${"TOTAL".padEnd(14)} ${String(report.passed).padStart(7)} ${String(report.total).padStart(7)} ${((100 * report.passed) / Math.max(report.total, 1)).toFixed(2).padStart(6)}`,
  );
  if (args.includes("--failures")) {
    const byFn = new Map<string, { failed: number; total: number; error?: string }>();
    for (const c of report.cases) {
      const e = byFn.get(c.function) ?? { failed: 0, total: 0 };
      e.failed += c.mismatches;
      e.total += c.rows;
      e.error ??= c.error;
      byFn.set(c.function, e);
    }
    for (const [fn, e] of byFn) {
      if (e.failed > 0) console.log(`  ${fn}: ${e.failed}/${e.total} failed${e.error ? ` — ${e.error.slice(0, 160)}` : ""}`);
    }
  }
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
