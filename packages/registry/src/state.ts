/**
 * A model's state.json: which version is live and how it came to be. It is the one record a
 * restart trusts, written only whole (durable.ts) and read back with every field checked, so a
 * damaged file is reported rather than half-believed.
 */
import { readFile } from "node:fs/promises";
import { isValidRegistryName } from "./names.ts";
import { writeFileDurable } from "./durable.ts";

export const STATE_FILE = "state.json";

/** The oldest entries are dropped past this many (a registry deployed every minute for a year stays small). */
export const MAX_HISTORY = 1000;

export interface HistoryEntry {
  version: string;
  /** ISO 8601 time of the switch. */
  at: string;
  action: "deploy" | "rollback";
  /** The version live before the switch, if one was. */
  previous?: string;
}

export interface ModelState {
  schemaVersion: 1;
  name: string;
  live?: string;
  history: HistoryEntry[];
}

/** The state after switching `name` to `version`. */
export function switched(state: ModelState, version: string, action: HistoryEntry["action"], at: string): ModelState {
  const entry: HistoryEntry = { version, at, action, ...(state.live === undefined ? {} : { previous: state.live }) };
  return { ...state, live: version, history: [...state.history, entry].slice(-MAX_HISTORY) };
}

/**
 * The version a plain rollback returns to: the one live before the current one. History is
 * replayed as a stack (a deploy pushes, a rollback pops back to its version), so repeated
 * rollbacks walk back through the deploys — 1.0, 1.1, 1.2 → 1.1 → 1.0 — instead of toggling
 * between the last two.
 */
export function rollbackTarget(history: readonly HistoryEntry[]): string | undefined {
  const stack: string[] = [];
  for (const entry of history) {
    const at = stack.lastIndexOf(entry.version);
    if (entry.action === "rollback" && at >= 0) stack.length = at + 1;
    else if (stack[stack.length - 1] !== entry.version) stack.push(entry.version);
  }
  return stack[stack.length - 2];
}

export async function writeState(file: string, state: ModelState): Promise<void> {
  await writeFileDurable(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** state.json read and checked: the state, or why it cannot be trusted. */
export async function readState(file: string, name: string): Promise<{ state: ModelState } | { problem: string }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    return { problem: `${STATE_FILE} is unreadable: ${(e as Error).message}` };
  }
  const problem = stateProblem(json, name);
  return problem === undefined ? { state: json as ModelState } : { problem: `${STATE_FILE} is damaged: ${problem}` };
}

function stateProblem(json: unknown, name: string): string | undefined {
  if (!isRecord(json)) return "not a JSON object";
  if (json.schemaVersion !== 1) return `schemaVersion is ${JSON.stringify(json.schemaVersion)}, not 1`;
  if (json.name !== name) return `it names ${JSON.stringify(json.name)}, not ${JSON.stringify(name)}`;
  if (json.live !== undefined && !isVersion(json.live)) return `live is ${JSON.stringify(json.live)}`;
  if (!Array.isArray(json.history)) return "history is not a list";
  const bad = json.history.findIndex((e) => !isEntry(e));
  return bad >= 0 ? `history entry ${bad} is ${JSON.stringify(json.history[bad])}` : undefined;
}

function isEntry(e: unknown): e is HistoryEntry {
  return (
    isRecord(e) &&
    isVersion(e.version) &&
    typeof e.at === "string" &&
    (e.action === "deploy" || e.action === "rollback") &&
    (e.previous === undefined || isVersion(e.previous))
  );
}

function isVersion(v: unknown): v is string {
  return typeof v === "string" && isValidRegistryName(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
