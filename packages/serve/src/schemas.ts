/**
 * JSON schemas of the routes: fastify validates requests with them (ajv) and serializes answers
 * with them (fast-json-stringify), and @fastify/swagger turns them into the OpenAPI document.
 * A model's own fields are not known here (models change under a running server): a row is any
 * object, and the model checks its fields when it scores.
 */
import { deployQuerystring, strategyViewSchema } from "./strategies/schemas.ts";

/** Any JSON value (fast-json-stringify writes it with JSON.stringify). */
const anyValue = {};

export const errorSchema = {
  $id: "PortaError",
  type: "object",
  description: "A typed error: a stable code, where in the request, and the offending value.",
  properties: {
    code: { type: "string" },
    message: { type: "string" },
    path: { type: "string", description: "JSON pointer into the request body (`/rows/3`), stream line (`/lines/7`) or URL parameter" },
    value: { description: "the offending value, shortened" },
    modelPath: { type: "string", description: "where in the model document the problem lies, when the model named it" },
  },
  required: ["code", "message", "path"],
} as const;

/** Per-row error of a batch, a columnar batch or a stream line. */
export const rowErrorSchema = {
  $id: "PortaRowError",
  type: "object",
  properties: { row: { type: "integer" }, ...errorSchema.properties },
  required: ["row", "code", "message", "path"],
} as const;

export const errorResponses = {
  "4xx": { $ref: "PortaError#" },
  "5xx": { $ref: "PortaError#" },
} as const;

const fieldSchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    dataType: { type: "string" },
    opType: { type: "string" },
    values: { type: "array", items: anyValue },
  },
  required: ["name"],
} as const;

const modelParams = {
  type: "object",
  properties: { name: { type: "string", maxLength: 200 } },
  required: ["name"],
} as const;

export const scoreSchema = {
  summary: "Score one row, many rows, or a columnar batch",
  description:
    "Exactly one of `row` (answered as `result`; a bad row is a 422), `rows` (answered as `results`, a failed row null with its error in `errors`: good rows are never lost) or `columns` (field → array of values, all of one length; answered as result `columns`).",
  tags: ["scoring"],
  params: modelParams,
  body: {
    type: "object",
    properties: {
      row: { type: "object", description: "field name → value" },
      rows: { type: "array", items: { type: "object" } },
      columns: { type: "object", additionalProperties: { type: "array" } },
    },
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
  },
  response: {
    200: {
      type: "object",
      properties: {
        model: { type: "string" },
        version: { type: "string" },
        backend: { type: "string" },
        result: { type: "object", additionalProperties: true },
        // Items untyped: an anyOf would make the serializer validate every row to pick a branch.
        results: { type: "array", items: anyValue, description: "one result object per row, null for a failed row" },
        length: { type: "integer" },
        columns: { type: "object", additionalProperties: { type: "array", items: anyValue } },
        errors: { type: "array", items: { $ref: "PortaRowError#" } },
        requestId: { type: "string", description: "a bandit's answer: the id its feedback names (also the x-porta-request-id header)" },
      },
      required: ["model", "version", "backend"],
    },
    ...errorResponses,
  },
} as const;

export const streamSchema = {
  summary: "Score an NDJSON stream",
  description:
    'One JSON object per line in (`application/x-ndjson`); one line out per non-blank input line, in order: `{"result":{…}}` or `{"error":{row,code,message,path,value}}` (`row` is the input line number), then a last line `{"end":{lines,scored,failed}}`. A bad line does not stop the others; the whole stream is scored by the version that was live when it started.',
  tags: ["scoring"],
  params: modelParams,
  response: { ...errorResponses },
} as const;

const versionSchema = {
  type: "object",
  properties: {
    version: { type: "string" },
    live: { type: "boolean" },
    deployedAt: { type: "string" },
    storedAt: { type: "string" },
  },
  required: ["version", "live"],
} as const;

export const listSchema = {
  summary: "The models served",
  tags: ["models"],
  response: {
    200: {
      type: "object",
      properties: {
        models: {
          type: "array",
          items: {
            type: "object",
            properties: {
              name: { type: "string" },
              live: { type: "string" },
              versions: { type: "array", items: { type: "string" } },
              backend: { type: "string" },
              format: { type: "string" },
              description: { type: "string" },
            },
            required: ["name", "versions"],
          },
        },
      },
      required: ["models"],
    },
  },
} as const;

