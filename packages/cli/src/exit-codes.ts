// Its own module, importing nothing: `porta --help` needs the codes, not the error machinery.
/** Exit codes: one per error kind, so scripts can tell a bad file from a bad row. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 64,
  parse: 65,
  schema: 66,
  unsupported: 67,
  evaluation: 68,
  deploy: 69,
  internal: 70,
} as const;
