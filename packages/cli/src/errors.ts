import { isPortaError, type PortaError } from "@porta/ir/errors";

import { EXIT } from "./exit-codes.ts";

export { EXIT };

export function exitCodeOf(e: PortaError): number {
  return exitCodeOfKind(e.kind);
}

/** The exit code of a PortaError kind ("parse", "evaluation", …). */
export function exitCodeOfKind(kind: string): number {
  switch (kind) {
    case "parse":
      return EXIT.parse;
    case "schema":
      return EXIT.schema;
    case "unsupported":
      return EXIT.unsupported;
    case "evaluation":
      return EXIT.evaluation;
    case "deploy":
      return EXIT.deploy;
    default:
      return EXIT.failure;
  }
}

/**
 * A row of the input that failed under `--on-error fail`: the row's own typed error, located
 * in the input (`rows.ndjson:7`), so the message says which line to look at.
 */
export class RowFailure extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/** Prints one line for a typed error (the stack only with --debug) and returns the exit code. */
export function reportError(e: unknown, debug: boolean): number {
  if (e instanceof RowFailure) {
    process.stderr.write(`porta: ${e.message}\n`);
    return exitCodeOfKind(e.kind);
  }
  if (isPortaError(e)) {
    process.stderr.write(`porta: ${e.toOneLine()}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    return exitCodeOf(e);
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "EISDIR" || code === "EACCES") {
    process.stderr.write(`porta: ${err.message}\n`);
    return EXIT.failure;
  }
  // The reader of stdout went away (`porta score … | head`): nothing is left to tell it.
  if (code === "EPIPE") return EXIT.ok;
  if (code === "commander.helpDisplayed" || code === "commander.version") return EXIT.ok;
  if (typeof code === "string" && code.startsWith("commander.")) return EXIT.usage;
  process.stderr.write(`porta: internal error: ${err.message}\n`);
  if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
  return EXIT.internal;
}
