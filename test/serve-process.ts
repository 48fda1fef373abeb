/** Test support: `porta serve …` in a child process on a free loopback port, as a user starts it. */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./porta-cli.ts";

const PORTA = join(ROOT, "packages", "cli", "bin", "porta.cjs");

export interface Served {
  child: ChildProcess;
  url: string;
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `porta serve ARGS… --port 0` (extra environment in `env`) and waits for the line naming its URL. */
export function serve(args: string[], env: Record<string, string | undefined> = {}): Promise<Served> {
  const child = spawn(process.execPath, [PORTA, "serve", ...args, "--port", "0"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...env },
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (d: string) => {
      stderr += d;
      const m = / at (http:\/\/\S+?)[;\s]/.exec(stderr);
      if (m)
        resolve({
          child,
          url: m[1]!,
          stderr: () => stderr,
          stop: () => {
            child.kill("SIGTERM");
            return exited;
          },
        });
    });
    void exited.then((code) => reject(new Error(`porta serve exited ${code}: ${stderr}`)));
  });
}
