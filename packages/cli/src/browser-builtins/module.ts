/**
 * `node:module` as `porta convert --to browser` bundles it for a model that can run a regular
 * expression (convert-js.ts `callsRegex`). @porta/ir's regex engine requires RE2JS lazily through
 * `createRequire` (most models run none); a page has no `require`, so RE2JS is bundled in and
 * handed out here.
 */
import * as re2js from "re2js";

export function createRequire(_from: string | URL): (id: string) => unknown {
  return (id) => {
    if (id === "re2js") return re2js;
    throw new Error(`porta: the browser module cannot require "${id}"`);
  };
}
