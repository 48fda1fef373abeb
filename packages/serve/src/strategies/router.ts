/**
 * The server side of deployment strategies: which version answers a score request, and what is
 * counted once it has been answered. The registry keeps each model's strategy and the versions it
 * routes to (`ModelSource.strategy`); this module routes, counts into the strategy's record and
 * touches it (the registry writes it, batched), and builds the `strategy` object of
 * `GET /v1/models/:name`.
 *
 *   single  the live version (no strategy: the plain path, one map read more)
 *   silent  the live version answers; after the answer is sent the shadow scores the same rows,
 *           and the pair is compared and logged (never adding to the answer's latency)
 *   canary  the request key (`x-porta-key`, else the configured field of the row, else none: at
 *           random) hashed to [0, 1): below `share` the canary answers, so a key stays on one
 *           version; past a threshold (error rate, p99) over `minRequests` the canary is aborted
 *   bandit  an arm drawn by the algorithm answers; the answer carries a request id
 *           (`x-porta-request-id` and `requestId`) that `POST …/feedback` rewards
 *
 * Only `POST /v1/models/:name/score` is routed; a stream is scored by the live version.
 */
import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ActiveStrategy, BanditRecord, CanaryRecord, SilentRecord } from "@porta/registry";
import { scorerFor, type ServerContext } from "../context.ts";
import { HttpError, rowErrorBody } from "../errors.ts";
import type { ServerMetrics } from "../metrics.ts";
import { type ResultCacheOptions, type Scorer, Scorers } from "../scorer.ts";
import type { LiveModel, ModelSource } from "../source.ts";
import { chooseArm, probabilityBest } from "./bandit.ts";
import { DEFAULT_TOLERANCE, rowAgrees, type ShadowSide, type Tolerance } from "./compare.ts";
import { LatencyHistogram } from "./quantiles.ts";
import { type Random, randomSeed, seededRandom, stableFraction } from "./random.ts";
import { FileShadowSink, type ShadowSink } from "./shadow-log.ts";

export interface StrategyOptions {
  /** Folder of the shadow logs (`shadow/NAME.ndjson`); without it (or `sink`) pairs are compared, not logged. */
  logDir?: string;
  /** Where shadow pairs go instead of the file under `logDir`. */
  sink?: ShadowSink;
  /** Seed of the routing draws (canary requests without a key, bandit arms): a repeatable run. */
  seed?: number;
  /** Request ids remembered for feedback, the oldest forgotten first (default 100 000). */
  feedbackEntries?: number;
  /** How long after its answer a request takes feedback, ms (default 1 hour). */
  feedbackTtlMs?: number;
  /** Numbers agree within this tolerance in a silent deploy's online agreement. */
  tolerance?: Tolerance;
  /** Most shadow scorings waiting or running at once; more are skipped and counted (default 256). */
  maxShadowsPending?: number;
}

/** The request header whose value is the canary's request key. */
export const KEY_HEADER = "x-porta-key";
/** The response header carrying a bandit request's id. */
export const REQUEST_ID_HEADER = "x-porta-request-id";

type Row = Record<string, unknown>;
interface ScoreBody {
  row?: Row;
  rows?: Row[];
  columns?: Record<string, unknown[]>;
}

/** What a routed request carries to its hooks. */
export interface StrategyPick {
  readonly runtime: Runtime;
  /** The version that answers. */
  readonly version: string;
  readonly arm: "live" | "canary" | "arm";
  readonly started: number;
  readonly requestId?: string;
  /** Set before the answer is serialized: what it says and how long scoring took. */
  payload?: unknown;
  scoredMs?: number;
}

