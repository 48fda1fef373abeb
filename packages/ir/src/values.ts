/**
 * Scalar values as the IR sees them. Missing is `null`; an invalid numeric result is `NaN`
 * (PMML 4.4 "invalid" — e.g. ln(-1) — which Apply/invalidValueTreatment then handles).
 */

export type DataType =
  | "string"
  | "integer"
  | "float"
  | "double"
  | "boolean"
  | "date"
  | "time"
  | "dateTime"
  | "dateDaysSince[0]"
  | "dateDaysSince[1960]"
  | "dateDaysSince[1970]"
  | "dateDaysSince[1980]"
  | "timeSeconds"
  | "dateTimeSecondsSince[0]"
  | "dateTimeSecondsSince[1960]"
  | "dateTimeSecondsSince[1970]"
  | "dateTimeSecondsSince[1980]";

export const DATA_TYPES: readonly DataType[] = [
  "string",
  "integer",
  "float",
  "double",
  "boolean",
  "date",
  "time",
  "dateTime",
  "dateDaysSince[0]",
  "dateDaysSince[1960]",
  "dateDaysSince[1970]",
  "dateDaysSince[1980]",
  "timeSeconds",
  "dateTimeSecondsSince[0]",
  "dateTimeSecondsSince[1960]",
  "dateTimeSecondsSince[1970]",
  "dateTimeSecondsSince[1980]",
];

export type OpType = "categorical" | "ordinal" | "continuous";

/** A date, time or dateTime. Dates count days, times and dateTimes count seconds (UTC, no zone). */
export class Temporal {
  constructor(
    readonly type: "date" | "time" | "dateTime",
    /** date: days since 1970-01-01; time: seconds since midnight; dateTime: seconds since 1970-01-01T00:00:00. */
    readonly value: number,
  ) {}

  /** Seconds since 1970-01-01T00:00:00 (dates at midnight, times on 1970-01-01). */
  get epochSeconds(): number {
    return this.type === "date" ? this.value * 86400 : this.value;
  }

  toString(): string {
    const d = new Date(this.epochSeconds * 1000);
    const iso = d.toISOString();
    if (this.type === "date") return iso.slice(0, 10);
    if (this.type === "time") return iso.slice(11, 19);
    return iso.slice(0, 19);
  }
}

export type Value = number | string | boolean | Temporal | null;

export function isMissing(v: Value | undefined): v is null | undefined {
  return v === null || v === undefined;
}

export function isNumericType(t: DataType): boolean {
  return t === "integer" || t === "float" || t === "double" || t.startsWith("dateDaysSince") || t === "timeSeconds" || t.startsWith("dateTimeSecondsSince");
}

const INTEGER_RE = /^[+-]?\d+$/;
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a number the way Java's Double.parseDouble accepts it (what JPMML does), including
 * INF/NaN spellings. Returns undefined when the text is not a number.
 */
export function parseNumber(text: string): number | undefined {
  const s = text.trim();
  if (NUMBER_RE.test(s)) return Number(s);
  switch (s) {
    case "NaN":
      return NaN;
    case "INF":
    case "Infinity":
    case "+INF":
    case "+Infinity":
      return Infinity;
    case "-INF":
    case "-Infinity":
      return -Infinity;
    default:
      return undefined;
  }
}

/**
 * Converts a raw value to `dataType`. Returns `undefined` when the value cannot be represented
 * in that type (an invalid value in PMML terms); `null` stays missing.
 */
export function toDataType(raw: Value | undefined, dataType: DataType): Value | undefined {
  if (raw === null || raw === undefined) return null;
  switch (dataType) {
    case "string":
      // A scalar has a text form; a list or an object sent as a cell is no string (invalid).
      if (typeof raw === "string") return raw;
      return typeof raw === "number" || typeof raw === "boolean" || raw instanceof Date ? formatValue(raw) : undefined;
    case "integer": {
      if (typeof raw === "number") return Number.isInteger(raw) ? raw : undefined;
      if (typeof raw === "boolean") return raw ? 1 : 0;
      if (typeof raw !== "string") return undefined;
      const s = raw.trim();
      if (INTEGER_RE.test(s)) return Number(s);
      const n = parseNumber(s);
      return n !== undefined && Number.isInteger(n) ? n : undefined;
    }
    case "float":
    case "double": {
      let n: number | undefined;
      if (typeof raw === "number") n = raw;
      else if (typeof raw === "boolean") n = raw ? 1 : 0;
      else if (typeof raw === "string") n = parseNumber(raw);
      else return undefined;
      if (n === undefined) return undefined;
      return dataType === "float" ? Math.fround(n) : n;
    }
    case "boolean": {
      if (typeof raw === "boolean") return raw;
      if (typeof raw === "number") return raw === 1 ? true : raw === 0 ? false : undefined;
      if (typeof raw !== "string") return undefined;
      const s = raw.trim().toLowerCase();
      if (s === "true" || s === "1") return true;
      if (s === "false" || s === "0") return false;
      return undefined;
    }
    case "date":
    case "time":
    case "dateTime":
      return toTemporal(raw, dataType);
    default: {
      // dateDaysSince[YYYY], timeSeconds, dateTimeSecondsSince[YYYY]: integers on the wire.
      if (typeof raw === "number") return Number.isInteger(raw) ? raw : undefined;
      if (raw instanceof Temporal) return temporalToCount(raw, dataType);
      if (typeof raw !== "string") return undefined;
      const n = parseNumber(raw);
      if (n !== undefined) return Number.isInteger(n) ? n : undefined;
      const t = parseTemporalText(raw.trim());
      return t === undefined ? undefined : temporalToCount(t, dataType);
    }
  }
}

