/** Thrown while compiling when a construct has no compiled form yet; the runtime falls back. */
export class NotCompilable extends Error {
  constructor(readonly construct: string) {
    super(`compile-js does not compile ${construct} yet`);
    this.name = "NotCompilable";
  }
}
