/**
 * Where a silent deploy's pairs of answers go: one record per request (`ShadowLine`), read back
 * by `porta shadow-report`. The file sink appends NDJSON to DIR/shadow/NAME.ndjson; the Redis
 * sink (`porta serve --redis`) adds to the stream `porta:shadow:NAME`, one entry per request
 * with the record's JSON in its `line` field, so the servers of a fleet log into one place. A sink
 * that falls behind (a slow disk, Redis away) drops records instead of growing without bound, and
 * counts them.
 */
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Redis } from "ioredis";
import type { ShadowLine } from "./compare.ts";

export interface ShadowSink {
  write(line: ShadowLine): void;
  /** Lines dropped because the sink fell behind. */
  readonly dropped: number;
  /** Writes what is buffered and closes. */
  close(): Promise<void>;
}

/** The log file of `model` under `logDir`. */
export function shadowLogFile(logDir: string, model: string): string {
  return join(logDir, "shadow", `${model}.ndjson`);
}

export class FileShadowSink implements ShadowSink {
  readonly #files = new Map<string, WriteStream>();
  #dropped = 0;
  #closed = false;

  constructor(
    readonly logDir: string,
    private readonly maxBufferedBytes = 8 * 1024 * 1024,
  ) {}

  get dropped(): number {
    return this.#dropped;
  }

  write(line: ShadowLine): void {
    if (this.#closed) return;
    let file = this.#files.get(line.model);
    if (file === undefined) {
      const path = shadowLogFile(this.logDir, line.model);
      mkdirSync(join(this.logDir, "shadow"), { recursive: true });
      file = createWriteStream(path, { flags: "a" });
      // A failing disk must not take the server down: the log is an observation, not the answer.
      file.on("error", () => {
        this.#dropped++;
      });
      this.#files.set(line.model, file);
    }
    if (file.writableLength > this.maxBufferedBytes) {
      this.#dropped++;
      return;
    }
    file.write(`${JSON.stringify(line)}\n`);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#files.values()].map((f) => new Promise<void>((resolve) => f.end(resolve))));
    this.#files.clear();
  }
}

/** The Redis stream of `model`'s shadow records. */
export function shadowStreamKey(model: string): string {
  return `porta:shadow:${model}`;
}

export interface RedisShadowSinkOptions {
  /** Entries kept per stream, approximately (XADD MAXLEN ~; default 1 000 000). */
  maxLength?: number;
  /** Records sent and not yet acknowledged beyond which new ones are dropped (default 10 000). */
  maxPending?: number;
}

export class RedisShadowSink implements ShadowSink {
  readonly #client: Redis;
  readonly #maxLength: number;
  readonly #maxPending: number;
  readonly #pending = new Set<Promise<unknown>>();
  #dropped = 0;
  #closed = false;

  constructor(redis: string, options: RedisShadowSinkOptions = {}) {
    // ioredis (CommonJS) loaded on first use, as the result cache loads it.
    const { Redis } = createRequire(import.meta.url)("ioredis") as typeof import("ioredis");
    this.#client = new Redis(redis, { maxRetriesPerRequest: 1, retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), 1000) });
    this.#client.on("error", () => undefined);
    this.#maxLength = options.maxLength ?? 1_000_000;
    this.#maxPending = options.maxPending ?? 10_000;
  }

  get dropped(): number {
    return this.#dropped;
  }

  write(line: ShadowLine): void {
    if (this.#closed) return;
    if (this.#pending.size >= this.#maxPending) {
      this.#dropped++;
      return;
    }
    const sent = this.#client.xadd(shadowStreamKey(line.model), "MAXLEN", "~", String(this.#maxLength), "*", "line", JSON.stringify(line)).catch(() => {
      this.#dropped++;
    });
    this.#pending.add(sent);
    void sent.finally(() => this.#pending.delete(sent));
  }

  /** Waits (at most 2 s) for the records sent, then disconnects. */
  async close(): Promise<void> {
    this.#closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.#pending), new Promise((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
    await this.#client.quit().catch(() => this.#client.disconnect());
  }
}

/** Every record of `model`'s shadow stream in Redis, oldest first (parsed JSON; an unreadable entry is null). */
export async function readShadowStream(redis: string, model: string, pageSize = 1000): Promise<unknown[]> {
  const { Redis } = createRequire(import.meta.url)("ioredis") as typeof import("ioredis");
  const client = new Redis(redis, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on("error", () => undefined);
  try {
    const out: unknown[] = [];
    let start = "-";
    for (;;) {
      const page = await client.xrange(shadowStreamKey(model), start, "+", "COUNT", pageSize);
      for (const [, fields] of page) {
        const at = fields.indexOf("line");
        try {
          out.push(at >= 0 ? JSON.parse(fields[at + 1]!) : null);
        } catch {
          out.push(null);
        }
      }
      if (page.length < pageSize) return out;
      start = `(${page[page.length - 1]![0]}`;
    }
  } finally {
    client.disconnect();
  }
}
