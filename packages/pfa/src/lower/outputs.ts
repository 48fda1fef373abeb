/**
 * The engine's output from the action's result expression: the model's value becomes the target
 * field (named after the output record field that holds it, or `output` for a non-record output,
 * as the PFA session names it), the other record fields OutputFields in the record's order:
 * a cluster record's string field → entityId, `metric.simpleEuclidean(input, best.center)` → the
 * square root of the winner's squaredEuclidean affinity (the same sum, so the same double), and
 * a label chosen by comparing the value with a number → a Discretize of it (transformedValue).
 */
import type { DataType, DiscretizeBin, Expr, OutputField, ResultFeature } from "@porta/ir";
import type { ExprNode } from "../ast/nodes.ts";
import type { AvroType } from "@porta/ir/avro";
import type { ModelValue } from "./models.ts";
import { modeOutputs } from "./mode.ts";
import { notLowerable } from "./refusal.ts";
import { callOf, fieldOf, isRef, onlyExpr } from "./shapes.ts";

/** Hidden (non-final) OutputFields the visible ones read. Avro names cannot hold ':', so these never collide with a record field. */
export const SCORE_FIELD = "pfa:score";
export const AFFINITY_FIELD = "pfa:affinity";
/** The prefix of the hidden OutputFields of a.mode's tie rule (mode.ts). */
const MODE_PREFIX = "pfa:mode.";

/** A piece of the output: what one record field (or the whole output) holds. */
type Piece =
  | { readonly kind: "score" }
  | { readonly kind: "clusterField"; readonly field: string }
  | { readonly kind: "distance" }
  | { readonly kind: "expr"; readonly expr: Expr };

/** A comparison `value op c` as the interval of values that pass it. */
const PASSING: Readonly<Record<string, (c: number) => Omit<DiscretizeBin, "binValue">>> = {
  "<": (c) => ({ closure: "openOpen", right: c }),
  "<=": (c) => ({ closure: "openClosed", right: c }),
  ">": (c) => ({ closure: "openOpen", left: c }),
  ">=": (c) => ({ closure: "closedOpen", left: c }),
};

/** `c op value` is `value op' c`. */
const MIRRORED: Readonly<Record<string, string>> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

function numberLiteral(e: ExprNode): number | undefined {
  return e.kind === "literal" && (e.type === "double" || e.type === "int" || e.type === "float") && typeof e.value === "number" ? e.value : undefined;
}

function stringLiteral(e: ExprNode | undefined | null): string | undefined {
  return e && e.kind === "literal" && e.type === "string" && typeof e.value === "string" ? e.value : undefined;
}

/**
 * `if (value op c) then "a" else "b"` (op one of < <= > >=, either side) → a Discretize of the
 * value: one bin holding the values that pass, "a"; every other value (NaN included, which fails
 * every PFA comparison) takes the default, "b".
 */
function lowerLabel(e: ExprNode, name: string): Expr {
  if (e.kind !== "if") return notLowerable(`${e.kind === "call" ? `a call of ${e.name}` : `a ${e.kind}`} in the output`, e.path);
  const then = stringLiteral(onlyExpr(e.then));
  const otherwise = e.else ? stringLiteral(onlyExpr(e.else)) : undefined;
  const test = e.test;
  if (then === undefined || otherwise === undefined || test.kind !== "call" || test.args.length !== 2) {
    return notLowerable("an if other than a comparison of the model's value with a number choosing between two strings", e.path);
  }
  const [a, b] = test.args as ExprNode[];
  const op = isRef(a!, name) ? test.name : isRef(b!, name) ? MIRRORED[test.name] : undefined;
  const c = isRef(a!, name) ? numberLiteral(b!) : numberLiteral(a!);
  const passing = op !== undefined && Object.hasOwn(PASSING, op) ? PASSING[op] : undefined;
  if (!passing || c === undefined) return notLowerable(`the test ${test.name} of the model's value with something other than a number`, test.path);
  return {
    kind: "discretize",
    field: SCORE_FIELD,
    bins: [{ binValue: then, ...passing(c) }],
    mapMissingTo: otherwise,
    defaultValue: otherwise,
    dataType: "string",
    path: e.path,
  };
}

function lowerPiece(e: ExprNode, name: string, value: ModelValue): Piece {
  if (value.kind === "scored") return isRef(e, name) ? { kind: "score" } : { kind: "expr", expr: lowerLabel(e, name) };
  const f = fieldOf(e);
  if (f && f.base === name && f.field !== "center") return { kind: "clusterField", field: f.field };
  const d = callOf(e, "metric.simpleEuclidean");
  if (d && d.args.length === 2 && isRef(d.args[0]!, "input") && value.datum.kind === "array") {
    const c = fieldOf(d.args[1]!);
    if (c && c.base === name && c.field === "center") return { kind: "distance" };
  }
  return notLowerable("an output of a cluster other than one of its fields or metric.simpleEuclidean(input, <cluster>.center)", e.path);
}

