/**
 * The registry: every version of every model package kept on disk, one live version per model.
 *
 *   DIR/models/NAME/state.json                   live version + history (durable.ts writes it whole)
 *   DIR/models/NAME/versions/VERSION/package/    the package exactly as verified (immutable)
 *   DIR/models/NAME/versions/VERSION/version.json  its content hash and verification summary
 *   DIR/models/NAME/strategy.json                a silent, canary or bandit deploy running beside the live version (strategy-state.ts)
 *   DIR/tmp/                                     staging; emptied at open (an interrupted deploy leaves nothing else)
 *   DIR/registry.lock/                           proper-lockfile's lock: one process owns the folder
 *
 * A deploy passes receive → validate → load → end-to-end → confidence → store → switch. Only the
 * switch changes what serves, and only after state.json is durable: until then the previous
 * LiveModel keeps serving, so any failure leaves it as it was. `open` restores exactly the live
 * versions state.json names.
 */
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DeployError, isPortaError } from "@porta/ir/errors";
import type { Limits } from "@porta/ir/limits";
import {
  formatProblems,
  loadPackageModel,
  type PackageManifest,
  type PackageProblem,
  type PackageVerification,
  validateOpened,
  verifyOpened,
} from "@porta/model-package";
import type { BackendChoice, Model } from "@porta/runtime";
import { removeTempFiles, renameDurable, syncFolder, syncTree } from "./durable.ts";
import { KeyedQueue } from "./keyed-queue.ts";
import { type FolderLock, lockFolder } from "./lock.ts";
import { checkRegistryName, isValidRegistryName } from "./names.ts";
import type { ChangeListener, DeployOutcome, DeployStage, LiveModel, ModelInfo, RegistryEvent, RollbackOutcome, VersionInfo } from "./outcomes.ts";
import { type PackageSource, contentHash, receivePackage } from "./receive.ts";
import { type HistoryEntry, type ModelState, STATE_FILE, readState, rollbackTarget, switched, writeState } from "./state.ts";
import { type StoredVersion, VERSION_RECORD, type VersionRecord, readVersions, summarise, versionFolder } from "./versions.ts";
import { type ActiveStrategy, type DeployOptions, STRATEGY_FILE, Strategies, type StrategyOutcome } from "./strategy-state.ts";

export interface RegistryOptions {
  /** Backend choice passed to loadModel (default "auto"). */
  backend?: BackendChoice;
  /** "sync" (default): live models score on the synchronous path; "async" admits async-only backends (onnx). */
  scoring?: "sync" | "async";
  /** Resource limits for loading and scoring (see @porta/ir Limits). */
  limits?: Partial<Limits>;
  /** A replaced live model is disposed this long after the switch, so requests already holding it finish (default 30 s). */
  retireAfterMs?: number;
  /** Called once per deploy/rollback outcome and per restored model at open (for logs/metrics). */
  onEvent?: (event: RegistryEvent) => void;
  /** A strategy's counters (canary requests, bandit pulls and rewards) are written at most this often (default 1 s) and at close. */
  strategyFlushMs?: number;
}

/** One model in memory: its durable state, its stored versions, and the live instance. */
interface ModelEntry {
  name: string;
  state: ModelState;
  versions: Map<string, StoredVersion>;
  broken: { version: string; reason: string }[];
  live?: LiveModel;
  /** Why state.json cannot be trusted: the model is not served and deploys to it are refused. */
  unreadable?: string;
  /** Why the live version named by state.json did not load at open. */
  restoreFailure?: string;
}

/** What a deploy knows so far: the stage it is in, and the name and version once read. */
interface Attempt {
  started: number;
  stage: DeployStage;
  name?: string;
  version?: string;
}

interface Refusal {
  code: string;
  reason: string;
  problems?: PackageProblem[];
  report?: PackageVerification;
}

const DEFAULT_RETIRE_MS = 30_000;

