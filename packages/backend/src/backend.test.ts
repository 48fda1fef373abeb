import { describe, expect, it } from "vitest";
import { resolveLimits } from "@porta/ir/limits";
import {
  lazyBackend,
  NoBackendError,
  refuse,
  registerBackend,
  registeredBackends,
  resolveBackend,
  resolveBackendSync,
  unregisterBackend,
  type ArtifactHooks,
  type Backend,
  type BackendDescriptor,
  type ScoringPlan,
  type Session,
} from "./backend.ts";

const PLAN: ScoringPlan = { format: "pfa", text: "{}", limits: resolveLimits() };

function session(backend: string): Session {
  return { backend, facts: { modelTypes: [], inputFields: [], outputFields: [] }, run: async () => ({ length: 0, columns: new Map(), errors: [] }) };
}

/** A descriptor over an implementation whose loads are counted, per path. */
function counted(name: string, impl: Partial<Backend> & Pick<Backend, "compile">, extra: Partial<BackendDescriptor> = {}) {
  const loads = { async: 0, sync: 0 };
  const full: Backend = { name, description: name, sync: true, formats: ["pfa"], ...impl };
  const backend = lazyBackend({
    name,
    description: name,
    sync: true,
    formats: ["pfa"],
    restores: impl.restore !== undefined,
    load: async () => {
      loads.async++;
      return full;
    },
    loadSync: () => {
      loads.sync++;
      return full;
    },
    ...extra,
  });
  return { backend, loads };
}

describe("lazyBackend: a backend's implementation loads on first compile (issue 13, start-up)", () => {
  it("creating it loads nothing; the async resolution imports once, however many models", async () => {
    const { backend, loads } = counted("lazy-a", { compile: () => session("lazy-a") });
    expect(loads).toEqual({ async: 0, sync: 0 });
    registerBackend("lazy-a", backend, 1);
    try {
      const first = await resolveBackend({ backends: ["lazy-a"] }, PLAN);
      await resolveBackend({ backends: ["lazy-a"] }, PLAN);
      expect(first.session.backend).toBe("lazy-a");
      expect(loads).toEqual({ async: 1, sync: 0 });
    } finally {
      unregisterBackend("lazy-a");
    }
  });

  it("the sync resolution (loadModelSync) loads through loadSync, never through the import", async () => {
    const { backend, loads } = counted("lazy-b", { compile: () => session("lazy-b") });
    registerBackend("lazy-b", backend, 1);
    try {
      expect(resolveBackendSync({ backends: ["lazy-b"] }, PLAN).session.backend).toBe("lazy-b");
      expect(loads).toEqual({ async: 0, sync: 1 });
    } finally {
      unregisterBackend("lazy-b");
    }
  });

  it("a backend passed over (format, sync) is never loaded; a refusal is still reported with its reason", async () => {
    const pmmlOnly = counted("lazy-pmml", { compile: () => session("lazy-pmml") }, { formats: ["pmml"] });
    const refusing = counted("lazy-refuses", { compile: () => refuse("not this one") });
    registerBackend("lazy-pmml", pmmlOnly.backend, 1);
    registerBackend("lazy-refuses", refusing.backend, 1);
    try {
      await expect(resolveBackend({ backends: ["lazy-pmml", "lazy-refuses"], format: "pfa" }, PLAN)).rejects.toMatchObject({
        code: "NO_BACKEND",
        refusals: [
          { backend: "lazy-pmml", reason: "scores pmml documents only" },
          { backend: "lazy-refuses", reason: "not this one" },
        ],
      });
      expect(pmmlOnly.loads).toEqual({ async: 0, sync: 0 });
      expect(refusing.loads).toEqual({ async: 1, sync: 0 });
    } finally {
      unregisterBackend("lazy-pmml");
      unregisterBackend("lazy-refuses");
    }
  });

  it("restore goes to the loaded implementation; a descriptor that does not restore has no restore", () => {
    const restored = session("lazy-r");
    const { backend } = counted("lazy-r", { compile: () => refuse("compile not wanted"), restore: () => restored });
    expect(backend.restore).toBeDefined();
    backend.loadSync!();
    expect(backend.restore!({ code: "", meta: {} }, restored.facts)).toBe(restored);
    expect(counted("lazy-n", { compile: () => session("lazy-n") }).backend.restore).toBeUndefined();
  });

  it("without a synchronous loader, the sync path says so instead of loading", () => {
    const { backend } = counted("lazy-async", { compile: () => session("lazy-async") }, { loadSync: undefined });
    expect(() => backend.compile(PLAN)).toThrow(/no synchronous loader/);
  });

  it("a plan built asynchronously is awaited by resolveBackend (the PMML reader imported on first need)", async () => {
    let built = 0;
    const { backend } = counted("lazy-plan", { compile: (plan) => (plan === PLAN ? session("lazy-plan") : refuse("wrong plan")) });
    registerBackend("lazy-plan", backend, 1);
    try {
      const r = await resolveBackend({ backends: ["lazy-plan"] }, async () => {
        built++;
        return PLAN;
      });
      expect(r.session.backend).toBe("lazy-plan");
      expect(built).toBe(1);
    } finally {
      unregisterBackend("lazy-plan");
    }
  });

  describe("a stored artifact is restored through loadRestorer when the descriptor has one (a cache hit loads no compiler)", () => {
    const artifact = { code: "kernel", meta: { constants: [] } };
    /** Hooks over one stored artifact, recording what resolution did with it. */
    function storedHooks() {
      const events: string[] = [];
      const hooks: ArtifactHooks = {
        stored: () => ({ artifact, facts: session("x").facts }),
        unreadable: (b) => events.push(`unreadable ${b.name}`),
        compiled: (b) => events.push(`compiled ${b.name}`),
      };
      return { hooks, events };
    }

    it("the async resolution imports the restorer for the artifact, never the implementation", async () => {
      const restored = session("lazy-rr");
      const seen: unknown[] = [];
      const { backend, loads } = counted(
        "lazy-rr",
        { compile: () => refuse("compile not wanted"), restore: () => session("from the implementation") },
        {
          loadRestorer: async (a) => {
            seen.push(a);
            return () => restored;
          },
        },
      );
      registerBackend("lazy-rr", backend, 1);
      const { hooks, events } = storedHooks();
      try {
        const r = await resolveBackend({ backends: ["lazy-rr"] }, PLAN, hooks);
        expect(r).toMatchObject({ restored: true, refusals: [] });
        expect(r.session).toBe(restored);
        expect(seen).toEqual([artifact]);
        expect(loads).toEqual({ async: 0, sync: 0 });
        expect(events).toEqual([]);
      } finally {
        unregisterBackend("lazy-rr");
      }
    });

    it("an artifact the restorer cannot read is forgotten, then the implementation loads and compiles", async () => {
      const { backend, loads } = counted(
        "lazy-rf",
        { compile: () => session("lazy-rf"), restore: () => session("never") },
        {
          loadRestorer: async () => () => {
            throw new Error("unreadable artifact");
          },
        },
      );
      registerBackend("lazy-rf", backend, 1);
      const { hooks, events } = storedHooks();
      try {
        const r = await resolveBackend({ backends: ["lazy-rf"] }, PLAN, hooks);
        expect(r).toMatchObject({ restored: false, session: { backend: "lazy-rf" } });
        expect(loads).toEqual({ async: 1, sync: 0 });
        expect(events).toEqual(["unreadable lazy-rf", "compiled lazy-rf"]);
      } finally {
        unregisterBackend("lazy-rf");
      }
    });

    it("the sync resolution (loadModelSync) restores through the implementation it requires", () => {
      const restored = session("lazy-rs");
      let restorers = 0;
      const { backend, loads } = counted(
        "lazy-rs",
        { compile: () => refuse("compile not wanted"), restore: () => restored },
        {
          loadRestorer: async () => {
            restorers++;
            return () => session("never");
          },
        },
      );
      registerBackend("lazy-rs", backend, 1);
      try {
        expect(resolveBackendSync({ backends: ["lazy-rs"] }, PLAN, storedHooks().hooks).session).toBe(restored);
        expect({ loads, restorers }).toEqual({ loads: { async: 0, sync: 1 }, restorers: 0 });
      } finally {
        unregisterBackend("lazy-rs");
      }
    });
  });
});

