import { userInfo } from "node:os";
import type { PackageValidation, PackageVerification } from "@porta/model-package";
import type { BackendChoice } from "@porta/runtime";
import { EXIT } from "./exit-codes.ts";

/** Disagreements listed one per line before the rest are counted. */
const LISTED = 20;

/** `porta package validate PKG`: exit 0, or the problems and exit 66. */
export async function validateCommand(path: string, json: boolean): Promise<number> {
  const mp = await import("@porta/model-package");
  const result = await mp.validatePackage(path);
  const ok = result.problems.length === 0;
  process.stdout.write(json ? `${JSON.stringify({ ok, ...result })}\n` : `${validationText(path, result, mp.formatProblems)}\n`);
  return ok ? EXIT.ok : EXIT.schema;
}

type Formats = Pick<typeof import("@porta/model-package"), "formatProblems" | "rangeText">;

function validationText(path: string, { problems, manifest }: PackageValidation, formatProblems: Formats["formatProblems"]): string {
  if (manifest) return `ok: ${manifest.name} ${manifest.model.version} (${manifest.model.format} ${manifest.model.file})`;
  return `invalid: ${path}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n${formatProblems(problems)}`;
}

/** `porta package verify PKG`: the report, exit 0 when both sets pass (66 invalid package, 68 a set failed). */
export async function verifyCommand(path: string, options: { json: boolean; backend?: BackendChoice }): Promise<number> {
  const mp = await import("@porta/model-package");
  const report = await mp.verifyPackage(path, { backend: options.backend });
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${verificationText(report, mp)}\n`);
  if (report.ok) return EXIT.ok;
  return report.endToEnd || report.confidence ? EXIT.evaluation : EXIT.schema;
}

function verificationText(r: PackageVerification, { formatProblems, rangeText }: Formats): string {
  const lines: string[] = [];
  if (r.name !== undefined)
    lines.push(`package ${r.name} ${r.version ?? ""}${r.backend ? `: model loaded by ${r.backend} in ${Math.round(r.loadMs ?? 0)} ms` : ""}`);
  if (r.problems.length > 0) lines.push(formatProblems(r.problems));
  if (r.endToEnd) {
    const e = r.endToEnd;
    lines.push(`  end-to-end: ${e.passed}/${e.rows} rows agree (${e.file})`);
    for (const f of e.failures.slice(0, LISTED)) lines.push(`    ${f.message}`);
    if (e.failures.length > LISTED) lines.push(`    … ${e.failures.length - LISTED} more`);
  }
  if (r.confidence) {
    const c = r.confidence;
    const value = c.value === undefined ? "not computed" : `${c.value}`;
    lines.push(
      `  confidence: ${c.metric} ${value}, acceptable ${rangeText(c.range)}, over ${c.rows} rows (${c.file})${c.ok ? "" : `: ${c.message ?? "out of range"}`}`,
    );
  }
  lines.push(r.ok ? "PASS" : "FAIL");
  return lines.join("\n");
}

/** `porta package init DIR --model FILE`: writes the package and lists what porta.json still needs. */
export async function initCommand(dir: string, options: { model: string; name?: string; version?: string; author?: string }): Promise<number> {
  const { initPackage, validatePackage, formatProblems } = await import("@porta/model-package");
  const { manifestPath } = await initPackage(dir, options.model, {
    name: options.name,
    version: options.version,
    author: options.author ?? userInfo().username,
  });
  const { problems } = await validatePackage(dir);
  process.stdout.write(`wrote ${manifestPath}\n`);
  if (problems.length > 0) process.stdout.write(`still to fill in before \`porta package validate\` passes:\n${formatProblems(problems)}\n`);
  return EXIT.ok;
}
