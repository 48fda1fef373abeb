/**
 * `cast.*`: numeric narrowing and widening with overflow errors, bit truncation, fan-out to
 * one-hot arrays, and Avro/JSON serialisation (spec §7, "Casting").
 */
import { avroBinary } from "../avro-binary.ts";
import { checkLong, doubleToLong, encodeAvroJson, normLong, pfaError, stringifyJson, toBig, toNumber } from "../values.ts";
import type { AvroType } from "@porta/ir/avro";
import { sized, type CallSite, type LibImpl, type LibModule } from "./site.ts";

/** Round half up, as the reference implementation does (`floor(x + 0.5)`: 0.5 → 1, -0.5 → 0). */
function roundHalfUp(x: number): number {
  if (!Number.isFinite(x)) return x;
  return Math.floor(x + 0.5);
}

function fanout(one: unknown, zero: unknown, code: number): LibImpl {
  return (site: CallSite) => {
    switch (site.sigIndex) {
      case 0: {
        const t = site.argTypes[0] as Extract<AvroType, { kind: "enum" }>;
        return (x: string) => t.symbols.map((s) => (s === x ? one : zero));
      }
      case 1:
        return (x: string, dict: string[], outOfRange: boolean) => {
          if (new Set(dict).size !== dict.length) throw pfaError(code, "non-distinct values in dictionary");
          const out = dict.map((s) => (s === x ? one : zero));
          if (outOfRange) out.push(dict.includes(x) ? zero : one);
          return out;
        };
      default:
        return (x: number, min: number, max: number, outOfRange: boolean) => {
          const n = Math.max(max - min, 0);
          sized(site, n + 1);
          const out = new Array(n).fill(zero);
          const inRange = x >= min && x < max;
          if (inRange) out[x - min] = one;
          if (outOfRange) out.push(inRange ? zero : one);
          return out;
        };
    }
  };
}

export const cast: LibModule = {
  "cast.signed": () => (x: unknown, bits: number) => {
    if (bits < 2 || bits > 64) throw pfaError(17000, "unrepresentable unsigned number");
    return normLong(BigInt.asIntN(bits, toBig(x)));
  },
  "cast.unsigned": () => (x: unknown, bits: number) => {
    if (bits < 1 || bits > 63) throw pfaError(17010, "unrepresentable unsigned number");
    return normLong(BigInt.asUintN(bits, toBig(x)));
  },
  "cast.int": (site) => {
    const k = site.argTypes[0]!.kind;
    if (k === "int") return (x: number) => x;
    return (x: unknown) => {
      const v = typeof x === "bigint" ? x : roundHalfUp(x as number);
      if (typeof v === "number" && !Number.isFinite(v)) throw pfaError(17020, "int overflow");
      if (v > 2147483647 || v < -2147483648) throw pfaError(17020, "int overflow");
      return Number(v);
    };
  },
  "cast.long": (site) => {
    const k = site.argTypes[0]!.kind;
    if (k === "int" || k === "long") return (x: unknown) => x;
    return (x: number) => doubleToLong(roundHalfUp(x), 17030);
  },
  "cast.float": () => (x: unknown) => toNumber(x),
  "cast.double": () => (x: unknown) => toNumber(x),
  "cast.fanoutBoolean": fanout(true, false, 17060),
  "cast.fanoutInt": fanout(1, 0, 17070),
  "cast.fanoutLong": fanout(1, 0, 17080),
  "cast.fanoutFloat": fanout(1, 0, 17090),
  "cast.fanoutDouble": fanout(1, 0, 17100),
  "cast.avro": (site) => {
    const t = site.argTypes[0] as AvroType;
    return (x: unknown) => avroBinary(t, x);
  },
  "cast.json": (site) => {
    const t = site.argTypes[0] as AvroType;
    return (x: unknown) => stringifyJson(encodeAvroJson(t, x));
  },
};

export { checkLong };
