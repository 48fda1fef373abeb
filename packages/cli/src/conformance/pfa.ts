import { runPfaConformance, type PfaConformanceReport } from "@porta/pfa";

export type PfaReport = PfaConformanceReport;

/** Runs the PFA function-trial corpus through packages/pfa (totals count trials). */
export function runPfaConformanceReport(path: string, filter?: string): Promise<PfaReport> {
  return runPfaConformance(path, { filter });
}

export function formatPfaTables(report: PfaReport): string {
  const lines = ["prefix                trials passed/total"];
  for (const [prefix, { passed, total }] of Object.entries(report.byPrefix).sort((a, b) => a[0].localeCompare(b[0]))) {
    lines.push(`${prefix.padEnd(22)}${String(passed).padStart(8)}/${total}`);
  }
  const failing = new Map<string, number>();
  for (const c of report.cases) if (c.mismatches > 0) failing.set(c.function, (failing.get(c.function) ?? 0) + c.mismatches);
  if (failing.size) {
    lines.push(`functions with failing trials (${failing.size}):`);
    lines.push(
      `  ${[...failing.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([f, n]) => `${f} ${n}`)
        .join(", ")}`,
    );
  }
  const pct = report.total ? ((100 * report.passed) / report.total).toFixed(2) : "0";
  lines.push(`PFA conformance: ${report.passed}/${report.total} trials passed (${pct}%)`);
  return lines.join("\n");
}
