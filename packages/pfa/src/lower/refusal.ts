/**
 * Why a PFA document was not lowered into the IR. Not an error for the user: the document stays
 * on the PFA engine, and backend selection reports the reason for the IR backends (`porta inspect`).
 */

/** Raised inside the lowering at the first construct it does not lower exactly; caught by `lowerPfa`. */
export class NotLowerable extends Error {
  constructor(
    message: string,
    /** JSON path of the construct in the document (`/action/0/let/p`). */
    readonly path: string,
  ) {
    super(message);
  }
}

/** `lowerPfa`'s answer when it does not lower: the reason and where. */
export interface LoweringRefusal {
  readonly lowered: false;
  readonly reason: string;
  readonly path: string;
}

export function notLowerable(message: string, path: string): never {
  throw new NotLowerable(message, path);
}
