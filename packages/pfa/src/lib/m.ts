/**
 * `m.*`, `m.special.*`, `m.link.*`, `m.kernel.*`: basic and special math functions, link
 * functions and kernels (spec §7, "Basic and special math").
 */
import { correctlyRoundedExp, pfaRint } from "@porta/ir";
import { checkInt, doubleToLong, INT_MIN, longSub, newMap, pfaError, toBig, toNumber } from "../values.ts";
import type { LibImpl, LibModule } from "./site.ts";
import { erf, erfc, lnGamma } from "./special.ts";

const d1 =
  (f: (x: number) => number): LibImpl =>
  () =>
    f;

/** Round half to even (the IR's lowered PFA documents use the same function). */
const rint = pfaRint;

function link(f: (x: number) => number): LibImpl {
  return (site) => {
    switch (site.sigIndex) {
      case 0:
        return f;
      case 1:
        return (a: number[]) => a.map(f);
      default:
        return (m: Record<string, number>) => {
          const out = newMap();
          for (const k of Object.keys(m)) out[k] = f(m[k]!);
          return out;
        };
    }
  };
}

function dot(x: number[], y: number[], code: number): number {
  if (x.length !== y.length) throw pfaError(code, "arrays must have same length");
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

export const m: LibModule = {
  "m.pi": () => () => Math.PI,
  "m.e": () => () => Math.E,
  "m.abs": (site) => {
    switch (site.retType.kind) {
      case "int":
        return (x: number) => {
          if (x === INT_MIN) throw pfaError(27020, "int overflow");
          return Math.abs(x);
        };
      case "long":
        return (x: unknown) => (toBig(x) < 0n ? longSub(0, x, 27021) : x);
      default:
        return Math.abs;
    }
  },
  "m.acos": d1(Math.acos),
  "m.asin": d1(Math.asin),
  "m.atan": d1(Math.atan),
  "m.atan2": () => Math.atan2,
  "m.ceil": d1(Math.ceil),
  "m.copysign": (site) => {
    const k = site.retType.kind;
    if (k === "int" || k === "long") {
      return (mag: unknown, sign: unknown) => {
        const a = toBig(mag) < 0n ? -toBig(mag) : toBig(mag);
        const r = toBig(sign) < 0n ? -a : a;
        return k === "int" ? checkInt(Number(r), 27020) : Number.isSafeInteger(Number(r)) ? Number(r) : r;
      };
    }
    return (mag: number, sign: number) => (sign < 0 || Object.is(sign, -0) ? -Math.abs(mag) : Math.abs(mag));
  },
  "m.cos": d1(Math.cos),
  "m.cosh": d1(Math.cosh),
  // Correctly rounded (V8's Math.exp may be an ulp off): the same double as Java's StrictMath and
  // the PMML interpreter, so a document converted from PMML scores the same to the last bit.
  "m.exp": d1(correctlyRoundedExp),
  "m.expm1": d1(Math.expm1),
  "m.floor": d1(Math.floor),
  "m.hypot": () => Math.hypot,
  "m.ln": d1(Math.log),
  "m.log10": d1(Math.log10),
  "m.log": () => (x: number, base: number) => {
    if (base <= 0) throw pfaError(27170, "base must be positive");
    return Math.log(x) / Math.log(base);
  },
  "m.ln1p": d1(Math.log1p),
  "m.round": (site) => {
    if (site.retType.kind === "int") {
      return (x: number) => {
        const r = Math.floor(x + 0.5);
        if (!Number.isFinite(r) || r > 2147483647 || r < -2147483648) throw pfaError(27190, "int overflow");
        return r;
      };
    }
    return (x: number) => doubleToLong(Math.floor(x + 0.5), 27191);
  },
  "m.rint": d1(rint),
  "m.signum": d1((x) => (x > 0 ? 1 : x < 0 ? -1 : 0)),
  "m.sin": d1(Math.sin),
  "m.sinh": d1(Math.sinh),
  "m.sqrt": d1(Math.sqrt),
  "m.tan": d1(Math.tan),
  "m.tanh": d1(Math.tanh),

  "m.special.nChooseK": () => (n: number, k: number) => {
    // Titus treats n == k as a domain error too (its nChooseK raises there)
    if (k < 0 || n <= 0 || k >= n) throw pfaError(36000, "domain error");
    let r = 1;
    for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
    return checkInt(Math.round(r), 36000);
  },
  "m.special.lnBeta": () => (a: number, b: number) => {
    if (a <= 0 || b <= 0) throw pfaError(36010, "domain error");
    return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
  },
  "m.special.erf": d1(erf),
  "m.special.erfc": d1(erfc),
  "m.special.lnGamma": () => (x: number) => {
    if (x === Infinity) return NaN; // as Titus
    if (x <= 0) throw pfaError(36050, "domain error");
    return lnGamma(x);
  },

  "m.link.softmax": (site) => {
    const soft = (xs: number[]): number[] => {
      const mx = Math.max(...xs);
      // the correctly rounded exp, as m.exp and the links below (Hadrian's java.lang.Math.exp on
      // HotSpot), and as the IR's softmax layer: a network lowered into the IR normalises alike
      const e = xs.map((v) => correctlyRoundedExp(v - mx));
      const s = e.reduce((p, v) => p + v, 0);
      return e.map((v) => v / s);
    };
    if (site.sigIndex === 0)
      return (x: number[]) => {
        if (x.length === 0) throw pfaError(25000, "empty input");
        return soft(x);
      };
    return (x: Record<string, number>) => {
      const keys = Object.keys(x);
      if (keys.length === 0) throw pfaError(25000, "empty input");
      const vals = soft(keys.map((k) => x[k]!));
      const out = newMap();
      keys.forEach((k, i) => (out[k] = vals[i]));
      return out;
    };
  },
  // logit and cloglog take the correctly rounded exp, as Hadrian's java.lang.Math.exp gives on
  // HotSpot (V8's Math.exp is off by one ulp about once in ten): the IR's links use the same one,
  // so a regression lowered into the IR (lower/models.ts) scores bit for bit as this engine does.
  "m.link.logit": link((x) => 1 / (1 + correctlyRoundedExp(-x))),
  "m.link.probit": link((x) => (erf(x / Math.SQRT2) + 1) / 2),
  "m.link.cloglog": link((x) => 1 - correctlyRoundedExp(-correctlyRoundedExp(x))),
  "m.link.loglog": link((x) => Math.exp(-Math.exp(x))),
  "m.link.cauchit": link((x) => 0.5 + Math.atan(x) / Math.PI),
  "m.link.softplus": link((x) => Math.log1p(Math.exp(x))),
  "m.link.relu": link((x) => (x <= 0 ? 0 : x)), // NaN passes through
  "m.link.tanh": link(Math.tanh),

  "m.kernel.linear": () => (x: number[], y: number[]) => dot(x, y, 23000),
  "m.kernel.rbf": () => (x: number[], y: number[], gamma: number) => {
    if (x.length !== y.length) throw pfaError(23010, "arrays must have same length");
    let s = 0;
    for (let i = 0; i < x.length; i++) s += (x[i]! - y[i]!) ** 2;
    return Math.exp(-gamma * s);
  },
  "m.kernel.poly": () => (x: number[], y: number[], gamma: number, intercept: number, degree: number) => Math.pow(gamma * dot(x, y, 23020) + intercept, degree),
  "m.kernel.sigmoid": () => (x: number[], y: number[], gamma: number, intercept: number) => Math.tanh(gamma * dot(x, y, 23030) + intercept),
};

export { toNumber };
