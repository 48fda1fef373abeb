/**
 * The service's JSON routes as the console reads them. URLs are relative to the page, so the
 * console works behind a proxy that serves the service under a path prefix.
 */

import type { SegmentView, TreeNodeView } from "../src/structure-view.ts";

export type { SegmentView, TreeNodeView } from "../src/structure-view.ts";

export interface Field {
  name: string;
  dataType?: string;
  opType?: string;
  values?: unknown[];
}

export interface ModelListEntry {
  name: string;
  live?: string;
  versions: string[];
  backend?: string;
  format?: string;
  description?: string;
}

export interface VersionEntry {
  version: string;
  live: boolean;
  deployedAt?: string;
  storedAt?: string;
}

export interface Review {
  by: string;
  at: string;
  notes?: string;
}

export interface Audit {
  builtBy?: string;
  builtAt?: string;
  approval?: { by: string; at: string; reason: string };
  privacyReview?: Review;
  securityReview?: Review;
}

export interface VersionDetail {
  name: string;
  version?: string;
  live?: boolean;
  deployedAt?: string;
  storedAt?: string;
  format?: string;
  backend?: string;
  modelTypes?: string[];
  fields?: { inputs?: Field[]; outputs?: Field[] };
  description?: string;
  audit?: Audit;
  manifest?: Record<string, unknown>;
}

/** The deployment strategy of a model (`strategy` of `GET /v1/models/:name`, when the server has strategies). */
export type Strategy =
  | { kind: "single"; live: string }
  | { kind: "silent"; live: string; shadow: string; compared: number; agreement: number | null }
  | {
      kind: "canary";
      live: string;
      canary: string;
      share: number;
      requests: { live: number; canary: number };
      errors: { live: number; canary: number };
      /** 0 for an arm with no request yet. */
      p99Ms: { live: number | null; canary: number | null };
      abortedReason?: string;
    }
  | { kind: "bandit"; algorithm: "thompson" | "ucb1"; arms: { version: string; pulls: number; rewards: number; probability: number }[] };

export interface ModelDetail extends VersionDetail {
  versions: VersionEntry[];
  strategy?: Strategy;
}

export interface ErrorBody {
  code: string;
  message: string;
  path?: string;
  value?: unknown;
}

export interface RowError extends ErrorBody {
  row: number;
}

export type Result = Record<string, unknown>;

export interface ScoreAnswer {
  model: string;
  version: string;
  backend: string;
  result?: Result;
  results?: (Result | null)[];
  errors?: RowError[];
}

export interface Structure {
  name: string;
  version: string;
  format: string;
  available: boolean;
  reason?: string;
  model?: {
    kind: string;
    functionName?: string;
    modelName?: string;
    algorithmName?: string;
    segment: string;
    tree?: { nodes: number; leaves: number; depth: number; shown: number; missingValueStrategy: string; splitCharacteristic: string; root: TreeNodeView };
    mining?: { multipleModelMethod: string; segmentCount: number; segments: SegmentView[] };
    facts?: Record<string, number | string>;
  };
}

export interface MetricsSeries {
  model: string;
  version: string;
  route: string;
  requests: number;
  errors: number;
  rows: number;
  seconds: number;
  /** Cumulative counts at each bound of `buckets` (then +Inf, which is `requests`). */
  counts: number[];
}

export interface MetricsSummary {
  at: number;
  buckets: number[];
  series: MetricsSeries[];
}

/** A failed request: the service's typed error body when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(`${body.code}: ${body.message}`);
  }
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(response.status, { code: `HTTP_${response.status}`, message: text.slice(0, 200) || response.statusText });
  }
  if (!response.ok) throw new ApiError(response.status, body as ErrorBody);
  return body as T;
}

const enc = encodeURIComponent;

export async function getJson<T>(url: string): Promise<T> {
  return answer<T>(await fetch(url, { headers: { accept: "application/json" } }));
}

export const listModels = () => getJson<{ models: ModelListEntry[] }>("v1/models");
export const getModel = (name: string) => getJson<ModelDetail>(`v1/models/${enc(name)}`);
export const getVersion = (name: string, version: string) => getJson<VersionDetail>(`v1/models/${enc(name)}/versions/${enc(version)}`);
export const getStructure = (name: string, segment: string) =>
  getJson<Structure>(`v1/models/${enc(name)}/structure${segment === "" ? "" : `?segment=${enc(segment)}`}`);
export const getMetricsSummary = () => getJson<MetricsSummary>("v1/metrics/summary");

/** `POST /v1/models/:name/score` with `{row}` or `{rows}`. */
export async function score(name: string, body: { row: Result } | { rows: Result[] }): Promise<ScoreAnswer> {
  const response = await fetch(`v1/models/${enc(name)}/score`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  return answer<ScoreAnswer>(response);
}
