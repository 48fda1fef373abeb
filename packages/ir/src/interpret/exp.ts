/**
 * exp(x) rounded correctly to the nearest double: the one exp of every site where JPMML calls
 * java.lang.Math.exp (interpreter and compiled kernels alike; compile-js registers this very
 * function as its "exp" runtime helper).
 *
 * V8's Math.exp is fdlibm's (error < 1 ulp, so about 1 result in 10 is off by one ulp), while
 * JPMML runs on HotSpot, whose Math.exp intrinsic is correctly rounded on practically every
 * input. Through logistic/softmax layers one ulp grows past the conformance tolerance (1e-15).
 *
 * Two paths, one answer:
 *  - `expReference`, the slow path: the reduced argument is evaluated in double-double
 *    arithmetic (~106 bits, a 27-term Taylor series) and rounded once.
 *  - `exp`, the fast path (about 20× faster) with a certificate:
 *      x = k·ln2 + j·ln2/256 + r,  |r| ≤ ln2/512,  j ∈ [-128, 127],
 *      exp(x) = 2^k · T[j] · (1 + r + q(r)),
 *    with T[j] = 2^(j/256) as a double-double table (built once with the slow path's own
 *    arithmetic), r as a double-double, and q(r) = r²/2 + … + r⁶/720 in plain doubles (|q| < 1e-6,
 *    so its rounding errors are below 2^-72). The product h + l (h = fl(h + l), h ∈ [0.70, 1.42])
 *    is within ERROR_BOUND of the true value; when h + l is farther than that from the midpoint
 *    between h and its neighbour, both the true exp(x) and the slow path's double-double (error
 *    ~2^-100) round to h, so h·2^k is the slow path's answer. Otherwise (about 1 call in 1000) the
 *    slow path decides. Nothing is allocated per call.
 *  exp.test.ts checks the two bit for bit on millions of inputs.
 */
export function exp(x: number): number {
  if (!(x > -708 && x < 709.78)) return Math.exp(x); // as the slow path: NaN, ±Infinity, overflow, subnormal results
  if (x === 0) return 1;
  const n = Math.round(x * INV_STEP);
  const k = (n + 128) >> 8;
  const j = n - 256 * k; // -128 ≤ j ≤ 127
  // r = x − n·ln2/256: n·STEP_HI is exact (STEP_HI has 32 significant bits, |n| < 2^18) and so is
  // the subtraction (Sterbenz); the middle part goes through an exact two-sum.
  const t = x - n * STEP_HI;
  const m = n * STEP_MID;
  const rh = t - m;
  const bb = rh - t;
  const rl = t - (rh - bb) + (-m - bb) - n * STEP_LO;
  const q = rh * rh * (0.5 + rh * (C3 + rh * (C4 + rh * (C5 + rh * C6)))) + rh * rl;
  // E = 1 + r + q as s + e.
  const s = 1 + rh;
  const e = rh - (s - 1) + (rl + q);
  // T[j]·E: exact product of the high parts (Dekker), then the cross terms.
  const table = (TABLE ??= expTable());
  const th = table[2 * (j + 128)],
    tl = table[2 * (j + 128) + 1];
  const p = th * s;
  let u = SPLITTER * th;
  const ah = u - (u - th),
    al = th - ah;
  u = SPLITTER * s;
  const sh = u - (u - s),
    sl = s - sh;
  const pe = ah * sh - p + ah * sl + al * sh + al * sl;
  const lo = pe + (th * e + tl * s);
  const h = p + lo;
  const l = lo - (h - p);
  // Half an ulp of h on the side l points to (h ∈ [0.70, 1.42]: the binade boundary is 1).
  const half = h < 1 || (h === 1 && l < 0) ? HALF_ULP_BELOW_1 : HALF_ULP_ABOVE_1;
  const gap = half - Math.abs(l);
  if (!(gap > ERROR_BOUND)) return expReference(x);
  return k > 1023 ? h * 2 * POW2[1023 + 1022] : h * POW2[k + 1022];
}

/**
 * The slow path (double-double Taylor series, rounded once): `exp`'s fallback and the reference
 * its test compares against. Use `exp`.
 */
