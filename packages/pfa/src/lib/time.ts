/**
 * `time.*`: calendar fields of Unix timestamps in Olson time zones (spec §7, "Time"), via the
 * ICU time-zone data that Node's Intl carries.
 */
import { pfaError } from "../values.ts";
import type { LibImpl, LibModule } from "./site.ts";

const MIN_TS = -62135596800;
const MAX_TS = 253402300799;

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  dayOfYear: number;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();
function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: zone === "" ? "UTC" : zone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
        era: "short",
      });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  return f;
}

function fields(ts: number, zone: string, zoneCode: number, rangeCode: number): Fields {
  const f = formatter(zone);
  if (!f) throw pfaError(zoneCode, "unrecognized timezone string");
  if (!(ts >= MIN_TS && ts <= MAX_TS)) throw pfaError(rangeCode, "timestamp out of range");
  const secs = Math.floor(ts);
  const parts = f.formatToParts(new Date(secs * 1000));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  let year = get("year");
  if (parts.find((p) => p.type === "era")?.value === "BC") year = 1 - year;
  const month = get("month");
  const day = get("day");
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  const start = new Date(0);
  start.setUTCFullYear(year, 0, 1);
  const dayOfYear = Math.round((d.getTime() - start.getTime()) / 86400000) + 1;
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  return { year, month, day, hour: get("hour"), minute: get("minute"), second: get("second"), weekday, dayOfYear };
}

function field(base: number, pick: (f: Fields) => number): LibImpl {
  return () => (ts: number, zone: string) => pick(fields(ts, zone, base, base + 1));
}

function isRange(base: number, pick: (f: Fields) => number): LibImpl {
  return () => (ts: number, zone: string, low: number, high: number) => {
    if (low >= high) throw pfaError(base, "bad time range");
    const v = pick(fields(ts, zone, base + 1, base + 2));
    return low <= v && v < high;
  };
}

/** Offset (ms) of `zone` at UTC instant `utcMs`. */
function offsetAt(zone: string, utcMs: number): number {
  const f = formatter(zone)!;
  const parts = f.formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  let year = get("year");
  if (parts.find((p) => p.type === "era")?.value === "BC") year = 1 - year;
  const d = new Date(0);
  d.setUTCFullYear(year, get("month") - 1, get("day"));
  d.setUTCHours(get("hour"), get("minute"), get("second"), 0);
  return d.getTime() - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

export const time: LibModule = {
  "time.year": field(40000, (f) => f.year),
  "time.monthOfYear": field(40010, (f) => f.month),
  "time.dayOfYear": field(40020, (f) => f.dayOfYear),
  "time.dayOfMonth": field(40030, (f) => f.day),
  "time.dayOfWeek": field(40040, (f) => f.weekday),
  "time.hourOfDay": field(40050, (f) => f.hour),
  "time.minuteOfHour": field(40060, (f) => f.minute),
  "time.secondOfMinute": field(40070, (f) => f.second),
  "time.makeTimestamp": () => (year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, zone: string) => {
    if (!formatter(zone)) throw pfaError(40080, "unrecognized timezone string");
    const dim = [31, (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (
      year < 1 ||
      year > 9999 ||
      month < 1 ||
      month > 12 ||
      day < 1 ||
      day > dim[month - 1]! ||
      hour < 0 ||
      hour > 23 ||
      minute < 0 ||
      minute > 59 ||
      second < 0 ||
      second > 59 ||
      ms < 0 ||
      ms > 999
    ) {
      throw pfaError(40081, "timestamp undefined for given parameters");
    }
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day);
    d.setUTCHours(hour, minute, second, ms);
    const local = d.getTime();
    // find the UTC instant whose local time is `local` (two fixed-point steps cover DST edges)
    let utc = local - offsetAt(zone, local);
    utc = local - offsetAt(zone, utc);
    return utc / 1000;
  },
  "time.isSecondOfMinute": isRange(40090, (f) => f.second),
  "time.isMinuteOfHour": isRange(40100, (f) => f.minute),
  "time.isHourOfDay": isRange(40110, (f) => f.hour),
  "time.isDayOfWeek": isRange(40120, (f) => f.weekday),
  "time.isDayOfMonth": isRange(40130, (f) => f.day),
  "time.isMonthOfYear": isRange(40140, (f) => f.month),
  "time.isDayOfYear": isRange(40150, (f) => f.dayOfYear),
  "time.isWeekend": () => (ts: number, zone: string) => fields(ts, zone, 40160, 40161).weekday >= 5,
  "time.isWorkHours": () => (ts: number, zone: string) => {
    const f = fields(ts, zone, 40170, 40171);
    return f.weekday < 5 && f.hour >= 9 && f.hour < 17;
  },
};
