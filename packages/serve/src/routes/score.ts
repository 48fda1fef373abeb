import type { FastifyInstance } from "fastify";
import { categoryColumn, numberColumn, valueAt, type Batch, type Column } from "@porta/backend";
import type { ScoreResult } from "@porta/runtime";
import { observeRoute, type ServerContext } from "../context.ts";
import { HttpError, rowErrorBody, type ErrorBody } from "../errors.ts";
import { scoreSchema } from "../schemas.ts";
import type { Scorer } from "../scorer.ts";

type Row = Record<string, unknown>;
type RowErrorBody = ErrorBody & { row: number };

interface ScoreBody {
  row?: Row;
  rows?: Row[];
  columns?: Record<string, unknown[]>;
}

const ROUTE = "score";

/** `POST /v1/models/:name/score`: one row, many rows, or a columnar batch (to the version the model's strategy picks). */
export function scoreRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Params: { name: string }; Body: ScoreBody }>(
    "/v1/models/:name/score",
    { schema: scoreSchema, preSerialization: ctx.strategies.capture, onResponse: [observeRoute(ctx, ROUTE), ctx.strategies.observe] },
    // Not async: the single-row answer goes out without a promise unless the cache is Redis.
    (request, reply) => {
      const scorer = ctx.strategies.scorer(ctx, request, reply, request.params.name, ROUTE);
      const { row, rows, columns } = request.body;
      if (row !== undefined) {
        request.porta!.rows = 1;
        return scoreOne(scorer, row);
      }
      if (rows !== undefined) {
        request.porta!.rows = rows.length;
        return scoreRows(ctx, scorer, rows);
      }
      return scoreColumns(ctx, scorer, columns!, request.porta!);
    },
  );
}

function scoreOne(scorer: Scorer, row: Row): object | Promise<object> {
  let result: ScoreResult | Promise<ScoreResult>;
  try {
    result = scorer.score(row);
  } catch (e) {
    throw rowFailure(e);
  }
  if (result instanceof Promise) {
    return result.then(
      (r) => ({ model: scorer.name, version: scorer.version, backend: scorer.backend, result: scorer.jsonSafe(r) }),
      (e: unknown) => {
        throw rowFailure(e);
      },
    );
  }
  return { model: scorer.name, version: scorer.version, backend: scorer.backend, result: scorer.jsonSafe(result) };
}

/** A single row that cannot be scored: 422 with the model's code, the row's path and the value. */
function rowFailure(e: unknown): HttpError {
  const body = rowErrorBody(e, "/row");
  return new HttpError(body.code === "INTERNAL" ? 500 : 422, body);
}

async function scoreRows(ctx: ServerContext, scorer: Scorer, rows: Row[]): Promise<object> {
  tooMany(ctx, rows.length, "/rows");
  const model = scorer.live.model;
  const options = { onError: "collect", rowDepth: ctx.limits.rowDepth } as const;
  // The batch path (compiled kernel over columns), not the result cache: caching pays for repeated single rows.
  const { results, errors } = model.synchronous ? model.scoreBatch(rows, options) : await model.scoreBatchAsync(rows, options);
  const details: RowErrorBody[] = [];
  for (const e of errors) details.push({ row: e.row, ...(await scorer.explain(rows[e.row]!, `/rows/${e.row}`, e)) });
  if (details.length > 0) countRowErrors(ctx, details);
  return {
    model: scorer.name,
    version: scorer.version,
    backend: scorer.backend,
    results: results.map((r) => (r === null ? null : scorer.jsonSafe(r))),
    errors: details,
  };
}

function countRowErrors(ctx: ServerContext, errors: readonly ErrorBody[]): void {
  const byCode = new Map<string, number>();
  for (const e of errors) byCode.set(e.code, (byCode.get(e.code) ?? 0) + 1);
  for (const [code, count] of byCode) ctx.metrics.error(ROUTE, code, count);
}

async function scoreColumns(ctx: ServerContext, scorer: Scorer, columns: Record<string, unknown[]>, record: { rows: number }): Promise<object> {
  const batch = batchOfColumns(columns);
  tooMany(ctx, batch.length, "/columns");
  record.rows = batch.length;
  const model = scorer.live.model;
  const scored = model.synchronous ? model.scoreColumns(batch) : await model.scoreColumnsAsync(batch);
  const out: Record<string, unknown[]> = {};
  for (const [name, column] of scored.columns) {
    const values = new Array<unknown>(scored.length);
    for (let i = 0; i < scored.length; i++) values[i] = valueAt(column, i);
    out[name] = scorer.jsonSafe({ v: values }).v as unknown[];
  }
  const errors: RowErrorBody[] = [];
  scored.errors.forEach((e, row) => {
    if (e !== undefined) errors.push({ row, ...rowErrorBody(e, `/columns/*/${row}`) });
  });
  if (errors.length > 0) countRowErrors(ctx, errors);
  return { model: scorer.name, version: scorer.version, backend: scorer.backend, length: scored.length, columns: out, errors };
}

function tooMany(ctx: ServerContext, count: number, path: string): void {
  if (count > ctx.limits.maxRows) {
    throw new HttpError(413, {
      code: "TOO_MANY_ROWS",
      message: `at most ${ctx.limits.maxRows} rows per request; stream more through /stream`,
      path,
      value: count,
    });
  }
}

/**
 * A columnar body as a batch: a column of numbers (null missing) is a number column, of strings
 * a category column, anything else a column of values. All columns must be of one length.
 */
function batchOfColumns(columns: Record<string, unknown[]>): Batch {
  const map = new Map<string, Column>();
  let length: number | undefined;
  for (const [name, values] of Object.entries(columns)) {
    if (length === undefined) length = values.length;
    else if (values.length !== length) {
      throw new HttpError(400, {
        code: "COLUMNS_LENGTH_MISMATCH",
        message: `every column must have ${length} values, as the first one has`,
        path: `/columns/${escapePointer(name)}`,
        value: values.length,
      });
    }
    map.set(name, columnOf(values));
  }
  return { length: length ?? 0, columns: map };
}

function columnOf(values: readonly unknown[]): Column {
  let numbers = true;
  let strings = true;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v !== "number") numbers = false;
    if (typeof v !== "string") strings = false;
    if (!numbers && !strings) break;
  }
  if (numbers) {
    const data = new Float64Array(values.length);
    let missing: Uint8Array | undefined;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        data[i] = Number.NaN;
        (missing ??= new Uint8Array(values.length))[i] = 1;
      } else data[i] = v as number;
    }
    return numberColumn(data, missing);
  }
  if (strings) return categoryColumn(values as (string | null | undefined)[]);
  return { kind: "value", values: values.map((v) => v ?? null) };
}

/** RFC 6901: `~` and `/` escaped in a JSON pointer token. */
export function escapePointer(token: string): string {
  return token.replaceAll("~", "~0").replaceAll("/", "~1");
}
