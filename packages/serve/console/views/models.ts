/** The first view: every model served, and the scoring throughput of each. */
import { listModels } from "../api.ts";
import { liveChart, scoring, throughputSpec } from "../charts.ts";
import { h, link, table } from "../dom.ts";
import { modelHref, type View } from "../routes.ts";

export async function modelsView(): Promise<View> {
  const { models } = await listModels();
  const chart = liveChart(
    throughputSpec(
      "Scoring throughput",
      models.map((m) => ({ label: m.name, pick: (s) => scoring(s) && s.model === m.name })),
    ),
  );
  const element = h(
    "div",
    null,
    h("h1", null, "Models"),
    models.length === 0
      ? h("p", { className: "muted" }, "The service serves no model.")
      : table(
          ["model", "live version", "versions", "format", "backend", "description"],
          models.map((m) => [link(modelHref(m.name), m.name), m.live ?? "—", String(m.versions.length), m.format ?? "", m.backend ?? "", m.description ?? ""]),
          "models",
        ),
    models.length === 0 ? null : chart.element,
  );
  return { element, title: "Models", crumbs: [], stop: chart.stop };
}
