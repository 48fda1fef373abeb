/**
 * `npx tsx examples/browser/serve.ts [PORT]`: bundles the page script (app.ts → app.js) and serves
 * this folder on 127.0.0.1 (port 8080 unless given) until interrupted. The model is the module
 * `porta convert MODEL --to browser -o examples/browser/model.js` wrote here (README.md).
 */
import { buildPage, servePage } from "./page.ts";

const here = import.meta.dirname;
await buildPage(here);
const site = await servePage(here, Number(process.argv[2] ?? 8080));
process.stdout.write(`serving ${here} at ${site.url} (another model beside it: ${site.url}?model=NAME.js)\n`);
