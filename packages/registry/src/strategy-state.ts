/**
 * Deployment strategies: how a model's traffic is shared between its live version and the
 * versions deployed beside it. `single` (the default) is the plain transactional replace; the
 * others keep the live version live and load the new one beside it:
 *
 *   silent  the new version (the shadow) scores live traffic after each answer; only the live answer is returned
 *   canary  a share of traffic (sticky by request key) goes to the new version; promote, abort, or automatic abort
 *   bandit  every deploy adds an arm; traffic follows the rewards posted back (Thompson sampling or UCB1)
 *
 *   DIR/models/NAME/strategy.json   the running strategy, its counters and arms (durable.ts writes it whole)
 *
 * state.json (the live version) is not touched by a strategy deploy. strategy.json names the live
 * version it runs beside: one that names another (a crash between a switch and this file's
 * rewrite) is stale and read as `single`. The server counts into the record in place (requests,
 * errors, comparisons, pulls, rewards) and calls `touched()`: the record is written at most once
 * per `flushMs` and at close, not per request.
 */
import { readFile } from "node:fs/promises";
import { DeployError } from "@porta/ir/errors";
import type { Model } from "@porta/runtime";
import { writeFileDurable } from "./durable.ts";
import { isValidRegistryName } from "./names.ts";
import type { LiveModel, RegistryEvent } from "./outcomes.ts";

export const STRATEGY_FILE = "strategy.json";

export type StrategyKind = "single" | "silent" | "canary" | "bandit";
export type BanditAlgorithm = "thompson" | "ucb1";

/** When a canary is aborted on its own: judged once it has had `minRequests` requests. */
export interface CanaryThresholds {
  /** Largest error rate (0..1) of the canary's requests: a 5xx, a refused row (422), or a batch with failed rows. */
  maxErrorRate: number;
  /** Largest p99 latency of the canary's requests, ms (none by default). */
  maxP99Ms?: number;
  minRequests: number;
}

export const DEFAULT_CANARY_SHARE = 0.1;
export const DEFAULT_THRESHOLDS: Readonly<CanaryThresholds> = { maxErrorRate: 0.05, minRequests: 100 };

/** What a deploy asks for (`porta deploy --strategy …`). */
export type StrategySpec =
  | { kind: "single" }
  | { kind: "silent" }
  | { kind: "canary"; share?: number; keyField?: string; thresholds?: Partial<CanaryThresholds> }
  | { kind: "bandit"; algorithm?: BanditAlgorithm };

export interface DeployOptions {
  /** How the new version takes traffic (default single: it replaces the live version). */
  strategy?: StrategySpec;
}

export interface SilentRecord {
  kind: "silent";
  /** The live version it runs beside. */
  live: string;
  shadow: string;
  /** ISO 8601 time it was deployed. */
  since: string;
  /** Rows scored by both, and those on which every output agreed. */
  compared: number;
  agreed: number;
}

export interface ArmCounts {
  live: number;
  canary: number;
}

export interface CanaryRecord {
  kind: "canary";
  live: string;
  canary: string;
  /** Fraction of request keys routed to the canary, (0, 1]. */
  share: number;
  /** A field of the row whose value is the request key (after the `x-porta-key` header). */
  keyField?: string;
  thresholds: CanaryThresholds;
  since: string;
  requests: ArmCounts;
  errors: ArmCounts;
  /** Set once aborted (by hand or by a threshold): every request goes to the live version. */
  abortedReason?: string;
  abortedAt?: string;
}

export interface BanditArm {
  version: string;
  /** Requests routed to the arm. */
  pulls: number;
  /** Sum of the rewards posted for them, each in [0, 1]; a pull without feedback counts as 0. */
  rewards: number;
}

export interface BanditRecord {
  kind: "bandit";
  live: string;
  algorithm: BanditAlgorithm;
  since: string;
  arms: BanditArm[];
}

/** A running strategy as strategy.json holds it (`single` is the absence of one). */
export type StrategyRecord = SilentRecord | CanaryRecord | BanditRecord;

