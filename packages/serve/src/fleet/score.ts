/**
 * Scores a batch of input entries: one batch call per model named in it, on the version live
 * when the batch is scored (held, so a deploy meanwhile does not dispose it under the call).
 * Every entry gets an outcome, a result or a typed error, in input order.
 */
import type { ScoreResult } from "@porta/runtime";
import { rowErrorBody, type ErrorBody } from "../errors.ts";
import { jsonSafe } from "../scorer.ts";
import type { LiveModel, ModelSource } from "../source.ts";
import type { InputItem, Outcome } from "./entry.ts";

type Row = Record<string, unknown>;

export async function scoreItems(items: readonly InputItem[], source: ModelSource, rowDepth: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(items.length);
  const byModel = new Map<string, number[]>();
  items.forEach((item, i) => {
    if (item.error !== undefined) {
      outcomes[i] = { id: item.id, model: item.model, version: "", error: item.error };
      return;
    }
    const group = byModel.get(item.model);
    if (group) group.push(i);
    else byModel.set(item.model, [i]);
  });
  for (const [name, indexes] of byModel) {
    const live = source.live(name);
    if (live === undefined) {
      for (const i of indexes)
        outcomes[i] = refused(items[i]!, { code: "MODEL_NOT_FOUND", message: `no live model named "${name}"`, path: "/model", value: name });
      continue;
    }
    const scored: number[] = [];
    for (const i of indexes) {
      const wanted = items[i]!.version;
      if (wanted !== undefined && wanted !== live.version) {
        outcomes[i] = refused(items[i]!, {
          code: "MODEL_VERSION_NOT_LIVE",
          message: `${name} ${wanted} is not the live version (${live.version} is)`,
          path: "/version",
          value: wanted,
        });
      } else scored.push(i);
    }
    if (scored.length > 0) await scoreGroup(live, source, scored, items, outcomes, rowDepth);
  }
  return outcomes;
}

async function scoreGroup(
  live: LiveModel,
  source: ModelSource,
  indexes: readonly number[],
  items: readonly InputItem[],
  outcomes: Outcome[],
  rowDepth: number,
): Promise<void> {
  const model = live.model;
  const rows = indexes.map((i) => items[i]!.row as Row);
  const release = source.hold?.(model);
  try {
    const options = { onError: "collect", rowDepth } as const;
    let batch: Awaited<ReturnType<typeof model.scoreBatchAsync>>;
    try {
      batch = model.synchronous ? model.scoreBatch(rows, options) : await model.scoreBatchAsync(rows, options);
    } catch (e) {
      // Rows fail one by one ("collect"); a whole batch failing (a backend's session gone) fails its
      // entries with the error, answered and acknowledged: retrying it forever would block the group.
      for (const i of indexes) outcomes[i] = { id: items[i]!.id, model: live.name, version: live.version, error: rowErrorBody(e, "/row") };
      return;
    }
    const { results, errors } = batch;
    const failed = new Map(errors.map((e) => [e.row, e]));
    const safe = model.format === "pfa" ? (r: ScoreResult) => jsonSafe(r) : (r: ScoreResult) => r;
    for (let k = 0; k < indexes.length; k++) {
      const item = items[indexes[k]!]!;
      const failure = failed.get(k);
      outcomes[indexes[k]!] =
        failure === undefined
          ? { id: item.id, model: live.name, version: live.version, result: JSON.stringify(safe(results[k] ?? {})) }
          : { id: item.id, model: live.name, version: live.version, error: await explain(live, rows[k]!, failure) };
    }
  } finally {
    release?.();
  }
}

function refused(item: InputItem, error: ErrorBody): Outcome {
  return { id: item.id, model: item.model, version: "", error };
}

/** A batch reports code and message only: the row is scored alone once more for its path into the model and its value. */
async function explain(live: LiveModel, row: Row, failure: { code: string; message: string }): Promise<ErrorBody> {
  try {
    if (live.model.synchronous) live.model.score(row);
    else await live.model.scoreAsync(row);
  } catch (e) {
    const body = rowErrorBody(e, "/row");
    if (body.code === failure.code) return body;
  }
  return { code: failure.code, message: failure.message, path: "/row" };
}
