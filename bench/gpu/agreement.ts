/**
 * The GPU backends' agreement checks, shared by test/gpu-backend.test.ts (gpu.js in CPU mode,
 * inside `npm test`) and bench/gpu/main.ts (gpu.js and WebGPU on a GPU machine, no vitest there):
 * each family scored by a GPU backend and by compile-js, every number within the family's float32
 * tolerance (README "GPU backend"), the same failing rows, texts equal in at least a share of rows.
 */
import { loadModel, type Model } from "@porta/runtime";
import { uniformRows } from "../../fixtures/gen/document.ts";
import { forestText } from "../../fixtures/gen/forest.ts";
import { gbmText } from "../../fixtures/gen/gbm.ts";
import { kmeansText } from "../../fixtures/gen/kmeans.ts";
import { neuralText } from "../../fixtures/gen/neural.ts";
import { regressionText } from "../../fixtures/gen/regression.ts";

type Row = Record<string, unknown>;

export interface AgreementCase {
  readonly name: string;
  readonly text: string;
  readonly features: number;
  readonly rows: number;
  /** Relative tolerance of numbers (absolute below 1). */
  readonly tolerance: number;
  /** Least share of texts (a winner: category, cluster) equal to compile-js's. */
  readonly sameTexts: number;
}

/** The families, small: each runs in well under a second in gpu.js's CPU mode. */
export const AGREEMENT_CASES: readonly AgreementCase[] = [
  {
    name: "regression, linear (direct finish)",
    text: regressionText({ features: 12, task: "regression", seed: 3 }),
    features: 12,
    rows: 200,
    tolerance: 1e-5,
    sameTexts: 1,
  },
  {
    name: "regression, multinomial logistic (softmax by the interpreter)",
    text: regressionText({ features: 8, task: "classification", classes: 3, seed: 4 }),
    features: 8,
    rows: 200,
    tolerance: 1e-5,
    sameTexts: 1,
  },
  {
    name: "neural network, 2 logistic layers (direct finish)",
    text: neuralText({ features: 6, layers: 2, neurons: 5, seed: 2 }),
    features: 6,
    rows: 200,
    tolerance: 1e-5,
    sameTexts: 1,
  },
  { name: "k-means distances", text: kmeansText({ features: 5, clusters: 4, seed: 6 }), features: 5, rows: 200, tolerance: 1e-5, sameTexts: 0.99 },
  {
    name: "random forest, regression (direct finish, row × block of trees)",
    text: forestText({ trees: 40, depth: 4, features: 6, task: "regression", seed: 8 }),
    features: 6,
    rows: 200,
    tolerance: 1e-5,
    sameTexts: 1,
  },
  {
    name: "random forest, classification (leaves by the kernel, vote by the interpreter)",
    text: forestText({ trees: 9, depth: 3, features: 5, task: "classification", seed: 9 }),
    features: 5,
    rows: 200,
    tolerance: 1e-5,
    sameTexts: 0.99,
  },
  {
    name: "GBM: summed trees + Targets rescale (by the interpreter)",
    text: gbmText({ trees: 6, depth: 3, features: 5, baseScore: 0.5, seed: 2 }),
    features: 5,
    rows: 100,
    tolerance: 1e-5,
    sameTexts: 1,
  },
];

/** Rows of uniform inputs, rows 3 and 17 missing x0 (the interpreter scores those alone). */
export function rowsWithGaps(features: number, n: number): Row[] {
  const rows: Row[] = uniformRows(features, n, 5);
  for (const i of [3, 17]) if (rows[i]) delete rows[i]!.x0;
  return rows;
}

export interface AgreementReport {
  readonly problems: string[];
  /** Rows the GPU engine computed and rows the interpreter scored alone. */
  readonly stats: { engineRows: number; interpretedRows: number } | undefined;
  readonly gaps: number;
  readonly rows: number;
}

/** Scores `c` with `backend` and with compile-js and lists every difference beyond the tolerance. */
export async function checkAgreement(backend: string, c: AgreementCase): Promise<AgreementReport> {
  const rows = rowsWithGaps(c.features, c.rows);
  const options = { format: "pmml" as const, scoring: "async" as const, cache: false };
  let gpu: Model | undefined, js: Model | undefined;
  const problems: string[] = [];
  try {
    gpu = await loadModel(c.text, { ...options, backend: [backend] });
    js = await loadModel(c.text, { ...options, backend: ["js"] });
    if (gpu.backend !== backend) problems.push(`scored by ${gpu.backend}`);
    if (JSON.stringify(gpu.outputFields) !== JSON.stringify(js.outputFields)) problems.push("output fields differ");
    const got = await gpu.scoreBatchAsync(rows, { onError: "collect" });
    const want = await js.scoreBatchAsync(rows, { onError: "collect" });
    const errs = (r: typeof got) => JSON.stringify(r.errors.map((e) => [e.row, e.code]));
    if (errs(got) !== errs(want)) problems.push(`failing rows differ: ${errs(got)} vs ${errs(want)}`);
    let texts = 0,
      same = 0;
    want.results.forEach((w, i) => {
      const g = got.results[i];
      if (w === null || g === null) {
        if (w !== g) problems.push(`row ${i}: ${JSON.stringify(g)} vs ${JSON.stringify(w)}`);
        return;
      }
      for (const [k, v] of Object.entries(w)) {
        const u = g[k];
        if (typeof v === "number") {
          if (typeof u !== "number" || !(Math.abs(u - v) <= c.tolerance * Math.max(1, Math.abs(v)))) problems.push(`row ${i} ${k}: ${String(u)} vs ${v}`);
        } else {
          texts++;
          if (u === v) same++;
        }
      }
    });
    if (texts > 0 && same / texts < c.sameTexts) problems.push(`only ${same} of ${texts} texts equal`);
    const session = (gpu as unknown as { session?: { gpu?: { stats?: AgreementReport["stats"] } } }).session;
    return { problems, stats: session?.gpu?.stats && { ...session.gpu.stats }, gaps: rows.filter((r) => r.x0 === undefined).length, rows: rows.length };
  } finally {
    await gpu?.dispose();
    await js?.dispose();
  }
}
