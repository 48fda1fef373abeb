import { describe, expect, it } from "vitest";
import { JS_TRIMMED } from "./text-number.ts";

describe("text read as a number (the IR's toNumber)", () => {
  it("trims exactly the characters JS's String.prototype.trim does (the IR trims number text so)", () => {
    const trimmed: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      if (`${ch}1${ch}`.trim() === "1") trimmed.push(ch);
    }
    expect([...JS_TRIMMED].sort()).toEqual(trimmed.sort());
  });
});
