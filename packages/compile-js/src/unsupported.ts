/** Thrown while compiling when a construct has no compiled form yet; the runtime falls back. */
export class NotCompilable extends Error {
  constructor(
    readonly construct: string,
    options?: { cause?: unknown },
  ) {
    super(`compile-js does not compile ${construct} yet`, options);
    this.name = "NotCompilable";
  }
}
