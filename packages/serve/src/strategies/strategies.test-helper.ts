/**
 * Test support for deployment strategies: versions of the churn package whose model differs
 * (another intercept, or x1 refused outside [-10, 10]) and still passes every deploy gate — the
 * end-to-end expectations are recomputed for the variant and the confidence range opened.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tar from "tar";
import { ROOT } from "../serve.test-helper.ts";

export const CHURN = join(ROOT, "fixtures", "packages", "churn-pmml");

export interface ChurnVariant {
  version: string;
  /** The "yes" table's intercept (the fixture's is 0.5). */
  intercept?: number;
  /** x1 outside [-limit, limit] is an invalid value: that row fails (422) on this version. */
  x1Limit?: number;
}

/** p(yes) of the churn model with intercept `b`: sigmoid(b + 1.2·x1 − 0.7·x2). */
export function churnProbability(x1: number, x2: number, intercept = 0.5): number {
  return 1 / (1 + Math.exp(-(intercept + 1.2 * x1 - 0.7 * x2)));
}

/** A package folder of the variant under `dir`. */
export function churnVariant(dir: string, variant: ChurnVariant): string {
  const root = join(dir, `churn-${variant.version}`);
  cpSync(CHURN, root, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(root, "porta.json"), "utf8"));
  manifest.model.version = variant.version;
  manifest.assets.confidence.range = { min: 0 };
  writeFileSync(join(root, "porta.json"), JSON.stringify(manifest, null, 2));
  const intercept = variant.intercept ?? 0.5;
  let pmml = readFileSync(join(root, "model.pmml"), "utf8").replace(/<ModelVerification[\s\S]*<\/ModelVerification>/, "");
  pmml = pmml.replace('<RegressionTable intercept="0.5" targetCategory="yes">', `<RegressionTable intercept="${intercept}" targetCategory="yes">`);
  if (variant.x1Limit !== undefined) {
    pmml = pmml
      .replace(
        '<DataField name="x1" optype="continuous" dataType="double"/>',
        `<DataField name="x1" optype="continuous" dataType="double"><Interval closure="closedClosed" leftMargin="${-variant.x1Limit}" rightMargin="${variant.x1Limit}"/></DataField>`,
      )
      .replace('<MiningField name="x1"/>', '<MiningField name="x1" invalidValueTreatment="returnInvalid"/>');
  }
  writeFileSync(join(root, "model.pmml"), pmml);
  const e2e = join(root, "assets", "end-to-end.ndjson");
  const lines = readFileSync(e2e, "utf8")
    .trim()
    .split("\n")
    .map((l) => {
      const { input } = JSON.parse(l) as { input: { x1: number; x2: number } };
      const p = churnProbability(input.x1, input.x2, intercept);
      return JSON.stringify({ input, expected: { predicted_churn: p > 0.5 ? "yes" : "no", probability_yes: p } });
    });
  writeFileSync(e2e, `${lines.join("\n")}\n`);
  return root;
}

/** A package folder as .tgz bytes (what `porta deploy` uploads). */
export async function tgzOf(root: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of tar.c({ gzip: true, cwd: root, portable: true }, ["porta.json", "model.pmml", "assets"]) as AsyncIterable<Buffer>)
    chunks.push(chunk);
  return Buffer.concat(chunks);
}
