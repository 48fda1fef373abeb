/**
 * The console's places, in the URL's fragment (`#/models/iris/tree/2`): the page is one document
 * at `/`, so any place can be bookmarked and reloaded without the server knowing the routes.
 */

/** What a view puts on the page, and what it stops (polling, charts) when the page moves on. */
export interface View {
  element: HTMLElement;
  title: string;
  /** Links above the view: label and href, the last one the view itself. */
  crumbs: [string, string][];
  stop?: () => void;
}

export type Place =
  | { view: "models" }
  | { view: "model"; name: string }
  | { view: "version"; name: string; version: string }
  | { view: "score"; name: string }
  | { view: "tree"; name: string; segment: string };

const enc = encodeURIComponent;

export const modelHref = (name: string) => `#/models/${enc(name)}`;
export const versionHref = (name: string, version: string) => `#/models/${enc(name)}/versions/${enc(version)}`;
export const scoreHref = (name: string) => `#/models/${enc(name)}/score`;
export const treeHref = (name: string, segment = "") => `#/models/${enc(name)}/tree${segment === "" ? "" : `/${segment}`}`;

/** The place a fragment names; anything unknown is the models list. */
export function placeOf(hash: string): Place {
  const parts = hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter((p) => p !== "")
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  if (parts[0] !== "models" || parts[1] === undefined) return { view: "models" };
  const name = parts[1];
  switch (parts[2]) {
    case undefined:
      return { view: "model", name };
    case "versions":
      return parts[3] === undefined ? { view: "model", name } : { view: "version", name, version: parts[3] };
    case "score":
      return { view: "score", name };
    case "tree":
      return { view: "tree", name, segment: parts[3] ?? "" };
    default:
      return { view: "model", name };
  }
}

/** The tabs of one model's pages. */
export function modelTabs(name: string, current: "model" | "score" | "tree"): [string, string, boolean][] {
  return [
    ["Overview", modelHref(name), current === "model"],
    ["Score", scoreHref(name), current === "score"],
    ["Structure", treeHref(name), current === "tree"],
  ];
}
