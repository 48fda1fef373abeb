import { describe, expect, it } from "vitest";
import { fleetUsageError } from "./fleet-options.ts";

const base = { claimIdleMs: 30_000, batch: 256 };

describe("porta serve's fleet options", () => {
  it("--stream needs --redis and --group, two different stream names; --group and --consumer need --stream", () => {
    expect(fleetUsageError({ ...base })).toBeUndefined();
    expect(fleetUsageError({ ...base, stream: "in:out", group: "g", redis: "redis://h" })).toBeUndefined();
    // The split is at the last colon: IN may itself hold colons (porta:in), OUT may not.
    expect(fleetUsageError({ ...base, stream: "porta:in:out", group: "g", redis: "redis://h" })).toBeUndefined();
    expect(fleetUsageError({ ...base, stream: "in:out", group: "g" })).toMatch(/--stream needs --redis URL/);
    expect(fleetUsageError({ ...base, stream: "in:out", redis: "redis://h" })).toMatch(/--stream needs --group NAME/);
    for (const stream of ["same:same", "in", "in:", ":out"]) {
      expect(fleetUsageError({ ...base, stream, group: "g", redis: "redis://h" })).toMatch(/--stream wants IN:OUT/);
    }
    expect(fleetUsageError({ ...base, group: "g" })).toMatch(/--group and --consumer go with --stream/);
    expect(fleetUsageError({ ...base, consumer: "c" })).toMatch(/--group and --consumer go with --stream/);
  });
});