/** What the server reads per request (`Registry.strategy(name)`): an O(1) map read. */
export interface ActiveStrategy {
  readonly name: string;
  /** Counters are updated in place by the server, which then calls `touched()`. */
  readonly record: StrategyRecord;
  /** Changes when the record's shape changes (a bandit arm added): routes built from it are rebuilt. */
  readonly generation: number;
  /** The loaded version the strategy routes to (the live one, the shadow, the canary, an arm); undefined once retired or not loaded. */
  model(version: string): LiveModel | undefined;
  /** Counters changed: written within `flushMs` (and at close). */
  touched(): void;
  /** Aborts this strategy (a canary past a threshold); a no-op once another strategy replaced it. */
  abort(reason: string): Promise<StrategyOutcome>;
}

export type StrategyOutcome =
  | { ok: true; name: string; live: string; previous?: string; strategy?: StrategyRecord }
  | { ok: false; name: string; code: string; reason: string; version?: string };

/** What the registry lends the strategies: its file layout, live versions, retirement, queue and events. */
export interface StrategyHost {
  file(name: string): string;
  live(name: string): LiveModel | undefined;
  retire(model: Model): void;
  /** The registry's per-name queue: deploys, rollbacks, promotions, aborts and writes of one model in order. */
  run<T>(name: string, task: () => Promise<T>): Promise<T>;
  emit(event: RegistryEvent): void;
  /** Whether the registry still holds its folder's lock (writes are refused once it is lost). */
  writable(): boolean;
  flushMs: number;
}

interface FileShape {
  schemaVersion: 1;
  name: string;
  strategy: StrategyRecord | { kind: "single" };
}

/** One model's running strategy: the record, the versions loaded for it, the pending write. */
class Held implements ActiveStrategy {
  generation = 0;
  dirty = false;
  timer?: NodeJS.Timeout;
  constructor(
    readonly name: string,
    readonly record: StrategyRecord,
    readonly candidates: Map<string, LiveModel>,
    private readonly owner: Strategies,
  ) {}
  model(version: string): LiveModel | undefined {
    const candidate = this.candidates.get(version);
    if (candidate !== undefined) return candidate;
    const live = this.owner.host.live(this.name);
    return live?.version === version ? live : undefined;
  }
  touched(): void {
    this.dirty = true;
    if (this.timer !== undefined || this.owner.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.owner.host.run(this.name, () => this.owner.flush(this)).catch(() => undefined);
    }, this.owner.host.flushMs);
    this.timer.unref();
  }
  abort(reason: string): Promise<StrategyOutcome> {
    return this.owner.host.run(this.name, async () => {
      if (this.owner.closed) return { ok: false, name: this.name, code: "REGISTRY_CLOSED", reason: "the registry is closed" };
      if (this.owner.get(this.name) !== this) return { ok: false, name: this.name, code: "REGISTRY_STRATEGY_CHANGED", reason: "the strategy was replaced" };
      const outcome = await this.owner.abort(this.name, reason);
      this.owner.host.emit(
        outcome.ok
          ? { kind: "abort", ok: true, name: this.name, version: outcome.live, reason }
          : { kind: "abort", ok: false, name: this.name, reason: outcome.reason, code: outcome.code },
      );
      return outcome;
    });
  }
}

/** The running strategies of a registry's models (one `Registry` owns one). */
export class Strategies {
  private readonly held = new Map<string, Held>();
  closed = false;

  constructor(readonly host: StrategyHost) {}

  get(name: string): ActiveStrategy | undefined {
    return this.held.get(name);
  }

  /**
   * At open: reads strategy.json and loads the versions it routes to besides the live one. A
   * record naming another live version is stale (ignored); a version that does not load ends a
   * silent run, aborts a canary (with the reason) and leaves a bandit arm unrouted; each such
   * failure is a `restore` event with ok false.
   */
  async restore(name: string, load: (version: string) => Promise<LiveModel>): Promise<void> {
    const live = this.host.live(name);
    if (live === undefined) return;
    const record = await readRecord(this.host.file(name), name).catch((e: Error) => {
      this.host.emit({ kind: "restore", ok: false, name, version: live.version, reason: `${STRATEGY_FILE} is unreadable: ${e.message}` });
      return undefined;
    });
    if (record === undefined || record.live !== live.version) return;
    const candidates = new Map<string, LiveModel>();
    const failed = new Map<string, string>();
    for (const version of candidatesOf(record)) {
      if (version === live.version) continue;
      try {
        candidates.set(version, await load(version));
      } catch (e) {
        const reason = `${record.kind} version ${version} did not load at open: ${(e as Error).message}`;
        failed.set(version, reason);
        this.host.emit({ kind: "restore", ok: false, name, version, reason });
      }
    }
    if (record.kind === "silent" && failed.size > 0) return;
    if (record.kind === "canary" && failed.size > 0 && record.abortedReason === undefined) {
      record.abortedReason = failed.get(record.canary);
      record.abortedAt = new Date().toISOString();
    }
    this.held.set(name, new Held(name, record, candidates, this));
  }

