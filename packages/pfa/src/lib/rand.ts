/** `rand.*`: pseudorandom draws from the engine's seeded generator (spec §7, "Random numbers"). */
import { normLong, pfaError, toBig } from "../values.ts";
import { sized, type LibModule } from "./site.ts";
import { checkStringLength } from "../limits.ts";

function checkRange(code: number, low: number | bigint, high: number | bigint) {
  if (high <= low) throw pfaError(code, "high must be greater than low");
}

export const rand: LibModule = {
  "rand.int": (site) =>
    site.sigIndex === 0
      ? () => site.rt.rng.nextUint32() | 0
      : (low: number, high: number) => {
          checkRange(34000, low, high);
          return site.rt.rng.int(low, high);
        },
  "rand.long": (site) => {
    const rng = site.rt.rng;
    const draw = () => (BigInt(rng.nextUint32()) << 32n) | BigInt(rng.nextUint32());
    if (site.sigIndex === 0) return () => normLong(BigInt.asIntN(64, draw()));
    return (low: unknown, high: unknown) => {
      const lo = toBig(low);
      const hi = toBig(high);
      checkRange(34010, lo, hi);
      return normLong(lo + (draw() % (hi - lo)));
    };
  },
  "rand.float": (site) => (low: number, high: number) => {
    checkRange(34020, low, high);
    return low + site.rt.rng.random() * (high - low);
  },
  "rand.double": (site) => (low: number, high: number) => {
    checkRange(34030, low, high);
    return low + site.rt.rng.random() * (high - low);
  },
  "rand.choice": (site) => (pop: unknown[]) => {
    if (pop.length === 0) throw pfaError(34040, "population must not be empty");
    return pop[site.rt.rng.int(0, pop.length)];
  },
  "rand.choices": (site) => (size: number, pop: unknown[]) => {
    if (pop.length === 0) throw pfaError(34050, "population must not be empty");
    sized(site, size);
    return Array.from({ length: Math.max(size, 0) }, () => pop[site.rt.rng.int(0, pop.length)]);
  },
  "rand.sample": (site) => (size: number, pop: unknown[]) => {
    if (pop.length === 0) throw pfaError(34060, "population must not be empty");
    if (pop.length < size) throw pfaError(34061, "population smaller than requested subsample");
    const idx = pop.map((_, i) => i);
    for (let i = 0; i < size; i++) {
      const j = site.rt.rng.int(i, idx.length);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    return idx.slice(0, Math.max(size, 0)).map((i) => pop[i]);
  },
  "rand.histogram": (site) => {
    const pick = (w: number[]): number => {
      // element by element, as the reference: the first bad entry decides the error
      for (const x of w) {
        if (!Number.isFinite(x)) throw pfaError(34071, "distribution must be finite");
        if (x < 0) throw pfaError(34072, "distribution must be non-negative");
      }
      const total = w.reduce((s, x) => s + x, 0);
      if (total === 0) throw pfaError(34070, "distribution must be non-empty");
      let r = site.rt.rng.random() * total;
      for (let i = 0; i < w.length; i++) {
        r -= w[i]!;
        if (r < 0) return i;
      }
      return w.length - 1;
    };
    if (site.sigIndex === 0) return (d: number[]) => pick(d);
    return (d: { prob: number }[]) => d[pick(d.map((x) => x.prob))];
  },
  "rand.string": (site) => {
    const rng = site.rt.rng;
    const size = (n: number) => {
      if (n <= 0) throw pfaError(34080, "size must be positive");
      checkStringLength(site.rt, n, site.name);
    };
    switch (site.sigIndex) {
      case 0:
        return (n: number) => {
          size(n);
          return Array.from({ length: n }, () => String.fromCodePoint(rng.int(1, 0xd800))).join("");
        };
      case 1:
        return (n: number, pop: string) => {
          size(n);
          const cs = Array.from(pop);
          if (cs.length === 0) throw pfaError(34083, "population must be non-empty");
          return Array.from({ length: n }, () => cs[rng.int(0, cs.length)]).join("");
        };
      default:
        return (n: number, low: number, high: number) => {
          size(n);
          if (high <= low) throw pfaError(34081, "high must be greater than low");
          if (low < 1 || low > 0xd800 || high < 1 || high > 0xd800) throw pfaError(34082, "invalid char");
          return Array.from({ length: n }, () => String.fromCodePoint(rng.int(low, high))).join("");
        };
    }
  },
  "rand.bytes": (site) => {
    const rng = site.rt.rng;
    const size = (n: number) => {
      if (n <= 0) throw pfaError(34090, "size must be positive");
      checkStringLength(site.rt, n, site.name);
    };
    switch (site.sigIndex) {
      case 0:
        return (n: number) => {
          size(n);
          return Uint8Array.from({ length: n }, () => rng.int(0, 256));
        };
      case 1:
        return (n: number, pop: Uint8Array) => {
          size(n);
          if (pop.length === 0) throw pfaError(34093, "population must be non-empty");
          return Uint8Array.from({ length: n }, () => pop[rng.int(0, pop.length)]!);
        };
      default:
        return (n: number, low: number, high: number) => {
          size(n);
          if (high <= low) throw pfaError(34091, "high must be greater than low");
          if (low < 0 || low > 255 || high < 0 || high > 256) throw pfaError(34092, "invalid byte");
          return Uint8Array.from({ length: n }, () => rng.int(low, high));
        };
    }
  },
  "rand.uuid": (site) => () => uuid4(site.rt.rng.nextUint32.bind(site.rt.rng)),
  "rand.uuid4": (site) => () => uuid4(site.rt.rng.nextUint32.bind(site.rt.rng)),
  "rand.gaussian": (site) => (mu: number, sigma: number) => mu + sigma * site.rt.rng.gaussian(),
};

function uuid4(next: () => number): string {
  const hex = Array.from({ length: 4 }, () => next().toString(16).padStart(8, "0"))
    .join("")
    .split("");
  hex[12] = "4";
  hex[16] = "8";
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
