import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const PORTA = join(ROOT, "packages", "cli", "bin", "porta.cjs");

function close(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => close(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a),
      kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

describe("porta score and inspect on PFA model documents", () => {
  for (const name of ["tree", "forest", "kmeans", "logistic"]) {
    it(`${name}: scores every fixture row as expected`, async () => {
      const { stdout } = await run(process.execPath, [
        PORTA,
        "score",
        join(ROOT, "fixtures", "pfa", `${name}.pfa.json`),
        "--input",
        join(ROOT, "fixtures", "pfa", `${name}-input.ndjson`),
      ]);
      const got = stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown);
      const want = readFileSync(join(ROOT, "fixtures", "pfa", `${name}-expected.ndjson`), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown);
      expect(got).toHaveLength(want.length);
      got.forEach((g, i) => expect(close(g, want[i]), `row ${i + 1}: ${JSON.stringify(g)} vs ${JSON.stringify(want[i])}`).toBe(true));
    });
  }

  it("inspect prints types, cells and the library functions used", async () => {
    const { stdout } = await run(process.execPath, [PORTA, "inspect", join(ROOT, "fixtures", "pfa", "kmeans.pfa.json")]);
    expect(stdout).toMatch(/method map/);
    expect(stdout).toMatch(/cell clusters:/);
    expect(stdout).toMatch(/model\.cluster\.closest/);
  });

  it("CSV input is typed by the PFA input record (double fields get numbers)", async () => {
    const { stdout } = await run(process.execPath, [
      PORTA,
      "score",
      join(ROOT, "fixtures", "pfa", "add.pfa.yaml"),
      "--input",
      join(ROOT, "fixtures", "pfa", "add-rows.csv"),
    ]);
    expect(stdout.trim().split("\n")).toEqual(["z,big", "3,false", "11.5,true"]);
  });

  it("a YAML document scores too", async () => {
    const { stdout } = await run(process.execPath, [
      PORTA,
      "score",
      join(ROOT, "fixtures", "pfa", "add.pfa.yaml"),
      "--input",
      join(ROOT, "fixtures", "pfa", "add-rows.ndjson"),
    ]);
    expect(
      stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { z: 3, big: false },
      { z: 11.5, big: true },
    ]);
  });
});
