/**
 * `model.tree.simpleTree` / `simpleWalk` over a tree held in a cell → an IR TreeModel that walks
 * the same way. A PFA node tests `datum[field] operator value` and continues with `pass` when the
 * test is true, `fail` otherwise (spec §7 model.tree.simpleTree); the IR node gets two children,
 * the pass branch under the SimplePredicate and the fail branch under True, so the first true
 * child is PFA's branch. Inputs are never missing here (the MiningFields fail such rows, as PFA's
 * input decoding does), so the predicate is never unknown.
 */
import type { DataType, OpType, Predicate, SimpleOperator, TreeModel, TreeNode } from "@porta/ir";
import type { AvroType, RecordType } from "@porta/ir/avro";
import { loweredModelBase } from "./model-base.ts";
import { notLowerable } from "./refusal.ts";

const NUMERIC_OPERATORS: Readonly<Record<string, SimpleOperator>> = {
  "<": "lessThan",
  "<=": "lessOrEqual",
  ">": "greaterThan",
  ">=": "greaterOrEqual",
  "==": "equal",
  "!=": "notEqual",
};

/** What a tree's leaves are: the pipeline target's type. */
export interface LeafKind {
  readonly dataType: DataType;
  readonly opType: OpType;
  readonly functionName: "classification" | "regression";
}

/** The leaf type of a node record: the non-node branch of `pass`/`fail` (one primitive the IR holds). */
export function leafKind(nodeType: RecordType, path: string): LeafKind {
  const branch = (name: string): AvroType => {
    const f = nodeType.fields.find((x) => x.name === name);
    if (!f) return notLowerable(`tree node record ${nodeType.fullName} has no field "${name}"`, path);
    return f.type;
  };
  const leaves = (t: AvroType): AvroType[] => (t.kind === "union" ? t.types.filter((b) => !(b.kind === "record" && b.fullName === nodeType.fullName)) : [t]);
  const kinds = new Set([...leaves(branch("pass")), ...leaves(branch("fail"))].map((t) => t.kind));
  if (kinds.size !== 1) return notLowerable(`tree leaves of types ${[...kinds].join(", ")}: the IR target has one type`, path);
  const [kind] = kinds;
  switch (kind) {
    case "string":
      return { dataType: "string", opType: "categorical", functionName: "classification" };
    case "double":
    case "float":
    case "int":
      return { dataType: "double", opType: "continuous", functionName: "regression" };
    default:
      return notLowerable(`tree leaves of type ${kind}`, path);
  }
}

type Rec = Record<string, unknown>;

function isNode(v: unknown): v is Rec {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** The predicate of one PFA node over the input record's fields (types by name). */
function nodePredicate(node: Rec, fields: ReadonlyMap<string, AvroType>, path: string): Predicate {
  const field = node.field;
  const op = node.operator;
  const value = node.value;
  if (typeof field !== "string" || !fields.has(field)) return notLowerable(`tree node field ${JSON.stringify(field)} is not an input field`, path);
  if (typeof op !== "string") return notLowerable("tree node operator is not a string", path);
  const ft = fields.get(field)!;
  if (ft.kind === "string") {
    // strings compare equal/unequal alike in both; PFA orders strings by code point, PMML does not say
    if ((op === "==" || op === "!=") && typeof value === "string") return { kind: "simple", field, operator: NUMERIC_OPERATORS[op]!, value, path };
    return notLowerable(`string field "${field}" compared with ${JSON.stringify(op)} ${typeof value}`, path);
  }
  const operator = Object.hasOwn(NUMERIC_OPERATORS, op) ? NUMERIC_OPERATORS[op] : undefined;
  // other operators (alwaysTrue, isMissing, in, …) and a non-number value: PFA raises or tests
  // something the IR node does not say the same way
  if (!operator) return notLowerable(`tree node operator ${JSON.stringify(op)}`, path);
  if (typeof value !== "number") return notLowerable(`tree node value ${JSON.stringify(value)} compared with numeric field "${field}"`, path);
  // String(number) is the shortest text that reads back as the same double
  return { kind: "simple", field, operator, value: String(value), path };
}

/** The score text of a leaf (the IR converts it to the target type, a double reads back exactly). */
function leafScore(v: unknown, path: string): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return notLowerable(`tree leaf ${String(v)}`, path);
}

/** The IR node under `predicate` for a PFA branch value: a leaf, or a node with its pass and fail children. */
function branchNode(v: unknown, predicate: Predicate, fields: ReadonlyMap<string, AvroType>, path: string, leaves: Set<string>): TreeNode {
  if (!isNode(v)) {
    const score = leafScore(v, path);
    leaves.add(score);
    return { score, predicate, scoreDistributions: [], children: [], path };
  }
  return {
    predicate,
    scoreDistributions: [],
    children: [
      branchNode(v.pass, nodePredicate(v, fields, path), fields, `${path}/pass`, leaves),
      branchNode(v.fail, { kind: "true" }, fields, `${path}/fail`, leaves),
    ],
    path,
  };
}

/** A TreeModel walking the decoded tree `root` as model.tree.simpleTree does. */
export function treeModel(
  root: unknown,
  nodeType: RecordType,
  fields: ReadonlyMap<string, AvroType>,
  path: string,
): { model: TreeModel; leaves: string[]; leaf: LeafKind } {
  const leaf = leafKind(nodeType, path);
  if (!isNode(root)) return notLowerable("the tree is not a node record", path);
  const leaves = new Set<string>();
  const model: TreeModel = {
    kind: "tree",
    ...loweredModelBase(leaf.functionName, path),
    missingValueStrategy: "none",
    missingValuePenalty: 1,
    noTrueChildStrategy: "returnNullPrediction",
    splitCharacteristic: "binarySplit",
    root: branchNode(root, { kind: "true" }, fields, path, leaves),
  };
  return { model, leaves: [...leaves], leaf };
}
