/**
 * `la.*`: linear algebra on dense matrices (arrays of rows) and sparse ones (maps of maps,
 * missing entries are zero) (spec §7, "Linear algebra").
 */
import { newMap, pfaError } from "../values.ts";
import { sized, type LibImpl, type LibModule } from "./site.ts";

type Mat = number[][];
type MMat = Record<string, Record<string, number>>;
type Fn = (...a: any[]) => any;

function checkMatrix(x: Mat, fewCode: number, raggedCode: number | null): void {
  if (x.length < 1 || x[0]!.length < 1) throw pfaError(fewCode, "too few rows/cols");
  if (raggedCode !== null && x.some((r) => r.length !== x[0]!.length)) throw pfaError(raggedCode, "ragged columns");
}

function mapKeys(x: MMat): { rows: string[]; cols: string[] } {
  const cols = new Set<string>();
  for (const r of Object.keys(x)) for (const c of Object.keys(x[r]!)) cols.add(c);
  return { rows: Object.keys(x), cols: [...cols] };
}
function toDense(x: MMat, rows: string[], cols: string[]): Mat {
  return rows.map((r) => cols.map((c) => x[r]?.[c] ?? 0));
}
function toSparse(m: Mat, rows: string[], cols: string[]): MMat {
  const out = newMap() as MMat;
  rows.forEach((r, i) => {
    const row = newMap() as Record<string, number>;
    cols.forEach((c, j) => (row[c] = m[i]![j]!));
    out[r] = row;
  });
  return out;
}

function mapMat(x: Mat, f: (v: number) => number): Mat {
  return x.map((r) => r.map(f));
}
function mapSparse(x: MMat, f: (v: number) => number): MMat {
  const out = newMap() as MMat;
  for (const r of Object.keys(x)) {
    const row = newMap() as Record<string, number>;
    for (const c of Object.keys(x[r]!)) row[c] = f(x[r]![c]!);
    out[r] = row;
  }
  return out;
}

function elementwise(code: number, op: (a: number, b: number) => number): LibImpl {
  return (site) => {
    switch (site.sigIndex) {
      case 0:
        return (x: number[], y: number[]) => {
          if (x.length !== y.length) throw pfaError(code, "misaligned matrices");
          return x.map((v, i) => op(v, y[i]!));
        };
      case 1:
        return (x: Mat, y: Mat) => {
          if (x.length !== y.length || x.some((r, i) => r.length !== y[i]!.length)) throw pfaError(code, "misaligned matrices");
          return x.map((r, i) => r.map((v, j) => op(v, y[i]![j]!)));
        };
      case 2:
        return (x: Record<string, number>, y: Record<string, number>) => {
          const out = newMap();
          for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) out[k] = op(x[k] ?? 0, y[k] ?? 0);
          return out;
        };
      default:
        return (x: MMat, y: MMat) => sparseZip(x, y, op);
    }
  };
}
function sparseZip(x: MMat, y: MMat, op: (a: number, b: number) => number): MMat {
  // the result is dense over all row keys and all column keys of either matrix
  const out = newMap() as MMat;
  const cols = new Set([...mapKeys(x).cols, ...mapKeys(y).cols]);
  for (const r of new Set([...Object.keys(x), ...Object.keys(y)])) {
    const row = newMap() as Record<string, number>;
    const xr = x[r] ?? {};
    const yr = y[r] ?? {};
    for (const c of cols) row[c] = op(xr[c] ?? 0, yr[c] ?? 0);
    out[r] = row;
  }
  return out;
}

function matmul(a: Mat, b: Mat): Mat {
  const n = a.length;
  const m = b[0]!.length;
  const k = b.length;
  const out: Mat = [];
  for (let i = 0; i < n; i++) {
    const row = new Array(m).fill(0);
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i]![t]! * b[t]![j]!;
      row[j] = s;
    }
    out.push(row);
  }
  return out;
}
const transpose = (x: Mat): Mat => x[0]!.map((_, j) => x.map((r) => r[j]!));

