/**
 * Building the page: elements from a tag, properties and children. Text goes in as text nodes,
 * never as markup, so a model or field name can hold any characters; no inline handler or style
 * attribute is written (the service sends a Content-Security-Policy without 'unsafe-inline').
 */

type Child = Node | string | number | null | undefined | false;
type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], "children" | "dataset">> & {
  dataset?: Record<string, string>;
};

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props<K> | null, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) {
    const { dataset, ...rest } = props;
    Object.assign(el, rest);
    if (dataset) for (const [k, v] of Object.entries(dataset)) el.dataset[k] = v;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "number" ? String(child) : child);
  }
  return el;
}

/** A cell's text: missing is empty, objects as JSON, the rest as JavaScript writes it. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** A definition list of the facts that are present. */
export function facts(entries: [string, Child | Child[]][]): HTMLDListElement {
  const dl = h("dl", { className: "facts" });
  for (const [term, value] of entries) {
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) continue;
    dl.append(h("dt", null, term), h("dd", null, value));
  }
  return dl;
}

/** A table with a header row and one row per entry. */
export function table(head: string[], rows: (Child | Child[])[][], className?: string): HTMLTableElement {
  return h(
    "table",
    { className: className ?? "" },
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        head.map((name) => h("th", null, name)),
      ),
    ),
    h(
      "tbody",
      null,
      rows.map((cells) =>
        h(
          "tr",
          null,
          cells.map((c) => h("td", null, c)),
        ),
      ),
    ),
  );
}

export function link(href: string, text: string): HTMLAnchorElement {
  return h("a", { href }, text);
}

/** An error as the page shows it: the service's code and message. */
export function errorBox(e: unknown): HTMLElement {
  return h("p", { className: "error", role: "alert" }, e instanceof Error ? e.message : String(e));
}

/** A duration or instant as text, from an ISO date. */
export function when(iso: string | undefined): string {
  if (iso === undefined) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, "Z");
}

/** A fraction 0..1 as a percentage. */
export function percent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)} %`;
}

/** A horizontal bar of `fraction` (0..1): its width set through the CSSOM, which the policy allows. */
export function bar(fraction: number, label: string): HTMLElement {
  const fill = h("span", { className: "fill" });
  fill.style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
  return h("span", { className: "bar", title: label, role: "img", ariaLabel: label }, fill);
}

/** A row of links, the current one marked (aria-current). */
export function tabBar(tabs: [label: string, href: string, current: boolean][]): HTMLElement {
  return h(
    "nav",
    { className: "tabs" },
    tabs.map(([label, href, current]) => {
      const a = link(href, label);
      if (current) a.setAttribute("aria-current", "page");
      return a;
    }),
  );
}
