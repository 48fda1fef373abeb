import { DeployError } from "@porta/ir/errors";

/**
 * A registry name or version becomes a folder name under the registry's directory, so it is one
 * path segment of portable characters: no separator, no `..`, no leading dot or dash (hidden
 * files, command-line flags), at most 128 characters.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Whether `s` may name a model or a version in a registry. */
export function isValidRegistryName(s: string): boolean {
  return typeof s === "string" && NAME.test(s) && s !== "." && s !== "..";
}

/** `value` as a model name or version, or a DeployError (REGISTRY_NAME_INVALID / REGISTRY_VERSION_INVALID) at `path`. */
export function checkRegistryName(what: "name" | "version", value: unknown, path: string): string {
  if (typeof value === "string" && isValidRegistryName(value)) return value;
  const code = what === "name" ? "REGISTRY_NAME_INVALID" : "REGISTRY_VERSION_INVALID";
  throw new DeployError(code, `a registry ${what} is 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit`, { path, value });
}
