/**
 * What the live version is made of (`GET /v1/models/:name/structure`): a TreeModel as a
 * collapsible tree (native <details>, so it needs no script to open and close), an ensemble as
 * its list of segments, each segment's model one click away — one tree at a time, never the
 * whole forest. The service bounds every answer; a cut subtree says how many nodes it hides.
 */
import { getStructure, type SegmentView, type Structure, type TreeNodeView } from "../api.ts";
import { facts, h, link, tabBar, table } from "../dom.ts";
import { modelHref, modelTabs, treeHref, type View } from "../routes.ts";

/** Levels open when a tree is first drawn. */
const OPEN_LEVELS = 3;

export async function treeView(name: string, segment: string): Promise<View> {
  const structure = await getStructure(name, segment);
  const element = h("div", null, h("h1", null, name), tabBar(modelTabs(name, "tree")), segmentTrail(name, segment), structureBody(name, structure));
  const crumbs: [string, string][] = [
    [name, modelHref(name)],
    ["structure", treeHref(name)],
  ];
  if (segment !== "") crumbs.push([`segment ${segment}`, treeHref(name, segment)]);
  return { element, title: `${name}: structure`, crumbs };
}

/** Links back up through the segments: top model › segment 2 › segment 2.15. */
function segmentTrail(name: string, segment: string): HTMLElement | null {
  if (segment === "") return null;
  const parts = segment.split(".");
  const trail = h("p", { className: "trail-path" }, link(treeHref(name), "top model"));
  parts.forEach((_, i) => {
    const at = parts.slice(0, i + 1).join(".");
    trail.append(" › ", i === parts.length - 1 ? h("strong", null, `segment ${at}`) : link(treeHref(name, at), `segment ${at}`));
  });
  return trail;
}

function structureBody(name: string, s: Structure): HTMLElement {
  const model = s.model;
  if (!s.available || model === undefined) return h("p", { className: "muted", id: "structure" }, s.reason ?? "No structure to show.");
  const section = h(
    "section",
    { id: "structure", dataset: { kind: model.kind } },
    facts([
      ["version", s.version],
      ["model", model.kind],
      ["function", model.functionName ?? ""],
      ["name", model.modelName ?? ""],
      ["algorithm", model.algorithmName ?? ""],
    ]),
  );
  if (model.tree) {
    const t = model.tree;
    const root = nodeElement(t.root, 1);
    const expandAll = h("button", { type: "button" }, "Expand all");
    const collapseAll = h("button", { type: "button" }, "Collapse all");
    const tree = h("div", { className: "tree", id: "tree" }, root);
    const setOpen = (open: boolean) => {
      for (const d of tree.querySelectorAll("details")) d.open = open;
    };
    expandAll.addEventListener("click", () => setOpen(true));
    collapseAll.addEventListener("click", () => setOpen(false));
    section.append(
      h(
        "p",
        { className: "muted" },
        `${t.nodes} nodes, ${t.leaves} leaves, depth ${t.depth}; missing values: ${t.missingValueStrategy}`,
        t.shown < t.nodes ? `; the first ${t.shown} nodes breadth first are shown` : "",
        ". ",
      ),
      h("p", { className: "buttons" }, expandAll, " ", collapseAll),
      tree,
    );
  }
  if (model.mining) {
    const m = model.mining;
    section.append(
      h(
        "p",
        { className: "muted" },
        `${m.segmentCount} segments, combined by ${m.multipleModelMethod}`,
        m.segments.length < m.segmentCount ? `; the first ${m.segments.length} are listed` : "",
        ".",
      ),
      segmentsTable(name, model.segment, m.segments),
    );
    // Past the listed ones (an ensemble of thousands), a segment is reached by its number.
    if (m.segments.length < m.segmentCount) section.append(segmentJump(name, model.segment, m.segmentCount));
  }
  if (model.facts) section.append(facts(Object.entries(model.facts).map(([k, v]) => [k, String(v)])));
  return section;
}

function segmentsTable(name: string, parent: string, segments: readonly SegmentView[]): HTMLElement {
  return table(
    ["#", "id", "weight", "predicate", "model", "size"],
    segments.map((s) => {
      const at = parent === "" ? String(s.index) : `${parent}.${s.index}`;
      const size = s.nodes !== undefined ? `${s.nodes} nodes, depth ${s.depth}` : s.segments !== undefined ? `${s.segments} segments` : "";
      return [
        link(treeHref(name, at), String(s.index)),
        s.id ?? "",
        String(s.weight),
        h("code", null, s.predicate),
        [s.kind, s.modelName ? ` ${s.modelName}` : ""],
        size,
      ];
    }),
    "segments",
  );
}

/** A node and, inside its <details>, its children; a leaf is a plain line. */
function nodeElement(node: TreeNodeView, level: number): HTMLElement {
  const label = h(
    "span",
    { className: "node" },
    h("code", null, node.predicate),
    node.score !== undefined ? [" → ", h("strong", null, node.score)] : null,
    node.recordCount !== undefined ? h("span", { className: "muted" }, ` n=${node.recordCount}`) : null,
    node.id !== undefined ? h("span", { className: "muted" }, ` #${node.id}`) : null,
    node.distribution ? h("span", { className: "dist" }, ` ${node.distribution.map((d) => `${d.value}: ${d.probability ?? d.recordCount}`).join(", ")}`) : null,
  );
  if (node.children.length === 0 && !node.hidden) return h("div", { className: "leaf" }, label);
  const details = h("details", { open: level < OPEN_LEVELS }, h("summary", null, label));
  for (const child of node.children) details.append(nodeElement(child, level + 1));
  if (node.hidden) details.append(h("div", { className: "hidden-nodes muted" }, `… ${node.hidden} more nodes below (not sent: the answer is bounded)`));
  return details;
}

/** A number field that opens segment N of this ensemble. */
function segmentJump(name: string, parent: string, count: number): HTMLElement {
  const input = h("input", { type: "number", min: "0", max: String(count - 1), required: true, name: "segment", ariaLabel: "segment number" });
  const form = h("form", { className: "jump" }, `Open segment (0 to ${count - 1}): `, input, " ", h("button", { type: "submit" }, "Open"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.hash = treeHref(name, parent === "" ? input.value : `${parent}.${input.value}`);
  });
  return form;
}