  /**
   * A verified, stored and loaded version taking traffic beside the live one, as `spec` says:
   * strategy.json is written first, then the routes change; a strategy running before is
   * replaced (its versions retired), except that a bandit deploy adds an arm to a running bandit.
   * Returns the record, and whether `candidate` was kept (false: the caller disposes it).
   */
  async stage(name: string, spec: Exclude<StrategySpec, { kind: "single" }>, candidate: LiveModel): Promise<{ record: StrategyRecord; kept: boolean }> {
    const live = this.host.live(name);
    if (live === undefined) {
      throw new DeployError("REGISTRY_NOTHING_LIVE", `a ${spec.kind} deploy runs beside the live version, and ${name} has none: deploy it plainly first`, {
        path: "/strategy",
        value: spec.kind,
      });
    }
    const version = candidate.version;
    const current = this.held.get(name);
    const since = new Date().toISOString();
    if (spec.kind === "bandit") {
      if (current?.record.kind === "bandit") {
        // A running bandit keeps its arms and their counts: the deploy adds an arm (and may change the algorithm).
        const record = current.record;
        const algorithm = spec.algorithm ?? record.algorithm;
        const added = !record.arms.some((a) => a.version === version);
        if (!added && algorithm === record.algorithm) return { record, kept: false };
        const arms = [...record.arms.map((a) => ({ ...a })), ...(added ? [{ version, pulls: 0, rewards: 0 }] : [])];
        await this.write(name, { ...record, algorithm, arms });
        record.algorithm = algorithm;
        if (added) {
          record.arms.push({ version, pulls: 0, rewards: 0 });
          current.candidates.set(version, candidate);
        }
        current.generation++;
        return { record, kept: added };
      }
      const algorithm = spec.algorithm ?? "thompson";
      const arms = [{ version: live.version, pulls: 0, rewards: 0 }];
      if (version !== live.version) arms.push({ version, pulls: 0, rewards: 0 });
      const record: BanditRecord = { kind: "bandit", live: live.version, algorithm, since, arms };
      await this.replace(name, record, version === live.version ? new Map() : new Map([[version, candidate]]));
      return { record, kept: version !== live.version };
    }
    if (version === live.version) {
      throw new DeployError("REGISTRY_ALREADY_LIVE", `${name} ${version} is the live version: a ${spec.kind} deploy needs another version`, {
        path: "/model/version",
        value: version,
      });
    }
    const record: StrategyRecord =
      spec.kind === "silent"
        ? { kind: "silent", live: live.version, shadow: version, since, compared: 0, agreed: 0 }
        : {
            kind: "canary",
            live: live.version,
            canary: version,
            share: spec.share ?? DEFAULT_CANARY_SHARE,
            ...(spec.keyField === undefined ? {} : { keyField: spec.keyField }),
            thresholds: { ...DEFAULT_THRESHOLDS, ...definedOnly(spec.thresholds ?? {}) },
            since,
            requests: { live: 0, canary: 0 },
            errors: { live: 0, canary: 0 },
          };
    await this.replace(name, record, new Map([[version, candidate]]));
    return { record, kept: true };
  }

