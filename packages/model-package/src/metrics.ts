/**
 * The confidence-set metrics, defined as scikit-learn defines them (accuracy_score, f1_score,
 * roc_auc_score, mean_squared_error's root, mean_absolute_error, log_loss), so a figure a data
 * scientist computed at training time is the figure Porta checks.
 */

/** Share of rows whose prediction equals the label. */
export function accuracy(labels: readonly string[], predictions: readonly string[]): number {
  sameLength(labels, predictions);
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === predictions[i]) hits++;
  return hits / labels.length;
}

/** F1 of the positive class; without one, the unweighted mean over every class seen (sklearn average="macro"). */
export function f1(labels: readonly string[], predictions: readonly string[], positive?: string): number {
  sameLength(labels, predictions);
  if (positive !== undefined) return f1Of(labels, predictions, positive);
  const classes = [...new Set([...labels, ...predictions])];
  return classes.reduce((sum, c) => sum + f1Of(labels, predictions, c), 0) / classes.length;
}

/** 2·TP / (2·TP + FP + FN); 0 when the class never occurs in either (sklearn's zero_division=0). */
function f1Of(labels: readonly string[], predictions: readonly string[], positive: string): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const actual = labels[i] === positive;
    const predicted = predictions[i] === positive;
    if (actual && predicted) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
  }
  const denominator = 2 * tp + fp + fn;
  return denominator === 0 ? 0 : (2 * tp) / denominator;
}

/**
 * Area under the ROC curve: the probability that a positive row scores above a negative one,
 * ties counting half (Mann–Whitney U over mid-ranks). Needs both classes.
 */
export function auc(isPositive: readonly boolean[], scores: readonly number[]): number {
  sameLength(isPositive, scores);
  const order = scores.map((s, i) => ({ s, positive: isPositive[i] })).sort((a, b) => a.s - b.s);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j].s === order[i].s) j++;
    const midRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (order[k].positive) {
        positives++;
        rankSum += midRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) throw new RangeError("AUC needs rows of both classes");
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function rmse(labels: readonly number[], predictions: readonly number[]): number {
  sameLength(labels, predictions);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += (labels[i] - predictions[i]) ** 2;
  return Math.sqrt(sum / labels.length);
}

export function mae(labels: readonly number[], predictions: readonly number[]): number {
  sameLength(labels, predictions);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += Math.abs(labels[i] - predictions[i]);
  return sum / labels.length;
}

/** Smallest probability log-loss takes the log of (sklearn clips at the float64 epsilon). */
const LOG_LOSS_EPSILON = 2.220446049250313e-16;

/**
 * Mean negative log of the probability given to each row's true class, each row's
 * probabilities first normalised to sum 1 and clipped to [ε, 1 − ε] as sklearn's log_loss does.
 */
export function logLoss(labels: readonly string[], probabilities: readonly Readonly<Record<string, number>>[]): number {
  sameLength(labels, probabilities);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = probabilities[i];
    let total = 0;
    for (const p of Object.values(row)) total += p;
    const p = total > 0 ? (row[labels[i]] ?? 0) / total : 0;
    sum -= Math.log(Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, p)));
  }
  return sum / labels.length;
}

function sameLength(a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) throw new RangeError(`metric inputs differ in length (${a.length} and ${b.length})`);
  if (a.length === 0) throw new RangeError("a metric needs at least one row");
}
