/**
 * Registry state shared through Redis: a deploy or rollback on one instance reaches every
 * instance started on the same Redis (`porta serve --registry DIR --redis URL`).
 *
 *   PREFIX:live              hash: model name → {"version", "hash", "at", "by"}: what the fleet serves
 *   PREFIX:package:<hash>    the package .tgz of a version, under its content hash (set once, never changed)
 *   PREFIX:changes           pub/sub channel: a model name whose live version changed
 *   PREFIX:instance:<id>     hash: model name → what this instance made of the fleet's live version
 *                            ({"version", "ok", "live", "code"?, "reason"?, "at"})
 *
 * Each instance keeps its own registry folder and its own gates: a version it receives is
 * deployed there as any upload is (validate, load, end-to-end, confidence, store, switch), or,
 * when that version is already stored with the same content hash, switched to as a rollback is.
 * An instance that cannot load it keeps serving what it served and says so (its instance hash,
 * an event, `status()`). The `live` hash is the truth, messages only a nudge: every instance
 * re-reads it on each message and on every (re)connection, so a message missed while Redis
 * was away changes nothing.
 */
import { createRequire } from "node:module";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Redis, RedisOptions } from "ioredis";
import * as tar from "tar";
import { KeyedQueue } from "./keyed-queue.ts";
import type { DeployOutcome, RollbackOutcome } from "./outcomes.ts";
import type { PackageSource } from "./receive.ts";
import type { Registry } from "./registry.ts";
import { versionFolder } from "./versions.ts";

export interface RegistrySyncOptions {
  /** A Redis URL (`redis://127.0.0.1:6379/0`) or ioredis options; two connections are opened. */
  redis: string | RedisOptions;
  /** Prefix of every key and of the channel (default `porta:registry`): one fleet per prefix. */
  prefix?: string;
  /** This instance's name in `PREFIX:instance:<id>` (default: a random one). */
  instance?: string;
  /** Called once per version published and per fleet version applied (or refused) here. */
  onEvent?: (event: SyncEvent) => void;
}

export type SyncEvent =
  | { kind: "publish"; ok: boolean; name: string; version: string; reason?: string }
  /** `kept`: the version this instance still serves after a refusal (undefined: none). */
  | { kind: "apply"; ok: boolean; name: string; version: string; reason?: string; code?: string; kept?: string };

/** What the fleet wants live for one model (`PREFIX:live`). */
export interface FleetVersion {
  version: string;
  hash: string;
  at: string;
  by: string;
}

/** What this instance made of the fleet's live version of one model. */
export interface AppliedVersion {
  version: string;
  ok: boolean;
  /** The version this instance serves now. */
  live?: string;
  code?: string;
  reason?: string;
  at: string;
}

const DEFAULT_PREFIX = "porta:registry";
/** Every sync step runs on this one queue key: a converge must not undo a local deploy about to be published. */
const ALL = "*";

export class RegistrySync {
  readonly instance: string;
  readonly #registry: Registry;
  readonly #prefix: string;
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #queue = new KeyedQueue();
  readonly #onEvent: (event: SyncEvent) => void;
  readonly #applied = new Map<string, AppliedVersion>();
  /** Local deploys and rollbacks not yet published (Redis was away): published on reconnection, before converging. */
  readonly #unpublished = new Map<string, string>();
  #closed = false;