/** What one version is: the live one's fields come from the loaded model, another's from its porta.json. */
const versionDetail = {
  name: { type: "string" },
  version: { type: "string" },
  live: { type: "boolean" },
  deployedAt: { type: "string" },
  storedAt: { type: "string" },
  format: { type: "string" },
  backend: { type: "string" },
  modelTypes: { type: "array", items: { type: "string" } },
  fields: {
    type: "object",
    properties: { inputs: { type: "array", items: fieldSchema }, outputs: { type: "array", items: fieldSchema } },
  },
  description: { type: "string" },
  audit: { type: "object", additionalProperties: true },
  manifest: { type: "object", additionalProperties: true, description: "the package's porta.json" },
} as const;

export const modelSchema = {
  summary: "A model: its live version in detail and every version it has",
  tags: ["models"],
  params: modelParams,
  response: {
    200: {
      type: "object",
      properties: { ...versionDetail, versions: { type: "array", items: versionSchema }, strategy: strategyViewSchema },
      required: ["name", "versions"],
    },
    ...errorResponses,
  },
} as const;

export const versionSchemaRoute = {
  summary: "One version of a model: metadata, audit, fields",
  tags: ["models"],
  params: {
    type: "object",
    properties: { name: { type: "string", maxLength: 200 }, version: { type: "string", maxLength: 200 } },
    required: ["name", "version"],
  },
  response: {
    200: { type: "object", properties: versionDetail, required: ["name", "version", "live"] },
    ...errorResponses,
  },
} as const;

export const healthSchema = {
  summary: "Liveness (healthz) or readiness (readyz: 503 while shutting down)",
  tags: ["operations"],
  response: {
    200: { type: "object", properties: { status: { type: "string" }, models: { type: "integer" } }, required: ["status"] },
    ...errorResponses,
  },
} as const;

const verificationSummary = {
  type: "object",
  description: "what the package's end-to-end and confidence sets showed",
  properties: {
    backend: { type: "string" },
    endToEnd: {
      type: "object",
      properties: { file: { type: "string" }, rows: { type: "integer" }, passed: { type: "integer" }, failures: { type: "array", items: anyValue } },
    },
    confidence: {
      type: "object",
      properties: { file: { type: "string" }, metric: { type: "string" }, value: { type: "number" }, range: anyValue, ok: { type: "boolean" } },
    },
    problems: { type: "array", items: anyValue },
  },
} as const;

const adminSecurity = [{ bearer: [] }];

export const deploySchema = {
  summary: "Deploy a model package (.tgz body): receive → validate → load → end-to-end → confidence → store → switch",
  description: "Bearer PORTA_ADMIN_TOKEN. 200 when the version is live (or was already); 422 naming the stage that refused it, the live version unchanged.",
  tags: ["admin"],
  security: adminSecurity,
  querystring: deployQuerystring,
  response: {
    200: {
      type: "object",
      properties: {
        ok: { type: "boolean" },
        name: { type: "string" },
        version: { type: "string" },
        previous: { type: "string" },
        switched: { type: "boolean" },
        verification: verificationSummary,
        strategy: strategyViewSchema,
      },
      required: ["ok", "name", "version"],
    },
    422: {
      type: "object",
      properties: {
        ...errorSchema.properties,
        ok: { type: "boolean" },
        stage: { type: "string" },
        name: { type: "string" },
        version: { type: "string" },
        problems: { type: "array", items: anyValue },
        verification: verificationSummary,
      },
      required: ["ok", "code", "message", "path", "stage"],
    },
    ...errorResponses,
  },
} as const;

export const rollbackSchema = {
  summary: "Make an earlier version live again (the previous one, or `version`)",
  tags: ["admin"],
  security: adminSecurity,
  params: modelParams,
  body: { type: "object", properties: { version: { type: "string", maxLength: 200 } }, additionalProperties: false },
  response: {
    200: {
      type: "object",
      properties: { ok: { type: "boolean" }, name: { type: "string" }, version: { type: "string" }, previous: { type: "string" } },
      required: ["ok", "name", "version"],
    },
    ...errorResponses,
  },
} as const;
