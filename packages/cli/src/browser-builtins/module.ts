/**
 * `node:module` as `porta convert --to browser` bundles it. @porta/ir's regex engine requires
 * RE2JS lazily through `createRequire` (most models run no regex); a page has no `require`, so
 * RE2JS is bundled in and handed out here. The bundle holds it only when the model's restore path
 * reaches the regex engine.
 */
import * as re2js from "re2js";

export function createRequire(_from: string | URL): (id: string) => unknown {
  return (id) => {
    if (id === "re2js") return re2js;
    throw new Error(`porta: the browser module cannot require "${id}"`);
  };
}
