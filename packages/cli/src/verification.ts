import type { VerificationReport } from "@porta/runtime";

/** Failures listed one per line before the rest are counted. */
const LISTED_FAILURES = 20;

/** `porta validate`'s lines about a document's ModelVerification records. */
export function formatVerification(report: VerificationReport): string {
  const lines = [`verification: ${report.passed}/${report.records} records agree (${comparedText(report)})`];
  if (report.declaredRecords !== undefined && report.declaredRecords !== report.records) {
    lines.push(`  note: recordCount says ${report.declaredRecords}, the table has ${report.records}`);
  }
  for (const f of report.failures.slice(0, LISTED_FAILURES)) lines.push(`  ${f.message}`);
  if (report.failures.length > LISTED_FAILURES) lines.push(`  … ${report.failures.length - LISTED_FAILURES} more disagreements`);
  return lines.join("\n");
}

function comparedText(report: VerificationReport): string {
  return report.compared.length === 0 ? "no output or target field to compare" : `compared: ${report.compared.join(", ")}`;
}
