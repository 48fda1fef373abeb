import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { FastifyInstance } from "fastify";
import { rowDepthError } from "@porta/backend";
import { observeRoute, scorerFor, type RequestRecord, type ServerContext } from "../context.ts";
import { echoValue, type ErrorBody } from "../errors.ts";
import { streamSchema } from "../schemas.ts";
import type { Scorer } from "../scorer.ts";

const ROUTE = "stream";

/** Media types of NDJSON a stream accepts. */
export const NDJSON_TYPES = ["application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines"];

/** One input line: a row to score, or why it is not one. */
type Item = { line: number; row: Record<string, unknown>; error?: undefined } | { line: number; row?: undefined; error: ErrorBody };

interface StreamCounts {
  lines: number;
  scored: number;
  failed: number;
}

/**
 * `POST /v1/models/:name/stream`: NDJSON in, NDJSON out, for any number of rows. The input is
 * read only as fast as the answer is consumed (the answer is a Readable pulled by the socket; it
 * pulls the request one chunk at a time), so memory holds one chunk of lines whatever the size.
 */
export function streamRoutes(app: FastifyInstance, ctx: ServerContext): void {
  // In this route's own scope: NDJSON only, and the body left as the raw stream (no body limit:
  // a stream is bounded per line, not in total).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(NDJSON_TYPES, (_request, payload, done) => done(null, payload));
  app.post<{ Params: { name: string }; Body: Readable }>(
    "/v1/models/:name/stream",
    { schema: streamSchema, onResponse: observeRoute(ctx, ROUTE) },
    (request, reply) => {
      const scorer = scorerFor(ctx, request, request.params.name, ROUTE);
      // The whole stream scores on this version: a deploy meanwhile must not dispose it under us.
      const release = ctx.source.hold?.(scorer.live.model);
      if (release) reply.raw.once("close", release);
      const lines = scoreLines(request.body, scorer, ctx, request.porta!);
      reply
        .type("application/x-ndjson")
        .header("porta-model", scorer.name)
        .header("porta-model-version", scorer.version)
        .header("porta-backend", scorer.backend);
      // Readable.from pulls the generator only when the socket takes more: backpressure end to end.
      return reply.send(Readable.from(lines, { objectMode: true, highWaterMark: 2 }));
    },
  );
}

/** Scores the stream's lines a chunk at a time; yields the answer's text one chunk at a time, then the end line. */
export async function* scoreLines(input: AsyncIterable<Buffer | string>, scorer: Scorer, ctx: ServerContext, record: RequestRecord): AsyncGenerator<string> {
  const { streamLineLength: maxLength, streamChunkRows: chunkRows } = ctx.limits;
  const counts: StreamCounts = { lines: 0, scored: 0, failed: 0 };
  const decoder = new StringDecoder("utf8");
  let pending = "";
  /** Inside a line already reported as too long: its rest is dropped up to the next newline. */
  let skipping = false;
  let items: Item[] = [];
  for await (const chunk of input) {
    const text = typeof chunk === "string" ? chunk : decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf("\n", start); nl >= 0; nl = text.indexOf("\n", start)) {
      if (skipping) skipping = false;
      else {
        const line = pending === "" ? text.slice(start, nl) : pending + text.slice(start, nl);
        pending = "";
        pushLine(items, line, counts, maxLength, ctx.limits.rowDepth);
      }
      start = nl + 1;
      if (items.length >= chunkRows) {
        yield await scoreChunk(items, scorer, ctx, counts, record);
        items = [];
      }
    }
    if (!skipping && start < text.length) {
      pending += text.slice(start);
      if (pending.length > maxLength) {
        counts.lines++;
        items.push({ line: counts.lines, error: tooLong(counts.lines, maxLength, pending.length) });
        pending = "";
        skipping = true;
      }
    }
    if (items.length > 0 && items.length >= chunkRows) {
      yield await scoreChunk(items, scorer, ctx, counts, record);
      items = [];
    }
  }
  pending += decoder.end();
  if (!skipping && pending !== "") pushLine(items, pending, counts, maxLength, ctx.limits.rowDepth);
  if (items.length > 0) yield await scoreChunk(items, scorer, ctx, counts, record);
  yield `${JSON.stringify({ end: counts })}\n`;
}

function tooLong(line: number, max: number, length: number): ErrorBody {
  return {
    code: "LINE_TOO_LONG",
    message: `line ${line} is longer than ${max} characters (limit streamLineLength)`,
    path: `/lines/${line}`,
    value: `> ${length}`,
  };
}

/** Reads one line into `items` (blank lines are skipped, as NDJSON readers do, and not numbered as rows). */
function pushLine(items: Item[], raw: string, counts: StreamCounts, maxLength: number, rowDepth: number): void {
  const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
  if (text.trim() === "") return;
  const line = ++counts.lines;
  const path = `/lines/${line}`;
  if (text.length > maxLength) {
    items.push({ line, error: tooLong(line, maxLength, text.length) });
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // V8's JSON.parse does not recurse, but a RangeError here would still be nesting, not syntax.
    const code = e instanceof RangeError ? "ROW_TOO_DEEP" : "INPUT_JSON_MALFORMED";
    items.push({ line, error: { code, message: `line ${line} is not JSON: ${(e as Error).message}`, path, value: echoValue(text) } });
    return;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    items.push({
      line,
      error: { code: "INPUT_ROW_NOT_OBJECT", message: `line ${line} is not a JSON object of field name → value`, path, value: echoValue(value) },
    });
    return;
  }
  const deep = rowDepthError(value as Record<string, unknown>, rowDepth, path);
  if (deep) {
    items.push({ line, error: { code: deep.code, message: deep.message, path, value: deep.value } });
    return;
  }
  items.push({ line, row: value as Record<string, unknown> });
}

/** Scores one chunk's rows in one batch call and writes every item's answer line, in input order. */
async function scoreChunk(items: readonly Item[], scorer: Scorer, ctx: ServerContext, counts: StreamCounts, record: RequestRecord): Promise<string> {
  const rows: Record<string, unknown>[] = [];
  const rowOf = new Int32Array(items.length).fill(-1);
  for (let i = 0; i < items.length; i++) {
    const row = items[i]!.row;
    if (row !== undefined) {
      rowOf[i] = rows.length;
      rows.push(row);
    }
  }
  const model = scorer.live.model;
  const options = { onError: "collect", rowDepth: ctx.limits.rowDepth } as const;
  const { results, errors } =
    rows.length === 0 ? { results: [], errors: [] } : model.synchronous ? model.scoreBatch(rows, options) : await model.scoreBatchAsync(rows, options);
  const failedRows = new Map<number, { code: string; message: string }>();
  for (const e of errors) failedRows.set(e.row, e);
  let out = "";
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    let error = item.error;
    if (error === undefined) {
      const r = rowOf[i]!;
      const failure = failedRows.get(r);
      if (failure === undefined) {
        out += `{"result":${JSON.stringify(scorer.jsonSafe(results[r] ?? {}))}}\n`;
        counts.scored++;
        continue;
      }
      error = await scorer.explain(rows[r]!, `/lines/${item.line}`, failure);
    }
    counts.failed++;
    ctx.metrics.error(ROUTE, error.code);
    out += `${JSON.stringify({ error: { row: item.line, ...error } })}\n`;
  }
  record.rows += items.length;
  return out;
}
