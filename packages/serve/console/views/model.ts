/**
 * One model: its live version, its deployment strategy (refreshed while shown), latency and
 * throughput charts, and every version it has.
 */
import { getModel, type MetricsSeries, type ModelDetail, type Strategy } from "../api.ts";
import { latencySpec, liveChart, scoring, throughputSpec } from "../charts.ts";
import { facts, h, link, tabBar, table, when } from "../dom.ts";
import { modelHref, modelTabs, versionHref, type View } from "../routes.ts";
import { strategyView } from "./strategy.ts";

/** How often the strategy's figures are asked for again while the page shows them. */
const STRATEGY_REFRESH_MS = 3000;

/** The versions a strategy sends traffic to, each drawn as its own throughput line. */
function strategyVersions(strategy: Strategy | undefined): string[] {
  switch (strategy?.kind) {
    case "silent":
      return [strategy.live, strategy.shadow];
    case "canary":
      return [strategy.live, strategy.canary];
    case "bandit":
      return strategy.arms.map((a) => a.version);
    default:
      return [];
  }
}

export async function modelView(name: string): Promise<View> {
  const model = await getModel(name);
  const ofModel = (s: MetricsSeries) => scoring(s) && s.model === name;
  const latency = liveChart(latencySpec("Scoring latency", ofModel));
  const throughput = liveChart(
    throughputSpec("Scoring throughput", [
      { label: "all versions", pick: ofModel },
      ...strategyVersions(model.strategy).map((version) => ({ label: version, pick: (s: MetricsSeries) => ofModel(s) && s.version === version })),
    ]),
  );
  let strategy = strategyView(model.strategy) ?? h("div", { id: "strategy", hidden: true });
  const element = h(
    "div",
    null,
    h("h1", null, model.name),
    model.description ? h("p", { className: "lead" }, model.description) : null,
    tabBar(modelTabs(name, "model")),
    summary(model),
    strategy,
    h("div", { className: "charts" }, latency.element, throughput.element),
    h("h2", null, "Versions"),
    table(
      ["version", "live", "stored", "deployed"],
      model.versions.map((v) => [link(versionHref(name, v.version), v.version), v.live ? "live" : "", when(v.storedAt), when(v.deployedAt)]),
      "versions",
    ),
  );
  // The strategy's counts move with traffic: asked for again while the page shows them.
  let stopped = false;
  const refresh = setInterval(() => {
    void getModel(name).then(
      (fresh) => {
        if (stopped) return;
        const next = strategyView(fresh.strategy) ?? h("div", { id: "strategy", hidden: true });
        strategy.replaceWith(next);
        strategy = next;
      },
      () => undefined,
    );
  }, STRATEGY_REFRESH_MS);
  return {
    element,
    title: model.name,
    crumbs: [[model.name, modelHref(name)]],
    stop: () => {
      stopped = true;
      clearInterval(refresh);
      latency.stop();
      throughput.stop();
    },
  };
}

function summary(model: ModelDetail): HTMLElement {
  return h(
    "section",
    { className: "card", id: "summary" },
    facts([
      ["live version", model.version ? link(versionHref(model.name, model.version), model.version) : "none"],
      ["format", model.format ?? ""],
      ["backend", model.backend ?? ""],
      ["model types", (model.modelTypes ?? []).join(", ")],
      ["inputs", (model.fields?.inputs ?? []).map((f) => f.name).join(", ")],
      ["outputs", (model.fields?.outputs ?? []).map((f) => f.name).join(", ")],
      ["deployed", when(model.deployedAt)],
    ]),
  );
}
