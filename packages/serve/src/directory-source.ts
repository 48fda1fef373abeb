import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { DeployError, ParseError, SchemaError } from "@porta/ir/errors";
import type { Limits } from "@porta/ir/limits";
import { MANIFEST_FILE, formatProblems, validateOpened, type PackageManifest } from "@porta/model-package";
import { loadModel, type BackendChoice, type Model } from "@porta/runtime";
import type { LiveModel, ModelChange, ModelSource, ModelSummary } from "./source.ts";

/** A model's name in URLs and metrics: the registry's name rule (porta.json `name`). */
export const MODEL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Extensions of plain model documents served from a directory (anything else is left alone). */
const DOCUMENT_EXTENSIONS = new Set([".pmml", ".xml", ".pfa", ".json", ".yaml", ".yml"]);

export interface DirectorySourceOptions {
  /** Which backend scores (as `loadModel`'s `backend`). */
  backend?: BackendChoice;
  limits?: Partial<Limits>;
}

interface Entry {
  live: LiveModel;
  summary: ModelSummary;
}

/**
 * Serves what a folder holds when the server starts, openscoring-style: each subfolder with a
 * porta.json is a model package (validated, then its document loaded; name and version from the
 * manifest), and each plain document (.pmml, .xml, .pfa, .json, .yaml) is a model named after
 * its file, versioned by the first 12 hex digits of its SHA-256 (so a changed file is a new
 * version, and result caches keyed by version never mix the two). Nothing changes afterwards:
 * deploys and rollbacks are the registry's.
 *
 * Any entry that is not servable makes `open` fail, naming the entry: a server that silently
 * leaves a model out answers 404 where its users expect scores.
 */
export class DirectorySource implements ModelSource {
  readonly dir: string;
  readonly #entries: Map<string, Entry>;

  private constructor(dir: string, entries: Map<string, Entry>) {
    this.dir = dir;
    this.#entries = entries;
  }

  static async open(dir: string, options: DirectorySourceOptions = {}): Promise<DirectorySource> {
    const root = resolve(dir);
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      throw new ParseError("MODELS_DIR_NOT_FOUND", `no model folder at ${dir}`, { path: dir, value: dir });
    }
    const entries = new Map<string, Entry>();
    const loadedAt = new Date().toISOString();
    try {
      for (const item of readdirSync(root, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        if (item.name.startsWith(".")) continue;
        const path = join(root, item.name);
        const live = item.isDirectory()
          ? existsSync(join(path, MANIFEST_FILE))
            ? await loadPackage(path, options, loadedAt)
            : undefined
          : item.isFile() && DOCUMENT_EXTENSIONS.has(extname(item.name).toLowerCase())
            ? await loadDocument(path, item.name, options, loadedAt)
            : undefined;
        if (!live) continue;
        const taken = entries.get(live.name);
        if (taken) {
          await live.model.dispose();
          throw new SchemaError("MODEL_NAME_TAKEN", `two entries serve the model "${live.name}"`, { path, value: live.name });
        }
        entries.set(live.name, {
          live,
          summary: { name: live.name, live: live.version, versions: [{ version: live.version, live: true, deployedAt: loadedAt, manifest: live.manifest }] },
        });
      }
    } catch (e) {
      await Promise.all([...entries.values()].map((entry) => entry.live.model.dispose()));
      throw e;
    }
    return new DirectorySource(root, entries);
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }

  info(name: string): ModelSummary | undefined {
    return this.#entries.get(name)?.summary;
  }

  live(name: string): LiveModel | undefined {
    return this.#entries.get(name)?.live;
  }

  /** A folder read once never changes its models: the listener is never called. */
  onChange(_listener: (change: ModelChange) => void): () => void {
    return () => undefined;
  }

  /** Releases every model's backend resources. */
  async close(): Promise<void> {
    await Promise.all([...this.#entries.values()].map((entry) => entry.live.model.dispose()));
    this.#entries.clear();
  }
}

async function loadPackage(path: string, options: DirectorySourceOptions, loadedAt: string): Promise<LiveModel> {
  const validation = validateOpened(path);
  const manifest: PackageManifest | undefined = validation.manifest;
  if (!manifest) {
    throw new DeployError("PACKAGE_INVALID", `the model package ${path} is not valid:\n${formatProblems(validation.problems)}`, {
      path,
      value: validation.problems.map((p) => p.code),
    });
  }
  const model = await load(join(path, manifest.model.file), options, manifest.model.format);
  return { name: manifest.name, version: manifest.model.version, model, manifest, deployedAt: loadedAt };
}

async function loadDocument(path: string, file: string, options: DirectorySourceOptions, loadedAt: string): Promise<LiveModel> {
  const name = file.slice(0, file.length - extname(file).length);
  if (!MODEL_NAME.test(name)) {
    throw new SchemaError("MODEL_NAME_INVALID", `a served model's name must match ${MODEL_NAME.source}: rename the file`, { path, value: name });
  }
  const version = createHash("sha256").update(readFileSync(path)).digest("hex").slice(0, 12);
  const model = await load(path, options);
  return { name, version, model, deployedAt: loadedAt };
}

async function load(path: string, options: DirectorySourceOptions, format?: "pmml" | "pfa"): Promise<Model> {
  try {
    return await loadModel(path, { backend: options.backend, limits: options.limits, scoring: "sync", ...(format ? { format } : {}) });
  } catch (e) {
    // The cause keeps the loader's code, path and value; this error says which served file it was.
    const reason = e instanceof Error ? e.message : String(e);
    throw new DeployError("MODEL_LOAD_FAILED", `cannot load ${path}: ${reason}`, { path, value: (e as { code?: unknown }).code, cause: e });
  }
}