describe("autoRefusal: auto passes over a backend that says why (a GPU backend without a GPU)", () => {
  const gpu = (compiled: string[]): Backend => ({
    name: "x-gpu",
    description: "x-gpu",
    sync: false,
    formats: ["pfa"],
    autoRefusal: async () => "no GPU adapter",
    compile: () => {
      compiled.push("x-gpu");
      return session("x-gpu");
    },
  });
  const cpu: Backend = { name: "x-cpu", description: "x-cpu", sync: true, formats: ["pfa"], compile: () => session("x-cpu") };

  it("auto: never compiled, the reason kept apart from the document's refusals; named: compiled", async () => {
    const compiled: string[] = [];
    registerBackend("x-gpu", gpu(compiled), 1001);
    registerBackend("x-cpu", cpu, 1000);
    try {
      const r = await resolveBackend({ backends: ["auto"], format: "pfa" }, PLAN);
      expect(r.session.backend).toBe("x-cpu");
      expect(r.refusals).toEqual([]);
      expect(r.passedOver).toEqual([{ backend: "x-gpu", reason: "auto passes over it: no GPU adapter" }]);
      expect(compiled).toEqual([]);
      const named = await resolveBackend({ backends: ["x-gpu", "auto"], format: "pfa" }, PLAN);
      expect(named.session.backend).toBe("x-gpu");
      expect(compiled).toEqual(["x-gpu"]);
    } finally {
      unregisterBackend("x-gpu");
      unregisterBackend("x-cpu");
    }
  });

  it("when nothing scores, the NoBackendError lists the pass-over with the refusals", async () => {
    // Only these two registered for the while (the test setup registers porta's own backends).
    const others = registeredBackends();
    for (const r of others) unregisterBackend(r.name);
    registerBackend("x-gpu", gpu([]), 2);
    registerBackend("x-refuses", { ...cpu, name: "x-refuses", compile: () => refuse("no <Thing>") }, 1);
    try {
      const err = await resolveBackend({ backends: ["auto"] }, PLAN).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NoBackendError);
      expect((err as NoBackendError).refusals).toEqual([
        { backend: "x-gpu", reason: "auto passes over it: no GPU adapter" },
        { backend: "x-refuses", reason: "no <Thing>" },
      ]);
    } finally {
      unregisterBackend("x-gpu");
      unregisterBackend("x-refuses");
      for (const r of others) registerBackend(r.name, r.backend, r.priority);
    }
  });
});
