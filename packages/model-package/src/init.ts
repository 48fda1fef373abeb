import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { ParseError } from "@porta/ir/errors";
import { loadModel } from "@porta/runtime";
import type { FieldDeclaration, PackageManifest } from "./manifest.ts";
import { MANIFEST_FILE } from "./validate.ts";

export interface InitOptions {
  /** Registry name; default: the model file's name, lower-cased. */
  name?: string;
  /** Model version; default 0.1.0. */
  version?: string;
  /** audit.builtBy. */
  author: string;
  /** audit.builtAt; default now. */
  now?: Date;
}

/**
 * Starts a package in `dir` (absent or empty): the model copied in and a porta.json holding what
 * the model tells (name, format, version, inputs and outputs with their types, who built it and
 * when). What only the producer knows — data versions and locations, the feature extractor,
 * training library and hyperparameters, the two asset sets — is left out, so `porta package
 * validate` lists it until it is written.
 */
export async function initPackage(dir: string, modelPath: string, options: InitOptions): Promise<{ manifestPath: string; manifest: Partial<PackageManifest> }> {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new ParseError("PACKAGE_EXISTS", `${dir} exists and is not empty`, { path: dir, value: dir });
  const model = await loadModel(modelPath, { scoring: "async" });
  try {
    mkdirSync(dir, { recursive: true });
    const file = `model${extname(modelPath) || (model.format === "pmml" ? ".pmml" : ".pfa.json")}`;
    copyFileSync(modelPath, join(dir, file));
    const declared = (fields: readonly { name: string; dataType: string }[]): FieldDeclaration[] =>
      fields.map((f) => ({ name: f.name, type: String(f.dataType) }));
    const manifest: Partial<PackageManifest> = {
      schemaVersion: 1,
      name: options.name ?? registryName(modelPath),
      model: { file, format: model.format, version: options.version ?? "0.1.0", builtWith: {} },
      inputs: declared(model.inputFields),
      outputs: declared(model.outputFields),
      audit: { builtBy: options.author, builtAt: (options.now ?? new Date()).toISOString() },
    };
    const manifestPath = join(dir, MANIFEST_FILE);
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    return { manifestPath, manifest };
  } finally {
    await model.dispose();
  }
}

/** A registry name from a file name: lower case, runs of other characters as "-". */
function registryName(path: string): string {
  const stem = basename(path).replace(/\.(pmml|xml|json|ya?ml|pfa)$/gi, "");
  const name = stem
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 64);
  return name || "model";
}
