import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { ParseError } from "@porta/ir/errors";
import type { ErrorObject, ValidateFunction } from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { unpackArchive } from "./archive.ts";
import type { PackageManifest } from "./manifest.ts";
import type { PackageProblem } from "./problems.ts";
import { COMPONENTS, PACKAGE_SCHEMA } from "./schema.ts";

/** The manifest's file name at the package root. */
export const MANIFEST_FILE = "porta.json";
/** Largest porta.json read (bytes). */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/** A package folder, or an archive unpacked for the time of one operation. */
export interface OpenedPackage {
  root: string;
  dispose(): void;
}

/** What `validatePackage` found: every problem, and the manifest when it is valid. */
export interface PackageValidation {
  problems: PackageProblem[];
  manifest?: PackageManifest;
}

/** Opens a package folder or a .tgz/.tar archive of one. */
export async function openPackage(path: string): Promise<OpenedPackage> {
  if (!existsSync(path)) throw new ParseError("PACKAGE_NOT_FOUND", `no model package at ${path}`, { path, value: path });
  if (statSync(path).isDirectory()) return { root: resolve(path), dispose: () => {} };
  return unpackArchive(path);
}

/** Runs `use` on an opened package and always disposes of it. */
export async function withPackage<T>(path: string, use: (pkg: OpenedPackage) => Promise<T> | T): Promise<T> {
  const pkg = await openPackage(path);
  try {
    return await use(pkg);
  } finally {
    pkg.dispose();
  }
}

/** Validates a package folder or archive: porta.json against the schema, version agreement, files. */
export async function validatePackage(path: string): Promise<PackageValidation> {
  return withPackage(path, (pkg) => validateOpened(pkg.root));
}

/** validatePackage over an opened package's root. */
export function validateOpened(root: string): PackageValidation {
  const read = readManifest(root);
  if ("problem" in read) return { problems: [read.problem] };
  const schemaProblems = schemaCheck(read.json);
  if (schemaProblems.length > 0) return { problems: schemaProblems };
  const manifest = read.json as PackageManifest;
  const problems = [...versionProblems(manifest), ...fileProblems(root, manifest)];
  return problems.length > 0 ? { problems } : { problems, manifest };
}

function readManifest(root: string): { json: unknown } | { problem: PackageProblem } {
  const file = join(root, MANIFEST_FILE);
  if (!existsSync(file)) return { problem: { code: "PACKAGE_FILE_MISSING", path: MANIFEST_FILE, message: `the package has no ${MANIFEST_FILE}` } };
  const size = statSync(file).size;
  if (size > MAX_MANIFEST_BYTES) {
    return { problem: { code: "PACKAGE_TOO_LARGE", path: MANIFEST_FILE, message: `${MANIFEST_FILE} is larger than ${MAX_MANIFEST_BYTES} bytes`, value: size } };
  }
  try {
    return { json: JSON.parse(readFileSync(file, "utf8")) };
  } catch (e) {
    return { problem: { code: "PACKAGE_BAD_JSON", path: MANIFEST_FILE, message: (e as Error).message } };
  }
}

let validator: ValidateFunction | undefined;

/** The schema compiled once (ajv, draft 2020-12, with the date-time format). */
function schemaValidator(): ValidateFunction {
  if (!validator) {
    // strictRequired off: the metric schema requires properties in if/then branches, which ajv
    // strict mode cannot see are declared by the enclosing object.
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv, ["date-time"]);
    validator = ajv.compile(PACKAGE_SCHEMA);
  }
  return validator;
}

function schemaCheck(json: unknown): PackageProblem[] {
  const validate = schemaValidator();
  if (validate(json)) return [];
  return (validate.errors ?? []).filter((e) => e.keyword !== "if").map((e) => schemaProblem(e, json));
}

/** An ajv error as a problem: the pointer of the offending value (the missing or extra property included). */
function schemaProblem(e: ErrorObject, json: unknown): PackageProblem {
  const params = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  const extra = params.missingProperty ?? params.additionalProperty;
  const path = `${e.instancePath}${extra === undefined ? "" : `/${escapePointer(extra)}`}` || "/";
  const detail = params.allowedValues ? `: ${params.allowedValues.join(", ")}` : "";
  const message = params.additionalProperty !== undefined ? "is not a porta.json property here" : `${e.message ?? "is invalid"}${detail}`;
  return { code: "PACKAGE_SCHEMA", path, message, value: params.missingProperty === undefined ? valueAt(json, e.instancePath) : undefined };
}

function escapePointer(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

function valueAt(json: unknown, pointer: string): unknown {
  let v = json;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * The model, its training and validation data and its feature extractor are one release: each
 * declares the versions of the others it was built with, and every declaration must equal the
 * named component's own version.
 */
export function versionProblems(m: PackageManifest): PackageProblem[] {
  const problems: PackageProblem[] = [];
  for (const component of COMPONENTS) {
    const builtWith = m[component].builtWith ?? {};
    for (const other of COMPONENTS) {
      const declared = builtWith[other];
      if (declared === undefined) continue;
      const path = `/${component}/builtWith/${other}`;
      if (other === component) {
        problems.push({ code: "PACKAGE_VERSIONS_DISAGREE", path, message: `${component} cannot declare a version of itself`, value: declared });
        continue;
      }
      const actual = m[other].version;
      if (declared !== actual) {
        problems.push({
          code: "PACKAGE_VERSIONS_DISAGREE",
          path,
          message: `${component} was built with ${other} ${declared}, but the package holds ${other} ${actual}`,
          value: { declared, actual },
        });
      }
    }
  }
  return problems;
}

/** The files porta.json names: each must be a plain file inside the package (no link out of it). */
function fileProblems(root: string, m: PackageManifest): PackageProblem[] {
  const named: [string, string][] = [
    ["/model/file", m.model.file],
    ["/assets/endToEnd/file", m.assets.endToEnd.file],
    ["/assets/confidence/file", m.assets.confidence.file],
  ];
  const problems: PackageProblem[] = [];
  for (const [path, file] of named) {
    const problem = fileProblem(root, path, file);
    if (problem) problems.push(problem);
  }
  return problems;
}

function fileProblem(root: string, path: string, file: string): PackageProblem | undefined {
  const full = resolve(root, file);
  if (!isInside(root, full)) return { code: "PACKAGE_PATH_ESCAPES", path, message: "names a file outside the package", value: file };
  if (!existsSync(full) || !statSync(full).isFile())
    return { code: "PACKAGE_FILE_MISSING", path, message: "names a file the package does not hold", value: file };
  if (!isInside(realpathSync(root), realpathSync(full)))
    return { code: "PACKAGE_PATH_ESCAPES", path, message: "is a link to a file outside the package", value: file };
  return undefined;
}

function isInside(root: string, full: string): boolean {
  const rel = relative(root, full);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** A package file's absolute path (validated names only). */
export function packageFile(root: string, file: string): string {
  return resolve(root, file);
}
