import type { FastifyInstance } from "fastify";
import type { FieldInfo } from "@porta/runtime";
import { observeRoute, type ServerContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import { listSchema, modelSchema, versionSchemaRoute } from "../schemas.ts";
import type { LiveModel, ModelSummary, VersionSummary } from "../source.ts";

/** `GET /v1/models`, `GET /v1/models/:name`, `GET /v1/models/:name/versions/:version`: what is served and what each version is. */
export function modelRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { source } = ctx;
  app.get("/v1/models", { schema: listSchema, onResponse: observeRoute(ctx, "models") }, () => ({
    models: source.names().map((name) => {
      const info = source.info(name);
      const live = source.live(name);
      return {
        name,
        live: info?.live,
        versions: info?.versions.map((v) => v.version) ?? [],
        backend: live?.model.backend,
        format: live?.model.format,
        description: live?.manifest?.description,
      };
    }),
  }));

  app.get<{ Params: { name: string } }>("/v1/models/:name", { schema: modelSchema, onResponse: observeRoute(ctx, "model") }, (request) => {
    const info = summaryOf(ctx, request.params.name);
    const live = source.live(info.name);
    const liveVersion = info.versions.find((v) => v.version === info.live);
    return {
      ...(liveVersion ? versionDetail(info.name, liveVersion, live) : { name: info.name }),
      versions: info.versions.map((v) => ({ version: v.version, live: v.live, deployedAt: isoOf(v.deployedAt), storedAt: isoOf(v.storedAt) })),
      strategy: ctx.strategies.describe(info.name),
    };
  });

  app.get<{ Params: { name: string; version: string } }>(
    "/v1/models/:name/versions/:version",
    { schema: versionSchemaRoute, onResponse: observeRoute(ctx, "version") },
    (request) => {
      const info = summaryOf(ctx, request.params.name);
      const version = info.versions.find((v) => v.version === request.params.version);
      if (version === undefined) {
        throw new HttpError(404, {
          code: "VERSION_NOT_FOUND",
          message: `model "${info.name}" has no version "${request.params.version}" (it has ${info.versions.map((v) => v.version).join(", ") || "none"})`,
          path: "/params/version",
          value: request.params.version,
        });
      }
      return versionDetail(info.name, version, source.live(info.name));
    },
  );
}

function summaryOf(ctx: ServerContext, name: string): ModelSummary {
  const info = ctx.source.info(name);
  if (info === undefined) throw new HttpError(404, { code: "MODEL_NOT_FOUND", message: `no model named "${name}"`, path: "/params/name", value: name });
  return info;
}

/** One version: the live one's fields, backend and families from the loaded model; any other's fields from its porta.json. */
function versionDetail(name: string, v: VersionSummary, live: LiveModel | undefined): object {
  const loaded = live !== undefined && live.version === v.version ? live : undefined;
  const manifest = v.manifest ?? loaded?.manifest;
  const fields = loaded
    ? { inputs: loaded.model.inputFields.map(fieldOf), outputs: loaded.model.outputFields.map(fieldOf) }
    : manifest
      ? {
          inputs: manifest.inputs.map((f) => ({ name: f.name, dataType: f.type })),
          outputs: manifest.outputs.map((f) => ({ name: f.name, dataType: f.type })),
        }
      : undefined;
  return {
    name,
    version: v.version,
    live: v.live,
    deployedAt: isoOf(v.deployedAt),
    storedAt: isoOf(v.storedAt),
    format: loaded?.model.format ?? manifest?.model.format,
    backend: loaded?.model.backend,
    modelTypes: loaded?.model.modelTypes,
    fields,
    description: manifest?.description,
    audit: manifest?.audit,
    manifest,
  };
}

function fieldOf(f: FieldInfo): object {
  return { name: f.name, dataType: f.dataType, opType: f.opType, values: f.values };
}

function isoOf(at: string | Date | undefined): string | undefined {
  return at instanceof Date ? at.toISOString() : at;
}
