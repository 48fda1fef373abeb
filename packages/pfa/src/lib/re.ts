/**
 * `re.*`: regular expressions on strings and bytes (spec §7, "Regular expressions"). Patterns
 * are compiled once per distinct pattern; bytes are matched as Latin-1 strings so that indexes
 * are byte offsets. Patterns run on @porta/ir's safe engines (RE2JS, linear; V8 under the
 * engine's `regexSteps` allowance for back references and lookaround), so a pattern from the
 * document or an input row cannot stall the engine: a runaway ends in EvaluationError
 * REGEX_BUDGET, which `try` does not catch (see ../limits.ts).
 */
import { compileSafeRegex, type RegexMatch, type SafeRegex } from "@porta/ir";
import { pfaError } from "../values.ts";
import type { LibImpl, LibModule } from "./site.ts";

function compile(p: string, code: number): SafeRegex {
  try {
    return compileSafeRegex(p);
  } catch {
    throw pfaError(code, "bad pattern");
  }
}

const toLatin1 = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join("");
const fromLatin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const span = (m: RegexMatch, g: number): number[] => [m.spans[2 * g]!, m.spans[2 * g + 1]!];
const text = (h: string, m: RegexMatch, g: number): string => (m.spans[2 * g]! < 0 ? "" : h.slice(m.spans[2 * g], m.spans[2 * g + 1]));
const groupSpans = (m: RegexMatch): number[][] => Array.from({ length: m.spans.length / 2 }, (_, g) => span(m, g));
const groupTexts = (h: string, m: RegexMatch): string[] => Array.from({ length: m.spans.length / 2 }, (_, g) => text(h, m, g));

/** What an implementation gets: the haystack, the compiled pattern, the other arguments, and the engine's regexSteps. */
type ReBody = (h: string, r: SafeRegex, rest: string[], out: (s: string) => unknown, steps: number) => unknown;

/** Build an implementation working on strings; the bytes signature converts at the edges. */
function re(code: number, f: ReBody): LibImpl {
  return (site) => {
    const steps = site.rt.regexSteps;
    if (site.sigIndex === 0) return (h: string, p: string, ...rest: string[]) => f(h, compile(p, code), rest, (s) => s, steps);
    return (h: Uint8Array, p: Uint8Array, ...rest: Uint8Array[]) => f(toLatin1(h), compile(toLatin1(p), code), rest.map(toLatin1), fromLatin1, steps);
  };
}

function replace(h: string, ms: RegexMatch[], repl: string, which: "first" | "last" | "all"): string {
  const chosen = which === "all" ? ms : which === "first" ? ms.slice(0, 1) : ms.slice(-1);
  let out = "";
  let pos = 0;
  for (const m of chosen) {
    out += h.slice(pos, m.spans[0]) + repl;
    pos = m.spans[1]!;
  }
  return out + h.slice(pos);
}

export const reLib: LibModule = {
  "re.index": re(35000, (h, r, _, __, n) => {
    const m = r.first(h, n);
    return m ? span(m, 0) : [];
  }),
  "re.contains": re(35010, (h, r, _, __, n) => r.test(h, n)),
  "re.count": re(35020, (h, r, _, __, n) => r.all(h, n).length),
  "re.rindex": re(35030, (h, r, _, __, n) => {
    const ms = r.all(h, n);
    return ms.length ? span(ms[ms.length - 1]!, 0) : [];
  }),
  "re.groups": re(35040, (h, r, _, __, n) => {
    const m = r.first(h, n);
    return m ? groupSpans(m) : [];
  }),
  "re.indexall": re(35050, (h, r, _, __, n) => r.all(h, n).map((m) => span(m, 0))),
  "re.findall": re(35060, (h, r, _, out, n) => r.all(h, n).map((m) => out(text(h, m, 0)))),
  "re.findfirst": re(35070, (h, r, _, out, n) => {
    const m = r.first(h, n);
    return m ? out(text(h, m, 0)) : null;
  }),
  "re.findgroupsfirst": re(35080, (h, r, _, out, n) => {
    const m = r.first(h, n);
    return m ? groupTexts(h, m).map(out) : [];
  }),
  "re.findgroupsall": re(35090, (h, r, _, out, n) => r.all(h, n).map((m) => groupTexts(h, m).map(out))),
  "re.groupsall": re(35100, (h, r, _, __, n) => r.all(h, n).map(groupSpans)),
  "re.replacefirst": re(35110, (h, r, [repl], out, n) => out(replace(h, r.all(h, n), repl!, "first"))),
  "re.replacelast": re(35120, (h, r, [repl], out, n) => out(replace(h, r.all(h, n), repl!, "last"))),
  "re.split": re(35130, (h, r, _, out, n) => {
    const parts: string[] = [];
    let pos = 0;
    for (const m of r.all(h, n)) {
      if (m.spans[0] === m.spans[1]) continue;
      parts.push(h.slice(pos, m.spans[0]));
      pos = m.spans[1]!;
    }
    parts.push(h.slice(pos));
    return parts.map(out);
  }),
  "re.replaceall": re(35140, (h, r, [repl], out, n) => out(replace(h, r.all(h, n), repl!, "all"))),
};