  private constructor(registry: Registry, options: RegistrySyncOptions) {
    this.#registry = registry;
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    this.instance = options.instance ?? `instance-${Math.random().toString(36).slice(2, 10)}`;
    this.#onEvent = options.onEvent ?? (() => undefined);
    // ioredis (CommonJS) on first use, as elsewhere.
    const { Redis } = createRequire(import.meta.url)("ioredis") as typeof import("ioredis");
    const connect = () => (typeof options.redis === "string" ? new Redis(options.redis) : new Redis({ ...options.redis }));
    this.#commands = connect();
    this.#subscriber = connect();
    for (const client of [this.#commands, this.#subscriber]) client.on("error", () => undefined); // failures surface per call
  }

  /**
   * Subscribes to the fleet's changes and converges `registry` to the fleet's live versions
   * before resolving (a new instance serves what the fleet serves).
   */
  static async start(registry: Registry, options: RegistrySyncOptions): Promise<RegistrySync> {
    const sync = new RegistrySync(registry, options);
    try {
      await sync.#subscriber.subscribe(sync.#key("changes"));
      sync.#subscriber.on("message", (_channel: string, name: string) => sync.#background(() => sync.#converge(name)));
      // ioredis subscribes again after a reconnection; what was published meanwhile is read from the hash.
      sync.#subscriber.on("ready", () => sync.#background(() => sync.#resync()));
      await sync.#enqueue(() => sync.#convergeAll());
    } catch (e) {
      await sync.close();
      throw e;
    }
    return sync;
  }

  /** Deploys here (every gate, as `Registry.deploy`), then publishes the version to the fleet. */
  deploy(source: PackageSource): Promise<DeployOutcome> {
    return this.#enqueue(async () => {
      const outcome = await this.#registry.deploy(source);
      if (outcome.ok) await this.#publish(outcome.name, outcome.version);
      return outcome;
    });
  }