export class Registry {
  private readonly models = new Map<string, ModelEntry>();
  private readonly queue = new KeyedQueue();
  private readonly listeners = new Set<ChangeListener>();
  private readonly retiring = new Map<Model, NodeJS.Timeout>();
  /** Holds on replaced models (streams scoring on the version they started with), by model. */
  private readonly holds = new Map<Model, number>();
  /** Replaced models whose grace period is over, disposed when their last hold is released. */
  private readonly retired = new Set<Model>();
  private readonly receiving = new Set<Promise<DeployOutcome>>();
  private closed = false;
  private lock?: FolderLock;
  private readonly strategies: Strategies;

  private constructor(
    /** The registry's folder (absolute). */
    readonly dir: string,
    private readonly options: RegistryOptions,
  ) {
    this.strategies = new Strategies({
      file: (name) => join(this.modelDir(name), STRATEGY_FILE),
      live: (name) => this.live(name),
      retire: (model) => this.retire(model),
      run: (name, task) => this.queue.run(name, task),
      emit: (event) => this.emit(event),
      writable: () => this.lock !== undefined && this.lock.lost === undefined,
      flushMs: options.strategyFlushMs ?? 1000,
    });
  }

  /**
   * Opens (creating it if need be) the registry in `dir` and restores the live configuration:
   * each live version is loaded again (not re-verified: it passed when deployed). A model whose
   * state.json or live version cannot be read, or whose stored files changed since they were
   * verified (content hash), is reported (a `restore` event, ok false) and not
   * served; the others are unaffected. Throws REGISTRY_LOCKED while another process (or another
   * Registry not yet closed) holds the folder.
   */
  static async open(dir: string, options: RegistryOptions = {}): Promise<Registry> {
    const registry = new Registry(resolve(dir), options);
    try {
      await mkdir(registry.dir, { recursive: true });
      registry.lock = await lockFolder(registry.dir);
      await registry.restore();
    } catch (e) {
      await registry.close();
      if (isPortaError(e)) throw e;
      const { code, reason } = refusalOf(e);
      throw new DeployError(code, `cannot open the registry in ${registry.dir}: ${reason}`, { path: registry.dir, value: dir, cause: e });
    }
    return registry;
  }

  /** Names of the models the registry holds, sorted (served or not). */
  names(): string[] {
    return [...this.models.keys()].sort();
  }

  /** The live version of `name`, or undefined: a map read, for every request. */
  live(name: string): LiveModel | undefined {
    return this.models.get(name)?.live;
  }

  /** Every stored version of `name`, its history and why it is not served (if so); undefined for an unknown name. */
  info(name: string): ModelInfo | undefined {
    const entry = this.models.get(name);
    if (!entry) return undefined;
    const lastLive = new Map(entry.state.history.map((h) => [h.version, h.at]));
    const versions: VersionInfo[] = [...entry.versions.entries()]
      .map(([version, stored]) => ({
        version,
        ...(lastLive.has(version) ? { deployedAt: lastLive.get(version) } : {}),
        storedAt: stored.record.storedAt,
        live: entry.live?.version === version,
        manifest: stored.manifest,
        verification: stored.record.verification,
        hash: stored.record.hash,
      }))
      .sort((a, b) => a.storedAt.localeCompare(b.storedAt) || a.version.localeCompare(b.version));
    const problem = entry.unreadable ?? entry.restoreFailure;
    return {
      name,
      ...(entry.live ? { live: entry.live.version } : {}),
      versions,
      history: entry.state.history.map((h) => ({ ...h })),
      ...(problem === undefined ? {} : { problem }),
      ...(entry.broken.length > 0 ? { broken: entry.broken.map((b) => ({ ...b })) } : {}),
    };
  }

  /**
   * Deploys a package (a folder, a .tgz path, or .tgz bytes): it must validate, load, pass its
   * end-to-end set and its confidence metric before it is stored and switched to. Never throws: a
   * refusal says the stage, the reason and the code, and the live version keeps serving.
   * Deploys of one name run one at a time; other names run alongside.
   */
  deploy(source: PackageSource, options: DeployOptions = {}): Promise<DeployOutcome> {
    // close() waits for deploys still receiving (not yet queued): they write in DIR/tmp.
    const run = this.deployNow(source, options);
    this.receiving.add(run);
    void run.then(() => this.receiving.delete(run));
    return run;
  }

