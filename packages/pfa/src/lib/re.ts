/**
 * `re.*`: regular expressions on strings and bytes (spec §7, "Regular expressions"). Patterns
 * are compiled once per distinct pattern; bytes are matched as Latin-1 strings so that indexes
 * are byte offsets.
 */
import { pfaError } from "../values.ts";
import type { LibImpl, LibModule } from "./site.ts";

type Match = RegExpExecArray & { indices: [number, number][] };

const cache = new Map<string, RegExp | null>();
function compile(p: string, code: number): RegExp {
  let r = cache.get(p);
  if (r === undefined) {
    try {
      r = new RegExp(p, "gdu");
    } catch {
      r = null;
    }
    cache.set(p, r);
  }
  if (!r) throw pfaError(code, "bad pattern");
  r.lastIndex = 0;
  return r;
}

function allMatches(h: string, re: RegExp): Match[] {
  const out: Match[] = [];
  re.lastIndex = 0;
  for (;;) {
    const m = re.exec(h) as Match | null;
    if (!m) break;
    out.push(m);
    if (m[0] === "") re.lastIndex++;
  }
  return out;
}
function first(h: string, re: RegExp): Match | null {
  re.lastIndex = 0;
  return re.exec(h) as Match | null;
}

const toLatin1 = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join("");
const fromLatin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const span = (m: Match, g: number): number[] => (m.indices[g] ? [m.indices[g]![0], m.indices[g]![1]] : [-1, -1]);

/** Build an implementation working on strings; the bytes signature converts at the edges. */
function re(code: number, f: (h: string, r: RegExp, rest: string[], out: (s: string) => unknown) => unknown): LibImpl {
  return (site) => {
    if (site.sigIndex === 0) return (h: string, p: string, ...rest: string[]) => f(h, compile(p, code), rest, (s) => s);
    return (h: Uint8Array, p: Uint8Array, ...rest: Uint8Array[]) => f(toLatin1(h), compile(toLatin1(p), code), rest.map(toLatin1), fromLatin1);
  };
}

function replace(h: string, r: RegExp, repl: string, which: "first" | "last" | "all"): string {
  const ms = allMatches(h, r);
  const chosen = which === "all" ? ms : which === "first" ? ms.slice(0, 1) : ms.slice(-1);
  let out = "";
  let pos = 0;
  for (const m of chosen) {
    out += h.slice(pos, m.index) + repl;
    pos = m.index + m[0].length;
  }
  return out + h.slice(pos);
}

export const reLib: LibModule = {
  "re.index": re(35000, (h, r) => { const m = first(h, r); return m ? span(m, 0) : []; }),
  "re.contains": re(35010, (h, r) => first(h, r) !== null),
  "re.count": re(35020, (h, r) => allMatches(h, r).length),
  "re.rindex": re(35030, (h, r) => { const ms = allMatches(h, r); return ms.length ? span(ms[ms.length - 1]!, 0) : []; }),
  "re.groups": re(35040, (h, r) => { const m = first(h, r); return m ? m.map((_, g) => span(m, g)) : []; }),
  "re.indexall": re(35050, (h, r) => allMatches(h, r).map((m) => span(m, 0))),
  "re.findall": re(35060, (h, r, _, out) => allMatches(h, r).map((m) => out(m[0]))),
  "re.findfirst": re(35070, (h, r, _, out) => { const m = first(h, r); return m ? out(m[0]) : null; }),
  "re.findgroupsfirst": re(35080, (h, r, _, out) => { const m = first(h, r); return m ? m.map((g) => out(g ?? "")) : []; }),
  "re.findgroupsall": re(35090, (h, r, _, out) => allMatches(h, r).map((m) => m.map((g) => out(g ?? "")))),
  "re.groupsall": re(35100, (h, r) => allMatches(h, r).map((m) => m.map((_, g) => span(m, g)))),
  "re.replacefirst": re(35110, (h, r, [repl], out) => out(replace(h, r, repl!, "first"))),
  "re.replacelast": re(35120, (h, r, [repl], out) => out(replace(h, r, repl!, "last"))),
  "re.split": re(35130, (h, r, _, out) => {
    const parts: string[] = [];
    let pos = 0;
    for (const m of allMatches(h, r)) {
      if (m[0] === "") continue;
      parts.push(h.slice(pos, m.index));
      pos = m.index + m[0].length;
    }
    parts.push(h.slice(pos));
    return parts.map(out);
  }),
  "re.replaceall": re(35140, (h, r, [repl], out) => out(replace(h, r, repl!, "all"))),
};
