import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadModel } from "@porta/runtime";
import { forestPmml } from "../fixtures/gen/forest.ts";
import { rng } from "../fixtures/gen/random.ts";
import { porta, ROOT, tempFiles } from "./porta-cli.ts";

const run = promisify(execFile);

/**
 * `porta convert --to onnx` writes a file that stands alone: a plain `node` process with nothing
 * but onnxruntime-node loads it and its `predicted_value` (the MiningModel's average of its trees,
 * before Targets) agrees with compile-js on the same rows.
 */
describe("porta convert --to onnx", () => {
  it("writes a forest that onnxruntime-node scores alone as compile-js does", async () => {
    const { dir, file } = tempFiles("porta-onnx-convert-");
    const features = 8;
    const pmml = file("forest.pmml", [...forestPmml({ trees: 40, depth: 7, features, task: "regression", seed: 11 })].join(""));
    const onnx = join(dir, "forest.onnx");
    const converted = await porta("convert", pmml, "--to", "onnx", "-o", onnx);
    expect(converted.stderr).toMatch(/wrote .*forest\.onnx/);
    expect(converted.code).toBe(0);

    const rand = rng(5);
    const rows = Array.from({ length: 300 }, () => Object.fromEntries(Array.from({ length: features }, (_, i) => [`x${i}`, rand() * 2.4 - 1.2])));
    const inputs = file("rows.json", JSON.stringify(rows));
    // A separate process: onnxruntime-node and the file, no Porta.
    const script = `
      const ort = require(${JSON.stringify(join(ROOT, "node_modules", "onnxruntime-node"))});
      const fs = require("node:fs");
      (async () => {
        const rows = JSON.parse(fs.readFileSync(${JSON.stringify(inputs)}, "utf8"));
        const session = await ort.InferenceSession.create(fs.readFileSync(${JSON.stringify(onnx)}));
        const feeds = {};
        for (const name of session.inputNames) feeds[name] = new ort.Tensor("float64", Float64Array.from(rows, (r) => r[name]), [rows.length, 1]);
        const out = await session.run(feeds);
        process.stdout.write(JSON.stringify(Array.from(out.predicted_value.data)));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const { stdout } = await run(process.execPath, ["-e", script], { maxBuffer: 1 << 24 });
    const fromFile = JSON.parse(stdout) as number[];

    const model = await loadModel(readFileSync(pmml, "utf8"), { format: "pmml", backend: ["js"] });
    const expected = model.scoreBatch(rows).results.map((r) => r!.y as number);
    expect(fromFile).toHaveLength(300);
    // The file sums the trees in its own order (ReduceMean): equal to a few ulps.
    fromFile.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i]))));
  });

  it("refuses a family it does not export with the element's name and exit code 67", async () => {
    const { file } = tempFiles("porta-onnx-convert-");
    const pmml = file(
      "nb.pmml",
      `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><DataDictionary><DataField name="x" optype="categorical" dataType="string"><Value value="a"/></DataField><DataField name="y" optype="categorical" dataType="string"><Value value="p"/><Value value="q"/></DataField></DataDictionary>
      <NaiveBayesModel functionName="classification" threshold="0.001"><MiningSchema><MiningField name="x"/><MiningField name="y" usageType="target"/></MiningSchema>
      <BayesInputs><BayesInput fieldName="x"><PairCounts value="a"><TargetValueCounts><TargetValueCount value="p" count="1"/><TargetValueCount value="q" count="2"/></TargetValueCounts></PairCounts></BayesInput></BayesInputs>
      <BayesOutput fieldName="y"><TargetValueCounts><TargetValueCount value="p" count="1"/><TargetValueCount value="q" count="2"/></TargetValueCounts></BayesOutput></NaiveBayesModel></PMML>`,
    );
    const r = await porta("convert", pmml, "--to", "onnx", "-o", pmml.replace(/\.pmml$/, ".onnx"));
    expect(r.stderr).toMatch(/onnx: NaiveBayesModel is not exported/);
    expect(r.code).toBe(67);
  });
});
