/** One thing wrong with a package: a code, a JSON pointer into porta.json (or a file path), the offending value. */
export interface PackageProblem {
  code: string;
  /** JSON pointer into porta.json ("/model/builtWith/trainingData"), or the package file concerned. */
  path: string;
  message: string;
  value?: unknown;
}

/** The problem list as lines for a terminal. */
export function formatProblems(problems: readonly PackageProblem[]): string {
  return problems.map((p) => `  ${p.code} at ${p.path}: ${p.message}${p.value === undefined ? "" : ` (value: ${showValue(p.value)})`}`).join("\n");
}

function showValue(v: unknown): string {
  const s = typeof v === "string" ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
