import { type ArtifactCache, artifactKey, type JsonValue } from "@porta/cache/artifacts";
import type { ArtifactHooks, Backend, ModelFacts } from "@porta/backend";
import runtimePackage from "../package.json" with { type: "json" };

/** Part of every artifact key: a new Porta version never reads an older version's code. */
export const PORTA_VERSION: string = runtimePackage.version;

/**
 * Bumped whenever the reader or a backend starts giving other answers or refusing other
 * documents between releases (here: the hostile-input checks, nested MiningField values, the
 * backend seam, PFA programs compiled with emit and fold results): part of the artifact key, so
 * code compiled under older rules is never reused.
 */
const ARTIFACT_RULES = 4;

/** What loading through the artifact cache did, for `porta score --verbose`. */
export interface ArtifactLoad {
  hit: boolean;
  /** Key of the artifact used or stored (the chosen backend's). */
  key: string;
  /** Milliseconds spent parsing and compiling (0 on a hit) and reading/writing artifacts. */
  compileMs: number;
  cacheMs: number;
}

/**
 * The artifact key of a document (its text, or the file's bytes: the same key for UTF-8) for one
 * backend: backends never read each other's artifacts.
 */
export function backendArtifactKey(document: string | Buffer, backend: string): string {
  return artifactKey(document, backend, `${PORTA_VERSION}+rules.${ARTIFACT_RULES}`);
}

/**
 * Hooks that let backend resolution read and write the compiled-artifact cache, and account
 * for the time spent. A hit skips parsing and compiling; a backend without `restore` (or a
 * session without an artifact) is never stored.
 */
export function artifactHooks(document: string | Buffer, cache: ArtifactCache): ArtifactHooks & { load(backend: string, started: number): ArtifactLoad } {
  let cacheMs = 0;
  // Encoded once, however many backends are tried (tens of ms for a large document).
  let bytes: Buffer | undefined;
  const keyOf = (backend: string): string => backendArtifactKey((bytes ??= typeof document === "string" ? Buffer.from(document, "utf8") : document), backend);
  let hitKey: string | undefined;
  const timed = <T>(f: () => T): T => {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      cacheMs += performance.now() - t0;
    }
  };
  return {
    stored(b: Backend) {
      const key = keyOf(b.name);
      const artifact = timed(() => cache.get(key));
      if (!artifact) return undefined;
      hitKey = key;
      return { artifact, facts: artifact.meta.facts as unknown as ModelFacts };
    },
    unreadable(b: Backend) {
      hitKey = undefined;
      timed(() => cache.delete(keyOf(b.name)));
    },
    compiled(b: Backend, session) {
      if (!b.restore) return;
      const stored = session.artifact?.();
      if (!stored) return;
      const facts = JSON.parse(JSON.stringify(session.facts)) as JsonValue;
      timed(() => {
        try {
          cache.put(keyOf(b.name), { code: stored.code, meta: { ...(stored.meta as { [k: string]: JsonValue }), facts } });
        } catch {
          // An unwritable cache never fails a load.
        }
      });
    },
    load(backend: string, started: number): ArtifactLoad {
      const total = performance.now() - started;
      const hit = hitKey !== undefined;
      return { hit, key: hitKey ?? keyOf(backend), compileMs: hit ? 0 : Math.max(0, total - cacheMs), cacheMs };
    },
  };
}
