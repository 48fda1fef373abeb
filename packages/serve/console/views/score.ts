/**
 * Scoring from the page: a form built from the live version's input fields scores one row; a CSV
 * file dropped on the page or picked scores many (in requests of CHUNK_ROWS rows, through the
 * batch path), the results in a table. Both go through `POST /v1/models/:name/score`, so what the
 * page shows is what any client of the service gets.
 */
import { ApiError, getModel, score, type Field, type Result, type RowError } from "../api.ts";
import { cellText, errorBox, h, tabBar } from "../dom.ts";
import { modelHref, modelTabs, scoreHref, type View } from "../routes.ts";
import { csvRows, csvText, isNumeric, resultColumns, rowOf } from "../rows.ts";

/** Rows per score request: well inside the service's row and body limits. */
const CHUNK_ROWS = 5000;
/** Rows drawn in the table; more are scored and counted but not drawn (the download holds them all). */
const MAX_SHOWN_ROWS = 1000;

/** The object URL of the last download offered, released when the next one replaces it. */
let downloadUrl: string | undefined;

export async function scoreView(name: string): Promise<View> {
  const model = await getModel(name);
  const inputs = model.fields?.inputs ?? [];
  const form = h("form", { id: "row-form", className: "row-form" });
  buildForm(form, inputs);
  const rowResult = h("div", { id: "row-result" });
  const csvResult = h("div", { id: "csv-result" });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void scoreForm(name, form, inputs, rowResult);
  });

  const picker = h("input", { type: "file", id: "csv-file", accept: ".csv,text/csv" });
  const drop = h("div", { id: "drop", className: "drop" }, "Drop a CSV file here (a header row naming the input fields), or ", picker);
  picker.addEventListener("change", () => {
    const file = picker.files?.[0];
    if (file) void scoreFile(name, file, inputs, csvResult);
  });
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    const file = event.dataTransfer?.files[0];
    if (file) void scoreFile(name, file, inputs, csvResult);
  });

  const element = h(
    "div",
    null,
    h("h1", null, model.name),
    tabBar(modelTabs(name, "score")),
    h("p", { className: "muted" }, `Scored by the live version ${model.version ?? "(none)"}; empty, NA and N/A are missing values.`),
    h("h2", null, "Score one row"),
    form,
    rowResult,
    h("h2", null, "Score a CSV file"),
    drop,
    csvResult,
  );
  return {
    element,
    title: `${name}: score`,
    crumbs: [
      [name, modelHref(name)],
      ["score", scoreHref(name)],
    ],
  };
}

/** A labelled control per input field: a choice of the declared values, or free text. */
function buildForm(form: HTMLFormElement, fields: readonly Field[]): void {
  fields.forEach((field, i) => {
    const id = `field-${i}`;
    let control: HTMLInputElement | HTMLSelectElement;
    if (field.values && field.values.length > 0) {
      control = h(
        "select",
        { id, name: field.name },
        h("option", { value: "" }, "(missing)"),
        field.values.map((v) => h("option", { value: String(v) }, String(v))),
      );
    } else {
      control = h("input", { id, name: field.name, placeholder: "missing", inputMode: isNumeric(field) ? "decimal" : "text", autocomplete: "off" });
    }
    form.append(h("label", { htmlFor: id }, field.name, h("span", { className: "muted" }, ` ${field.dataType ?? ""}`)), control);
  });
  form.append(h("button", { type: "submit" }, "Score"));
}

async function scoreForm(name: string, form: HTMLFormElement, inputs: readonly Field[], out: HTMLElement): Promise<void> {
  const cells: [string, string][] = [];
  for (const [key, value] of new FormData(form)) cells.push([key, String(value)]);
  const row = rowOf(cells, inputs);
  try {
    const answer = await score(name, { row });
    out.replaceChildren(resultsTable([answer.result ?? {}], []));
  } catch (e) {
    // A row the model refuses is a 422 with its typed error: shown in the table's place.
    const error = e instanceof ApiError ? { row: 0, ...e.body } : { row: 0, code: "REQUEST_FAILED", message: String(e) };
    out.replaceChildren(resultsTable([null], [error]));
  }
}

async function scoreFile(name: string, file: File, inputs: readonly Field[], out: HTMLElement): Promise<void> {
  out.replaceChildren(h("p", { className: "muted" }, `${file.name}: scoring…`));
  try {
    const rows = csvRows(await file.text(), inputs);
    const results: (Result | null)[] = [];
    const errors: RowError[] = [];
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const answer = await score(name, { rows: rows.slice(start, start + CHUNK_ROWS) });
      results.push(...(answer.results ?? []));
      for (const e of answer.errors ?? []) errors.push({ ...e, row: e.row + start });
    }
    const failed = errors.length;
    if (downloadUrl !== undefined) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(new Blob([resultsCsv(results, errors)], { type: "text/csv" }));
    const download = h(
      "a",
      { id: "csv-download", href: downloadUrl, download: `${file.name.replace(/\.csv$/i, "")}-scored.csv` },
      "Download the results (CSV)",
    );
    const shown = Math.min(rows.length, MAX_SHOWN_ROWS);
    out.replaceChildren(
      h(
        "p",
        { className: "summary" },
        `${file.name}: ${rows.length} rows scored${failed > 0 ? `, ${failed} failed` : ""}.`,
        shown < rows.length ? ` The first ${shown} are shown.` : "",
      ),
      h("p", null, download),
      resultsTable(
        results.slice(0, shown),
        errors.filter((e) => e.row < shown),
      ),
    );
  } catch (e) {
    out.replaceChildren(errorBox(e));
  }
}

/** `#`, one column per output the results hold, and an error column when a row failed. */
export function resultsTable(results: readonly (Result | null)[], errors: readonly RowError[]): HTMLTableElement {
  const columns = resultColumns(results);
  const byRow = new Map(errors.map((e) => [e.row, e]));
  const head = ["#", ...columns];
  const rows = results.map((result, i) => {
    const error = byRow.get(i);
    const cells = [h("td", null, String(i + 1))];
    if (error !== undefined) cells.push(h("td", { className: "error", colSpan: Math.max(1, columns.length) }, `${error.code}: ${error.message}`));
    else for (const c of columns) cells.push(h("td", null, cellText(result?.[c])));
    return h("tr", null, cells);
  });
  return h(
    "table",
    { className: "results numbers" },
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        head.map((c) => h("th", null, c)),
      ),
    ),
    h("tbody", null, rows),
  );
}

/** Every result as CSV: `#`, the outputs, and `error` (code: message) for a failed row. */
function resultsCsv(results: readonly (Result | null)[], errors: readonly RowError[]): string {
  const columns = resultColumns(results);
  const byRow = new Map(errors.map((e) => [e.row, e]));
  return csvText(
    ["#", ...columns, "error"],
    results.map((r, i) => {
      const e = byRow.get(i);
      return [String(i + 1), ...columns.map((c) => cellText(r?.[c])), e ? `${e.code}: ${e.message}` : ""];
    }),
  );
}