  private async deployNow(source: PackageSource, options: DeployOptions): Promise<DeployOutcome> {
    const attempt: Attempt = { started: performance.now(), stage: "receive" };
    let staging: string | undefined;
    try {
      this.assertWritable();
      staging = await mkdtemp(join(this.tmpDir, "deploy-"));
      const root = await receivePackage(source, staging);
      attempt.stage = "validate";
      const { problems, manifest } = validateOpened(root);
      if (!manifest) return this.refuse(attempt, { code: problems[0]?.code ?? "PACKAGE_INVALID", reason: problemsText(problems), problems });
      attempt.name = manifest.name;
      attempt.version = manifest.model.version;
      const name = checkRegistryName("name", manifest.name, "/name");
      checkRegistryName("version", manifest.model.version, "/model/version");
      const stagingDir = staging;
      return await this.queue.run(name, () => this.deployValidated(attempt, stagingDir, root, manifest, options));
    } catch (e) {
      return this.refuse(attempt, refusalOf(e));
    } finally {
      // After a stored deploy the staging folder is the version folder's former name: nothing is left.
      if (staging !== undefined) await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  /** The serialised part of a deploy (one name at a time): version check, load, verify, store, switch. */
  private async deployValidated(attempt: Attempt, staging: string, root: string, manifest: PackageManifest, options: DeployOptions): Promise<DeployOutcome> {
    this.assertWritable();
    const name = manifest.name;
    const version = manifest.model.version;
    const entry = this.models.get(name) ?? emptyEntry(name);
    attempt.stage = "store";
    if (entry.unreadable !== undefined) {
      throw new DeployError("REGISTRY_STATE_UNREADABLE", `${name} is not deployable until its ${STATE_FILE} is repaired: ${entry.unreadable}`, {
        path: this.stateFile(name),
        value: entry.unreadable,
      });
    }
    const strategy = options.strategy?.kind === "single" ? undefined : options.strategy;
    if (strategy !== undefined && entry.live === undefined) {
      attempt.stage = "switch";
      throw new DeployError("REGISTRY_NOTHING_LIVE", `a ${strategy.kind} deploy runs beside the live version, and ${name} has none: deploy it plainly first`, {
        path: "/strategy",
        value: strategy.kind,
      });
    }
    const hash = await contentHash(root);
    const stored = entry.versions.get(version);
    if (stored && stored.record.hash !== hash) {
      throw new DeployError(
        "REGISTRY_VERSION_CONFLICT",
        `${name} ${version} is stored with other content; versions are immutable: give the model a new version`,
        {
          path: "/model/version",
          value: { version, stored: stored.record.hash, received: hash },
        },
      );
    }
    attempt.stage = "load";
    const loadStarted = performance.now();
    const model = await loadPackageModel(root, manifest, this.loadOptions());
    const loadMs = performance.now() - loadStarted;
    let serving = false;
    try {
      attempt.stage = "end-to-end";
      const report = { ...(await verifyOpened(root, { model })), loadMs };
      const failed = verificationRefusal(report);
      if (failed) {
        attempt.stage = failed.stage;
        return this.refuse(attempt, failed);
      }
      attempt.stage = "store";
      const kept = stored ?? (await this.store(entry, staging, version, hash, report));
      attempt.stage = "switch";
      const previous = entry.state.live;
      if (strategy !== undefined) {
        const staged = await this.strategies.stage(name, strategy, { name, version, model, manifest: kept.manifest, deployedAt: new Date().toISOString() });
        serving = staged.kept;
        return this.deployed(attempt, { name, version, switched: false, report, strategy: structuredClone(staged.record) });
      }
      if (previous === version && entry.live?.version === version) {
        await this.strategies.afterSwitch(name, version);
        return this.deployed(attempt, { name, version, switched: false, report });
      }
      await this.switchTo(entry, version, "deploy", model, kept.manifest);
      serving = true;
      return this.deployed(attempt, { name, version, ...(previous === undefined ? {} : { previous }), switched: true, report });
    } finally {
      if (!serving) await model.dispose();
    }
  }

  /** Writes the version record, flushes the staged package and renames it into versions/. */
  private async store(entry: ModelEntry, staging: string, version: string, hash: string, report: PackageVerification): Promise<StoredVersion> {
    const record: VersionRecord = { schemaVersion: 1, version, hash, storedAt: new Date().toISOString(), verification: summarise(report) };
    await writeFile(join(staging, VERSION_RECORD), `${JSON.stringify(record, null, 2)}\n`);
    await syncTree(staging);
    const versionsDir = this.versionsDir(entry.name);
    await mkdir(versionsDir, { recursive: true });
    await syncFolder(this.modelsDir);
    await syncFolder(this.modelDir(entry.name));
    const { dir, root } = versionFolder(versionsDir, version);
    await renameDurable(staging, dir);
    const { manifest } = validateOpened(root);
    if (!manifest)
      throw new DeployError("REGISTRY_STORE_FAILED", `${entry.name} ${version} did not read back after it was stored`, { path: dir, value: version });
    const kept: StoredVersion = { record, manifest, root };
    entry.versions.set(version, kept);
    this.models.set(entry.name, entry);
    return kept;
  }

  /** state.json first (durable), then the in-memory pointer: a crash in between restores the old live version. */
  private async switchTo(entry: ModelEntry, version: string, action: HistoryEntry["action"], model: Model, manifest: PackageManifest): Promise<void> {
    const at = new Date().toISOString();
    const next = switched(entry.state, version, action, at);
    await mkdir(this.modelDir(entry.name), { recursive: true });
    await writeState(this.stateFile(entry.name), next);
    const replaced = entry.live;
    const previous = entry.state.live;
    entry.state = next;
    entry.live = { name: entry.name, version, model, manifest, deployedAt: at };
    entry.restoreFailure = undefined;
    this.models.set(entry.name, entry);
    if (replaced) this.retire(replaced.model);
    await this.strategies.afterSwitch(entry.name, version);
    this.notify({ name: entry.name, version, ...(previous === undefined ? {} : { previous }) });
  }

  /**
   * Switches `name` back to `version`, by default to the version live before the current one.
   * The stored package is loaded again (not re-verified: it passed when deployed; its content
   * hash is checked).
   */
  async rollback(name: string, version?: string): Promise<RollbackOutcome> {
    if (!isValidRegistryName(name)) return this.rollbackRefused(name, "REGISTRY_NAME_INVALID", `${JSON.stringify(name)} is not a registry name`);
    if (version !== undefined && !isValidRegistryName(version)) {
      return this.rollbackRefused(name, "REGISTRY_VERSION_INVALID", `${JSON.stringify(version)} is not a registry version`);
    }
    return this.queue.run(name, async () => {
      try {
        return await this.rollbackChecked(name, version);
      } catch (e) {
        const { code, reason } = refusalOf(e);
        return this.rollbackRefused(name, code, reason, version);
      }
    });
  }

  private async rollbackChecked(name: string, version: string | undefined): Promise<RollbackOutcome> {
    this.assertWritable();
    const entry = this.models.get(name);
    if (!entry) return this.rollbackRefused(name, "REGISTRY_UNKNOWN_MODEL", `the registry holds no model ${name}`);
    if (entry.unreadable !== undefined) return this.rollbackRefused(name, "REGISTRY_STATE_UNREADABLE", entry.unreadable);
    const current = entry.state.live;
    if (current === undefined) return this.rollbackRefused(name, "REGISTRY_NOTHING_LIVE", `${name} has never been live`);
    const target = version ?? rollbackTarget(entry.state.history);
    if (target === undefined) return this.rollbackRefused(name, "REGISTRY_NO_EARLIER_VERSION", `${name} has no version live before ${current}`);
    const stored = entry.versions.get(target);
    if (!stored) return this.rollbackRefused(name, "REGISTRY_UNKNOWN_VERSION", `${name} has no stored version ${target}`, target);
    if (target === current && entry.live) return this.rollbackRefused(name, "REGISTRY_ALREADY_LIVE", `${name} ${target} is already live`, target);
    const model = await this.loadStored(name, stored);
    try {
      await this.switchTo(entry, target, "rollback", model, stored.manifest);
    } catch (e) {
      await model.dispose();
      throw e;
    }
    this.emit({ kind: "rollback", ok: true, name, version: target, previous: current });
    return { ok: true, name, version: target, previous: current };
  }

  /** The strategy `name` runs beside its live version (silent, canary, bandit), or undefined (single): a map read, for every request. */
  strategy(name: string): ActiveStrategy | undefined {
    return this.strategies.get(name);
  }

  /**
   * Makes the version a strategy runs beside the live one live (the shadow, the canary, or a
   * bandit's arm: `version`, else the best mean reward), already loaded; the strategy ends.
   */
  promote(name: string, version?: string): Promise<StrategyOutcome> {
    return this.strategyChange("promote", name, version, async (entry) => {
      const target = this.strategies.promotable(name, version);
      const previous = entry.live!.version;
      if (target.version === previous) await this.strategies.afterSwitch(name, previous);
      else await this.switchTo(entry, target.version, "deploy", target.model, target.manifest);
      return { ok: true, name, live: target.version, ...(target.version === previous ? {} : { previous }) };
    });
  }

  /** Ends a strategy, the live version unchanged: a canary stays on record as aborted with `reason`; silent and bandit end. */
  abort(name: string, reason = "aborted by an operator"): Promise<StrategyOutcome> {
    return this.strategyChange("abort", name, undefined, () => this.strategies.abort(name, reason));
  }

  private strategyChange(
    kind: "promote" | "abort",
    name: string,
    version: string | undefined,
    change: (entry: ModelEntry) => Promise<StrategyOutcome>,
  ): Promise<StrategyOutcome> {
    const refused = (code: string, reason: string): StrategyOutcome => {
      this.emit({ kind, ok: false, name, ...(version === undefined ? {} : { version }), reason, code });
      return { ok: false, name, code, reason, ...(version === undefined ? {} : { version }) };
    };
    if (!isValidRegistryName(name)) return Promise.resolve(refused("REGISTRY_NAME_INVALID", `${JSON.stringify(name)} is not a registry name`));
    return this.queue.run(name, async () => {
      try {
        this.assertWritable();
        const entry = this.models.get(name);
        if (entry?.live === undefined) return refused(entry ? "REGISTRY_NOTHING_LIVE" : "REGISTRY_UNKNOWN_MODEL", `the registry serves no model ${name}`);
        const outcome = await change(entry);
        if (!outcome.ok) return refused(outcome.code, outcome.reason);
        this.emit({ kind, ok: true, name, version: outcome.live, ...(outcome.previous === undefined ? {} : { previous: outcome.previous }) });
        return outcome;
      } catch (e) {
        const { code, reason } = refusalOf(e);
        return refused(code, reason);
      }
    });
  }

  /** Calls `listener` after each switch (deploy or rollback); returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Waits for deploys and rollbacks under way, then disposes every model; later deploys are refused. */
  async close(): Promise<void> {
    if (this.closed && this.lock === undefined) return;
    this.closed = true;
    await Promise.all(this.receiving);
    await this.queue.idle();
    const candidates = await this.strategies.close();
    const models = [...candidates, ...this.retiring.keys(), ...this.retired, ...[...this.models.values()].flatMap((e) => (e.live ? [e.live.model] : []))];
    for (const timer of this.retiring.values()) clearTimeout(timer);
    this.retiring.clear();
    this.retired.clear();
    for (const entry of this.models.values()) entry.live = undefined;
    await Promise.allSettled(models.map((m) => m.dispose()));
    await this.lock?.release();
    this.lock = undefined;
  }

  /** Deploys and rollbacks change the folder: refused once closed, or once another process took the lock over. */
  private assertWritable(): void {
    if (this.closed) throw new DeployError("REGISTRY_CLOSED", "the registry is closed");
    const lost = this.lock?.lost;
    if (lost !== undefined)
      throw new DeployError("REGISTRY_LOCK_LOST", `the registry folder's lock was lost (${lost}): restart to take it again`, { path: this.dir });
  }

  // --- open ---

  private async restore(): Promise<void> {
    await mkdir(this.modelsDir, { recursive: true });
    // Staging folders of deploys a crash interrupted: never renamed into versions/, so never part of the registry.
    await rm(this.tmpDir, { recursive: true, force: true });
    await mkdir(this.tmpDir);
    for (const name of (await readdir(this.modelsDir)).sort()) {
      if (!isValidRegistryName(name) || !(await stat(this.modelDir(name))).isDirectory()) continue;
      const entry = await this.readModel(name).catch((e: unknown) => ({ ...emptyEntry(name), unreadable: refusalOf(e).reason }));
      this.models.set(name, entry);
      if (entry.unreadable !== undefined) this.emit({ kind: "restore", ok: false, name, version: "", reason: entry.unreadable });
      else if (entry.state.live !== undefined) {
        await this.restoreLive(entry, entry.state.live);
        await this.strategies.restore(name, async (version) => {
          const stored = entry.versions.get(version);
          if (!stored) throw new DeployError("REGISTRY_UNKNOWN_VERSION", `version ${version} is not stored`, { path: this.versionsDir(name), value: version });
          return { name, version, model: await this.loadStored(name, stored), manifest: stored.manifest, deployedAt: stored.record.storedAt };
        });
      }
    }
  }

  private async readModel(name: string): Promise<ModelEntry> {
    await removeTempFiles(this.modelDir(name));
    const { versions, broken } = await readVersions(this.versionsDir(name));
    const entry: ModelEntry = { ...emptyEntry(name), versions, broken };
    const file = this.stateFile(name);
    if (!(await exists(file))) return entry;
    const read = await readState(file, name);
    if ("problem" in read) entry.unreadable = read.problem;
    else entry.state = read.state;
    return entry;
  }

  private async restoreLive(entry: ModelEntry, version: string): Promise<void> {
    const stored = entry.versions.get(version);
    try {
      if (!stored) {
        const broken = entry.broken.find((b) => b.version === version);
        throw new DeployError("REGISTRY_UNKNOWN_VERSION", `live version ${version} is not stored${broken ? `: ${broken.reason}` : ""}`, {
          path: this.versionsDir(entry.name),
          value: version,
        });
      }
      const model = await this.loadStored(entry.name, stored);
      const at = [...entry.state.history].reverse().find((h) => h.version === version)?.at ?? stored.record.storedAt;
      entry.live = { name: entry.name, version, model, manifest: stored.manifest, deployedAt: at };
      this.emit({ kind: "restore", ok: true, name: entry.name, version });
    } catch (e) {
      entry.restoreFailure = `live version ${version} cannot be served: ${refusalOf(e).reason}`;
      this.emit({ kind: "restore", ok: false, name: entry.name, version, reason: entry.restoreFailure });
    }
  }

  // --- outcomes, events ---

  private refuse(attempt: Attempt, refusal: Refusal): DeployOutcome {
    const ms = performance.now() - attempt.started;
    const who = { ...(attempt.name === undefined ? {} : { name: attempt.name }), ...(attempt.version === undefined ? {} : { version: attempt.version }) };
    this.emit({ kind: "deploy", ok: false, ...who, stage: attempt.stage, reason: refusal.reason, code: refusal.code, ms });
    return { ok: false, stage: attempt.stage, ...who, ...refusal };
  }

  private deployed(attempt: Attempt, outcome: Omit<Extract<DeployOutcome, { ok: true }>, "ok">): DeployOutcome {
    const { name, version, previous, switched, strategy } = outcome;
    const as = strategy === undefined ? {} : { strategy: strategy.kind };
    this.emit({
      kind: "deploy",
      ok: true,
      name,
      version,
      ...(previous === undefined ? {} : { previous }),
      switched,
      ...as,
      ms: performance.now() - attempt.started,
    });
    return { ...outcome, ok: true };
  }

  private rollbackRefused(name: string, code: string, reason: string, version?: string): RollbackOutcome {
    this.emit({ kind: "rollback", ok: false, name, ...(version === undefined ? {} : { version }), reason, code });
    return { ok: false, name, reason, code };
  }

  /** A listener that throws must not undo a switch that happened: its error is dropped. */
  private emit(event: RegistryEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // the event's consumer (a logger) failing is not the registry's outcome
    }
  }

  private notify(change: Parameters<ChangeListener>[0]): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // as in emit: the switch stands
      }
    }
  }

  /**
   * Keeps `model` from being disposed once it is replaced, until the returned release is called:
   * a stream keeps scoring on the version it started with, however long it runs after a switch.
   * Releasing twice counts once. `close()` disposes every model whatever its holds.
   */
  hold(model: Model): () => void {
    this.holds.set(model, (this.holds.get(model) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.holds.get(model) ?? 1) - 1;
      if (left > 0) {
        this.holds.set(model, left);
        return;
      }
      this.holds.delete(model);
      if (this.retired.delete(model)) void model.dispose().catch(() => undefined);
    };
  }

  /** Requests may still use a replaced model: it is disposed after a grace period (or its last hold), or at close. */
  private retire(model: Model): void {
    const timer = setTimeout(() => {
      this.retiring.delete(model);
      if (this.holds.has(model)) this.retired.add(model);
      else void model.dispose().catch(() => undefined);
    }, this.options.retireAfterMs ?? DEFAULT_RETIRE_MS);
    timer.unref();
    this.retiring.set(model, timer);
  }

  /** A stored version loaded again: not re-verified, but its files must be the bytes that passed. */
  private async loadStored(name: string, stored: StoredVersion): Promise<Model> {
    await assertIntact(name, stored);
    return loadPackageModel(stored.root, stored.manifest, this.loadOptions());
  }

  private loadOptions() {
    return { backend: this.options.backend, scoring: this.options.scoring ?? "sync", limits: this.options.limits } as const;
  }

  // --- layout ---

  private get modelsDir(): string {
    return join(this.dir, "models");
  }
  private get tmpDir(): string {
    return join(this.dir, "tmp");
  }
  private modelDir(name: string): string {
    return join(this.modelsDir, name);
  }
  private versionsDir(name: string): string {
    return join(this.modelDir(name), "versions");
  }
  private stateFile(name: string): string {
    return join(this.modelDir(name), STATE_FILE);
  }
}