  /**
   * The version a promotion makes live: the shadow, the canary (not once aborted), or a bandit's
   * arm (`version`, else the one with the best mean reward). Throws a DeployError saying why not.
   */
  promotable(name: string, version?: string): LiveModel {
    const held = this.held.get(name);
    if (held === undefined) {
      throw new DeployError("REGISTRY_NO_STRATEGY", `${name} runs its live version alone: nothing to promote`, { path: "/params/name", value: name });
    }
    const record = held.record;
    let target: string;
    if (record.kind === "bandit") {
      target = version ?? bestArm(record.arms);
      if (!record.arms.some((a) => a.version === target)) {
        throw new DeployError("REGISTRY_UNKNOWN_VERSION", `${target} is not an arm of ${name}'s bandit (${record.arms.map((a) => a.version).join(", ")})`, {
          path: "/body/version",
          value: target,
        });
      }
    } else {
      if (record.kind === "canary" && record.abortedReason !== undefined) {
        throw new DeployError("REGISTRY_CANARY_ABORTED", `the canary ${record.canary} of ${name} was aborted (${record.abortedReason}): deploy it again`, {
          path: "/params/name",
          value: record.canary,
        });
      }
      target = record.kind === "silent" ? record.shadow : record.canary;
      if (version !== undefined && version !== target) {
        throw new DeployError("REGISTRY_UNKNOWN_VERSION", `${name}'s ${record.kind} version is ${target}, not ${version}`, {
          path: "/body/version",
          value: version,
        });
      }
    }
    const model = held.model(target);
    if (model === undefined) {
      throw new DeployError("REGISTRY_VERSION_NOT_LOADED", `${name} ${target} is not loaded (it did not load at open)`, {
        path: "/body/version",
        value: target,
      });
    }
    return model;
  }

  /**
   * Ends a strategy without changing the live version: a canary stays on record, aborted with
   * `reason` (every request to the live version); a silent run or a bandit ends (`single`).
   */
  async abort(name: string, reason: string): Promise<StrategyOutcome> {
    const held = this.held.get(name);
    const live = this.host.live(name);
    if (held === undefined || live === undefined) {
      return { ok: false, name, code: "REGISTRY_NO_STRATEGY", reason: `${name} runs its live version alone: nothing to abort` };
    }
    const record = held.record;
    if (record.kind === "canary") {
      if (record.abortedReason !== undefined) {
        return {
          ok: false,
          name,
          code: "REGISTRY_CANARY_ABORTED",
          reason: `the canary ${record.canary} was already aborted (${record.abortedReason})`,
          version: record.canary,
        };
      }
      const at = new Date().toISOString();
      await this.write(name, { ...record, abortedReason: reason, abortedAt: at });
      record.abortedReason = reason;
      record.abortedAt = at;
      held.dirty = false;
      for (const model of held.candidates.values()) this.host.retire(model.model);
      held.candidates.clear();
      held.generation++;
      return { ok: true, name, live: live.version, strategy: record };
    }
    await this.replace(name, undefined, new Map());
    return { ok: true, name, live: live.version };
  }

  /**
   * After a switch (deploy, rollback, promotion) to `version`: the strategy ends; its versions
   * are retired, but for the one now live. A failed write is an event (at open, the record's
   * `live` no longer matches and it is read as stale).
   */
  async afterSwitch(name: string, version: string): Promise<void> {
    const held = this.held.get(name);
    if (held === undefined) return;
    const kept = held.candidates.get(version);
    if (kept !== undefined) held.candidates.delete(version);
    try {
      await this.replace(name, undefined, new Map());
    } catch (e) {
      this.held.delete(name);
      for (const model of held.candidates.values()) this.host.retire(model.model);
      this.host.emit({ kind: "restore", ok: false, name, version, reason: `${STRATEGY_FILE} was not rewritten after the switch: ${(e as Error).message}` });
    }
  }

  /** Writes a record whose counters changed (called on the registry's queue). */
  async flush(held: Held): Promise<void> {
    if (!held.dirty || this.closed || this.held.get(held.name) !== held || !this.host.writable()) return;
    held.dirty = false;
    try {
      await this.write(held.name, held.record);
    } catch {
      held.dirty = true;
    }
  }

  /** At close: pending counters written, timers stopped; returns the loaded versions to dispose. */
  async close(): Promise<Model[]> {
    this.closed = true;
    const models: Model[] = [];
    for (const held of this.held.values()) {
      if (held.timer !== undefined) clearTimeout(held.timer);
      held.timer = undefined;
      if (held.dirty && this.host.writable()) {
        held.dirty = false;
        await this.write(held.name, held.record).catch(() => undefined);
      }
      for (const model of held.candidates.values()) models.push(model.model);
      held.candidates.clear();
    }
    this.held.clear();
    return models;
  }