function toTemporal(raw: Value, type: "date" | "time" | "dateTime"): Temporal | undefined {
  if (raw instanceof Temporal) {
    if (raw.type === type) return raw;
    if (type === "date") return new Temporal("date", Math.floor(raw.epochSeconds / 86400));
    if (type === "dateTime") return new Temporal("dateTime", raw.epochSeconds);
    return new Temporal("time", ((raw.epochSeconds % 86400) + 86400) % 86400);
  }
  if (typeof raw !== "string") return undefined;
  const t = parseTemporalText(raw.trim());
  if (t === undefined) return undefined;
  return toTemporal(t, type);
}

const DATE_RE = /^(-?\d{4,})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;
const DATETIME_RE = /^(-?\d{4,})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z)?$/;

/** ISO 8601 date, time or dateTime (no zone offsets: PMML values are zone-less). */
export function parseTemporalText(s: string): Temporal | undefined {
  let m = DATE_RE.exec(s);
  if (m) {
    const ms = utcMillis(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 0, 0, 0);
    return validDate(ms, m) ? new Temporal("date", Math.round(ms / 86400000)) : undefined;
  }
  m = TIME_RE.exec(s);
  if (m) {
    const h = Number(m[1]),
      mi = Number(m[2]),
      se = Number(m[3]);
    if (h > 24 || mi > 59 || se > 60) return undefined;
    return new Temporal("time", h * 3600 + mi * 60 + se);
  }
  m = DATETIME_RE.exec(s);
  if (m) {
    const ms = utcMillis(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
    return validDate(ms, m) ? new Temporal("dateTime", Math.floor(ms / 1000)) : undefined;
  }
  return undefined;
}

/** Date.UTC without its mapping of years 0..99 to 1900..1999. */
function utcMillis(year: number, month: number, day: number, h: number, mi: number, s: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(h, mi, s, 0);
  return d.getTime();
}

function validDate(ms: number, m: RegExpExecArray): boolean {
  if (!Number.isFinite(ms)) return false;
  const d = new Date(ms);
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Days/seconds since the reference year that a dateDaysSince[YYYY]-style type names. */
function temporalToCount(t: Temporal, dataType: DataType): number | undefined {
  const yearMatch = /\[(\d+)\]/.exec(dataType);
  if (dataType === "timeSeconds") return ((t.epochSeconds % 86400) + 86400) % 86400;
  if (!yearMatch) return undefined;
  const originSeconds = yearStartEpochSeconds(Number(yearMatch[1]));
  const seconds = t.epochSeconds - originSeconds;
  return dataType.startsWith("dateDaysSince") ? Math.floor(seconds / 86400) : seconds;
}

export function yearStartEpochSeconds(year: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, 0, 1);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime() / 1000;
}

/** Text form of a value; numbers in JS's shortest round-trip form (Java's too, for non-integers). */
export function formatValue(v: Value): string {
  if (v === null) return "";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (v === Infinity) return "Infinity";
    if (v === -Infinity) return "-Infinity";
    return String(v);
  }
  if (typeof v === "boolean") return v ? "true" : "false";
  return v.toString();
}

/** A result value for a report line: "missing" for null/undefined, formatValue for values, JSON otherwise. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return "missing";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || v instanceof Temporal) return formatValue(v);
  return JSON.stringify(v);
}

/** Equality of two values as PMML compares categories (numbers numerically, strings exactly). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (a instanceof Temporal && b instanceof Temporal) return a.epochSeconds === b.epochSeconds;
  if (typeof a === "number" && typeof b === "number") return a === b || (Number.isNaN(a) && Number.isNaN(b));
  return false;
}

/** Orders two non-missing values: numbers numerically, strings lexicographically, temporals by time. */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Temporal && b instanceof Temporal) return a.epochSeconds - b.epochSeconds;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const sa = formatValue(a),
    sb = formatValue(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Numeric view of a value for arithmetic (booleans as 0/1, temporals as their count). */
export function toNumber(v: Value): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Temporal) return v.value;
  if (typeof v === "string") {
    const n = parseNumber(v);
    return n === undefined ? NaN : n;
  }
  return NaN;
}
