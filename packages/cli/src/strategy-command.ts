/**
 * Deployment strategies on the command line: `porta deploy --strategy …` options as the admin
 * API's query, `porta promote` / `porta abort` (admin routes), and `porta shadow-report`, which
 * reads a silent deploy's log offline.
 */
import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { adminRequest, adminToken, missingToken, refused } from "./deploy-command.ts";
import { EXIT } from "./exit-codes.ts";

/** `porta deploy` options that choose how the new version takes traffic. */
export interface StrategyFlags {
  strategy?: string;
  canaryShare?: number;
  canaryKey?: string;
  maxErrorRate?: number;
  maxP99Ms?: number;
  minRequests?: number;
  bandit?: string;
}

/** The deploy's query (`?strategy=canary&share=0.1…`), or "" for a plain deploy; an option the strategy does not take is a usage error. */
export function deployQuery(flags: StrategyFlags): string | { usage: string } {
  const kind = flags.strategy ?? "single";
  if (!["single", "silent", "canary", "bandit"].includes(kind)) return { usage: `unknown --strategy "${kind}" (single, silent, canary or bandit)` };
  const canary: [string, string, unknown][] = [
    ["--canary-share", "share", flags.canaryShare],
    ["--canary-key", "key", flags.canaryKey],
    ["--max-error-rate", "maxErrorRate", flags.maxErrorRate],
    ["--max-p99-ms", "maxP99Ms", flags.maxP99Ms],
    ["--min-requests", "minRequests", flags.minRequests],
  ];
  const params = new URLSearchParams();
  if (flags.strategy !== undefined) params.set("strategy", kind);
  for (const [flag, key, value] of canary) {
    if (value === undefined) continue;
    if (kind !== "canary") return { usage: `${flag} goes with --strategy canary` };
    params.set(key, String(value));
  }
  if (flags.bandit !== undefined) {
    if (kind !== "bandit") return { usage: "--bandit goes with --strategy bandit" };
    if (flags.bandit !== "thompson" && flags.bandit !== "ucb1") return { usage: `unknown --bandit "${flags.bandit}" (thompson or ucb1)` };
    params.set("algorithm", flags.bandit);
  }
  const query = params.toString();
  return query === "" ? "" : `?${query}`;
}

interface View {
  kind: string;
  live?: string;
  shadow?: string;
  canary?: string;
  share?: number;
  algorithm?: string;
  arms?: { version: string; pulls: number; rewards: number; probability: number }[];
  abortedReason?: string;
  compared?: number;
  agreement?: number;
}

/** One line saying how a model's traffic is shared now. */
export function describeStrategy(name: string, s: View): string {
  switch (s.kind) {
    case "silent":
      return `${name} ${s.live} is live; ${s.shadow} scores its traffic silently (porta shadow-report ${name})`;
    case "canary":
      return s.abortedReason === undefined
        ? `${name} ${s.live} is live; canary ${s.canary} takes ${(100 * (s.share ?? 0)).toFixed(1)} % of request keys (porta promote / abort ${name})`
        : `${name} ${s.live} is live; canary ${s.canary} was aborted: ${s.abortedReason}`;
    case "bandit":
      return `${name}: ${s.algorithm} bandit over ${(s.arms ?? []).map((a) => a.version).join(", ")} (rewards: POST /v1/models/${name}/feedback)`;
    default:
      return `${name} ${s.live} is live`;
  }
}

/** `porta promote NAME [--version V]` and `porta abort NAME [--reason TEXT]`. */
export async function strategyCommand(kind: "promote" | "abort", name: string, server: string, opts: { version?: string; reason?: string }): Promise<number> {
  const token = adminToken();
  if (token === undefined) return missingToken(kind);
  const body = kind === "promote" ? (opts.version === undefined ? {} : { version: opts.version }) : opts.reason === undefined ? {} : { reason: opts.reason };
  const answer = await adminRequest(server, `/v1/admin/models/${encodeURIComponent(name)}/${kind}`, token, "application/json", JSON.stringify(body));
  if (answer === undefined) return EXIT.failure;
  const { status, body: reply } = answer;
  if (status === 200 && reply.ok) {
    const r = reply as { live?: string; previous?: string; strategy?: View };
    const what =
      kind === "promote"
        ? `promoted: ${name} ${r.live} is live${r.previous ? ` (was ${r.previous})` : ""}`
        : `aborted: ${describeStrategy(name, r.strategy ?? { kind: "single", live: r.live })}`;
    process.stdout.write(`porta: ${what}\n`);
    return EXIT.ok;
  }
  return refused(status, reply);
}

/** `porta shadow-report NAME (--log FILE | --registry DIR | --redis URL)`: the comparison of a silent deploy's logged answers. */
export async function shadowReportCommand(
  name: string,
  opts: { log?: string; registry?: string; redis?: string; tolerance: number; json?: boolean },
): Promise<number> {
  if ([opts.log, opts.registry, opts.redis].filter((o) => o !== undefined).length !== 1) {
    process.stderr.write(
      "porta: shadow-report needs one of --log FILE, --registry DIR (its logs/shadow/NAME.ndjson) or --redis URL (the stream porta:shadow:NAME)\n",
    );
    return EXIT.usage;
  }
  const { formatShadowReport, readShadowStream, shadowLogFile, shadowReport, shadowStreamKey } = await import("@porta/serve");
  const lines: unknown[] = [];
  let malformed = 0;
  let where: string;
  if (opts.redis !== undefined) {
    where = `${opts.redis} ${shadowStreamKey(name)}`;
    try {
      lines.push(...(await readShadowStream(opts.redis, name)));
    } catch (e) {
      process.stderr.write(`porta: cannot read ${where}: ${(e as Error).message}\n`);
      return EXIT.failure;
    }
  } else {
    const file = opts.log ?? shadowLogFile(join(opts.registry!, "logs"), name);
    where = file;
    if (!existsSync(file)) {
      process.stderr.write(`porta: no shadow log at ${file}\n`);
      return EXIT.failure;
    }
    for await (const text of createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Number.POSITIVE_INFINITY })) {
      if (text.trim() === "") continue;
      try {
        lines.push(JSON.parse(text));
      } catch {
        malformed++;
      }
    }
  }
  const report = shadowReport(name, lines, { absolute: opts.tolerance, relative: opts.tolerance });
  report.skipped += malformed;
  if (opts.json) process.stdout.write(`${JSON.stringify(report, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2)}\n`);
  else process.stdout.write(`${formatShadowReport(report)}\n`);
  if (report.requests === 0) {
    process.stderr.write(`porta: ${where} holds no shadow record of ${name}\n`);
    return EXIT.failure;
  }
  return EXIT.ok;
}