/** Gauss-Jordan inverse of a square matrix; null when singular. */
function invertSquare(x: Mat): Mat | null {
  const n = x.length;
  const a = x.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    if (a[p]![c] === 0) return null;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pv = a[c]![c]!;
    for (let j = 0; j < 2 * n; j++) a[c]![j]! /= pv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      if (f !== 0) for (let j = 0; j < 2 * n; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((r) => r.slice(n));
}
/** Inverse, or the Moore-Penrose pseudoinverse for full-rank non-square matrices. */
function pinv(x: Mat): Mat {
  const n = x.length;
  const m = x[0]!.length;
  const nan = () => x[0]!.map(() => x.map(() => NaN));
  if (n === m) return invertSquare(x) ?? nan();
  const t = transpose(x);
  if (n > m) {
    const inv = invertSquare(matmul(t, x));
    return inv ? matmul(inv, t) : nan();
  }
  const inv = invertSquare(matmul(x, t));
  return inv ? matmul(t, inv) : nan();
}
function det(x: Mat): number {
  // the reference returns NaN for any non-finite entry
  if (x.some((r) => r.some((v) => !Number.isFinite(v)))) return NaN;
  const n = x.length;
  const a = x.map((r) => r.slice());
  let d = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    if (a[p]![c] === 0) return 0;
    if (p !== c) {
      [a[c], a[p]] = [a[p]!, a[c]!];
      d = -d;
    }
    d *= a[c]![c]!;
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / a[c]![c]!;
      for (let j = c; j < n; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return d;
}
/** Jacobi eigen-decomposition of a symmetric matrix: eigenvalues and eigenvectors (columns). */
function jacobi(s: Mat): { values: number[]; vectors: Mat } {
  const n = s.length;
  const a = s.map((r) => r.slice());
  const v: Mat = a.map((_, i) => a.map((__, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i]![j]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p]![q] === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * a[p]![q]!);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - sn * akq;
          a[k]![q] = sn * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - sn * aqk;
          a[q]![k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - sn * vkq;
          v[k]![q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((r, i) => r[i]!), vectors: v };
}
function eigenBasis(x: Mat): Mat {
  const n = x.length;
  const sym = x.map((r, i) => r.map((v, j) => (v + x[j]![i]!) / 2));
  const { values, vectors } = jacobi(sym);
  const order = values.map((_, i) => i).sort((i, j) => values[j]! - values[i]!);
  return order.map((i) => {
    const vec = vectors.map((r) => r[i]!);
    const sign = vec[0]! < 0 ? -1 : 1;
    const scale = Math.sqrt(Math.abs(values[i]!));
    return vec.map((v) => (sign * v) / scale).slice(0, n);
  });
}

/** Dense and sparse versions from one dense implementation. */
function matrixFn(fewCode: number | null, raggedCode: number | null, dense: (x: Mat) => unknown, sparse?: (x: MMat) => unknown): LibImpl {
  return (site) => {
    if (site.sigIndex === 0) {
      return (x: Mat) => {
        if (fewCode !== null) checkMatrix(x, fewCode, raggedCode);
        else if (raggedCode !== null && x.some((r) => r.length !== x[0]!.length)) throw pfaError(raggedCode, "ragged columns");
        return dense(x);
      };
    }
    return (x: MMat) => {
      const { rows, cols } = mapKeys(x);
      if (fewCode !== null && (rows.length < 1 || cols.length < 1)) throw pfaError(fewCode, "too few rows/cols");
      return sparse ? sparse(x) : dense(toDense(x, rows, cols));
    };
  };
}

export const la: LibModule = {
  "la.map": (site) => (site.sigIndex === 0 ? (x: Mat, f: Fn) => mapMat(x, f) : (x: MMat, f: Fn) => mapSparse(x, f)),
  "la.scale": (site) => {
    switch (site.sigIndex) {
      case 0:
        return (x: number[], a: number) => x.map((v) => v * a);
      case 1:
        return (x: Mat, a: number) => mapMat(x, (v) => v * a);
      case 2:
        return (x: Record<string, number>, a: number) => {
          const o = newMap();
          for (const k of Object.keys(x)) o[k] = x[k]! * a;
          return o;
        };
      default:
        return (x: MMat, a: number) => mapSparse(x, (v) => v * a);
    }
  },
  "la.zipmap": (site) => {
    if (site.sigIndex === 0) {
      return (x: Mat, y: Mat, f: Fn) => {
        if (x.length !== y.length || x.some((r, i) => r.length !== y[i]!.length)) throw pfaError(24020, "misaligned matrices");
        return x.map((r, i) => r.map((v, j) => f(v, y[i]![j]!)));
      };
    }
    return (x: MMat, y: MMat, f: Fn) => sparseZip(x, y, f);
  },
  "la.add": elementwise(24030, (a, b) => a + b),
  "la.sub": elementwise(24040, (a, b) => a - b),
  "la.dot": (site) => {
    // sparse operands, in Titus's order: no rows (or a matrix y without columns), then non-finite
    // entries, then an empty inner dimension (x's columns together with y's rows or keys)
    const finiteRows = (m: MMat) => Object.values(m).every((r) => Object.values(r).every(Number.isFinite));
    const checkSparse = (x: MMat, y: MMat | null, yv: Record<string, number> | null) => {
      if (Object.keys(x).length === 0 || (y && (Object.keys(y).length === 0 || Object.values(y).every((r) => Object.keys(r).length === 0))))
        throw pfaError(24051, "too few rows/cols");
      if (!finiteRows(x) || (y && !finiteRows(y)) || (yv && !Object.values(yv).every(Number.isFinite))) throw pfaError(24052, "contains non-finite value");
      const inner = Object.values(x).some((r) => Object.keys(r).length > 0) || Object.keys(y ?? yv ?? {}).length > 0;
      if (!inner) throw pfaError(24051, "too few rows/cols");
    };
    const finite = (m: Mat) => m.every((r) => r.every(Number.isFinite));
    const check = (x: Mat, y: Mat) => {
      if (x.length < 1 || x[0]!.length < 1 || y.length < 1 || y[0]!.length < 1) throw pfaError(24051, "too few rows/cols");
      if (!finite(x) || !finite(y)) throw pfaError(24052, "contains non-finite value");
      if (x.some((r) => r.length !== x[0]!.length) || y.some((r) => r.length !== y[0]!.length) || x[0]!.length !== y.length)
        throw pfaError(24050, "misaligned matrices");
    };
    switch (site.sigIndex) {
      case 0:
        return (x: Mat, y: number[]) => {
          const ym = y.map((v) => [v]);
          check(x, ym);
          return matmul(x, ym).map((r) => r[0]!);
        };
      case 2:
        return (x: Mat, y: Mat) => {
          check(x, y);
          sized(site, x.length * y[0]!.length);
          return matmul(x, y);
        };
      case 1:
        return (x: MMat, y: Record<string, number>) => {
          checkSparse(x, null, y);
          const out = newMap();
          for (const r of Object.keys(x)) {
            let s = 0;
            for (const c of Object.keys(x[r]!)) s += x[r]![c]! * (y[c] ?? 0);
            out[r] = s;
          }
          return out;
        };
      default:
        return (x: MMat, y: MMat) => {
          checkSparse(x, y, null);
          const { cols } = mapKeys(y);
          const out = newMap() as MMat;
          for (const r of Object.keys(x)) {
            const row = newMap() as Record<string, number>;
            for (const c of cols) {
              let s = 0;
              for (const k of Object.keys(x[r]!)) s += x[r]![k]! * (y[k]?.[c] ?? 0);
              row[c] = s;
            }
            out[r] = row;
          }
          return out;
        };
    }
  },
  "la.transpose": matrixFn(24060, 24061, transpose, (x) => {
    // as the reference: every row must have the same column keys
    const rows = Object.values(x);
    const first = Object.keys(rows[0] ?? {});
    const same = (r: Record<string, number>) => Object.keys(r).length === first.length && first.every((c) => c in r);
    if (!rows.every(same)) throw pfaError(24061, "ragged columns");
    const out = newMap() as MMat;
    for (const r of Object.keys(x)) for (const c of Object.keys(x[r]!)) (out[c] ??= newMap() as Record<string, number>)[r] = x[r]![c]!;
    return out;
  }),
  "la.inverse": (site) => {
    if (site.sigIndex === 0)
      return (x: Mat) => {
        checkMatrix(x, 24070, 24071);
        return pinv(x);
      };
    return (x: MMat) => {
      const { rows, cols } = mapKeys(x);
      if (rows.length < 1 || cols.length < 1) throw pfaError(24070, "too few rows/cols");
      return toSparse(pinv(toDense(x, rows, cols)), cols, rows);
    };
  },
  "la.trace": matrixFn(
    null,
    24080,
    (x) => {
      let s = 0;
      for (let i = 0; i < Math.min(x.length, x[0]?.length ?? 0); i++) s += x[i]![i]!;
      return s;
    },
    (x) => {
      let s = 0;
      for (const r of Object.keys(x)) s += x[r]![r] ?? 0;
      return s;
    },
  ),
  "la.det": (site) => {
    if (site.sigIndex === 0)
      return (x: Mat) => {
        checkMatrix(x, 24090, 24091);
        if (x.length !== x[0]!.length) throw pfaError(24092, "non-square matrix");
        return det(x);
      };
    return (x: MMat) => {
      const { rows, cols } = mapKeys(x);
      if (rows.length < 1 || cols.length < 1) throw pfaError(24090, "too few rows/cols");
      const keys = [...new Set([...rows, ...cols])];
      return det(toDense(x, keys, keys));
    };
  },
  "la.symmetric": (site) => {
    // the diagonal is not compared (so a non-finite diagonal entry does not matter)
    const sym = (x: Mat, tol: number) => x.every((r, i) => r.every((v, j) => i === j || Math.abs(v - x[j]![i]!) < tol));
    if (site.sigIndex === 0)
      return (x: Mat, tol: number) => {
        checkMatrix(x, 24100, 24101);
        if (x.length !== x[0]!.length) throw pfaError(24102, "non-square matrix");
        return sym(x, tol);
      };
    return (x: MMat, tol: number) => {
      const { rows, cols } = mapKeys(x);
      if (rows.length < 1 || cols.length < 1) throw pfaError(24100, "too few rows/cols");
      const keys = [...new Set([...rows, ...cols])];
      return sym(toDense(x, keys, keys), tol);
    };
  },
  "la.eigenBasis": (site) => {
    const run = (x: Mat, few: boolean) => {
      if (!few) checkMatrix(x, 24110, 24111);
      if (x.length !== x[0]!.length) throw pfaError(24112, "non-square matrix");
      if (x.some((r) => r.some((v) => !Number.isFinite(v)))) throw pfaError(24113, "non-finite matrix");
      return eigenBasis(x);
    };
    if (site.sigIndex === 0) return (x: Mat) => run(x, false);
    return (x: MMat) => {
      const { rows, cols } = mapKeys(x);
      if (rows.length < 1 || cols.length < 1) throw pfaError(24110, "too few rows/cols");
      const keys = [...new Set([...rows, ...cols])].sort();
      const basis = run(toDense(x, keys, keys), true);
      return toSparse(
        basis,
        basis.map((_, i) => String(i)),
        keys,
      );
    };
  },
  "la.truncate": (site) => {
    if (site.sigIndex === 0)
      return (x: Mat, keep: number) => {
        checkMatrix(x, 24120, 24121);
        return x.slice(0, Math.max(keep, 0));
      };
    return (x: MMat, keep: string[]) => {
      const { rows, cols } = mapKeys(x);
      if (rows.length < 1 || cols.length < 1) throw pfaError(24120, "too few rows/cols");
      const out = newMap() as MMat;
      for (const k of keep) if (k in x) out[k] = x[k]!;
      return out;
    };
  },
};
