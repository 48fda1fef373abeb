import { DEFAULT_LIMITS } from "@porta/ir/limits";
import { ParseError } from "@porta/ir/errors";

type Row = Readonly<Record<string, unknown>>;

export interface GroupOptions {
  /** Most rows one group may have (default Limits.groupRows); a larger group is `GROUP_TOO_LARGE`. */
  maxRows?: number;
}

/**
 * Collects consecutive rows of one transaction (the same value in the `usageType="group"`
 * field) into one record, as JPMML's BatchUtil.groupRows: the group field keeps its value and
 * every other column becomes the list of its values in row order (a missing value adds
 * nothing). Rows of a group must be contiguous: memory holds one group at a time, so a value
 * that comes back after another group starts a new record.
 */
export class TransactionGrouper {
  private key: unknown;
  private columns: Map<string, unknown[]> | undefined;
  private rows = 0;
  private readonly maxRows: number;

  constructor(
    readonly groupField: string,
    options: GroupOptions = {},
  ) {
    this.maxRows = options.maxRows ?? DEFAULT_LIMITS.groupRows;
  }

  /**
   * Adds a row; returns the previous group's record when this row starts a new group. Throws
   * `GROUP_TOO_LARGE` when the current group passes `maxRows` (then call `discard`, or stop).
   */
  push(row: Row): Record<string, unknown> | undefined {
    const key = row[this.groupField] ?? null;
    const done = this.columns !== undefined && !sameKey(key, this.key) ? this.flush() : undefined;
    if (this.columns === undefined) {
      this.columns = new Map();
      this.key = key;
      this.rows = 0;
    }
    if (++this.rows > this.maxRows) {
      throw new ParseError("GROUP_TOO_LARGE", `transaction ${JSON.stringify(this.key)} has more than ${this.maxRows} rows (limit groupRows)`, {
        path: this.groupField,
        value: this.key,
      });
    }
    for (const name in row) {
      if (name === this.groupField) continue;
      let values = this.columns.get(name);
      if (values === undefined) this.columns.set(name, (values = []));
      const value = row[name];
      if (value !== null && value !== undefined) values.push(value);
    }
    return done;
  }

  /** The record of the group in progress (undefined when none), and starts afresh. */
  flush(): Record<string, unknown> | undefined {
    if (this.columns === undefined) return undefined;
    // A null prototype so a column named "__proto__" is a column like any other.
    const record: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    record[this.groupField] = this.key;
    for (const [name, values] of this.columns) record[name] = values;
    this.columns = undefined;
    return record;
  }

  /** Drops the group in progress (after GROUP_TOO_LARGE, to go on with the next group). */
  discard(): void {
    this.columns = undefined;
  }

  /** The group value of the group in progress (for skipping the rest of an oversized group). */
  get currentKey(): unknown {
    return this.columns === undefined ? undefined : this.key;
  }
}

function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/**
 * Groups item-per-row transactional input into one record per transaction (see
 * TransactionGrouper): `groupTransactions(rows, model.groupField!)` feeds an AssociationModel
 * its baskets. Lazy; throws `GROUP_TOO_LARGE` for a group of more than `maxRows` rows.
 */
export function* groupTransactions(rows: Iterable<Row>, groupField: string, options: GroupOptions = {}): Generator<Record<string, unknown>> {
  const grouper = new TransactionGrouper(groupField, options);
  for (const row of rows) {
    const done = grouper.push(row);
    if (done) yield done;
  }
  const last = grouper.flush();
  if (last) yield last;
}

/** groupTransactions over an async source (a stream of rows): one group in memory at a time. */
export async function* groupTransactionsAsync(
  rows: AsyncIterable<Row> | Iterable<Row>,
  groupField: string,
  options: GroupOptions = {},
): AsyncGenerator<Record<string, unknown>> {
  const grouper = new TransactionGrouper(groupField, options);
  for await (const row of rows) {
    const done = grouper.push(row);
    if (done) yield done;
  }
  const last = grouper.flush();
  if (last) yield last;
}
