/**
 * One version of a model: what it is (format, backend, fields), where it came from (the
 * package's training, data sets and feature extractor) and its audit trail — built, reviewed,
 * approved (porta.json `audit`), stored and deployed (the registry) — in time order.
 */
import { getVersion, type Field, type VersionDetail } from "../api.ts";
import { facts, h, table, when } from "../dom.ts";
import { modelHref, versionHref, type View } from "../routes.ts";

interface TrailEntry {
  at: string;
  what: string;
  by?: string;
  notes?: string;
}

/** The audit trail's entries, oldest first; an entry without a readable time goes last. */
export function auditTrail(v: VersionDetail): TrailEntry[] {
  const entries: TrailEntry[] = [];
  const a = v.audit;
  if (a?.builtAt) entries.push({ at: a.builtAt, what: "built", by: a.builtBy });
  if (a?.privacyReview) entries.push({ at: a.privacyReview.at, what: "privacy review", by: a.privacyReview.by, notes: a.privacyReview.notes });
  if (a?.securityReview) entries.push({ at: a.securityReview.at, what: "security review", by: a.securityReview.by, notes: a.securityReview.notes });
  if (a?.approval) entries.push({ at: a.approval.at, what: "approved", by: a.approval.by, notes: a.approval.reason });
  if (v.storedAt) entries.push({ at: v.storedAt, what: "stored in the registry" });
  if (v.deployedAt) entries.push({ at: v.deployedAt, what: v.live ? "deployed (live now)" : "last live" });
  const time = (e: TrailEntry) => {
    const t = Date.parse(e.at);
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
  };
  return entries.sort((x, y) => time(x) - time(y));
}

function fieldsTable(fields: readonly Field[] | undefined, className: string): HTMLElement {
  if (!fields || fields.length === 0) return h("p", { className: "muted" }, "none known");
  return table(
    ["name", "data type", "op type", "values"],
    fields.map((f) => [f.name, f.dataType ?? "", f.opType ?? "", (f.values ?? []).map(String).join(", ")]),
    className,
  );
}

/** A porta.json section such as `training` or `trainingData`, as facts. */
function manifestSection(manifest: Record<string, unknown> | undefined, key: string): HTMLElement | null {
  const section = manifest?.[key];
  if (section === null || typeof section !== "object") return null;
  return facts(Object.entries(section as Record<string, unknown>).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : String(v)]));
}

export async function versionView(name: string, version: string): Promise<View> {
  const v = await getVersion(name, version);
  const trail = auditTrail(v);
  const manifest = v.manifest;
  const sections: [string, string][] = [
    ["Training", "training"],
    ["Training data", "trainingData"],
    ["Validation data", "validationData"],
    ["Feature extractor", "featureExtractor"],
  ];
  const element = h(
    "div",
    null,
    h("h1", null, `${name} ${version}`),
    v.description ? h("p", { className: "lead" }, v.description) : null,
    h(
      "section",
      { className: "card", id: "version-facts" },
      facts([
        ["version", v.version ?? version],
        ["live", v.live ? "yes" : "no"],
        ["format", v.format ?? ""],
        ["backend", v.backend ?? (v.live ? "" : "not loaded (not live)")],
        ["model types", (v.modelTypes ?? []).join(", ")],
        ["stored", when(v.storedAt)],
        ["deployed", when(v.deployedAt)],
      ]),
    ),
    h("h2", null, "Inputs"),
    fieldsTable(v.fields?.inputs, "inputs"),
    h("h2", null, "Outputs"),
    fieldsTable(v.fields?.outputs, "outputs"),
    h("h2", null, "Audit trail"),
    trail.length === 0
      ? h("p", { className: "muted" }, "No audit trail: a plain document carries none (a model package's porta.json does).")
      : h(
          "ol",
          { className: "trail", id: "audit" },
          trail.map((e) =>
            h(
              "li",
              null,
              h("time", { dateTime: e.at }, when(e.at)),
              " ",
              h("strong", null, e.what),
              e.by ? ` by ${e.by}` : "",
              e.notes ? h("span", { className: "notes" }, ` — ${e.notes}`) : null,
            ),
          ),
        ),
    sections.flatMap(([title, key]) => {
      const body = manifestSection(manifest, key);
      return body ? [h("h2", null, title), body] : [];
    }),
    manifest ? h("details", { className: "raw" }, h("summary", null, "porta.json"), h("pre", null, JSON.stringify(manifest, null, 2))) : null,
  );
  return {
    element,
    title: `${name} ${version}`,
    crumbs: [
      [name, modelHref(name)],
      [version, versionHref(name, version)],
    ],
  };
}
