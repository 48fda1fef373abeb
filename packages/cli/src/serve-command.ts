import type { BackendChoice } from "@porta/runtime";
import { createServer, DirectorySource, type ModelSource } from "@porta/serve";
import { EXIT } from "./exit-codes.ts";

export interface ServeCommandOptions {
  models?: string;
  port: number;
  host: string;
  redis?: string;
  cache: boolean;
  bodyLimit: number;
  backend: BackendChoice;
  log?: boolean;
}

/**
 * `porta serve`: loads the models, listens, and runs until SIGINT or SIGTERM, when it stops
 * taking requests and drains the ones in flight before exiting 0.
 */
export async function serveCommand(opts: ServeCommandOptions): Promise<number> {
  if (opts.models === undefined) {
    process.stderr.write("porta: serve needs --models DIR (a folder of model packages and documents)\n");
    return EXIT.usage;
  }
  const directory = await DirectorySource.open(opts.models, { backend: opts.backend });
  const source: ModelSource & { close(): Promise<void> } = directory;
  const server = await createServer({
    source,
    bodyLimit: opts.bodyLimit,
    cache: opts.cache ? (opts.redis === undefined ? {} : { redis: opts.redis }) : false,
    logger: opts.log === true,
  });
  const url = await server.listen({ port: opts.port, host: opts.host });
  const names = source.names();
  process.stderr.write(`porta: serving ${names.length} model${names.length === 1 ? "" : "s"} (${names.join(", ") || "none"}) at ${url}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  process.stderr.write(`porta: ${signal}: draining requests, then stopping\n`);
  await server.close();
  await source.close();
  return EXIT.ok;
}