  /** strategy.json written, then the running strategy replaced (undefined: single) and the old one's versions retired. */
  private async replace(name: string, record: StrategyRecord | undefined, candidates: Map<string, LiveModel>): Promise<void> {
    const previous = this.held.get(name);
    if (record !== undefined || previous !== undefined) await this.write(name, record ?? { kind: "single" });
    if (previous?.timer !== undefined) clearTimeout(previous.timer);
    if (record === undefined) this.held.delete(name);
    else this.held.set(name, new Held(name, record, candidates, this));
    for (const [version, model] of previous?.candidates ?? []) if (candidates.get(version) !== model) this.host.retire(model.model);
    // Whoever still holds the old strategy (a shadow scoring after its answer) finds its versions gone.
    if (previous !== undefined && previous.candidates !== candidates) previous.candidates.clear();
  }

  private async write(name: string, strategy: StrategyRecord | { kind: "single" }): Promise<void> {
    const file: FileShape = { schemaVersion: 1, name, strategy };
    await writeFileDurable(this.host.file(name), `${JSON.stringify(file, null, 2)}\n`);
  }
}

/** The versions a record routes to. */
function candidatesOf(record: StrategyRecord): string[] {
  switch (record.kind) {
    case "silent":
      return [record.shadow];
    case "canary":
      return record.abortedReason === undefined ? [record.canary] : [];
    case "bandit":
      return record.arms.map((a) => a.version);
  }
}

/** The arm with the best mean reward (rewards / pulls); ties go to the one pulled most, then the first. */
export function bestArm(arms: readonly BanditArm[]): string {
  let best = arms[0]!;
  const mean = (a: BanditArm) => (a.pulls > 0 ? a.rewards / a.pulls : 0);
  for (const arm of arms) if (mean(arm) > mean(best) || (mean(arm) === mean(best) && arm.pulls > best.pulls)) best = arm;
  return best.version;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** strategy.json read and checked; undefined when absent or `single`. */
async function readRecord(file: string, name: string): Promise<StrategyRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  const json = JSON.parse(text) as FileShape;
  const problem = recordProblem(json, name);
  if (problem !== undefined) throw new Error(`damaged: ${problem}`);
  return json.strategy.kind === "single" ? undefined : json.strategy;
}

function recordProblem(json: unknown, name: string): string | undefined {
  if (!isRecord(json)) return "not a JSON object";
  if (json.schemaVersion !== 1) return `schemaVersion is ${JSON.stringify(json.schemaVersion)}, not 1`;
  if (json.name !== name) return `it names ${JSON.stringify(json.name)}, not ${JSON.stringify(name)}`;
  const s = json.strategy;
  if (!isRecord(s)) return "strategy is not an object";
  if (s.kind === "single") return undefined;
  if (!isVersion(s.live) || typeof s.since !== "string") return "live or since is missing";
  const count = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
  const pair = (v: unknown) => isRecord(v) && count(v.live) && count(v.canary);
  switch (s.kind) {
    case "silent":
      return isVersion(s.shadow) && count(s.compared) && count(s.agreed) ? undefined : "a silent record wants shadow, compared and agreed";
    case "canary": {
      const t = s.thresholds;
      const ok =
        isVersion(s.canary) &&
        typeof s.share === "number" &&
        s.share > 0 &&
        s.share <= 1 &&
        (s.keyField === undefined || typeof s.keyField === "string") &&
        isRecord(t) &&
        count(t.maxErrorRate) &&
        count(t.minRequests) &&
        (t.maxP99Ms === undefined || count(t.maxP99Ms)) &&
        pair(s.requests) &&
        pair(s.errors) &&
        (s.abortedReason === undefined || typeof s.abortedReason === "string");
      return ok ? undefined : "a canary record wants canary, share, thresholds, requests and errors";
    }
    case "bandit": {
      const ok =
        (s.algorithm === "thompson" || s.algorithm === "ucb1") &&
        Array.isArray(s.arms) &&
        s.arms.length > 0 &&
        s.arms.every((a) => isRecord(a) && isVersion(a.version) && count(a.pulls) && count(a.rewards));
      return ok ? undefined : "a bandit record wants algorithm and arms of {version, pulls, rewards}";
    }
    default:
      return `kind is ${JSON.stringify(s.kind)}`;
  }
}

function isVersion(v: unknown): v is string {
  return typeof v === "string" && isValidRegistryName(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
