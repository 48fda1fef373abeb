import type { BuiltinFunction } from "./types.ts";

export type { BuiltinFunction } from "./types.ts";
export { InvalidResult } from "./types.ts";

const registry = new Map<string, BuiltinFunction>();

/** Registers built-ins; each function module calls this once for its table. */
export function registerBuiltins(functions: readonly BuiltinFunction[]): void {
  for (const f of functions) registry.set(f.name, f);
}

export function getBuiltin(name: string): BuiltinFunction | undefined {
  return registry.get(name);
}

export function builtinNames(): string[] {
  return [...registry.keys()].sort();
}
