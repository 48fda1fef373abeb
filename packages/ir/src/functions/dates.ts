import { Temporal, yearStartEpochSeconds } from "../values.ts";
import { argumentError, asInteger, asTemporal } from "./arguments.ts";
import { formatDatetime } from "./datetime-format.ts";
import { registerBuiltins, type BuiltinFunction } from "./index.ts";

/**
 * PMML 4.4 "dateDaysSinceYear", "dateSecondsSinceYear", "dateSecondsSinceMidnight" and
 * "formatDatetime". Calendar arithmetic is proleptic Gregorian in UTC (JPMML: java.time
 * LocalDate/LocalDateTime), so leap years and dates before 1970 need no special cases.
 */

function referenceYear(fn: string, v: Parameters<typeof asInteger>[1]): number {
  return asInteger(fn, v);
}

function noTime(fn: string, t: Temporal): void {
  // A bare time has no date part (JPMML: LocalTime cannot become a LocalDate).
  if (t.type === "time") throw argumentError(fn, "expected a date or dateTime, got a time", t.toString());
}

export const dateFunctions: BuiltinFunction[] = [
  {
    // "dateDaysSinceYear(date, year)": days from January 1st of `year` to the date part.
    name: "dateDaysSinceYear",
    minArgs: 2,
    maxArgs: 2,
    resultType: "integer",
    fn: (args) => {
      const t = asTemporal("dateDaysSinceYear", args[0]);
      noTime("dateDaysSinceYear", t);
      const origin = yearStartEpochSeconds(referenceYear("dateDaysSinceYear", args[1]));
      return Math.floor(t.epochSeconds / 86400) - Math.round(origin / 86400);
    },
  },
  {
    // "dateSecondsSinceYear(dateTime, year)": seconds from January 1st 00:00:00 of `year`;
    // a date counts from its midnight.
    name: "dateSecondsSinceYear",
    minArgs: 2,
    maxArgs: 2,
    resultType: "integer",
    fn: (args) => {
      const t = asTemporal("dateSecondsSinceYear", args[0]);
      noTime("dateSecondsSinceYear", t);
      return t.epochSeconds - yearStartEpochSeconds(referenceYear("dateSecondsSinceYear", args[1]));
    },
  },
  {
    // "dateSecondsSinceMidnight(time)": seconds since midnight of a time or a dateTime.
    name: "dateSecondsSinceMidnight",
    minArgs: 1,
    maxArgs: 1,
    resultType: "integer",
    fn: (args) => {
      const t = asTemporal("dateSecondsSinceMidnight", args[0]);
      if (t.type === "date") throw argumentError("dateSecondsSinceMidnight", "expected a time or dateTime, got a date", t.toString());
      return ((t.epochSeconds % 86400) + 86400) % 86400;
    },
  },
  {
    name: "formatDatetime",
    minArgs: 2,
    maxArgs: 2,
    resultType: "string",
    fn: (args) => {
      let t = asTemporal("formatDatetime", args[0]);
      if (typeof args[1] !== "string") throw argumentError("formatDatetime", "pattern must be a string", args[1]);
      if (t.type === "time") t = new Temporal("dateTime", t.value); // on 1970-01-01
      return formatDatetime("formatDatetime", args[1], t);
    },
  },
];

registerBuiltins(dateFunctions);
