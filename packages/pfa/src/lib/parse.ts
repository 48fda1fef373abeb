/** `parse.*`: strings to numbers, with the spec's grammar and range checks. */
import { normLong, pfaError } from "../values.ts";
import type { LibModule } from "./site.ts";

function parseInteger(str: string, base: number, bits: 32 | 64, badCode: number, baseCode: number): number | bigint {
  if (base < 2 || base > 36) throw pfaError(baseCode, "base out of range");
  const s = str.trim().toLowerCase();
  const m = /^([-+]?)([0-9a-z]+)$/.exec(s);
  if (!m) throw pfaError(badCode, bits === 32 ? "not an integer" : "not a long integer");
  let v = 0n;
  const b = BigInt(base);
  for (const ch of m[2]!) {
    const d = parseInt(ch, 36);
    if (d >= base) throw pfaError(badCode, bits === 32 ? "not an integer" : "not a long integer");
    v = v * b + BigInt(d);
  }
  if (m[1] === "-") v = -v;
  const lim = bits === 32 ? 2147483648n : 9223372036854775808n;
  if (v >= lim || v < -lim) throw pfaError(badCode, bits === 32 ? "not an integer" : "not a long integer");
  return normLong(v);
}

const FLOAT = /^[-+]?(\.?[0-9]+|[0-9]+\.[0-9]*)(e[-+]?[0-9]+)?$/;

function parseFloating(str: string, code: number, single: boolean): number {
  const s = str.trim().toLowerCase();
  if (s === "nan") return NaN;
  if (s === "inf" || s === "+inf") return Infinity;
  if (s === "-inf") return -Infinity;
  if (!FLOAT.test(s)) throw pfaError(code, single ? "not a single-precision float" : "not a double-precision float");
  const v = Number(s);
  return single ? Math.fround(v) : v;
}

export const parse: LibModule = {
  "parse.int": () => (s: string, base: number) => parseInteger(s, base, 32, 33000, 33001),
  "parse.long": () => (s: string, base: number) => parseInteger(s, base, 64, 33010, 33011),
  "parse.float": () => (s: string) => parseFloating(s, 33020, true),
  "parse.double": () => (s: string) => parseFloating(s, 33030, false),
};