export function expReference(x: number): number {
  if (!(x > -708 && x < 709.78)) return Math.exp(x); // NaN, ±Infinity, overflow, subnormal results
  if (x === 0) return 1;
  const k = Math.round(x * LOG2E);
  // r = x − k·ln2 in double-double; LN2_HI has 32 significant bits so k·LN2_HI is exact.
  const t = x - k * LN2_HI; // exact (Sterbenz)
  let [rh, rl] = twoProd(-k, LN2_MID);
  [rh, rl] = ddAdd(t, 0, rh, rl + -k * LN2_LO);
  // Horner over the Taylor series: |r| ≤ ln2/2, 27 terms reach 2^-110.
  let ph = INV_FACT[N][0],
    pl = INV_FACT[N][1];
  for (let n = N - 1; n >= 0; n--) {
    [ph, pl] = ddMul(ph, pl, rh, rl);
    [ph, pl] = ddAdd(ph, pl, INV_FACT[n][0], INV_FACT[n][1]);
  }
  // ph is round(ph + pl); scaling by 2^k is exact in the normal range.
  return k > 1023 ? ph * 2 ** 1023 * 2 ** (k - 1023) : ph * 2 ** k;
}

const LOG2E = Math.LOG2E;
// ln 2 split into three parts (hi: 32 bits, mid, lo).
const LN2_HI = 0.6931471803691238;
const LN2_MID = 1.9082149292705877e-10;
const LN2_LO = 1.1612227229362532e-26;
const N = 27;

function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): [number, number] {
  const s = a + b;
  return [s, b - (s - a)];
}

const SPLITTER = 134217729; // 2^27 + 1

function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a),
    al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b),
    bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function ddAdd(ah: number, al: number, bh: number, bl: number): [number, number] {
  let [s, e] = twoSum(ah, bh);
  const [t, f] = twoSum(al, bl);
  e += t;
  [s, e] = quickTwoSum(s, e);
  e += f;
  return quickTwoSum(s, e);
}

function ddMul(ah: number, al: number, bh: number, bl: number): [number, number] {
  const [p, e] = twoProd(ah, bh);
  return quickTwoSum(p, e + (ah * bl + al * bh));
}

function ddDivSmall(ah: number, al: number, n: number): [number, number] {
  const q1 = ah / n;
  const [p, e] = twoProd(q1, n);
  const q2 = (ah - p - e + al) / n;
  return quickTwoSum(q1, q2);
}

/** 1/n! as double-doubles, n = 0..N. */
const INV_FACT: [number, number][] = (() => {
  const out: [number, number][] = [[1, 0]];
  for (let n = 1; n <= N; n++) out.push(ddDivSmall(out[n - 1][0], out[n - 1][1], n));
  return out;
})();

const INV_STEP = 256 * LOG2E;
// ln 2 / 256 split as the slow path splits ln 2 (hi: 32 bits, mid, lo); dividing by 256 is exact.
const STEP_HI = 0.6931471803691238 / 256;
const STEP_MID = 1.9082149292705877e-10 / 256;
const STEP_LO = 1.1612227229362532e-26 / 256;
const C3 = 1 / 6,
  C4 = 1 / 24,
  C5 = 1 / 120,
  C6 = 1 / 720;
const HALF_ULP_BELOW_1 = 2 ** -54;
const HALF_ULP_ABOVE_1 = 2 ** -53;
/**
 * Bound on |h + l − exp(r)·T[j]|, with a wide margin: truncation r⁷/7! < 2^-78, the double
 * evaluation of q < 2^-72, n·STEP_MID's rounding < 2^-75, the table and products < 2^-100.
 */
const ERROR_BOUND = 2 ** -64;

/** 2^k for k = -1022..1023. */
const POW2 = (() => {
  const out = new Float64Array(2046);
  for (let k = -1022; k <= 1023; k++) out[k + 1022] = 2 ** k;
  return out;
})();

/**
 * 2^(j/256), j = -128..127, as double-doubles (hi, lo): the Taylor series of exp at
 * j·ln2/256 (|·| ≤ ln2/2) in double-double, as the slow path evaluates it (error ~2^-104).
 * Built on the first exp call, not at import: the series costs tens of ms in a cold process,
 * and every `porta` start that scores PMML loads this module.
 */
let TABLE: Float64Array | undefined;

function expTable(): Float64Array {
  const out = new Float64Array(512);
  const LN2 = [0.6931471803691238, 1.9082149292705877e-10, 1.1612227229362532e-26];
  for (let j = -128; j <= 127; j++) {
    // r = j/256 · ln2 in double-double (j/256 · LN2[0] is exact: 32 + 8 bits).
    let [rh, rl] = twoProd(j / 256, LN2[1]);
    [rh, rl] = ddAdd((j / 256) * LN2[0], 0, rh, rl + (j / 256) * LN2[2]);
    let ph = INV_FACT[N][0],
      pl = INV_FACT[N][1];
    for (let i = N - 1; i >= 0; i--) {
      [ph, pl] = ddMul(ph, pl, rh, rl);
      [ph, pl] = ddAdd(ph, pl, INV_FACT[i][0], INV_FACT[i][1]);
    }
    out[2 * (j + 128)] = ph;
    out[2 * (j + 128) + 1] = pl;
  }
  return out;
}
