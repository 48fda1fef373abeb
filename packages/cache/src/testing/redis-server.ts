/**
 * A real, throwaway `redis-server` (Debian package `redis-server`) for tests and benchmarks:
 * loopback only, a free port, no persistence. Imported as `@porta/cache/testing`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RedisServerHandle {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** The server process id while it runs. */
  readonly pid: number | undefined;
  /** Kills the server abruptly (SIGKILL), like a crash; resolves once it has exited. */
  kill(): Promise<void>;
  /** Freezes (SIGSTOP) / thaws (SIGCONT) the server: connections stay open, replies stop. */
  pause(): void;
  resume(): void;
  /** Starts the server again on the same port (after `kill` or `stop`). */
  restart(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
}

/** Servers of this process, killed if the process exits without stopping them. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Starts `redis-server` on a free loopback port with `--save "" --appendonly no`.
 * Throws, loudly, when `redis-server` is not installed: tests that need Redis must fail, not skip.
 */
export async function startRedisServer(): Promise<RedisServerHandle> {
  const which = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (which.error || which.status !== 0) {
    throw new Error(
      "redis-server is not on PATH: the Redis cache tests and the `cache` benchmark need a real server. " +
        "Install the Debian package (`apt-get install -y redis-server`; .ci/run does this).",
    );
  }
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const child of running) child.kill("SIGKILL");
    });
  }
  const dir = mkdtempSync(join(tmpdir(), "porta-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const proc = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--logfile", "", "--daemonize", "no"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    child = proc;
    running.add(proc);
    let output = "";
    proc.stdout?.on("data", (chunk: Buffer) => {
      if (output.length < 8192) output += chunk.toString();
    });
    proc.stderr?.on("data", (chunk: Buffer) => {
      if (output.length < 8192) output += chunk.toString();
    });
    proc.on("exit", () => running.delete(proc));
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(port))) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`redis-server exited during start on port ${port}:\n${output}`);
      }
      if (Date.now() > deadline) {
        proc.kill("SIGKILL");
        throw new Error(`redis-server did not answer PING on port ${port} within 10 s:\n${output}`);
      }
      await sleep(20);
    }
  };

  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill("SIGCONT"); // a paused server cannot handle SIGTERM
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    kill: () => terminate("SIGKILL"),
    pause: () => void child?.kill("SIGSTOP"),
    resume: () => void child?.kill("SIGCONT"),
    restart: async () => {
      await terminate("SIGKILL");
      await launch();
    },
    stop: async () => {
      await terminate("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port the OS has just handed out on 127.0.0.1, released for the server to take. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One inline PING over a raw socket; true on `+PONG`. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
