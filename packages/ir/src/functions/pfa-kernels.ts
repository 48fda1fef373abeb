/**
 * The arithmetic of PFA functions (pfa.ts) that generated code calls as it is (compile-js's
 * helpers): plain functions of numbers, loaded without the registry or the interpreter, so that
 * the interpreter and compiled kernels share the same bits.
 */

/** Python's float modulo: the sign of the divisor (PFA `%` on doubles); a zero divisor gives NaN. */
export function pyModulo(k: number, n: number): number {
  if (n === 0) return NaN;
  let r = k % n;
  if (r !== 0 && r < 0 !== n < 0) r += n;
  return r;
}

/**
 * PFA `**` on ints: exact (bigint) power; a result beyond 32 bits, or 0 to a negative power, is
 * an overflow (NaN here, which no int is); other negative powers truncate toward zero.
 */
export function pfaIntPower(x: number, y: number): number {
  // (no int is NaN; compiled code may still pass the NaN of an operand whose row already failed)
  if (!Number.isFinite(x) || !Number.isFinite(y)) return NaN;
  const xb = BigInt(Math.trunc(x));
  const yb = BigInt(Math.trunc(y));
  if (yb < 0n) {
    if (xb === 0n) return NaN;
    if (xb === 1n) return 1;
    if (xb === -1n) return yb % 2n === 0n ? 1 : -1;
    return 0;
  }
  const ax = xb < 0n ? -xb : xb;
  if (ax > 1n && yb > 64n) return NaN;
  const r = xb ** yb;
  if (r > 2147483647n || r < -2147483648n) return NaN;
  return Number(r);
}

/** PFA's m.rint: round half to even from floor (so -0.3 gives 0, not -0). */
export function pfaRint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** PFA's order of numbers: NaN above every number and equal to itself (`numCompare`). */
export function pfaNumberOrder(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const na = a !== a;
  const nb = b !== b;
  return na && nb ? 0 : na ? 1 : -1;
}

/** Strings in code-point order (PFA's, Python's); differs from UTF-16 order only for astral characters. */
export function pfaStringOrder(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : 1;
}
