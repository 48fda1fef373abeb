/**
 * `s.*`: string manipulation (spec §7, "String manipulation"). Indexes count Unicode code
 * points and follow Python's slice rules, as the reference implementation does.
 */
import { pfaError, toBig } from "../values.ts";
import { sliceBounds, type LibModule } from "./site.ts";
import { checkStringLength } from "../limits.ts";

const ASTRAL = /[\uD800-\uDFFF]/;
/** code points of s (only split when s has surrogates; otherwise UTF-16 units are code points) */
const cps = (s: string): string[] => (ASTRAL.test(s) ? Array.from(s) : s.split(""));
const len = (s: string) => (ASTRAL.test(s) ? Array.from(s).length : s.length);

function cpIndex(s: string, utf16Index: number): number {
  if (utf16Index < 0 || !ASTRAL.test(s)) return utf16Index;
  return Array.from(s.slice(0, utf16Index)).length;
}

function count(h: string, n: string): number {
  if (n === "") return 0;
  let c = 0;
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + n.length)) c++;
  return c;
}

function pad(body: string, width: number, zeroPad: boolean, negative: boolean): string {
  const sign = negative ? "-" : "";
  const w = Math.abs(width);
  if (zeroPad) return sign + body.padStart(w - sign.length, "0");
  const s = sign + body;
  return width < 0 ? s.padEnd(w, " ") : s.padStart(w, " ");
}

function stripSet(chars: string) {
  const set = new Set(cps(chars));
  return (c: string) => set.has(c);
}

/** Python %e/%f style formatting used by s.number (the suite marks its output unstable). */
function formatNumber(x: number, width: number | null, precision: number | null, minNoExp = 0.0001, maxNoExp = 100000): string {
  if (precision !== null && precision < 0) throw pfaError(39121, "negative precision");
  let body: string;
  if (Number.isNaN(x)) body = "nan";
  else if (!Number.isFinite(x)) body = x > 0 ? "inf" : "-inf";
  else {
    const ax = Math.abs(x);
    const p = precision ?? 6;
    if (ax !== 0 && (ax < minNoExp || ax >= maxNoExp)) {
      const [m, e] = x.toExponential(p).split("e");
      const ev = Number(e);
      body = `${m}e${ev < 0 ? "-" : "+"}${String(Math.abs(ev)).padStart(2, "0")}`;
    } else {
      body = (x === 0 ? 0 : x).toFixed(p);
      if (precision === null) body = body.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, ".0");
    }
  }
  if (width === null) return body;
  return width < 0 ? body.padEnd(-width, " ") : body.padStart(width, " ");
}

