/**
 * Resource limits of a PFA engine: how long arrays and strings may grow, how deep a document
 * may nest. Every place where an array enters the engine (decoded input, literals and `new`
 * in the document, cell and pool inits) or grows (library functions that build arrays from a
 * count, or by concatenation, replication or combination) calls one of these helpers, so that
 * a hostile document or input fails with a typed error instead of exhausting memory.
 * Also here: the wall clock of one engine call (`WallClock`, PFA_TIMEOUT) and the bytes held in
 * cells and pools (`StateBudget`, PFA_MEMORY), whose defaults come from the central limits
 * (`DEFAULT_LIMITS.pfaWallMs`, `DEFAULT_LIMITS.pfaStateBytes` in @porta/ir).
 *
 * PFA 0.8.1 defines no runtime error code for these, so they carry Porta codes and no
 * `pfaCode`; none of them is caught by `try`.
 */
import { DEFAULT_LIMITS, EvaluationError } from "@porta/ir";

/** Default `maxArrayLength`: elements in one array (or created by one library call). */
export const DEFAULT_MAX_ARRAY_LENGTH = 10_000_000;
/** Default `maxStringLength`: characters (or bytes) in a string or bytes value built from a count. */
export const DEFAULT_MAX_STRING_LENGTH = 100_000_000;
/** Default `loopLimit`: loop iterations of one call (begin, action or end). */
export const DEFAULT_LOOP_LIMIT = 10_000_000;
/** Default nesting depth of JSON/YAML documents and decoded values. */
export const DEFAULT_MAX_DEPTH = 1000;
/** Default size of a PFA document in bytes (UTF-8). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** Default `timeoutMs`: wall-clock milliseconds of one begin, action or end call (the central `pfaWallMs`). */
export const DEFAULT_WALL_MS = DEFAULT_LIMITS.pfaWallMs;
/** Default `maxStateBytes`: approximate bytes of all cells and pools together (the central `pfaStateBytes`). */
export const DEFAULT_STATE_BYTES = DEFAULT_LIMITS.pfaStateBytes;

/** Error codes of resource-limit errors; `try` lets them through. */
export const LIMIT_CODES: ReadonlySet<string> = new Set([
  "PFA_TIMEOUT",
  "PFA_MEMORY",
  "PFA_ARRAY_TOO_LONG",
  "PFA_STRING_TOO_LONG",
  "PFA_STACK_OVERFLOW",
  "PFA_VALUE_TOO_DEEP",
  "REGEX_BUDGET",
]);

export interface SizeLimits {
  maxArrayLength: number;
  maxStringLength: number;
}

/** Throws PFA_ARRAY_TOO_LONG when an array of `n` elements would exceed the limit. */
export function checkArrayLength(limits: SizeLimits, n: number, what: string, path?: string): void {
  if (n > limits.maxArrayLength) {
    throw new EvaluationError("PFA_ARRAY_TOO_LONG", `${what}: ${n} elements exceed maxArrayLength (${limits.maxArrayLength})`, { path, value: n });
  }
}

/** Throws PFA_STRING_TOO_LONG when a string or bytes value of `n` units would exceed the limit. */
export function checkStringLength(limits: SizeLimits, n: number, what: string, path?: string): void {
  if (n > limits.maxStringLength) {
    throw new EvaluationError("PFA_STRING_TOO_LONG", `${what}: length ${n} exceeds maxStringLength (${limits.maxStringLength})`, { path, value: n });
  }
}

/**
 * The wall clock of one engine call. Reading the clock on every operation would cost more than
 * the operations, so compiled code only decrements `ticks` — once per loop iteration and once
 * per user or inline function call (which is what naive recursion does without any loop) — and
 * reads the clock when it reaches zero. The stride between readings adapts: it doubles while
 * ticks are cheap (up to 4096, a reading costs ~30 ns) and drops to a quarter when they are
 * slow, down to a reading per tick, so that a loop whose body is itself expensive (a quadratic
 * `a.append`, a large library call) overruns its deadline by about one tick, not thousands.
 */
export interface WallClock {
  /** `performance.now()` after which the call fails; Infinity when unlimited. */
  deadline: number;
  /** The limit of the call, for the message. */
  wallMs: number;
  /** Ticks left before the next reading. */
  ticks: number;
  stride: number;
  /** `performance.now()` at the previous reading. */
  lastRead: number;
}

/** The first reading comes after one tick: the first ticks of a call may already be slow. */
const FIRST_STRIDE = 1;
const MAX_STRIDE = 4096;
/** A stride whose ticks took longer than this (ms) is shortened. */
const SLOW_STRIDE_MS = 2;

export function newWallClock(): WallClock {
  return { deadline: Infinity, wallMs: Infinity, ticks: MAX_STRIDE, stride: MAX_STRIDE, lastRead: 0 };
}

/** Starts the clock of one call with `wallMs` milliseconds. */
export function armWallClock(clock: WallClock, wallMs: number): void {
  const now = performance.now();
  clock.wallMs = wallMs;
  clock.deadline = Number.isFinite(wallMs) ? now + wallMs : Infinity;
  clock.stride = FIRST_STRIDE;
  clock.ticks = FIRST_STRIDE;
  clock.lastRead = now;
}