/** The `strategy` object of `GET /v1/models/:name`. */
export type StrategyView =
  | { kind: "single"; live: string }
  | { kind: "silent"; live: string; shadow: string; compared: number; agreement: number }
  | {
      kind: "canary";
      live: string;
      canary: string;
      share: number;
      requests: { live: number; canary: number };
      errors: { live: number; canary: number };
      p99Ms: { live: number; canary: number };
      abortedReason?: string;
    }
  | { kind: "bandit"; algorithm: "thompson" | "ucb1"; arms: { version: string; pulls: number; rewards: number; probability: number }[] };

interface FeedbackEntry {
  active: ActiveStrategy;
  version: string;
  at: number;
  rewarded: boolean;
}

export class StrategyRouter {
  readonly #runtimes = new Map<string, Runtime>();
  readonly #feedback = new Map<string, Map<string, FeedbackEntry>>();
  /** Scorers of the versions beside the live ones (the live ones' are the server's), by name and version. */
  readonly #candidates = new Map<string, Scorers>();
  readonly #closing = new Set<Promise<void>>();
  readonly random: Random;
  /** A second stream for estimates (P(best)), so reading a model's strategy never shifts the routing draws. */
  readonly estimates: Random;
  readonly sink?: ShadowSink;
  readonly tolerance: Tolerance;
  readonly feedbackEntries: number;
  readonly feedbackTtlMs: number;
  readonly maxShadowsPending: number;
  shadowsPending = 0;
  shadowsSkipped = 0;

  constructor(
    private readonly source: ModelSource,
    private readonly metrics: ServerMetrics,
    private readonly cacheOptions: ResultCacheOptions | false,
    options: StrategyOptions = {},
  ) {
    const seed = options.seed ?? randomSeed();
    this.random = seededRandom(seed);
    this.estimates = seededRandom(seed ^ 0x5bd1e995);
    this.sink = options.sink ?? (options.logDir === undefined ? undefined : new FileShadowSink(options.logDir));
    this.tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
    this.feedbackEntries = options.feedbackEntries ?? 100_000;
    this.feedbackTtlMs = options.feedbackTtlMs ?? 3_600_000;
    this.maxShadowsPending = options.maxShadowsPending ?? 256;
  }

  /** The scorer of a score request: the live version's, or the one its model's strategy routes it to. */
  scorer(ctx: ServerContext, request: FastifyRequest, reply: FastifyReply, name: string, route: string): Scorer {
    const active = this.source.strategy?.(name);
    if (active === undefined) {
      if (this.#runtimes.size > 0) this.ended(name);
      return scorerFor(ctx, request, name, route);
    }
    const live = this.source.live(name);
    if (live === undefined) return scorerFor(ctx, request, name, route);
    const runtime = this.runtimeOf(name, active);
    const choice = runtime.route(request, live);
    const target = choice.version === live.version ? live : active.model(choice.version);
    const fallback = target === undefined || target === live;
    const scorer = fallback ? ctx.scorers.of(live) : this.candidateScorer(target);
    const pick: StrategyPick = {
      runtime,
      version: scorer.version,
      arm: fallback && choice.arm === "canary" ? "live" : choice.arm,
      started: performance.now(),
      ...(choice.requestId === undefined ? {} : { requestId: choice.requestId }),
    };
    request.porta = { metrics: scorer.metrics(route), rows: 0, pick };
    if (choice.requestId !== undefined) reply.header(REQUEST_ID_HEADER, choice.requestId);
    return scorer;
  }

  /** preSerialization hook of the score route: the answer (a bandit's gets its request id) and the scoring time. */
  readonly capture = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void): void => {
    const pick = request.porta?.pick;
    if (pick !== undefined) {
      pick.scoredMs = performance.now() - pick.started;
      pick.payload = payload;
      if (pick.requestId !== undefined && reply.statusCode === 200 && payload !== null && typeof payload === "object") {
        (payload as { requestId?: string }).requestId = pick.requestId;
      }
    }
    done(null, payload);
  };