export const s: LibModule = {
  "s.len": () => len,
  "s.substr": () => (x: string, start: number, end: number) => {
    const c = cps(x);
    return c.slice(...sliceBounds(c.length, start, end)).join("");
  },
  "s.substrto": () => (x: string, start: number, end: number, r: string) => {
    const c = cps(x);
    const [i, j] = sliceBounds(c.length, start, end);
    return c.slice(0, i).join("") + r + c.slice(j).join("");
  },
  "s.contains": () => (h: string, n: string) => h.includes(n),
  "s.count": () => count,
  "s.index": () => (h: string, n: string) => cpIndex(h, h.indexOf(n)),
  "s.rindex": () => (h: string, n: string) => cpIndex(h, h.lastIndexOf(n)),
  "s.startswith": () => (h: string, n: string) => h.startsWith(n),
  "s.endswith": () => (h: string, n: string) => h.endsWith(n),
  "s.join": () => (a: string[], sep: string) => a.join(sep),
  "s.split": () => (x: string, sep: string) => (sep === "" ? [] : x.split(sep)),
  "s.hex": (site) => {
    const hex = (x: unknown) => {
      const v = toBig(x);
      if (v < 0n) throw pfaError(39111, "negative number");
      return v.toString(16);
    };
    if (site.sigIndex === 0) return hex;
    return (x: unknown, width: number, zeroPad: boolean) => {
      const body = hex(x); // a negative number is reported before a bad width
      if (width < 0 && zeroPad) throw pfaError(39110, "negative width cannot be used with zero-padding");
      checkStringLength(site.rt, Math.abs(width), site.name);
      return width === 0 ? "" : pad(body, width, zeroPad, false); // Titus formats width 0 as ""
    };
  },
  "s.int": (site) => {
    if (site.sigIndex === 0) return (x: unknown) => toBig(x).toString();
    return (x: unknown, width: number, zeroPad: boolean) => {
      if (width < 0 && zeroPad) throw pfaError(39240, "negative width cannot be used with zero-padding");
      checkStringLength(site.rt, Math.abs(width), site.name);
      const v = toBig(x);
      if (width === 0) return ""; // as Titus
      return pad((v < 0n ? -v : v).toString(), width, zeroPad, v < 0n);
    };
  },
  "s.number": (site) => {
    switch (site.sigIndex) {
      case 0:
        return (x: unknown) => toBig(x).toString();
      case 1:
        return (x: unknown, width: number, zeroPad: boolean) => {
          if (width < 0 && zeroPad) throw pfaError(39120, "negative width cannot be used with zero-padding");
          checkStringLength(site.rt, Math.abs(width), site.name);
          const v = toBig(x);
          return pad((v < 0n ? -v : v).toString(), width, zeroPad, v < 0n);
        };
      case 2:
        return (x: number, w: number | null, p: number | null) => {
          checkStringLength(site.rt, Math.abs(w ?? 0) + Math.abs(p ?? 0), site.name);
          return formatNumber(x, w, p);
        };
      default:
        return (x: number, w: number | null, p: number | null, lo: number, hi: number) => {
          checkStringLength(site.rt, Math.abs(w ?? 0) + Math.abs(p ?? 0), site.name);
          return formatNumber(x, w, p, lo, hi);
        };
    }
  },
  "s.concat": () => (x: string, y: string) => x + y,
  "s.repeat": (site) => (x: string, n: number) => {
    if (n <= 0) return "";
    checkStringLength(site.rt, x.length * n, site.name);
    return x.repeat(n);
  },
  "s.lower": () => (x: string) => x.toLowerCase(),
  "s.upper": () => (x: string) => x.toUpperCase(),
  "s.lstrip": () => (x: string, chars: string) => {
    const c = cps(x);
    const inSet = stripSet(chars);
    let i = 0;
    while (i < c.length && inSet(c[i]!)) i++;
    return c.slice(i).join("");
  },
  "s.rstrip": () => (x: string, chars: string) => {
    const c = cps(x);
    const inSet = stripSet(chars);
    let j = c.length;
    while (j > 0 && inSet(c[j - 1]!)) j--;
    return c.slice(0, j).join("");
  },
  "s.strip": () => (x: string, chars: string) => {
    const c = cps(x);
    const inSet = stripSet(chars);
    let i = 0;
    let j = c.length;
    while (i < j && inSet(c[i]!)) i++;
    while (j > i && inSet(c[j - 1]!)) j--;
    return c.slice(i, j).join("");
  },
  "s.replaceall": () => (x: string, o: string, r: string) =>
    o === ""
      ? cps(x)
          .map((c) => r + c)
          .join("") + r
      : x.split(o).join(r),
  "s.replacefirst": () => (x: string, o: string, r: string) => {
    const i = x.indexOf(o);
    return i < 0 ? x : x.slice(0, i) + r + x.slice(i + o.length);
  },
  "s.replacelast": () => (x: string, o: string, r: string) => {
    const i = x.lastIndexOf(o);
    return i < 0 ? x : x.slice(0, i) + r + x.slice(i + o.length);
  },
  "s.translate": () => (x: string, oldc: string, newc: string) => {
    const o = cps(oldc);
    const n = cps(newc);
    return cps(x)
      .map((c) => {
        const i = o.indexOf(c);
        return i < 0 ? c : i < n.length ? n[i]! : "";
      })
      .join("");
  },
};
