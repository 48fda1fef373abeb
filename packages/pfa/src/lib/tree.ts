/**
 * `model.tree.*`: decision-tree tests and walks over tree-node records (spec §7, "Decision and
 * regression trees"). A node's `pass`/`fail`(/`missing`) branch is a union of the node's own
 * record type and the leaf (score) type: the walk goes on while the branch holds a node.
 */
import { accepts, isNumeric, type AvroType, type RecordType } from "@porta/ir/avro";
import { comparator, isInstance, pfaError, valueEquals } from "../values.ts";
import { fieldType, type LibImpl, type LibModule } from "./site.ts";

type Rec = Record<string, any>;
type Fn = (...a: any[]) => any;

function withoutNull(t: AvroType): AvroType {
  if (t.kind !== "union") return t;
  const rest = t.types.filter((b) => b.kind !== "null");
  return rest.length === 1 ? rest[0]! : { kind: "union", types: rest };
}

const NUMERIC_OPS: Record<string, (a: number, b: number) => boolean> = {
  "<=": (a, b) => a <= b,
  "<": (a, b) => a < b,
  ">=": (a, b) => a >= b,
  ">": (a, b) => a > b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};
const CMP_OPS: Record<string, (c: number) => boolean> = {
  "<=": (c) => c <= 0,
  "<": (c) => c < 0,
  ">=": (c) => c >= 0,
  ">": (c) => c > 0,
  "==": (c) => c === 0,
  "!=": (c) => c !== 0,
};

/**
 * The comparison `datum[field] operator value` of a simple tree node. With `missingOperators`
 * (simpleTest, simpleTree) the operators isMissing/notMissing exist and a null field compares as
 * a value; without them (missingTest) a null field makes the result null (unknown).
 * `codeOp` is raised for an unknown operator, `codeType` for a value of the wrong type.
 */
function simpleComparison(datumType: RecordType, valueType: AvroType, missingOperators: boolean, codeOp: number, codeType: number) {
  const fieldTypes = new Map(datumType.fields.map((f) => [f.name, missingOperators ? f.type : withoutNull(f.type)]));
  const cmp = comparator(valueType);
  const listItemsAccept = (ft: AvroType) =>
    (valueType.kind === "array" && accepts(valueType.items, ft)) ||
    (valueType.kind === "union" && valueType.types.some((b) => b.kind === "array" && accepts(b.items, ft)));
  return (datum: Rec, node: Rec): boolean | null => {
    const field = node.field as string;
    const op = node.operator as string;
    const value = node.value;
    const fieldValue = datum[field];
    const ft = fieldTypes.get(field)!;
    if (op === "alwaysTrue") return true;
    if (op === "alwaysFalse") return false;
    if (missingOperators && op === "isMissing") return fieldValue === null;
    if (missingOperators && op === "notMissing") return fieldValue !== null;
    if (op === "in" || op === "notIn") {
      if (!listItemsAccept(ft)) throw pfaError(codeType, "bad value type");
      if (!missingOperators && fieldValue === null) return null;
      const contained = Array.isArray(value) && value.some((v) => valueEquals(v, fieldValue));
      return op === "in" ? contained : !contained;
    }
    if (!accepts(valueType, ft) && !(isNumeric(valueType) && isNumeric(ft))) throw pfaError(codeType, "bad value type");
    if (!missingOperators && fieldValue === null) return null;
    if (isNumeric(ft)) {
      if (typeof value !== "number" && typeof value !== "bigint") throw pfaError(codeType, "bad value type");
      // own entries only: an operator read from data may be "constructor" or "toString"
      const f = Object.hasOwn(NUMERIC_OPS, op) ? NUMERIC_OPS[op] : undefined;
      if (!f) throw pfaError(codeOp, "invalid comparison operator");
      return f(Number(fieldValue), Number(value));
    }
    const f = Object.hasOwn(CMP_OPS, op) ? CMP_OPS[op] : undefined;
    if (!f) throw pfaError(codeOp, "invalid comparison operator");
    return f(cmp(fieldValue, value));
  };
}

/** Whether a branch value is another node (of record type `node`) rather than a leaf. */
function nodeTest(node: RecordType, leaf: AvroType | undefined): (v: unknown) => boolean {
  const leafBranches = leaf ? (leaf.kind === "union" ? leaf.types : [leaf]) : [];
  const leafIsObject = leafBranches.some((b) => b.kind === "record" || b.kind === "map");
  if (!leafIsObject) return (v) => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array);
  return (v) => isInstance(node, v);
}

function walk(branches: readonly string[]): LibImpl {
  return (site) => {
    const nodeType = site.argTypes[1] as RecordType;
    const isNode = nodeTest(nodeType, site.bindings.get("S"));
    const [passF, failF, missF] = branches as [string, string, string?];
    return (datum: Rec, tree: Rec, test: Fn) => {
      let node = tree;
      for (;;) {
        const r = test(datum, node);
        const next = r === true ? node[passF] : r === false ? node[failF] : node[missF!];
        if (next === null || !isNode(next)) return next;
        node = next as Rec;
      }
    };
  };
}

export const tree: LibModule = {
  "model.tree.simpleTest": (site) => {
    const f = simpleComparison(site.argTypes[0] as RecordType, fieldType(site.argTypes[1], "value")!, true, 32000, 32001);
    return (datum: Rec, c: Rec) => f(datum, c);
  },
  "model.tree.missingTest": (site) => simpleComparison(site.argTypes[0] as RecordType, fieldType(site.argTypes[1], "value")!, false, 32010, 32011),
  "model.tree.compoundTest": () => (datum: Rec, op: string, comparisons: Rec[], test: Fn) => {
    switch (op) {
      case "and":
        for (const c of comparisons) if (test(datum, c) === false) return false;
        return true;
      case "or":
        for (const c of comparisons) if (test(datum, c) === true) return true;
        return false;
      case "xor": {
        let n = 0;
        for (const c of comparisons) if (test(datum, c) === true) n++;
        return n % 2 === 1;
      }
      default:
        throw pfaError(32020, "unrecognized logical operator");
    }
  },
  "model.tree.surrogateTest": () => (datum: Rec, comparisons: Rec[], missingTest: Fn) => {
    for (const c of comparisons) {
      const r = missingTest(datum, c);
      if (r !== null) return r;
    }
    throw pfaError(32030, "no successful surrogate");
  },
  "model.tree.simpleWalk": walk(["pass", "fail"]),
  "model.tree.missingWalk": walk(["pass", "fail", "missing"]),
  "model.tree.simpleTree": (site) => {
    const nodeType = site.argTypes[1] as RecordType;
    const test = simpleComparison(site.argTypes[0] as RecordType, fieldType(nodeType, "value")!, true, 32060, 32061);
    const isNode = nodeTest(nodeType, site.bindings.get("S"));
    return (datum: Rec, tree: Rec) => {
      let node = tree;
      for (;;) {
        const next = test(datum, node) ? node.pass : node.fail;
        if (next === null || !isNode(next)) return next;
        node = next as Rec;
      }
    };
  },
};