  /** Rolls back here (as `Registry.rollback`), then publishes the version to the fleet. */
  rollback(name: string, version?: string): Promise<RollbackOutcome> {
    return this.#enqueue(async () => {
      const outcome = await this.#registry.rollback(name, version);
      if (outcome.ok) await this.#publish(outcome.name, outcome.version);
      return outcome;
    });
  }

  /** What this instance made of each model's fleet version. */
  status(): Record<string, AppliedVersion> {
    return Object.fromEntries([...this.#applied].map(([name, applied]) => [name, { ...applied }]));
  }

  /** Resolves once every change received so far has been applied. */
  idle(): Promise<void> {
    return this.#queue.idle();
  }

  /** Stops listening and closes the connections (the registry stays open: its owner closes it). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue.idle();
    await Promise.all([this.#subscriber, this.#commands].map((c) => c.quit().catch(() => c.disconnect())));
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    return this.#queue.run(ALL, task);
  }

  /** A step no caller waits for (a message, a reconnection): its failure is an event, never an unhandled rejection. */
  #background(task: () => Promise<void>): void {
    this.#enqueue(task).catch((e: unknown) =>
      this.#onEvent({ kind: "apply", ok: false, name: "*", version: "", reason: `cannot read the fleet's state: ${messageOf(e)}` }),
    );
  }

  async #resync(): Promise<void> {
    for (const [name, version] of [...this.#unpublished]) await this.#publish(name, version);
    await this.#convergeAll();
  }

  /** Stores the package's bytes under its content hash (once), sets the fleet's live version, and tells the fleet. */
  async #publish(name: string, version: string): Promise<void> {
    try {
      const stored = this.#registry.info(name)?.versions.find((v) => v.version === version);
      if (!stored) throw new Error(`${name} ${version} is not stored here`);
      const packageKey = this.#key(`package:${stored.hash}`);
      if ((await this.#commands.exists(packageKey)) === 0) {
        const { root } = versionFolder(join(this.#registry.dir, "models", name, "versions"), version);
        await this.#commands.set(packageKey, await packFolder(root), "NX");
      }
      const wanted: FleetVersion = { version, hash: stored.hash, at: new Date().toISOString(), by: this.instance };
      await this.#commands.multi().hset(this.#key("live"), name, JSON.stringify(wanted)).publish(this.#key("changes"), name).exec();
      this.#unpublished.delete(name);
      this.#report(name, { version, ok: true, live: version });
      this.#onEvent({ kind: "publish", ok: true, name, version });
    } catch (e) {
      this.#unpublished.set(name, version);
      this.#onEvent({ kind: "publish", ok: false, name, version, reason: messageOf(e) });
    }
  }

  async #convergeAll(): Promise<void> {
    const live = await this.#commands.hkeys(this.#key("live"));
    for (const name of live.sort()) await this.#converge(name);
  }

  /** Makes the fleet's live version of `name` live here, if it is not; reports the outcome. */
  async #converge(name: string): Promise<void> {
    if (this.#closed || this.#unpublished.has(name)) return;
    let wanted: FleetVersion;
    try {
      const text = await this.#commands.hget(this.#key("live"), name);
      if (text === null) return;
      wanted = JSON.parse(text) as FleetVersion;
    } catch (e) {
      this.#onEvent({ kind: "apply", ok: false, name, version: "", reason: `cannot read the fleet's live version: ${messageOf(e)}` });
      return;
    }
    const info = this.#registry.info(name);
    const stored = info?.versions.find((v) => v.version === wanted.version);
    if (info?.live === wanted.version && stored?.hash === wanted.hash) {
      if (this.#applied.get(name)?.version !== wanted.version)
        this.#applied.set(name, { version: wanted.version, ok: true, live: wanted.version, at: new Date().toISOString() });
      return;
    }
    let refusal: { code: string; reason: string } | undefined;
    if (stored && stored.hash !== wanted.hash) {
      refusal = {
        code: "REGISTRY_VERSION_CONFLICT",
        reason: `${name} ${wanted.version} is stored here with other content (${stored.hash}, the fleet's is ${wanted.hash})`,
      };
    } else if (stored) {
      const outcome = await this.#registry.rollback(name, wanted.version);
      if (!outcome.ok) refusal = outcome;
    } else {
      const bytes = await this.#commands.getBuffer(this.#key(`package:${wanted.hash}`)).catch(() => null);
      if (bytes === null) refusal = { code: "FLEET_PACKAGE_MISSING", reason: `the package of ${name} ${wanted.version} (${wanted.hash}) is not in Redis` };
      else {
        const outcome = await this.#registry.deploy(bytes);
        if (!outcome.ok) refusal = { code: outcome.code, reason: `${outcome.stage}: ${outcome.reason}` };
        else if (outcome.name !== name || outcome.version !== wanted.version) {
          refusal = { code: "FLEET_PACKAGE_MISMATCH", reason: `the package stored for ${name} ${wanted.version} holds ${outcome.name} ${outcome.version}` };
        }
      }
    }
    const live = this.#registry.live(name)?.version;
    const at = new Date().toISOString();
    if (refusal === undefined) {
      this.#report(name, { version: wanted.version, ok: true, live, at });
      this.#onEvent({ kind: "apply", ok: true, name, version: wanted.version });
    } else {
      this.#report(name, { version: wanted.version, ok: false, live, code: refusal.code, reason: refusal.reason, at });
      this.#onEvent({ kind: "apply", ok: false, name, version: wanted.version, code: refusal.code, reason: refusal.reason, kept: live });
    }
  }

  /** Records the outcome here and in `PREFIX:instance:<id>` (best effort: Redis may be away). */
  #report(name: string, applied: Omit<AppliedVersion, "at"> & { at?: string }): void {
    const record: AppliedVersion = { ...applied, at: applied.at ?? new Date().toISOString() };
    this.#applied.set(name, record);
    void this.#commands.hset(this.#key(`instance:${this.instance}`), name, JSON.stringify(record)).catch(() => undefined);
  }

  #key(suffix: string): string {
    return `${this.#prefix}:${suffix}`;
  }
}

/** The stored package folder as .tgz bytes (what another instance's deploy receives). */
async function packFolder(root: string): Promise<Buffer> {
  const entries = (await readdir(root)).sort();
  const chunks: Buffer[] = [];
  for await (const chunk of tar.create({ gzip: true, cwd: root, portable: true }, entries)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
