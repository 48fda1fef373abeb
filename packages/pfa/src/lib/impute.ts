/** `impute.*`, `enum.*`, `fixed.*`: missing-value handling and named-type helpers (spec §7). */
import type { AvroType } from "@porta/ir/avro";
import { pfaError } from "../values.ts";
import type { LibModule } from "./site.ts";

export const impute: LibModule = {
  "impute.errorOnNull": () => (x: unknown) => {
    if (x === null) throw pfaError(21000, "encountered null");
    return x;
  },
  "impute.defaultOnNull": () => (x: unknown, d: unknown) => (x === null ? d : x),
  "impute.isnan": () => (x: number) => Number.isNaN(x),
  "impute.isinf": () => (x: number) => x === Infinity || x === -Infinity,
  "impute.isnum": () => (x: number) => Number.isFinite(x),
  "impute.errorOnNonNum": () => (x: number) => {
    if (Number.isNaN(x)) throw pfaError(21050, "encountered nan");
    if (x === Infinity) throw pfaError(21051, "encountered +inf");
    if (x === -Infinity) throw pfaError(21052, "encountered -inf");
    return x;
  },
  "impute.defaultOnNonNum": () => (x: number, d: number) => (Number.isFinite(x) ? x : d),
};

export const enumLib: LibModule = {
  "enum.toString": () => (x: string) => x,
  "enum.toInt": (site) => {
    const t = site.argTypes[0] as Extract<AvroType, { kind: "enum" }>;
    return (x: string) => t.symbols.indexOf(x);
  },
  "enum.numSymbols": (site) => {
    const n = (site.argTypes[0] as Extract<AvroType, { kind: "enum" }>).symbols.length;
    return () => n;
  },
};

export const fixed: LibModule = {
  "fixed.toBytes": () => (x: Uint8Array) => x.slice(),
  "fixed.fromBytes": () => (orig: Uint8Array, repl: Uint8Array) => {
    const out = orig.slice();
    out.set(repl.subarray(0, out.length));
    return out;
  },
};
