import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { breakEven, forgetBreakEvens, storedBreakEven, syntheticBatch } from "./break-even.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("break-even: measured once per shape, kept in memory and in the cache dir", () => {
  const saved = process.env.PORTA_CACHE_DIR;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "porta-be-"));
    process.env.PORTA_CACHE_DIR = dir;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.PORTA_CACHE_DIR;
    else process.env.PORTA_CACHE_DIR = saved;
    forgetBreakEvens();
  });

  it("the first size where the GPU is faster (transfers are inside its timed call); recalled without measuring again", async () => {
    let calls = 0;
    // The GPU side costs a fixed 30 ms (a dispatch and a read-back); the CPU side grows with the rows.
    const gpu = async () => {
      calls++;
      await sleep(20);
    };
    const cpu = async (b: { length: number }) => {
      calls++;
      await sleep(b.length >= 64 ? 40 : 0);
    };
    const got = await breakEven("test|shape-a", ["x0"], gpu, cpu, [16, 64, 256]);
    expect(got.rows).toBe(64);
    // 256 confirmed the win at 64.
    expect(got.timings.map((t) => t.rows)).toEqual([16, 64, 256]);
    const measured = calls;
    expect(await breakEven("test|shape-a", ["x0"], gpu, cpu, [16, 64, 256])).toEqual(got);
    expect(calls).toBe(measured);
    // A later process reads it from the cache dir.
    forgetBreakEvens();
    expect(storedBreakEven("test|shape-a")).toEqual(got);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, "gpu-break-even.json"), "utf8")))).toContain("test|shape-a");
  });

  it("null when the GPU never wins at the sizes measured", async () => {
    const got = await breakEven(
      "test|shape-b",
      ["x0"],
      () => sleep(5),
      async () => {},
      [8, 16],
    );
    expect(got.rows).toBeNull();
    expect(got.timings).toHaveLength(2);
  });

  it("synthetic rows: uniform in [-1, 1), the same every time", () => {
    const a = syntheticBatch(["x0", "x1"], 100);
    const b = syntheticBatch(["x0", "x1"], 100);
    expect(a.columns.get("x1")).toEqual(b.columns.get("x1"));
    const col = a.columns.get("x0")!;
    if (col.kind !== "number") throw new Error("number column");
    expect(col.values.every((v) => v >= -1 && v < 1)).toBe(true);
  });
});
