/**
 * One process owns a registry folder: two servers deploying into one folder would each switch
 * state.json from their own memory and lose the other's deploys. proper-lockfile holds a lock
 * folder whose mtime it refreshes; a lock not refreshed for `stale` ms (its process died without
 * releasing it) is taken over, on a local or a network file system alike.
 */
import { join } from "node:path";
import { DeployError } from "@porta/ir/errors";
import lockfile from "proper-lockfile";

export const LOCK_NAME = "registry.lock";

/** A lock older than this is a dead process's (proper-lockfile refreshes it every stale/2 ms). */
const STALE_MS = 10_000;

export interface FolderLock {
  release(): Promise<void>;
  /** Why the lock was lost (another process took it over, its folder removed), once it was. */
  readonly lost?: string;
}

/** Locks `dir` (which exists) for this process, or throws REGISTRY_LOCKED naming the lock. */
export async function lockFolder(dir: string): Promise<FolderLock> {
  const lockPath = join(dir, LOCK_NAME);
  const state: { lost?: string } = {};
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: lockPath,
      stale: STALE_MS,
      realpath: false,
      // The default throws from a timer (the process would crash): the registry refuses deploys instead.
      onCompromised: (e) => {
        state.lost = e.message;
      },
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ELOCKED") throw e;
    throw new DeployError("REGISTRY_LOCKED", `the registry in ${dir} is open in another process (or another Registry of this one)`, {
      path: lockPath,
      value: dir,
    });
  }
  return {
    release: async () => {
      if (state.lost === undefined) await release();
    },
    get lost() {
      return state.lost;
    },
  };
}