function emptyEntry(name: string): ModelEntry {
  return { name, state: { schemaVersion: 1, name, history: [] }, versions: new Map(), broken: [] };
}

/**
 * A stored version is served again (restart, rollback) without re-running its sets, on the
 * strength of having passed them: so its files must still be the bytes that passed.
 */
async function assertIntact(name: string, stored: StoredVersion): Promise<void> {
  const hash = await contentHash(stored.root);
  if (hash !== stored.record.hash) {
    throw new DeployError("REGISTRY_VERSION_CHANGED", `the stored files of ${name} ${stored.record.version} changed after it was verified`, {
      path: stored.root,
      value: { stored: stored.record.hash, found: hash },
    });
  }
}

/** The gate a verification report failed, if any. */
function verificationRefusal(report: PackageVerification): (Refusal & { stage: DeployStage }) | undefined {
  if (report.problems.length > 0) {
    // Declared inputs/outputs the loaded model lacks: porta.json does not describe this model.
    return { stage: "validate", code: report.problems[0]!.code, reason: problemsText(report.problems), problems: report.problems, report };
  }
  const e2e = report.endToEnd;
  if (e2e && e2e.failures.length > 0) {
    const first = e2e.failures[0]!;
    return {
      stage: "end-to-end",
      code: "REGISTRY_END_TO_END_FAILED",
      reason: `${e2e.rows - e2e.passed} of ${e2e.rows} end-to-end rows disagree (${e2e.file}); first: ${first.message}`,
      report,
    };
  }
  const c = report.confidence;
  if (c && !c.ok)
    return { stage: "confidence", code: "REGISTRY_CONFIDENCE_FAILED", reason: `${c.file}: ${c.message ?? `${c.metric} is out of range`}`, report };
  return undefined;
}

function problemsText(problems: readonly PackageProblem[]): string {
  return formatProblems(problems)
    .split("\n")
    .map((l) => l.trim())
    .join("; ");
}

/** Any error as a refusal: a PortaError keeps its code, path and value; a system error (ENOSPC, EACCES) its errno code. */
function refusalOf(e: unknown): Refusal {
  if (isPortaError(e)) return { code: e.code, reason: e.message, problems: [{ code: e.code, path: e.path ?? "", message: e.message, value: e.value }] };
  const error = e instanceof Error ? e : new Error(String(e));
  const errno = (error as NodeJS.ErrnoException).code;
  return { code: errno === undefined ? "REGISTRY_FAILED" : `REGISTRY_IO_${errno}`, reason: error.message };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
