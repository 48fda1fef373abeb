import { UnsupportedFeatureError } from "@porta/ir";
import type { ConformanceReport } from "./pmml.ts";

export interface PfaReport extends ConformanceReport {
  byPrefix?: Record<string, { total: number; passed: number }>;
}

/** Runs the PFA function-trial corpus through packages/pfa (totals count trials). */
export async function runPfaConformanceReport(path: string, filter?: string): Promise<PfaReport> {
  const pfa = (await import("@porta/pfa")) as { runPfaConformance?: (file: string, opts?: { filter?: string }) => Promise<PfaReport> };
  if (!pfa.runPfaConformance) throw new UnsupportedFeatureError("PFA", "the PFA engine is not available in this build");
  return pfa.runPfaConformance(path, { filter });
}

export function formatPfaTables(report: PfaReport): string {
  const lines = ["prefix                trials passed/total"];
  for (const [prefix, { passed, total }] of Object.entries(report.byPrefix ?? {}).sort((a, b) => a[0].localeCompare(b[0]))) {
    lines.push(`${prefix.padEnd(22)}${String(passed).padStart(8)}/${total}`);
  }
  const pct = report.total ? ((100 * report.passed) / report.total).toFixed(2) : "0";
  lines.push(`PFA conformance: ${report.passed}/${report.total} trials passed (${pct}%)`);
  return lines.join("\n");
}
