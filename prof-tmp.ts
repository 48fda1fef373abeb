import { readFileSync } from "node:fs";
import { loadModelSync } from "@porta/runtime";
import { readHarnessCsv } from "./packages/cli/src/conformance/pmml.ts";
const dir = "../shared/conformance/pmml/knime/";
const input = readHarnessCsv(readFileSync(dir + "Auto.csv", "utf8"));
let rows = input.rows.map((r) => Object.fromEntries(input.header.map((h, i) => [h, r[i]])));
rows = Array.from({ length: 25 }, () => rows).flat();
const js = loadModelSync(dir + "GBTAuto.pmml", { backend: "js" });
const interp = loadModelSync(dir + "GBTAuto.pmml", { backend: "interp" });
console.log(js.backend, rows.length);
for (let k = 0; k < 5; k++) {
  let t = performance.now(); js.scoreBatch(rows); const a = performance.now() - t;
  t = performance.now(); interp.scoreBatch(rows); const b = performance.now() - t;
  console.log(`js ${(a * 1000 / rows.length).toFixed(2)} us/row, interp ${(b * 1000 / rows.length).toFixed(2)} us/row`);
}
