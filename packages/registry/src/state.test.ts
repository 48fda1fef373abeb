import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type HistoryEntry, MAX_HISTORY, type ModelState, readState, rollbackTarget, switched, writeState } from "./state.ts";

const temp = mkdtempSync(join(tmpdir(), "porta-registry-state-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const at = "2026-12-07T00:00:00.000Z";
const deploy = (version: string): HistoryEntry => ({ version, at, action: "deploy" });
const rollback = (version: string): HistoryEntry => ({ version, at, action: "rollback" });

describe("rollbackTarget: the version live before the current one", () => {
  it("walks back through deploys instead of toggling between the last two", () => {
    expect(rollbackTarget([])).toBeUndefined();
    expect(rollbackTarget([deploy("1")])).toBeUndefined();
    expect(rollbackTarget([deploy("1"), deploy("2"), deploy("3")])).toBe("2");
    expect(rollbackTarget([deploy("1"), deploy("2"), deploy("3"), rollback("2")])).toBe("1");
    expect(rollbackTarget([deploy("1"), deploy("2"), deploy("3"), rollback("2"), rollback("1")])).toBeUndefined();
  });

  it("a rollback to a version that was never on the way back counts as a new step; a redeploy of an older version too", () => {
    expect(rollbackTarget([deploy("1"), deploy("2"), rollback("1"), rollback("2")])).toBe("1");
    expect(rollbackTarget([deploy("1"), deploy("2"), deploy("1")])).toBe("2");
  });
});

describe("state.json", () => {
  it("switched appends the switch with the previous version, keeping at most MAX_HISTORY entries", () => {
    let state: ModelState = { schemaVersion: 1, name: "m", history: [] };
    state = switched(state, "1", "deploy", at);
    expect(state).toEqual({ schemaVersion: 1, name: "m", live: "1", history: [deploy("1")] });
    state = switched(state, "2", "deploy", at);
    expect(state.history[1]).toEqual({ ...deploy("2"), previous: "1" });
    for (let i = 0; i < MAX_HISTORY + 5; i++) state = switched(state, String(i), "deploy", at);
    expect(state.history).toHaveLength(MAX_HISTORY);
    expect(state.live).toBe(String(MAX_HISTORY + 4));
  });

  it("is written whole (no temporary file left) and read back equal", async () => {
    const file = join(temp, "state.json");
    const state = switched({ schemaVersion: 1, name: "m", history: [] }, "1.0.0", "deploy", at);
    await writeState(file, state);
    expect(readdirSync(temp)).toEqual(["state.json"]);
    expect(await readState(file, "m")).toEqual({ state });
  });

  it("a torn, foreign or tampered file is a problem, never a state", async () => {
    const file = join(temp, "bad.json");
    const cases: [string, RegExp][] = [
      ['{"schemaVersion": 1, "name": "m", "live": "1', /unreadable/],
      ["[]", /not a JSON object/],
      ['{"schemaVersion": 2, "name": "m", "history": []}', /schemaVersion is 2/],
      ['{"schemaVersion": 1, "name": "other", "history": []}', /names "other"/],
      ['{"schemaVersion": 1, "name": "m", "live": "../x", "history": []}', /live is "..\/x"/],
      ['{"schemaVersion": 1, "name": "m", "history": [{"version": "1", "at": "t", "action": "delete"}]}', /history entry 0/],
    ];
    for (const [text, problem] of cases) {
      writeFileSync(file, text);
      const read = await readState(file, "m");
      expect("problem" in read && read.problem, text).toMatch(problem);
    }
  });
});
