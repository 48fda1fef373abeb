import { PortaError } from "@porta/ir";
import { NotCompilable } from "../unsupported.ts";

/**
 * A family's lowered plan, or a refusal naming the element: a document the plan rejects is one
 * the interpreter rejects on every row it scores, with the plan's typed error, so compile-js
 * leaves it to the interpreter rather than failing the load.
 */
export function planOrRefuse<Plan>(element: string, lower: () => Plan): Plan {
  try {
    return lower();
  } catch (e) {
    if (e instanceof PortaError) throw new NotCompilable(`${element} (${e.code}${e.path ? ` at ${e.path}` : ""})`);
    throw e;
  }
}
