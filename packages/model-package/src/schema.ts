/**
 * The JSON Schema of porta.json (draft 2020-12). This object is the source; the published file
 * `formats/model-package/porta.schema.json` is written from it (`npm run formats`) and a test
 * fails when the two differ, so editors and other tools read the schema the validator uses.
 */

const version = { type: "string", minLength: 1, maxLength: 128 } as const;
const text = { type: "string", minLength: 1, maxLength: 4096 } as const;
const instant = { type: "string", format: "date-time" } as const;
/** A path inside the package: relative, `/`-separated, never leaving it (checked again when read). */
const packagePath = { type: "string", minLength: 1, maxLength: 1024, pattern: "^(?![/\\\\])(?!.*(^|[/\\\\])\\.\\.([/\\\\]|$)).+$" } as const;

/** Components whose versions must agree: each declares the versions of the others it was built with. */
export const COMPONENTS = ["model", "trainingData", "validationData", "featureExtractor"] as const;
export type Component = (typeof COMPONENTS)[number];

const builtWith = {
  type: "object",
  description: "The versions of the other components this one was built with; each must equal that component's own version.",
  additionalProperties: false,
  properties: Object.fromEntries(COMPONENTS.map((c) => [c, version])) as Record<Component, typeof version>,
} as const;

const dataSet = {
  type: "object",
  required: ["version", "location"],
  additionalProperties: false,
  properties: { version, location: text, description: text, builtWith },
} as const;

const field = {
  type: "object",
  required: ["name", "type"],
  additionalProperties: false,
  properties: {
    name: { type: "string", minLength: 1, maxLength: 256 },
    type: { type: "string", minLength: 1, maxLength: 256, description: "The data type as the model declares it (a PMML dataType or an Avro type)." },
    description: text,
    consume: { ...text, description: "How a consumer should read or use the field (units, categories, thresholds)." },
  },
} as const;

const review = {
  type: "object",
  required: ["by", "at"],
  additionalProperties: false,
  properties: { by: text, at: instant, notes: text },
} as const;

export const METRICS = ["accuracy", "auc", "rmse", "mae", "logLoss", "f1"] as const;
export type MetricName = (typeof METRICS)[number];

const metric = {
  type: "object",
  required: ["name", "label"],
  additionalProperties: false,
  properties: {
    name: { enum: [...METRICS] },
    label: { ...text, description: "Column of the confidence set holding the true value." },
    prediction: { ...text, description: "Output field holding the predicted value (accuracy, f1, rmse, mae)." },
    score: { ...text, description: "Output field holding the probability of the positive class (auc)." },
    positive: { ...text, description: "The positive class (auc; f1 of one class, else macro-averaged)." },
    probabilities: {
      type: "object",
      description: "Class → output field holding its probability (logLoss).",
      minProperties: 2,
      additionalProperties: text,
    },
  },
  allOf: [
    { if: { properties: { name: { enum: ["accuracy", "f1", "rmse", "mae"] } } }, then: { required: ["prediction"] } },
    { if: { properties: { name: { const: "auc" } } }, then: { required: ["score", "positive"] } },
    { if: { properties: { name: { const: "logLoss" } } }, then: { required: ["probabilities"] } },
  ],
} as const;

export const PACKAGE_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://github.com/porta/porta/formats/model-package/porta.schema.json",
  title: "Porta model package (porta.json)",
  type: "object",
  required: ["schemaVersion", "name", "model", "trainingData", "validationData", "featureExtractor", "training", "inputs", "outputs", "audit", "assets"],
  additionalProperties: false,
  properties: {
    $schema: { type: "string" },
    schemaVersion: { const: 1 },
    name: {
      type: "string",
      description: "Registry name: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit.",
      pattern: "^[a-z0-9][a-z0-9._-]{0,63}$",
    },
    description: text,
    model: {
      type: "object",
      required: ["file", "format", "version", "builtWith"],
      additionalProperties: false,
      properties: {
        file: packagePath,
        format: { enum: ["pmml", "pfa"] },
        version,
        builtWith: { ...builtWith, required: ["trainingData", "featureExtractor"] },
      },
    },
    trainingData: dataSet,
    validationData: dataSet,
    featureExtractor: {
      type: "object",
      required: ["version"],
      additionalProperties: false,
      properties: { name: text, version, location: text, builtWith },
    },
    training: {
      type: "object",
      required: ["library", "libraryVersion", "algorithm", "hyperparameters"],
      additionalProperties: false,
      properties: { library: text, libraryVersion: version, algorithm: text, hyperparameters: { type: "object" } },
    },
    inputs: { type: "array", minItems: 1, items: field },
    outputs: { type: "array", minItems: 1, items: field },
    audit: {
      type: "object",
      required: ["builtBy", "builtAt"],
      additionalProperties: false,
      properties: {
        builtBy: text,
        builtAt: instant,
        approval: {
          type: "object",
          required: ["by", "at", "reason"],
          additionalProperties: false,
          properties: { by: text, at: instant, reason: text },
        },
        privacyReview: review,
        securityReview: review,
      },
    },
    assets: {
      type: "object",
      required: ["endToEnd", "confidence"],
      additionalProperties: false,
      properties: {
        endToEnd: {
          type: "object",
          required: ["file"],
          additionalProperties: false,
          description: "Rows of {input, expected}: the outputs the model must give, exactly or within the tolerance.",
          properties: {
            file: packagePath,
            tolerance: {
              type: "object",
              additionalProperties: false,
              properties: { absolute: { type: "number", minimum: 0 }, relative: { type: "number", minimum: 0 } },
            },
          },
        },
        confidence: {
          type: "object",
          required: ["file", "metric", "range"],
          additionalProperties: false,
          properties: {
            file: packagePath,
            metric,
            range: {
              type: "object",
              minProperties: 1,
              additionalProperties: false,
              properties: { min: { type: "number" }, max: { type: "number" } },
            },
          },
        },
      },
    },
  },
} as const;
