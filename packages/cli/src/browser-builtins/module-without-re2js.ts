/**
 * `node:module` as `porta convert --to browser` bundles it for a model that runs no regular
 * expression (no `matches`, `replace` or TextIndex): @porta/ir's regex engine, which requires RE2JS
 * through `createRequire`, is bundled but never called, so RE2JS is left out of the module.
 */
export function createRequire(_from: string | URL): (id: string) => unknown {
  return (id) => {
    throw new Error(`porta: "${id}" is not in this browser module (built for a model that runs no regular expression)`);
  };
}
