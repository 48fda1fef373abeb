/**
 * `porta serve`'s fleet options: `--stream IN:OUT --group NAME` starts a StreamWorker next to the
 * HTTP server (its metrics on the server's /metrics), and `--registry DIR --redis URL` shares
 * deploys and rollbacks through Redis (RegistrySync).
 */
import { hostname } from "node:os";
import { type Registry, RegistrySync, type SyncEvent } from "@porta/registry";
import { type ModelSource, type PortaServer, StreamWorker } from "@porta/serve";

export interface FleetCliOptions {
  redis?: string;
  stream?: string;
  group?: string;
  consumer?: string;
  claimIdleMs: number;
  batch: number;
}

/** The usage error of inconsistent fleet options, or undefined. */
export function fleetUsageError(opts: FleetCliOptions): string | undefined {
  if (opts.stream === undefined) {
    return opts.group !== undefined || opts.consumer !== undefined ? "porta: --group and --consumer go with --stream IN:OUT" : undefined;
  }
  if (parseStreams(opts.stream) === undefined) return `porta: --stream wants IN:OUT, two different stream names; got "${opts.stream}"`;
  if (opts.redis === undefined) return "porta: --stream needs --redis URL (the Redis holding the streams)";
  if (opts.group === undefined) return "porta: --stream needs --group NAME (the consumer group the fleet's workers share)";
  return undefined;
}

/** Starts the stream worker when --stream is given; resolves to it (undefined without --stream). */
export async function startStreamWorker(opts: FleetCliOptions, source: ModelSource, server: PortaServer): Promise<StreamWorker | undefined> {
  const streams = opts.stream === undefined ? undefined : parseStreams(opts.stream);
  if (streams === undefined || opts.redis === undefined || opts.group === undefined) return undefined;
  let lastLogged = 0;
  const worker = await StreamWorker.start({
    source,
    redis: opts.redis,
    ...streams,
    group: opts.group,
    consumer: opts.consumer ?? `${hostname()}-${process.pid}`,
    claimIdleMs: opts.claimIdleMs,
    batch: opts.batch,
    metrics: server.metrics.registry,
    onError: (e) => {
      // At most one line a second while Redis is away: the worker retries by itself.
      if (Date.now() - lastLogged < 1000) return;
      lastLogged = Date.now();
      process.stderr.write(`porta: stream ${streams.input}: Redis failed (${e.message}); its entries stay pending, retrying\n`);
    },
  });
  process.stderr.write(`porta: scoring stream ${streams.input} into ${streams.output} as ${worker.consumer} of group ${opts.group}\n`);
  return worker;
}

/** With --registry and --redis: deploys and rollbacks reach every instance sharing the Redis. */
export async function startRegistrySync(registry: Registry, redis: string): Promise<RegistrySync> {
  return RegistrySync.start(registry, {
    redis,
    instance: `${hostname()}-${process.pid}`,
    onEvent: (e) => process.stderr.write(`porta: fleet ${e.kind} ${e.ok ? "ok" : "failed"}: ${e.name} ${e.version}${e.ok ? "" : ` (${e.reason})${kept(e)}`}\n`),
  });
}

/** What a refused fleet version leaves serving here. */
function kept(e: SyncEvent): string {
  if (e.kind !== "apply") return "; published later";
  return `; ${e.kept === undefined ? "nothing" : e.kept} still serves here`;
}

function parseStreams(text: string): { input: string; output: string } | undefined {
  const at = text.lastIndexOf(":");
  const input = text.slice(0, at);
  const output = text.slice(at + 1);
  return at > 0 && output !== "" && input !== output ? { input, output } : undefined;
}
