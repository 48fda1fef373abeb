/** `interp.*`: binning and interpolation over lookup tables (spec §7, "Interpolation"). */
import { pfaError } from "../values.ts";
import type { LibModule } from "./site.ts";

type Row = { x: any; to: any };
type Fn = (...a: any[]) => any;

/** The table rows around x: below/above when x is inside the table, else the two nearest distinct x. */
function closest(x: number, table: Row[], code: number): { one: Row; two: Row; between: boolean } {
  let below: Row | null = null;
  let above: Row | null = null;
  let belowd = 0;
  let aboved = 0;
  for (const item of table) {
    if (item.x <= x && (below === null || x - item.x < belowd)) {
      below = item;
      belowd = x - item.x;
    }
    if (x < item.x && (above === null || item.x - x < aboved)) {
      above = item;
      aboved = item.x - x;
    }
  }
  if (below !== null && above !== null) return { one: below, two: above, between: true };
  let one: Row | null = null;
  let two: Row | null = null;
  let oned = 0;
  let twod = 0;
  for (const item of table) {
    const d = Math.abs(x - item.x);
    if (one === null || d < oned) {
      two = one;
      twod = oned;
      one = item;
      oned = d;
    } else if ((two === null || d < twod) && d !== oned) {
      two = item;
      twod = d;
    }
  }
  if (one === null || two === null) throw pfaError(code, "table must have at least two distinct x values");
  return { one, two, between: false };
}

function interpolate(x: number, one: Row, two: Row, multi: boolean, code: number): number | number[] {
  const t = (x - one.x) / (two.x - one.x);
  if (!multi) return (1 - t) * one.to + t * two.to;
  const a = one.to as number[];
  const b = two.to as number[];
  if (a.length !== b.length) throw pfaError(code, "inconsistent dimensionality");
  return a.map((v, i) => (1 - t) * v + t * b[i]!);
}

export const interp: LibModule = {
  "interp.bin": (site) => {
    if (site.sigIndex === 0) {
      return (x: number, numbins: number, low: number, high: number) => {
        if (!(low < high)) throw pfaError(22000, "bad histogram range");
        if (numbins < 1) throw pfaError(22001, "bad histogram scale");
        if (Number.isNaN(x) || x < low || x >= high) throw pfaError(22002, "x out of range");
        const out = Math.floor((numbins * (x - low)) / (high - low));
        if (out < 0 || out >= numbins) throw pfaError(22002, "x out of range");
        return out;
      };
    }
    return (x: number, origin: number, width: number) => {
      if (!Number.isFinite(origin)) throw pfaError(22000, "bad histogram range");
      if (!(width > 0)) throw pfaError(22001, "bad histogram scale");
      if (!Number.isFinite(x)) throw pfaError(22002, "x out of range");
      const out = Math.floor((x - origin) / width);
      if (out > 2147483647 || out < -2147483648) throw pfaError(22002, "x out of range");
      return out;
    };
  },
  "interp.nearest": (site) => {
    const empty = (table: Row[]) => {
      if (table.length === 0) throw pfaError(22010, "table must have at least one entry");
    };
    switch (site.sigIndex) {
      case 0:
        return (x: number, table: Row[]) => {
          empty(table);
          let one = table[0]!;
          let oned = Math.abs(x - one.x);
          for (let i = 1; i < table.length; i++) {
            const d = Math.abs(x - table[i]!.x);
            if (d < oned) {
              one = table[i]!;
              oned = d;
            }
          }
          return one.to;
        };
      case 1:
        return (x: number[], table: Row[]) => {
          empty(table);
          let one: Row | null = null;
          let oned = 0;
          for (const item of table) {
            const ix = item.x as number[];
            if (ix.length !== x.length) throw pfaError(22011, "inconsistent dimensionality");
            let d = 0;
            for (let i = 0; i < x.length; i++) d += (x[i]! - ix[i]!) ** 2;
            if (one === null || d < oned) {
              one = item;
              oned = d;
            }
          }
          return one!.to;
        };
      default:
        return (x: unknown, table: Row[], metric: Fn) => {
          empty(table);
          let one: Row | null = null;
          let oned = 0;
          for (const item of table) {
            const d = metric(x, item.x) as number;
            if (one === null || d < oned) {
              one = item;
              oned = d;
            }
          }
          return one!.to;
        };
    }
  },
  "interp.linear": (site) => {
    const multi = site.sigIndex === 1;
    return (x: number, table: Row[]) => {
      const { one, two } = closest(x, table, 22020);
      return interpolate(x, one, two, multi, 22021);
    };
  },
  "interp.linearFlat": (site) => {
    const multi = site.sigIndex === 1;
    return (x: number, table: Row[]) => {
      const { one, two, between } = closest(x, table, 22030);
      return between ? interpolate(x, one, two, multi, 22031) : one.to;
    };
  },
  "interp.linearMissing": (site) => {
    const multi = site.sigIndex === 1;
    return (x: number, table: Row[]) => {
      const { one, two, between } = closest(x, table, 22040);
      if (!between && one.x !== x) return null;
      return interpolate(x, one, two, multi, 22041);
    };
  },
};
