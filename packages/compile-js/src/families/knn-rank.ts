// A kernel-time helper in a module of its own: a restored artifact calls it without loading the
// NearestNeighborModel compiler (helpers.ts).

let rankDistances: Float64Array = new Float64Array(0);
const rankScratch: number[] = [];
const ascending = (a: number, b: number): number => rankDistances[a] - rankDistances[b] || a - b;

/**
 * The interpreter's ranking of training instances: `scored.slice().sort(...)` by affinity, then
 * index. The same comparator over the same initial order (Array.prototype.sort, a plain array)
 * gives the same permutation, NaN distances included. Writes the first `out.length` ranks.
 */
export function knnRank(d: Float64Array, n: number, out: Int32Array): void {
  rankDistances = d;
  rankScratch.length = n;
  for (let i = 0; i < n; i++) rankScratch[i] = i;
  rankScratch.sort(ascending);
  for (let i = 0; i < out.length; i++) out[i] = rankScratch[i];
}
