/**
 * The demo page: loads a module written by `porta convert MODEL --to browser`, builds a form from
 * the model's input fields, scores the form and CSV files dropped on or chosen in the page.
 * Bundled for the page by esbuild (README.md beside it); the model module stays a separate file
 * the page imports at run time, so one page serves any model.
 */
import { parse } from "csv-parse/browser/esm/sync";

/** What `porta convert --to browser` exports (its .d.ts types the same, by field). */
interface FieldInfo {
  name: string;
  dataType: string;
  opType?: string;
  values?: unknown[];
}
type Row = Record<string, string | null>;
type Result = Record<string, unknown>;
interface Batch {
  readonly length: number;
}
interface ScoredBatch extends Batch {
  readonly errors: readonly (Error | undefined)[];
}
interface ModelModule {
  inputFields: readonly FieldInfo[];
  outputFields: readonly FieldInfo[];
  score(row: Row): Result;
  scoreColumns(batch: Batch): ScoredBatch;
  batchFromRows(rows: readonly Row[]): Batch;
  rowsFromBatch(batch: Batch): Result[];
}

/** Rows of a CSV file shown in the table; more are scored but not drawn. */
const MAX_SHOWN_ROWS = 1000;

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/**
 * `?model=NAME.js` picks a module beside the page (model.js by default). Only a plain file name:
 * the page imports it, so a query string must not point it at another site.
 */
function modelUrl(): string {
  const name = new URLSearchParams(location.search).get("model") ?? "model.js";
  if (!/^[\w-][\w.-]*\.m?js$/.test(name)) throw new Error(`?model= names a .js file beside the page, not "${name}"`);
  return `./${name}`;
}

/** A cell as `porta score` writes it: missing is empty, numbers in JavaScript's shortest round-trip form. */
function cellText(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

/** An input cell as `porta score` reads a CSV cell: empty, NA and N/A are missing; the model parses the rest by data type. */
function inputValue(text: string): string | null {
  return text === "" || text === "NA" || text === "N/A" ? null : text;
}

function errorText(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  return typeof code === "string" ? `${code}: ${message}` : message;
}

/** One table row per result (or its error), one column per output field. */
function resultsTable(fields: readonly FieldInfo[], rows: readonly { result?: Result; error?: unknown }[]): HTMLTableElement {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const name of ["#", ...fields.map((f) => f.name)]) head.appendChild(document.createElement("th")).textContent = name;
  const body = table.createTBody();
  rows.forEach(({ result, error }, i) => {
    const tr = body.insertRow();
    tr.insertCell().textContent = String(i + 1);
    if (error !== undefined) {
      const td = tr.insertCell();
      td.colSpan = fields.length;
      td.className = "error";
      td.textContent = errorText(error);
      return;
    }
    for (const f of fields) tr.insertCell().textContent = cellText(result?.[f.name]);
  });
  return table;
}

/** A labelled control per input field: a choice of the declared values, or free text the model parses. */
function buildForm(form: HTMLFormElement, fields: readonly FieldInfo[]): void {
  fields.forEach((field, i) => {
    const label = form.appendChild(document.createElement("label"));
    label.htmlFor = `field-${i}`;
    label.textContent = `${field.name} (${field.dataType})`;
    let control: HTMLInputElement | HTMLSelectElement;
    if (field.values && field.values.length > 0) {
      control = document.createElement("select");
      control.add(new Option("(missing)", ""));
      for (const v of field.values) control.add(new Option(String(v), String(v)));
    } else {
      control = document.createElement("input");
      control.placeholder = "missing";
      control.inputMode = ["double", "float", "integer"].includes(field.dataType) ? "decimal" : "text";
    }
    control.id = `field-${i}`;
    control.name = field.name;
    form.appendChild(control);
  });
  const submit = form.appendChild(document.createElement("button"));
  submit.type = "submit";
  submit.textContent = "Score";
}

function scoreForm(model: ModelModule, form: HTMLFormElement, out: HTMLElement): void {
  const row: Row = {};
  for (const [name, value] of new FormData(form)) row[name] = inputValue(String(value));
  let shown: { result?: Result; error?: unknown };
  try {
    shown = { result: model.score(row) };
  } catch (error) {
    shown = { error };
  }
  out.replaceChildren(resultsTable(model.outputFields, [shown]));
}

/** Scores a CSV file's rows as one columnar batch; a row that fails shows its error in its place. */
async function scoreCsv(model: ModelModule, file: File, out: HTMLElement): Promise<void> {
  const status = document.createElement("p");
  try {
    const [header, ...records] = parse(await file.text(), { bom: true, skip_empty_lines: true }) as string[][];
    if (header === undefined) throw new Error(`${file.name} is empty`);
    const rows = records.map((cells) => Object.fromEntries(header.map((name, i) => [name, inputValue(cells[i] ?? "")])) as Row);
    const scored = model.scoreColumns(model.batchFromRows(rows));
    const results = model.rowsFromBatch(scored);
    const shown = results.slice(0, MAX_SHOWN_ROWS).map((result, i) => (scored.errors[i] ? { error: scored.errors[i] } : { result }));
    const failed = scored.errors.filter((e) => e !== undefined).length;
    status.textContent = `${file.name}: ${rows.length} rows scored${failed ? `, ${failed} failed` : ""}${rows.length > MAX_SHOWN_ROWS ? `; the first ${MAX_SHOWN_ROWS} shown` : ""}.`;
    out.replaceChildren(status, resultsTable(model.outputFields, shown));
  } catch (e) {
    status.className = "error";
    status.textContent = `${file.name}: ${errorText(e)}`;
    out.replaceChildren(status);
  }
}

async function main(): Promise<void> {
  const info = byId<HTMLParagraphElement>("model");
  let model: ModelModule;
  const url = modelUrl();
  try {
    model = (await import(url)) as ModelModule;
  } catch (e) {
    info.className = "error";
    info.textContent = `Cannot load ${url}: ${errorText(e)}. Write it with \`porta convert MODEL --to browser -o ${url}\`.`;
    return;
  }
  info.textContent = `${url.slice(2)}: ${model.inputFields.length} input fields → ${model.outputFields.map((f) => f.name).join(", ")}`;

  const form = byId<HTMLFormElement>("row-form");
  buildForm(form, model.inputFields);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    scoreForm(model, form, byId("row-result"));
  });

  const csvOut = byId("csv-result");
  const fileInput = byId<HTMLInputElement>("csv-file");
  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    if (file) void scoreCsv(model, file, csvOut);
  });
  // A file dropped beside the drop zone would otherwise make the browser open it in place of the page.
  for (const type of ["dragover", "drop"]) window.addEventListener(type, (event) => event.preventDefault());
  const drop = byId("drop");
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    const file = event.dataTransfer?.files[0];
    if (file) void scoreCsv(model, file, csvOut);
  });
  document.body.dataset.ready = "true";
}

void main();