/** Called when `ticks` runs out: throws PFA_TIMEOUT past the deadline, else sets the next stride. */
export function readWallClock(clock: WallClock): void {
  if (clock.deadline === Infinity) {
    clock.ticks = MAX_STRIDE;
    return;
  }
  const now = performance.now();
  if (now > clock.deadline) {
    throw new EvaluationError("PFA_TIMEOUT", `call exceeded its wall-clock limit of ${clock.wallMs} ms`, { value: clock.wallMs });
  }
  const elapsed = now - clock.lastRead;
  clock.lastRead = now;
  if (elapsed > SLOW_STRIDE_MS) clock.stride = Math.max(1, clock.stride >> 2);
  else if (clock.stride < MAX_STRIDE) clock.stride <<= 1;
  clock.ticks = clock.stride;
}

/**
 * Approximate bytes held by an engine's cells and pools, checked on every write against
 * `maxStateBytes` (PFA_MEMORY). Sizes are estimates of the JS representation (8 bytes a
 * number, 2 a string character, a small header per array, map and record), not exact heap
 * figures. PFA values are never changed in place, so the size of each array, map and record is
 * remembered by identity: a write that replaces one field of a large record sizes only the new
 * record, not the unchanged values it shares with the old one; and a new array that shares a
 * prefix and a suffix with the value it replaces (`a.append`, `a.insert`, an update at one
 * index) is sized from the old array's size and the elements that differ.
 */
export class StateBudget {
  private total = 0;
  private readonly cellBytes = new Map<string, number>();
  private readonly poolBytes = new Map<string, Map<string, number>>();
  private readonly sizes = new WeakMap<object, number>();

  constructor(readonly maxBytes: number) {}

  /** Bytes of all cells and pools now. */
  get bytes(): number {
    return this.total;
  }

  /** Accounts for cell `name` about to replace `old` with `value`; throws PFA_MEMORY before the write when over. */
  cell(name: string, value: unknown, old?: unknown): void {
    const size = this.sizeOfUpdate(old, value) + 2 * name.length;
    this.charge(size - (this.cellBytes.get(name) ?? 0), name);
    this.cellBytes.set(name, size);
  }

  /** Accounts for item `key` of pool `name` about to replace `old` with `value`; throws PFA_MEMORY before the write when over. */
  poolItem(name: string, key: string, value: unknown, old?: unknown): void {
    let items = this.poolBytes.get(name);
    if (!items) this.poolBytes.set(name, (items = new Map()));
    const size = this.sizeOfUpdate(old, value) + 2 * key.length + 16;
    this.charge(size - (items.get(key) ?? 0), name, key);
    items.set(key, size);
  }

  /** Adds `delta` bytes for cell `name`, or item `key` of pool `name` (the message is written only when it fails: every write passes here). */
  private charge(delta: number, name: string, key?: string): void {
    const next = this.total + delta;
    if (delta > 0 && next > this.maxBytes) {
      const what = key === undefined ? `cell ${JSON.stringify(name)}` : `pool ${JSON.stringify(name)} item ${JSON.stringify(key)}`;
      throw new EvaluationError("PFA_MEMORY", `writing ${what} would hold about ${next} bytes in cells and pools, more than ${this.maxBytes}`, { value: next });
    }
    this.total = next;
  }

  /** The size of `next`, from the known size of `old` where `next` is an array sharing its ends with it. */
  private sizeOfUpdate(old: unknown, next: unknown): number {
    if (Array.isArray(old) && Array.isArray(next) && old !== next) {
      const oldSize = this.sizes.get(old);
      if (oldSize !== undefined) {
        const n = old.length;
        const m = next.length;
        const common = Math.min(n, m);
        let p = 0;
        while (p < common && old[p] === next[p]) p++;
        let q = 0;
        while (q < common - p && old[n - 1 - q] === next[m - 1 - q]) q++;
        // equal primitives have equal sizes, so `===` is enough to reuse an element's share
        let size = oldSize;
        for (let i = p; i < n - q; i++) size -= this.elementSize(old[i]);
        for (let i = p; i < m - q; i++) size += this.elementSize(next[i]);
        this.sizes.set(next, size);
        return size;
      }
    }
    return this.sizeOf(next);
  }

  private elementSize(x: unknown): number {
    return typeof x === "number" ? 8 : typeof x === "string" ? 16 + 2 * x.length : this.sizeOf(x);
  }

  sizeOf(v: unknown): number {
    switch (typeof v) {
      case "number":
        return 8;
      case "boolean":
        return 4;
      case "bigint":
        return 16;
      case "string":
        return 16 + 2 * v.length;
      case "object":
        break;
      default:
        return 8;
    }
    if (v === null) return 4;
    const known = this.sizes.get(v);
    if (known !== undefined) return known;
    let size: number;
    if (v instanceof Uint8Array) size = 16 + v.byteLength;
    else if (Array.isArray(v)) {
      size = 16;
      for (let i = 0; i < v.length; i++) size += this.elementSize(v[i]);
    } else {
      size = 16;
      const o = v as Record<string, unknown>;
      for (const k in o) size += 8 + 2 * k.length + this.sizeOf(o[k]);
    }
    this.sizes.set(v, size);
    return size;
  }
}
