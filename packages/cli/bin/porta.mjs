#!/usr/bin/env node
// The `porta` command runs the built JavaScript in dist/. Only inside the Porta repository, when
// dist/ has not been built or PORTA_SOURCE=1 is set (the test suite sets it), it runs the
// TypeScript sources instead, through tsx, a dev dependency (see ./sources.mjs).
import { existsSync } from "node:fs";
import module from "node:module";

// Node >= 22.1 keeps the compiled code of porta's modules on disk between runs (start-up time);
// older Nodes have no compile cache and start as before.
module.enableCompileCache?.();

const built = new URL("../dist/main.js", import.meta.url);
const { main } =
  process.env.PORTA_SOURCE !== "1" && existsSync(built) ? await import(built.href) : await import("./sources.mjs").then((sources) => sources.importMain());
process.exitCode = await main(process.argv);
