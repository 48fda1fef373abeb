#!/usr/bin/env node
// The `porta` command runs the built JavaScript in dist/: the front bundle dist/main.bundle.cjs
// (the command line in one CommonJS file, see scripts/bundle-cli-front.ts) when it is at least as
// new as every module it was bundled from, else dist/main.js. Only inside the Porta repository,
// when dist/ has not been built or PORTA_SOURCE=1 is set (the test suite sets it), it runs the
// TypeScript sources instead, through tsx, a dev dependency (see ./sources.mjs).
//
// CommonJS, not ESM: Node 20 starts its ESM loader only for an ES module, and that start-up and
// each module's resolve/link cost `porta --help` more than the command line itself (issue 13).
"use strict";
const { existsSync, statSync } = require("node:fs");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");

// Node >= 22.1 keeps the compiled code of porta's modules on disk between runs (start-up time);
// older Nodes have no compile cache and start as before.
require("node:module").enableCompileCache?.();

const DIST = join(__dirname, "..", "dist");

/**
 * The front bundle, or undefined when it is missing or, in a build tree, older than one of its
 * inputs (dist/ rebuilt by `tsc -b` alone): then the modules themselves run, never the old code.
 * A build tree has dist/.tsbuildinfo; an installed package has none (the tarball leaves it out)
 * and nothing rebuilds its dist/, and its file times are those of the install, in any order.
 */
function freshBundle() {
  const file = join(DIST, "main.bundle.cjs");
  let built;
  try {
    built = statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  const bundle = require(file);
  if (!existsSync(join(DIST, ".tsbuildinfo"))) return bundle;
  try {
    for (const [pkg, path] of bundle.inputs) {
      if (statSync(join(packageRoot(pkg), path)).mtimeMs > built) return undefined;
    }
  } catch {
    return undefined; // an input gone or a package not found: the modules decide
  }
  return bundle;
}

/**
 * The folder of package `pkg` as `require` would find it, without resolving its exports (which
 * loads the ESM resolver, most of what this file avoids): the first node_modules/PKG on Node's
 * lookup path.
 */
function packageRoot(pkg) {
  if (pkg === "porta") return join(__dirname, "..");
  const root = require.resolve
    .paths(pkg)
    .map((dir) => join(dir, pkg))
    .find((dir) => existsSync(dir));
  if (root === undefined) throw new Error(`${pkg} not found`);
  return root;
}

async function loadMain() {
  if (process.env.PORTA_SOURCE !== "1") {
    const bundle = freshBundle();
    if (bundle) return bundle.main;
    const built = join(DIST, "main.js");
    if (existsSync(built)) return (await import(pathToFileURL(built).href)).main;
  }
  return (await (await import("./sources.mjs")).importMain()).main;
}

loadMain()
  .then((main) => main(process.argv))
  .then((code) => {
    process.exitCode = code;
  });
