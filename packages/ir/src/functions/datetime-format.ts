import type { Temporal } from "../values.ts";
import { argumentError } from "./arguments.ts";

/**
 * PMML "formatDatetime(input, pattern)". The spec points at C's strftime; JPMML rewrites every
 * "%X" to Java's "%1$tX" and calls String.format, so the conversions are Java's date/time
 * conversions (java.util.Formatter "t"), which differ from strftime in places:
 * %p is lowercase "am"/"pm", %e/%k/%l are unpadded, %y is two digits, %C is the century,
 * %j is 3 digits, %L milliseconds, %N nanoseconds, %s/%Q epoch seconds/millis, and %R %T %r
 * %D %F %c are the Java composites. Conversions strftime has but Java lacks (%u %w %U %W %x
 * %X %V %G ...) are errors, as in JPMML.
 *
 * PMML values carry no zone; JPMML formats them in the JVM's default zone, Porta in UTC (%Z is
 * "UTC", %z "+0000"): wall-clock fields agree, only %Z %z %s %Q can differ.
 * Unlike JPMML, "%%" is a literal percent sign (JPMML's rewrite mangles "%%" followed by text).
 */

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const two = (n: number) => String(n).padStart(2, "0");

export function formatDatetime(fn: string, pattern: string, t: Temporal): string {
  const ms = t.epochSeconds * 1000;
  const d = new Date(ms);
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch !== "%") {
      out += ch;
      continue;
    }
    const conv = pattern[++i];
    if (conv === undefined) throw argumentError(fn, "pattern ends with '%'", pattern);
    if (conv === "%") {
      out += "%";
      continue;
    }
    if (conv === "n") {
      out += "\n";
      continue;
    }
    out += convert(fn, pattern, conv, d, ms);
  }
  return out;
}

function convert(fn: string, pattern: string, conv: string, d: Date, ms: number): string {
  const year = d.getUTCFullYear();
  const hour = d.getUTCHours();
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  const c = (x: string) => convert(fn, pattern, x, d, ms);
  switch (conv) {
    case "H":
      return two(hour);
    case "I":
      return two(h12);
    case "k":
      return String(hour);
    case "l":
      return String(h12);
    case "M":
      return two(d.getUTCMinutes());
    case "S":
      return two(d.getUTCSeconds());
    case "L":
      return String(d.getUTCMilliseconds()).padStart(3, "0");
    case "N":
      return String(d.getUTCMilliseconds() * 1_000_000).padStart(9, "0");
    case "p":
      return hour < 12 ? "am" : "pm";
    case "z":
      return "+0000";
    case "Z":
      return "UTC";
    case "s":
      return String(Math.floor(ms / 1000));
    case "Q":
      return String(ms);
    case "B":
      return MONTHS[d.getUTCMonth()];
    case "b":
    case "h":
      return MONTHS[d.getUTCMonth()].slice(0, 3);
    case "A":
      return DAYS[d.getUTCDay()];
    case "a":
      return DAYS[d.getUTCDay()].slice(0, 3);
    case "C":
      return two(Math.floor(year / 100));
    // Java pads %Y to at least 4 digits; years before 1 print as Java's proleptic year.
    case "Y":
      return year < 0 ? `-${String(-year).padStart(4, "0")}` : String(year).padStart(4, "0");
    case "y":
      return two(((year % 100) + 100) % 100);
    case "j": {
      const start = Date.UTC(year, 0, 1);
      const startDate = new Date(start);
      startDate.setUTCFullYear(year);
      return String(Math.floor((ms - startDate.getTime()) / 86_400_000) + 1).padStart(3, "0");
    }
    case "m":
      return two(d.getUTCMonth() + 1);
    case "d":
      return two(d.getUTCDate());
    case "e":
      return String(d.getUTCDate());
    case "R":
      return `${c("H")}:${c("M")}`;
    case "T":
      return `${c("H")}:${c("M")}:${c("S")}`;
    case "r":
      return `${c("I")}:${c("M")}:${c("S")} ${c("p").toUpperCase()}`;
    case "D":
      return `${c("m")}/${c("d")}/${c("y")}`;
    case "F":
      return `${c("Y")}-${c("m")}-${c("d")}`;
    case "c":
      return `${c("a")} ${c("b")} ${c("d")} ${c("T")} ${c("Z")} ${c("Y")}`;
    default:
      throw argumentError(fn, `unknown date/time conversion '%${conv}'`, pattern);
  }
}
