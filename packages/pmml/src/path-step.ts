import type { SimpleOperator, SimplePredicate } from "@porta/ir";

/** Anything whose document path can be asked for: an IR node, or a holder of a known path. */
export interface HasPath {
  readonly path: string;
}

/**
 * IR nodes of a tree whose path is made when read (an error, a notice) from their parent's and
 * one shared step, never stored: a forest keeps a million nodes and as many predicates, and a
 * path string for each was about a sixth of a large forest's parse time and of its heap. The
 * parent is another IR node or a holder of the model's path, never an XML view (which would keep
 * the document in memory). Private fields: the objects' own properties are the IR's.
 */
export abstract class PathFromParent implements HasPath {
  readonly #parent: HasPath;
  readonly #step: string;

  constructor(parent: HasPath, step: string) {
    this.#parent = parent;
    this.#step = step;
  }

  get path(): string {
    return this.#parent.path + this.#step;
  }
}

/** `<True/>` under a tree Node. */
export class TrueAt extends PathFromParent {
  readonly kind = "true";
}

/** `<SimplePredicate>` under a tree Node. */
export class SimplePredicateAt extends PathFromParent implements SimplePredicate {
  readonly kind = "simple";

  constructor(
    parent: HasPath,
    step: string,
    readonly field: string,
    readonly operator: SimpleOperator,
    readonly value: string | undefined,
  ) {
    super(parent, step);
  }
}
