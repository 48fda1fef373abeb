/** Variables of the program model: scopes as the checker's, each declaration a new unique id. */
import type { VarId } from "@porta/ir";
import { T, type AvroType, type ExprType } from "@porta/ir/avro";
import { notLowerable } from "../refusal.ts";

export interface Variable {
  readonly id: VarId;
  readonly type: AvroType;
}

/** A block's variables by name, chained to the enclosing block's (as the checker's TypeScope). */
export class Scope {
  readonly vars = new Map<string, Variable>();
  constructor(readonly parent: Scope | null) {}
  lookup(name: string): Variable | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }
  child(): Scope {
    return new Scope(this);
  }
}

/** The type of a value that is data: `error`'s bottom type reads as null (the checker's rule for variables). */
export function dataType(t: ExprType, path: string): AvroType {
  if (t.kind === "fcn") return notLowerable("a function where a value is expected", path);
  return t.kind === "exception" ? T.null : t;
}
