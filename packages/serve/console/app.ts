/**
 * The web console of `porta serve`, at `/`: models, versions and their audit trail, deployment
 * strategies, latency and throughput charts, scoring from a form or a CSV file, and a viewer of
 * trees and ensembles. Built by build.ts into dist/console (esbuild: one script, one stylesheet,
 * no inline code, nothing fetched from another site).
 */
import "./style.css";
import { errorBox, h, link } from "./dom.ts";
import { placeOf, type Place, type View } from "./routes.ts";
import { modelView } from "./views/model.ts";
import { modelsView } from "./views/models.ts";
import { scoreView } from "./views/score.ts";
import { treeView } from "./views/tree.ts";
import { versionView } from "./views/version.ts";

let current: View | undefined;
/** Bumped at each navigation: a view that finishes loading after the next one began is dropped. */
let generation = 0;

function viewOf(place: Place): Promise<View> {
  switch (place.view) {
    case "models":
      return modelsView();
    case "model":
      return modelView(place.name);
    case "version":
      return versionView(place.name, place.version);
    case "score":
      return scoreView(place.name);
    case "tree":
      return treeView(place.name, place.segment);
  }
}

async function show(): Promise<void> {
  const mine = ++generation;
  const main = document.getElementById("view")!;
  const crumbs = document.getElementById("crumbs")!;
  current?.stop?.();
  current = undefined;
  document.body.removeAttribute("data-ready");
  let view: View;
  try {
    view = await viewOf(placeOf(location.hash));
  } catch (e) {
    if (mine !== generation) return;
    main.replaceChildren(h("h1", null, "Not available"), errorBox(e), h("p", null, link("#/", "All models")));
    crumbs.replaceChildren();
    document.body.dataset.ready = "error";
    return;
  }
  if (mine !== generation) {
    view.stop?.();
    return;
  }
  current = view;
  main.replaceChildren(view.element);
  crumbs.replaceChildren(...view.crumbs.flatMap(([label, href]) => [" / ", link(href, label)]));
  document.title = `${view.title} · Porta`;
  // Tests and the screenshot script wait for this before they look.
  document.body.dataset.ready = "true";
}

window.addEventListener("hashchange", () => void show());
void show();