function outputDataType(t: AvroType, path: string): DataType {
  switch (t.kind) {
    case "double":
      return "double";
    case "string":
      return "string";
    default:
      return notLowerable(`an output of Avro type ${t.kind}`, path);
  }
}

function field(name: string, feature: ResultFeature, dataType: DataType, extra: Partial<OutputField> = {}): OutputField {
  return { name, feature, dataType, opType: dataType === "string" ? "categorical" : "continuous", rank: 1, isFinalResult: true, ...extra };
}

export interface LoweredOutputs {
  /** The target field's name: where the model's value goes (none for a clustering). */
  readonly target: string | undefined;
  readonly outputs: OutputField[];
  /** The cluster record field that names the winner (entityId), when the output reads one. */
  readonly clusterId: string | undefined;
}

/**
 * The output of `result` (the action's last expression) over the model value bound to `name`
 * (or the model call itself, when `name` is undefined), for an engine of output type `outputType`.
 */
export function lowerOutputs(result: ExprNode, name: string | undefined, value: ModelValue, outputType: AvroType): LoweredOutputs {
  const entries: { name: string; piece: Piece; type: AvroType; path: string }[] = [];
  if (outputType.kind === "record") {
    if (result.kind !== "new" || result.content.shape !== "object") return notLowerable("a record output not built by new", result.path);
    const given = new Map(result.content.fields);
    outputType.fields.forEach((f) => {
      const e = given.get(f.name);
      if (!e) return notLowerable(`output field "${f.name}" not given by new`, result.path);
      entries.push({
        name: f.name,
        piece: name === undefined ? notLowerable("a model call inside new", e.path) : lowerPiece(e, name, value),
        type: f.type,
        path: e.path,
      });
    });
  } else {
    entries.push({ name: "output", piece: name === undefined ? { kind: "score" } : lowerPiece(result, name, value), type: outputType, path: result.path });
  }
  let target: string | undefined;
  let clusterId: string | undefined;
  const outputs: OutputField[] = [];
  const hidden: OutputField[] = [];
  for (const { name: out, piece, type, path } of entries) {
    const dataType = outputDataType(type, path);
    switch (piece.kind) {
      case "score":
        if (value.kind === "scored" && value.vote) {
          // a vote that can tie: PFA's a.mode recomputed from the vote shares, no target (mode.ts)
          const mode = modeOutputs(value.vote.categories, MODE_PREFIX, path);
          if (!hidden.some((h) => h.name.startsWith(MODE_PREFIX))) hidden.push(...mode.hidden);
          outputs.push(field(out, "transformedValue", dataType, { expr: mode.expr }));
        } else if (target === undefined) target = out;
        else outputs.push(field(out, "predictedValue", dataType));
        break;
      case "clusterField":
        if (clusterId !== undefined && clusterId !== piece.field) return notLowerable("two different fields of the cluster in the output", path);
        clusterId = piece.field;
        outputs.push(field(out, "entityId", dataType));
        break;
      case "distance":
        if (!hidden.some((h) => h.name === AFFINITY_FIELD)) hidden.push(field(AFFINITY_FIELD, "affinity", "double", { isFinalResult: false }));
        outputs.push(
          field(out, "transformedValue", dataType, {
            expr: { kind: "apply", function: "sqrt", args: [{ kind: "fieldRef", field: AFFINITY_FIELD }], invalidValueTreatment: "returnInvalid" },
          }),
        );
        break;
      case "expr":
        if (!hidden.some((h) => h.name === SCORE_FIELD))
          hidden.push(field(SCORE_FIELD, "predictedValue", value.kind === "scored" ? value.target.dataType : "string", { isFinalResult: false }));
        outputs.push(field(out, "transformedValue", dataType, { expr: piece.expr }));
        break;
      default: {
        const never: never = piece;
        return never;
      }
    }
  }
  if (value.kind === "scored" && !value.vote && target === undefined) return notLowerable("an output that does not hold the model's value itself", result.path);
  // the distance is PFA's only check that the datum and the centers have the same length
  if (value.kind === "cluster" && value.datum.kind === "array" && !entries.some((e) => e.piece.kind === "distance")) {
    return notLowerable("an array datum whose length nothing checks (PFA's closest compares over the shorter of datum and center)", result.path);
  }
  return { target, outputs: [...hidden, ...outputs], clusterId };
}