  /** onResponse hook of the score route: the answer is out; count it, run the shadow. */
  readonly observe = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const pick = request.porta?.pick;
    if (pick !== undefined) pick.runtime.answered(pick, reply.statusCode, reply.elapsedTime, request.body as ScoreBody | undefined);
    done();
  };

  /** What `GET /v1/models/:name` shows of the strategy: undefined when nothing is live. */
  describe(name: string): StrategyView | undefined {
    const live = this.source.live(name);
    if (live === undefined) return undefined;
    const active = this.source.strategy?.(name);
    if (active === undefined) {
      this.ended(name);
      return { kind: "single", live: live.version };
    }
    return this.runtimeOf(name, active).describe();
  }

  /** `POST /v1/models/:name/feedback`: the reward of a bandit request; returns the arm it went to. */
  feedback(name: string, requestId: string, reward: number): { version: string } {
    if (this.source.live(name) === undefined) {
      throw new HttpError(404, { code: "MODEL_NOT_FOUND", message: `no live model named "${name}"`, path: "/params/name", value: name });
    }
    const entry = this.#feedback.get(name)?.get(requestId);
    if (entry === undefined) {
      throw new HttpError(404, {
        code: "REQUEST_UNKNOWN",
        message: `no request ${requestId} of ${name} is remembered: never answered by a bandit, or forgotten (the last ${this.feedbackEntries} are kept)`,
        path: "/body/requestId",
        value: requestId,
      });
    }
    if (entry.rewarded) {
      throw new HttpError(409, {
        code: "FEEDBACK_DUPLICATE",
        message: `request ${requestId} already has its reward`,
        path: "/body/requestId",
        value: requestId,
      });
    }
    if (Date.now() - entry.at > this.feedbackTtlMs) {
      throw new HttpError(409, {
        code: "REQUEST_EXPIRED",
        message: `request ${requestId} was answered more than ${this.feedbackTtlMs} ms ago: too late for feedback`,
        path: "/body/requestId",
        value: requestId,
      });
    }
    const active = this.source.strategy?.(name);
    const arm = active === entry.active && active.record.kind === "bandit" ? active.record.arms.find((a) => a.version === entry.version) : undefined;
    if (arm === undefined) {
      throw new HttpError(409, {
        code: "STRATEGY_CHANGED",
        message: `${name}'s bandit that answered request ${requestId} has ended (promoted, aborted or replaced)`,
        path: "/body/requestId",
        value: requestId,
      });
    }
    entry.rewarded = true;
    arm.rewards = Math.min(arm.rewards + reward, arm.pulls);
    entry.active.touched();
    return { version: entry.version };
  }

  /** Remembers a bandit request's arm for its feedback (the oldest forgotten past `feedbackEntries`). */
  remember(name: string, requestId: string, entry: FeedbackEntry): void {
    let book = this.#feedback.get(name);
    if (book === undefined) this.#feedback.set(name, (book = new Map()));
    if (book.size >= this.feedbackEntries) book.delete(book.keys().next().value!);
    book.set(requestId, entry);
  }

  /** A scorer of a version beside the live one (its own result cache and metric children). */
  candidateScorer(live: LiveModel): Scorer {
    const key = `${live.name}\0${live.version}`;
    let scorers = this.#candidates.get(key);
    if (scorers === undefined) this.#candidates.set(key, (scorers = new Scorers(this.metrics, this.cacheOptions)));
    return scorers.of(live);
  }

  async close(): Promise<void> {
    for (const scorers of this.#candidates.values()) this.#closing.add(scorers.close());
    this.#candidates.clear();
    await Promise.all(this.#closing);
    await this.sink?.close();
  }

  /** The runtime of `name`'s strategy, rebuilt when the strategy changed (another deploy, an arm added, an abort). */
  private runtimeOf(name: string, active: ActiveStrategy): Runtime {
    const current = this.#runtimes.get(name);
    if (current !== undefined && current.active === active && current.generation === active.generation) return current;
    const record = active.record;
    const runtime =
      record.kind === "silent"
        ? new SilentRuntime(this, name, active, record)
        : record.kind === "canary"
          ? new CanaryRuntime(this, name, active, record, current instanceof CanaryRuntime && current.active === active ? current : undefined)
          : new BanditRuntime(this, name, active, record, current instanceof BanditRuntime && current.active === active ? current : undefined);
    this.#runtimes.set(name, runtime);
    this.pruneCandidates(name, active);
    return runtime;
  }

  /** `name` runs no strategy any more (promoted, aborted, replaced by a plain deploy): its runtime and scorers go. */
  private ended(name: string): void {
    if (!this.#runtimes.delete(name)) return;
    this.pruneCandidates(name, undefined);
  }

  /** Drops the scorers (and result caches) of versions the strategy no longer routes to. */
  private pruneCandidates(name: string, active: ActiveStrategy | undefined): void {
    for (const [key, scorers] of this.#candidates) {
      const [owner, version] = key.split("\0") as [string, string];
      if (owner !== name || active?.model(version) !== undefined) continue;
      this.#candidates.delete(key);
      const closing = scorers.close();
      this.#closing.add(closing);
      void closing.finally(() => this.#closing.delete(closing));
    }
  }
}

interface Choice {
  version: string;
  arm: StrategyPick["arm"];
  requestId?: string;
}

/** One model's running strategy, as this server routes and counts it. */
abstract class Runtime {
  readonly generation: number;
  constructor(
    protected readonly router: StrategyRouter,
    readonly name: string,
    readonly active: ActiveStrategy,
  ) {
    this.generation = active.generation;
  }
  abstract route(request: FastifyRequest, live: LiveModel): Choice;
  abstract answered(pick: StrategyPick, status: number, elapsedMs: number, body: ScoreBody | undefined): void;
  abstract describe(): StrategyView;
}

class SilentRuntime extends Runtime {
  constructor(
    router: StrategyRouter,
    name: string,
    active: ActiveStrategy,
    readonly record: SilentRecord,
  ) {
    super(router, name, active);
  }

  route(_request: FastifyRequest, live: LiveModel): Choice {
    return { version: live.version, arm: "live" };
  }

  answered(pick: StrategyPick, status: number, _elapsedMs: number, body: ScoreBody | undefined): void {
    // A single row answered (200) or refused (422), or a batch of rows: the shadow scores the same after the answer.
    if (body === undefined || (body.row === undefined && body.rows === undefined) || (status !== 200 && status !== 422)) return;
    const router = this.router;
    if (router.shadowsPending >= router.maxShadowsPending) {
      router.shadowsSkipped++;
      return;
    }
    router.shadowsPending++;
    setImmediate(() => {
      void this.shadow(pick, status, body)
        .catch(() => undefined)
        .finally(() => router.shadowsPending--);
    });
  }

  private async shadow(pick: StrategyPick, status: number, body: ScoreBody): Promise<void> {
    const model = this.active.model(this.record.shadow);
    if (model === undefined) return;
    const scorer = this.router.candidateScorer(model);
    const live = liveSide(pick, status, body);
    const started = performance.now();
    const results: (Row | null)[] = [];
    const errors: ShadowSide["errors"] = [];
    if (body.row !== undefined) {
      try {
        results.push(scorer.jsonSafe(await scorer.score(body.row)));
      } catch (e) {
        results.push(null);
        errors.push(errorOf(e, 0));
      }
    } else {
      const rows = body.rows!;
      const options = { onError: "collect" } as const;
      const m = model.model;
      const scored = m.synchronous ? m.scoreBatch(rows, options) : await m.scoreBatchAsync(rows, options);
      for (const r of scored.results) results.push(r === null ? null : scorer.jsonSafe(r));
      for (const e of scored.errors) errors.push({ row: e.row, code: e.code, message: e.message });
    }
    const shadow: ShadowSide = { version: scorer.version, ms: performance.now() - started, results, ...(errors.length > 0 ? { errors } : {}) };
    let agreed = 0;
    for (let i = 0; i < live.results.length; i++) if (rowAgrees(live, shadow, i, this.router.tolerance)) agreed++;
    this.record.compared += live.results.length;
    this.record.agreed += agreed;
    this.active.touched();
    this.router.sink?.write({ at: new Date().toISOString(), model: this.name, rows: live.results.length, live, shadow });
  }

  describe(): StrategyView {
    const r = this.record;
    return { kind: "silent", live: r.live, shadow: r.shadow, compared: r.compared, agreement: r.compared === 0 ? 0 : r.agreed / r.compared };
  }
}

/** The live version's answer as one side of a shadow pair. */
function liveSide(pick: StrategyPick, status: number, body: ScoreBody): ShadowSide {
  const payload = (pick.payload ?? {}) as {
    result?: Row;
    results?: (Row | null)[];
    errors?: { row: number; code: string; message?: string }[];
    code?: string;
    message?: string;
  };
  const ms = pick.scoredMs ?? 0;
  if (status === 422) return { version: pick.version, ms, results: [null], errors: [{ row: 0, code: payload.code ?? "UNKNOWN", message: payload.message }] };
  if (body.row !== undefined) return { version: pick.version, ms, results: [payload.result ?? null] };
  const errors = (payload.errors ?? []).map((e) => ({ row: e.row, code: e.code, message: e.message }));
  return { version: pick.version, ms, results: payload.results ?? [], ...(errors.length > 0 ? { errors } : {}) };
}

function errorOf(e: unknown, row: number): { row: number; code: string; message: string } {
  const body = rowErrorBody(e, "/row");
  return { row, code: body.code, message: body.message };
}

class CanaryRuntime extends Runtime {
  readonly latency: { live: LatencyHistogram; canary: LatencyHistogram };
  aborting = false;

  constructor(
    router: StrategyRouter,
    name: string,
    active: ActiveStrategy,
    readonly record: CanaryRecord,
    previous: CanaryRuntime | undefined,
  ) {
    super(router, name, active);
    // The same canary after an abort: its latencies stay on show.
    this.latency = previous?.latency ?? { live: new LatencyHistogram(), canary: new LatencyHistogram() };
  }

  route(request: FastifyRequest, live: LiveModel): Choice {
    const r = this.record;
    if (r.abortedReason !== undefined || this.aborting) return { version: live.version, arm: "live" };
    const key = requestKey(request, r.keyField);
    const at = key === undefined ? this.router.random() : stableFraction(`${this.name}\0${key}`);
    return at < r.share ? { version: r.canary, arm: "canary" } : { version: live.version, arm: "live" };
  }

  answered(pick: StrategyPick, status: number, elapsedMs: number): void {
    const r = this.record;
    if (r.abortedReason !== undefined) return;
    const arm = pick.arm === "canary" ? "canary" : "live";
    const failed = status >= 500 || status === 422 || hasRowErrors(pick.payload);
    r.requests[arm]++;
    if (failed) r.errors[arm]++;
    this.latency[arm].observe(elapsedMs);
    this.active.touched();
    if (arm === "canary" && !this.aborting) this.judge();
  }

  /** Aborts the canary once it has had enough requests and one threshold is passed. */
  private judge(): void {
    const r = this.record;
    const t = r.thresholds;
    const n = r.requests.canary;
    if (n < t.minRequests) return;
    let reason: string | undefined;
    const rate = r.errors.canary / n;
    if (rate > t.maxErrorRate) reason = `error rate ${rate.toFixed(4)} > ${t.maxErrorRate} over ${n} requests`;
    else if (t.maxP99Ms !== undefined && this.latency.canary.count >= t.minRequests) {
      const p99 = this.latency.canary.quantile(0.99);
      if (p99 > t.maxP99Ms) reason = `p99 latency ${p99.toFixed(2)} ms > ${t.maxP99Ms} ms over ${this.latency.canary.count} requests`;
    }
    if (reason === undefined) return;
    this.aborting = true;
    void this.active.abort(`automatic: ${reason}`).catch(() => undefined);
  }

  describe(): StrategyView {
    const r = this.record;
    return {
      kind: "canary",
      live: r.live,
      canary: r.canary,
      share: r.share,
      requests: { ...r.requests },
      errors: { ...r.errors },
      p99Ms: { live: round(this.latency.live.quantile(0.99)), canary: round(this.latency.canary.quantile(0.99)) },
      ...(r.abortedReason === undefined ? {} : { abortedReason: r.abortedReason }),
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function hasRowErrors(payload: unknown): boolean {
  const errors = (payload as { errors?: unknown[] } | undefined)?.errors;
  return Array.isArray(errors) && errors.length > 0;
}

/** The canary's request key: the `x-porta-key` header, else the key field of the row (or the first row); undefined when none. */
function requestKey(request: FastifyRequest, keyField: string | undefined): string | undefined {
  const header = request.headers[KEY_HEADER];
  if (typeof header === "string" && header !== "") return header;
  if (keyField === undefined) return undefined;
  const body = request.body as ScoreBody | undefined;
  const value = body?.row?.[keyField] ?? body?.rows?.[0]?.[keyField];
  return value === undefined || value === null ? undefined : typeof value === "string" ? value : JSON.stringify(value);
}

/** How many recent pulls UCB1's `probability` (its current share of traffic) is taken over. */
const SHARE_WINDOW = 1000;

class BanditRuntime extends Runtime {
  /** The arm of each of the last SHARE_WINDOW pulls (a ring), for UCB1's share of traffic. */
  readonly recent: Int32Array;
  recentCount = 0;

  constructor(
    router: StrategyRouter,
    name: string,
    active: ActiveStrategy,
    readonly record: BanditRecord,
    previous: BanditRuntime | undefined,
  ) {
    super(router, name, active);
    this.recent = previous?.recent ?? new Int32Array(SHARE_WINDOW);
    this.recentCount = previous?.recentCount ?? 0;
  }

  route(_request: FastifyRequest, live: LiveModel): Choice {
    const arms = this.record.arms.filter((a) => this.active.model(a.version) !== undefined);
    if (arms.length === 0) return { version: live.version, arm: "live" };
    const arm = arms[chooseArm(this.record.algorithm, arms, this.router.random)]!;
    arm.pulls++;
    this.active.touched();
    this.recent[this.recentCount++ % SHARE_WINDOW] = this.record.arms.indexOf(arm);
    const requestId = randomUUID();
    this.router.remember(this.name, requestId, { active: this.active, version: arm.version, at: Date.now(), rewarded: false });
    return { version: arm.version, arm: "arm", requestId };
  }

  answered(): void {}

  describe(): StrategyView {
    const r = this.record;
    const available = r.arms.map((a) => this.active.model(a.version) !== undefined);
    let probabilities: number[];
    if (r.algorithm === "thompson") {
      const arms = r.arms.filter((_, i) => available[i]);
      const p = probabilityBest(arms, this.router.estimates);
      let j = 0;
      probabilities = r.arms.map((_, i) => (available[i] ? p[j++]! : 0));
    } else {
      const n = Math.min(this.recentCount, SHARE_WINDOW);
      const counts = new Array<number>(r.arms.length).fill(0);
      for (let i = 0; i < n; i++) counts[this.recent[i]!]!++;
      probabilities = counts.map((c) => (n === 0 ? 0 : c / n));
    }
    return {
      kind: "bandit",
      algorithm: r.algorithm,
      arms: r.arms.map((a, i) => ({ version: a.version, pulls: a.pulls, rewards: a.rewards, probability: probabilities[i]! })),
    };
  }
}
