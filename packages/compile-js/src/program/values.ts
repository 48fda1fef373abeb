/**
 * Constants, `new`, `let` and `set` (spec §5.1, §5.3). A constant's value is decoded from its
 * Avro JSON once, when the module loads; scalars that are their own JS literal are inlined.
 */
import type { ConstExpr, LetExpr, NewExpr } from "@porta/ir";
import { _, join, literal, type Code } from "../codegen.ts";
import type { ProgramGen } from "./generate.ts";

/** Types whose Avro JSON value (of a JS type matching the type) is the runtime value itself. */
const INLINE: Readonly<Record<string, (json: unknown) => boolean>> = {
  null: (j) => j === null,
  boolean: (j) => typeof j === "boolean",
  int: (j) => typeof j === "number" && Number.isInteger(j),
  long: (j) => typeof j === "number" && Number.isSafeInteger(j),
  float: (j) => typeof j === "number",
  double: (j) => typeof j === "number",
  string: (j) => typeof j === "string",
  enum: (j) => typeof j === "string",
};

export function genConst(g: ProgramGen, e: ConstExpr): Code {
  if (INLINE[e.type.kind]?.(e.json)) return g.fixed(literal(e.json));
  return g.value(e.type, e.json, e.path);
}

/** An array's items or a record's or map's fields, evaluated in order. */
export function genNew(g: ProgramGen, e: NewExpr): Code {
  if (e.items) return _`[${join(g.ordered(e.items.map((x) => () => g.expr(x))), ", ")}]`;
  const fields = e.fields ?? [];
  const values = g.ordered(
    fields.map(
      ([, x]) =>
        () =>
          g.expr(x),
    ),
  );
  const out = g.temp(_`${g.h.newMap}()`, "o");
  fields.forEach(([k], i) => g.emit(_`${out}[${k}] = ${values[i]!};`));
  return out;
}

/** `let` declares, `set` assigns; every right side is evaluated before any variable is bound. Value null. */
export function genLet(g: ProgramGen, e: LetExpr): Code {
  const values = g.ordered(e.bindings.map((b) => () => g.expr(b.expr)));
  // several bindings in parallel: a later value must not see an earlier assignment (`set` may swap)
  const held = values.length > 1 ? values.map((v) => g.temp(v)) : values;
  e.bindings.forEach((b, i) => {
    const target = e.op === "let" ? g.declare(b.id) : g.target(b.id);
    g.emit(_`${target} = ${held[i]!};`);
  });
  return g.fixed(_`null`);
}
