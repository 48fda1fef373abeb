/** JSON schemas of the strategy routes and of the `strategy` object (../schemas.ts uses them: no import back from it). */

const errorResponses = {
  "4xx": { $ref: "PortaError#" },
  "5xx": { $ref: "PortaError#" },
} as const;

const modelParams = {
  type: "object",
  properties: { name: { type: "string", maxLength: 200 } },
  required: ["name"],
} as const;

const perArm = { type: "object", properties: { live: { type: "number" }, canary: { type: "number" } }, required: ["live", "canary"] } as const;

/** One schema for the four kinds (fields absent where they do not apply), so the serializer never has to pick a branch. */
export const strategyViewSchema = {
  type: "object",
  description:
    'How the model\'s traffic is shared: `{kind: "single", live}`; `{kind: "silent", live, shadow, compared, agreement}` (rows compared, share agreeing); `{kind: "canary", live, canary, share, requests: {live, canary}, errors: {live, canary}, p99Ms: {live, canary}, abortedReason?}`; `{kind: "bandit", algorithm, arms: [{version, pulls, rewards, probability}]}` (probability: P(best) for thompson, share of the last 1000 requests for ucb1).',
  properties: {
    kind: { type: "string", enum: ["single", "silent", "canary", "bandit"] },
    live: { type: "string" },
    shadow: { type: "string" },
    compared: { type: "integer" },
    agreement: { type: "number" },
    canary: { type: "string" },
    share: { type: "number" },
    requests: perArm,
    errors: perArm,
    p99Ms: perArm,
    abortedReason: { type: "string" },
    algorithm: { type: "string", enum: ["thompson", "ucb1"] },
    arms: {
      type: "array",
      items: {
        type: "object",
        properties: { version: { type: "string" }, pulls: { type: "integer" }, rewards: { type: "number" }, probability: { type: "number" } },
        required: ["version", "pulls", "rewards", "probability"],
      },
    },
  },
  required: ["kind"],
} as const;

/** `POST /v1/admin/deploy?strategy=…`: how the deployed version takes traffic. */
export const deployQuerystring = {
  type: "object",
  properties: {
    strategy: { type: "string", enum: ["single", "silent", "canary", "bandit"], description: "default single: replace the live version" },
    share: { type: "number", exclusiveMinimum: 0, maximum: 1, description: "canary: fraction of request keys routed to it (default 0.1)" },
    key: { type: "string", minLength: 1, maxLength: 200, description: "canary: the row field whose value is the request key (after the x-porta-key header)" },
    maxErrorRate: { type: "number", minimum: 0, maximum: 1, description: "canary: abort past this error rate (default 0.05)" },
    maxP99Ms: { type: "number", exclusiveMinimum: 0, description: "canary: abort past this p99 latency, ms (default none)" },
    minRequests: { type: "integer", minimum: 1, description: "canary: judge the thresholds after this many canary requests (default 100)" },
    algorithm: { type: "string", enum: ["thompson", "ucb1"], description: "bandit: default thompson" },
  },
} as const;

const strategyOutcome = {
  200: {
    type: "object",
    properties: { ok: { type: "boolean" }, name: { type: "string" }, live: { type: "string" }, previous: { type: "string" }, strategy: strategyViewSchema },
    required: ["ok", "name", "live"],
  },
  ...errorResponses,
} as const;

const adminSecurity = [{ bearer: [] }];

export const promoteSchema = {
  summary: "Make the version a strategy runs beside the live one live: the shadow, the canary, or a bandit's arm (`version`, else the best mean reward)",
  tags: ["admin"],
  security: adminSecurity,
  params: modelParams,
  body: { type: "object", properties: { version: { type: "string", maxLength: 200 } }, additionalProperties: false },
  response: strategyOutcome,
} as const;

export const abortSchema = {
  summary: "End a strategy, the live version unchanged (a canary stays on record as aborted)",
  tags: ["admin"],
  security: adminSecurity,
  params: modelParams,
  body: { type: "object", properties: { reason: { type: "string", maxLength: 500 } }, additionalProperties: false },
  response: strategyOutcome,
} as const;

export const feedbackSchema = {
  summary: "Reward a bandit's answer: the request id it carried and a reward in [0, 1]",
  description:
    "404 REQUEST_UNKNOWN for an id the server does not remember (never a bandit's, or forgotten); 409 REQUEST_EXPIRED past the feedback window, FEEDBACK_DUPLICATE for a second reward, STRATEGY_CHANGED once the bandit ended.",
  tags: ["scoring"],
  params: modelParams,
  body: {
    type: "object",
    properties: { requestId: { type: "string", minLength: 1, maxLength: 200 }, reward: { type: "number", minimum: 0, maximum: 1 } },
    required: ["requestId", "reward"],
    additionalProperties: false,
  },
  response: {
    200: {
      type: "object",
      properties: {
        ok: { type: "boolean" },
        model: { type: "string" },
        version: { type: "string" },
        requestId: { type: "string" },
        reward: { type: "number" },
      },
      required: ["ok", "model", "version", "requestId", "reward"],
    },
    ...errorResponses,
  },
} as const;
