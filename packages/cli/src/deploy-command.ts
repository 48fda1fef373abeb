import { readFile, readdir, stat } from "node:fs/promises";
import { EXIT } from "./exit-codes.ts";

/** The answer of an admin request, as the server types it. */
interface AdminAnswer {
  ok?: boolean;
  code?: string;
  message?: string;
  name?: string;
  version?: string;
  previous?: string;
  switched?: boolean;
  stage?: string;
  problems?: { code: string; path: string; message: string }[];
  verification?: { endToEnd?: { rows: number; passed: number; failures: { row: number; field?: string; message: string }[] } };
  /** A deploy beside the live version: how the model's traffic is shared now. */
  strategy?: { kind: string; live?: string };
}

/** `porta deploy PKG --server URL [--strategy …]`: uploads the package (a folder is packed to .tgz first); `query` is the strategy's. */
export async function deployCommand(pkg: string, server: string, query = ""): Promise<number> {
  const token = adminToken();
  if (token === undefined) return missingToken("deploy");
  const bytes = (await stat(pkg)).isDirectory() ? await packFolder(pkg) : await readFile(pkg);
  const answer = await adminRequest(server, `/v1/admin/deploy${query}`, token, "application/gzip", bytes);
  if (answer === undefined) return EXIT.failure;
  const { status, body } = answer;
  if (status === 200 && body.ok && body.strategy !== undefined) {
    const { describeStrategy } = await import("./strategy-command.ts");
    process.stdout.write(`porta: deployed ${body.name} ${body.version} as ${body.strategy.kind}: ${describeStrategy(body.name ?? "", body.strategy)}\n`);
    return EXIT.ok;
  }
  if (status === 200 && body.ok) {
    const what = `${body.name} ${body.version}`;
    process.stdout.write(
      body.switched === false ? `porta: ${what} was already live\n` : `porta: deployed ${what}${body.previous ? ` (was ${body.previous})` : ""}\n`,
    );
    return EXIT.ok;
  }
  if (status === 422) {
    process.stderr.write(`porta: deploy refused at ${body.stage}: ${body.code}: ${body.message}\n`);
    for (const p of body.problems ?? []) process.stderr.write(`  ${p.code} at ${p.path}: ${p.message}\n`);
    for (const f of body.verification?.endToEnd?.failures ?? [])
      process.stderr.write(`  end-to-end row ${f.row}${f.field ? ` ${f.field}` : ""}: ${f.message}\n`);
    process.stderr.write(`porta: the live version of ${body.name ?? "the model"} is unchanged\n`);
    return EXIT.deploy;
  }
  return refused(status, body);
}

/** `porta rollback NAME [--version V] --server URL`. */
export async function rollbackCommand(name: string, version: string | undefined, server: string): Promise<number> {
  const token = adminToken();
  if (token === undefined) return missingToken("rollback");
  const path = `/v1/admin/models/${encodeURIComponent(name)}/rollback`;
  const answer = await adminRequest(server, path, token, "application/json", JSON.stringify(version === undefined ? {} : { version }));
  if (answer === undefined) return EXIT.failure;
  const { status, body } = answer;
  if (status === 200 && body.ok) {
    process.stdout.write(`porta: ${body.name} ${body.version} is live (was ${body.previous})\n`);
    return EXIT.ok;
  }
  return refused(status, body);
}

export function adminToken(): string | undefined {
  const token = process.env.PORTA_ADMIN_TOKEN;
  return token === undefined || token === "" ? undefined : token;
}

export function missingToken(command: string): number {
  process.stderr.write(`porta: ${command} needs PORTA_ADMIN_TOKEN set to the server's admin token\n`);
  return EXIT.usage;
}

/** A refusal other than a failed deploy gate: the server's code and reason, exit 69 (deploy) or 1 (auth, transport). */
export function refused(status: number, body: AdminAnswer): number {
  process.stderr.write(`porta: refused (HTTP ${status}): ${body.code ?? "UNKNOWN"}: ${body.message ?? "no reason given"}\n`);
  return status === 401 || status === 403 ? EXIT.failure : EXIT.deploy;
}

export async function adminRequest(
  server: string,
  path: string,
  token: string,
  type: string,
  body: Uint8Array | string,
): Promise<{ status: number; body: AdminAnswer } | undefined> {
  const url = new URL(path, server.endsWith("/") ? server : `${server}/`);
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": type }, body });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
    process.stderr.write(`porta: cannot reach ${url.origin}: ${cause}\n`);
    return undefined;
  }
  const text = await response.text();
  let parsed: AdminAnswer;
  try {
    parsed = JSON.parse(text) as AdminAnswer;
  } catch {
    parsed = { code: "NOT_JSON", message: text.slice(0, 200) };
  }
  return { status: response.status, body: parsed };
}

/** A package folder as .tgz bytes, its files at the archive's root (as `porta package` reads them). */
async function packFolder(dir: string): Promise<Buffer> {
  const tar = await import("tar");
  const entries = (await readdir(dir)).sort();
  const chunks: Buffer[] = [];
  for await (const chunk of tar.c({ gzip: true, cwd: dir, portable: true }, entries) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
