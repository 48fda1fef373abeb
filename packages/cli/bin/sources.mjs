// Runs `porta` from the TypeScript sources, inside the repository only: tsx compiles them, and a
// resolve hook adds the "@porta/source" export condition so every @porta/* package is read from
// src/ too (the condition tests and the type check use). Never reached in an installed package,
// whose dist/ is always there.
import { existsSync } from "node:fs";
import { register } from "node:module";

const MAIN = new URL("../src/main.ts", import.meta.url);

const CONDITION_HOOK = `export async function resolve(specifier, context, next) {
  return next(specifier, { ...context, conditions: [...new Set([...context.conditions, "@porta/source"])] });
}`;

export async function importMain() {
  if (!existsSync(MAIN)) fail("this package has no dist/main.js and no sources; reinstall it");
  let tsx;
  try {
    tsx = await import("tsx/esm/api");
  } catch {
    fail("dist/ is not built and tsx is not installed: run `npm run build` (or `npm ci`) in the repository");
  }
  tsx.register();
  // Registered after tsx, so it runs first and tsx's resolver sees the condition.
  register(`data:text/javascript,${encodeURIComponent(CONDITION_HOOK)}`);
  return import(MAIN.href);
}

function fail(message) {
  process.stderr.write(`porta: ${message}\n`);
  process.exit(70);
}
