/**
 * exp(x) rounded correctly to the nearest double.
 *
 * V8's Math.exp is fdlibm's (error < 1 ulp, so about 1 result in 10 is off by one ulp), while
 * JPMML runs on HotSpot, whose Math.exp intrinsic is correctly rounded on practically every
 * input. Through logistic/softmax layers one ulp grows past the conformance tolerance (1e-15),
 * so the families that must match JPMML use this instead: the reduced argument is evaluated in
 * double-double arithmetic (~106 bits) and rounded once.
 */
export function exp(x: number): number {
  if (!(x > -708 && x < 709.78)) return Math.exp(x); // NaN, ±Infinity, overflow, subnormal results
  if (x === 0) return 1;
  const k = Math.round(x * LOG2E);
  // r = x − k·ln2 in double-double; LN2_HI has 32 significant bits so k·LN2_HI is exact.
  const t = x - k * LN2_HI; // exact (Sterbenz)
  let [rh, rl] = twoProd(-k, LN2_MID);
  [rh, rl] = ddAdd(t, 0, rh, rl + -k * LN2_LO);
  // Horner over the Taylor series: |r| ≤ ln2/2, 27 terms reach 2^-110.
  let ph = INV_FACT[N][0], pl = INV_FACT[N][1];
  for (let n = N - 1; n >= 0; n--) {
    [ph, pl] = ddMul(ph, pl, rh, rl);
    [ph, pl] = ddAdd(ph, pl, INV_FACT[n][0], INV_FACT[n][1]);
  }
  // ph is round(ph + pl); scaling by 2^k is exact in the normal range.
  return k > 1023 ? ph * 2 ** 1023 * 2 ** (k - 1023) : ph * 2 ** k;
}

const LOG2E = 1.4426950408889634;
// ln 2 split into three parts (hi: 32 bits, mid, lo).
const LN2_HI = 0.6931471803691238;
const LN2_MID = 1.9082149292705877e-10;
const LN2_LO = 1.1612227229362532e-26;
const N = 27;

function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, (a - (s - bb)) + (b - bb)];
}

function quickTwoSum(a: number, b: number): [number, number] {
  const s = a + b;
  return [s, b - (s - a)];
}

const SPLITTER = 134217729; // 2^27 + 1

function twoProd(a: number, b: number): [number, number] {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b), bl = b - bh;
  return [p, ((ah * bh - p) + ah * bl + al * bh) + al * bl];
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
  const q2 = ((ah - p) - e + al) / n;
  return quickTwoSum(q1, q2);
}

/** 1/n! as double-doubles, n = 0..N. */
const INV_FACT: [number, number][] = (() => {
  const out: [number, number][] = [[1, 0]];
  for (let n = 1; n <= N; n++) out.push(ddDivSmall(out[n - 1][0], out[n - 1][1], n));
  return out;
})();
