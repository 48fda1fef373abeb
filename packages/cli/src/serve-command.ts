import { join } from "node:path";
import type { BackendChoice } from "@porta/runtime";
import { Registry } from "@porta/registry";
import { createServer, DirectorySource, type DeployTarget, type ModelSource, RedisShadowSink } from "@porta/serve";
import { EXIT } from "./exit-codes.ts";
import { type FleetCliOptions, fleetUsageError, startRegistrySync, startStreamWorker } from "./fleet-options.ts";

export interface ServeCommandOptions extends FleetCliOptions {
  models?: string;
  registry?: string;
  port: number;
  host: string;
  redis?: string;
  cache: boolean;
  bodyLimit: number;
  backend: BackendChoice;
  log?: boolean;
  /** The web console at `/` (default on). */
  console?: boolean;
  /** Seed of the strategies' random draws. */
  seed?: number;
}

/**
 * `porta serve`: opens the models (a fixed folder, or the registry with its admin API), listens,
 * and runs until SIGINT or SIGTERM, when it stops taking requests and drains the ones in
 * flight before exiting 0.
 */
export async function serveCommand(opts: ServeCommandOptions): Promise<number> {
  if ((opts.models === undefined) === (opts.registry === undefined)) {
    process.stderr.write("porta: serve needs one of --models DIR (a fixed folder of packages and documents) or --registry DIR (deploys and rollbacks)\n");
    return EXIT.usage;
  }
  const fleetError = fleetUsageError(opts);
  if (fleetError !== undefined) {
    process.stderr.write(`${fleetError}\n`);
    return EXIT.usage;
  }
  const token = process.env.PORTA_ADMIN_TOKEN || undefined;
  let source: ModelSource & { close(): Promise<void> };
  let target: DeployTarget | undefined;
  /** Closed first at exit, last started first: the fleet's sync and stream worker, before the server and the source. */
  const closers: (() => Promise<void>)[] = [];
  let logDir: string | undefined;
  if (opts.registry !== undefined) {
    // A silent deploy's pairs of answers: DIR/logs/shadow/NAME.ndjson (porta shadow-report NAME --registry DIR).
    logDir = join(opts.registry, "logs");
    const registry = await Registry.open(opts.registry, {
      backend: opts.backend,
      // One line per deploy, rollback and restored model: the server's own log of what serves.
      onEvent: (e) => process.stderr.write(`porta: ${e.kind} ${e.ok ? "ok" : "failed"}: ${e.name ?? "?"} ${e.version ?? ""}${e.ok ? "" : ` (${e.reason})`}\n`),
    });
    source = registry;
    // With --redis, deploys and rollbacks go through the fleet: every instance on that Redis follows.
    const sync = opts.redis === undefined ? undefined : await startRegistrySync(registry, opts.redis);
    if (sync) closers.push(() => sync.close());
    target = sync ?? registry;
  } else {
    source = await DirectorySource.open(opts.models!, { backend: opts.backend });
  }
  const server = await createServer({
    source,
    bodyLimit: opts.bodyLimit,
    cache: opts.cache ? (opts.redis === undefined ? {} : { redis: opts.redis }) : false,
    logger: opts.log === true,
    console: opts.console !== false,
    admin: { token, target },
    strategies: {
      // With --redis, shadow records go to the stream porta:shadow:NAME (porta shadow-report NAME --redis URL).
      ...(logDir === undefined ? {} : opts.redis === undefined ? { logDir } : { sink: new RedisShadowSink(opts.redis) }),
      ...(opts.seed === undefined ? {} : { seed: opts.seed }),
    },
  });
  const worker = await startStreamWorker(opts, source, server);
  if (worker) closers.push(() => worker.stop());
  const url = await server.listen({ port: opts.port, host: opts.host });
  const names = source.names();
  const admin = target === undefined ? "" : token === undefined ? "; admin API off (PORTA_ADMIN_TOKEN unset)" : "; admin API on";
  process.stderr.write(`porta: serving ${names.length} model${names.length === 1 ? "" : "s"} (${names.join(", ") || "none"}) at ${url}${admin}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  process.stderr.write(`porta: ${signal}: draining requests, then stopping\n`);
  // The stream worker finishes, writes and acknowledges its batch in flight before stopping.
  for (const close of closers.reverse()) await close();
  await server.close();
  await source.close();
  return EXIT.ok;
}
