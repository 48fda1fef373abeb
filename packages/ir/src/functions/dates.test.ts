import { describe, expect, it } from "vitest";
import "./all.ts";
import { getBuiltin } from "./index.ts";
import { parseTemporalText, Temporal, type Value } from "../values.ts";

const call = (name: string, ...args: Value[]) => getBuiltin(name)!.fn(args);
const t = (s: string) => parseTemporalText(s)!;

describe("PMML 4.4 dateDaysSinceYear(date, referenceYear)", () => {
  it("spec example: dateDaysSinceYear(2003-04-01, 1960) = 15796", () => {
    expect(call("dateDaysSinceYear", t("2003-04-01"), 1960)).toBe(15796);
  });
  it("January 1st of the reference year is day 0", () => {
    expect(call("dateDaysSinceYear", t("1960-01-01"), 1960)).toBe(0);
  });
  it("counts February 29 in leap years (2000 yes, 1900 no)", () => {
    expect(call("dateDaysSinceYear", t("2000-03-01"), 2000)).toBe(60);
    expect(call("dateDaysSinceYear", t("1900-03-01"), 1900)).toBe(59);
    expect(call("dateDaysSinceYear", t("2024-12-31"), 2024)).toBe(365);
  });
  it("dates before 1970 and before the reference year", () => {
    expect(call("dateDaysSinceYear", t("1969-12-31"), 1970)).toBe(-1);
    expect(call("dateDaysSinceYear", t("1959-12-31"), 1960)).toBe(-1);
    // 50 years with 12 leap days (1800 is not one) + 165 days into 1850.
    expect(call("dateDaysSinceYear", t("1850-06-15"), 1800)).toBe(50 * 365 + 12 + 165);
  });
  it("uses the date part of a dateTime", () => {
    expect(call("dateDaysSinceYear", t("1960-01-02T23:59:59"), 1960)).toBe(1);
    expect(call("dateDaysSinceYear", t("1969-12-31T12:00:00"), 1970)).toBe(-1);
  });
  it("accepts ISO text input", () => {
    expect(call("dateDaysSinceYear", "2003-04-01", 1960)).toBe(15796);
  });
  it("rejects a time, a non-integer year, and non-dates", () => {
    expect(() => call("dateDaysSinceYear", t("10:00:00"), 1960)).toThrow(/time/);
    expect(() => call("dateDaysSinceYear", t("2003-04-01"), 1960.5)).toThrow(/integer/);
    expect(() => call("dateDaysSinceYear", 12, 1960)).toThrow(/date/);
  });
});

describe("PMML 4.4 dateSecondsSinceYear(dateTime, referenceYear)", () => {
  it("spec example: dateSecondsSinceYear(1960-01-03T03:30:03, 1960) = 185403", () => {
    expect(call("dateSecondsSinceYear", t("1960-01-03T03:30:03"), 1960)).toBe(185403);
  });
  it("a date counts from its midnight", () => {
    expect(call("dateSecondsSinceYear", t("1960-01-02"), 1960)).toBe(86400);
  });
  it("crosses a leap day and 1970", () => {
    expect(call("dateSecondsSinceYear", t("1972-03-01T00:00:00"), 1972)).toBe(60 * 86400);
    expect(call("dateSecondsSinceYear", t("1970-01-01T00:00:00"), 1969)).toBe(365 * 86400);
  });
});

describe("PMML 4.4 dateSecondsSinceMidnight(time)", () => {
  it("spec example: dateSecondsSinceMidnight(05:05:05) = 18305", () => {
    expect(call("dateSecondsSinceMidnight", t("05:05:05"))).toBe(18305);
  });
  it("takes the time of day of a dateTime, also before 1970", () => {
    expect(call("dateSecondsSinceMidnight", t("2020-06-01T00:00:01"))).toBe(1);
    expect(call("dateSecondsSinceMidnight", t("1960-06-01T23:59:59"))).toBe(86399);
  });
  it("rejects a date", () => {
    expect(() => call("dateSecondsSinceMidnight", t("2020-06-01"))).toThrow(/date/);
  });
});

describe("PMML 4.4 formatDatetime(input, pattern): Java %t conversions (as JPMML)", () => {
  const dt = t("2024-02-29T13:05:09");
  it("dates and times", () => {
    expect(call("formatDatetime", dt, "%Y-%m-%d %H:%M:%S")).toBe("2024-02-29 13:05:09");
    expect(call("formatDatetime", t("1969-07-20"), "%d/%m/%Y")).toBe("20/07/1969");
    expect(call("formatDatetime", t("1969-07-20"), "%y %j")).toBe("69 201");
  });
  it("names in English", () => {
    expect(call("formatDatetime", dt, "%A %a %B %b %h")).toBe("Thursday Thu February Feb Feb");
  });
  it("Java's own letters: %p lowercase, %e %k %l unpadded, %I 12-hour, %L millis", () => {
    expect(call("formatDatetime", dt, "%I %l %p %e %k %L")).toBe("01 1 pm 29 13 000");
    expect(call("formatDatetime", t("2024-03-05T00:00:00"), "%I %p %e")).toBe("12 am 5");
  });
  it("composites %D %F %T %R %r %c", () => {
    expect(call("formatDatetime", dt, "%D|%F|%T|%R|%r")).toBe("02/29/24|2024-02-29|13:05:09|13:05|01:05:09 PM");
    expect(call("formatDatetime", dt, "%c")).toBe("Thu Feb 29 13:05:09 UTC 2024");
  });
  it("epoch seconds/millis and zone in UTC", () => {
    expect(call("formatDatetime", t("1969-12-31T23:59:59"), "%s %Q %z %Z")).toBe("-1 -1000 +0000 UTC");
  });
  it("a time formats on 1970-01-01; %% is a percent sign", () => {
    expect(call("formatDatetime", t("07:08:09"), "%H:%M:%S 100%%")).toBe("07:08:09 100%");
  });
  it("strftime letters Java lacks are errors (JPMML: UnknownFormatConversionException)", () => {
    expect(() => call("formatDatetime", dt, "%u")).toThrow(/unknown/);
    expect(() => call("formatDatetime", dt, "%Y%")).toThrow(/ends/);
  });
  it("a date is formatted at midnight", () => {
    expect(call("formatDatetime", new Temporal("date", 0), "%F %T")).toBe("1970-01-01 00:00:00");
  });
});
