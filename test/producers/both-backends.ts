/**
 * Scoring a hand-written producer document with the reference interpreter and with compile-js,
 * which must agree (compile-js may refuse with NotCompilable: the runtime then falls back to the
 * interpreter, and `js.backend` says so).
 */
import { expect } from "vitest";
import { parsePmml } from "@porta/pmml";
import { pmmlModel, type Model } from "@porta/runtime";

export function bothBackends(text: string): { interp: Model; js: Model } {
  const pipeline = parsePmml(text);
  return { interp: pmmlModel(pipeline, "interp"), js: pmmlModel(pipeline, "js") };
}

/**
 * Scores a batch with both backends (errors collected): identical results, identical error codes
 * per row and identical output fields. Returns the interpreter's batch and whether compile-js
 * really compiled the document (no silent fallback).
 */
export function scoreBatchBoth(text: string, rows: Record<string, unknown>[]): { results: (Record<string, unknown> | null)[]; compiled: boolean } {
  const { interp, js } = bothBackends(text);
  const a = interp.scoreBatch(rows, { onError: "collect" });
  const b = js.scoreBatch(rows, { onError: "collect" });
  expect(b.results).toEqual(a.results);
  expect(b.errors.map((e) => [e.row, e.code])).toEqual(a.errors.map((e) => [e.row, e.code]));
  expect(js.outputFields).toEqual(interp.outputFields);
  return { results: a.results, compiled: js.backend === "js" };
}

/** Scores `rows` with both backends, checks they agree, and returns the interpreter's results. */
export function scoreBoth(text: string, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  const { interp, js } = bothBackends(text);
  const a = rows.map((r) => interp.score(r));
  const b = rows.map((r) => js.score(r));
  expect(b).toEqual(a);
  return a;
}

/** |actual - expected| <= tol * max(1, |expected|) for every number; strings exactly. */
export function expectClose(actual: unknown, expected: unknown, tol = 1e-12): void {
  if (typeof expected === "number" && typeof actual === "number") {
    expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
  } else {
    expect(actual).toEqual(expected);
  }
}

/** The R pmml package's document frame: PMML 4.4.1 in the PMML-4_4 namespace, its Header. */
export const rPmml = (body: string, description = "model") => `<?xml version="1.0"?>
<PMML version="4.4.1" xmlns="http://www.dmg.org/PMML-4_4" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.dmg.org/PMML-4_4 http://www.dmg.org/pmml/v4-4/pmml-4-4.xsd">
 <Header copyright="Copyright (c) 2026 porta" description="${description}">
  <Extension name="user" value="porta" extender="R PMML Generator - Package pmml"/>
  <Application name="R PMML Generator - Package pmml" version="2.6.0"/>
  <Timestamp>2026-01-01 00:00:00</Timestamp>
 </Header>
${body}
</PMML>`;

/** nyoka's document frame: PMML 4.4.1 in the PMML-4_4 namespace, its Header. */
export const nyokaPmml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4.1">
    <Header copyright="Copyright (c) 2021 Software AG" description="Default description">
        <Application name="Nyoka" version="5.5.0"/>
        <Timestamp>2026-01-01 00:00:00</Timestamp>
    </Header>
${body}
</PMML>`;
