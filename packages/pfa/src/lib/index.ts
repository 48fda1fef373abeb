/**
 * The library registry: one module per PFA library prefix, merged into one name → implementation
 * table. Signatures live in formats/pfa/signatures.json; a function is callable when it has both.
 */
import type { LibImpl, LibModule } from "./site.ts";
import { core } from "./core.ts";

const MODULES: readonly LibModule[] = [core];

export const LIBRARY: Readonly<Record<string, LibImpl>> = Object.assign({}, ...MODULES);
