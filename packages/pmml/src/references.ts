import { SchemaError, treeTableOf, type DerivedField, type Expr, type Pipeline, type Predicate, type TreeModel, type TreeNode } from "@porta/ir";
import { fieldsOfParsedTree } from "./models/tree.ts";

/**
 * Fails early, with the path of the first offending element, when a model refers to a field
 * no scope declares. Walks the IR generically: any object with a string `field` (or a `fields`
 * list) is a reference; any object with a `miningSchema` opens a model scope. A TreeModel's
 * nodes, most of a large ensemble's IR, are walked by their type instead (checkTreeNodes): they
 * hold no model, output or local transformation, only predicates.
 */
export function checkFieldReferences(pipeline: Pipeline): void {
  checkDefinitionCycles(pipeline);
  const global = new Set<string>([...pipeline.dataFields.map((f) => f.name), ...pipeline.transformations.map((f) => f.name)]);
  const outputs = new Set<string>();
  collectOutputNames(pipeline.model, outputs, new Set());
  const visibleGlobally = new Set([...global, ...outputs]);
  for (const f of pipeline.transformations) walk(f.expr, visibleGlobally, "/PMML/TransformationDictionary");
  for (const fn of pipeline.functions) walk(fn.expr, new Set([...fn.params.map((p) => p.name), ...global]), "/PMML/TransformationDictionary");
  walk(pipeline.model, visibleGlobally, "/PMML");
}

function collectOutputNames(node: unknown, into: Set<string>, seen: Set<unknown>): void {
  if (node === null || typeof node !== "object" || seen.has(node)) return;
  seen.add(node);
  const rec = node as Record<string, unknown>;
  if (Array.isArray(rec.output)) for (const o of rec.output as { name: string }[]) into.add(o.name);
  if (Array.isArray(node)) for (const x of node) collectOutputNames(x, into, seen);
  // MiningFields and LocalTransformations hold no model (a forest has a MiningSchema per tree).
  else for (const k in rec) if (k !== "miningSchema" && k !== "localTransformations" && !isTreeRoot(rec, k)) collectOutputNames(rec[k], into, seen);
}

function walk(node: unknown, visible: Set<string>, path: string): void {
  const stack: { node: unknown; visible: Set<string>; path: string }[] = [{ node, visible, path }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const n = item.node;
    if (n === null || typeof n !== "object") continue;
    if (Array.isArray(n)) {
      for (const x of n) stack.push({ node: x, visible: item.visible, path: item.path });
      continue;
    }
    const rec = n as Record<string, unknown>;
    let scope = item.visible;
    const here = typeof rec.path === "string" ? rec.path : item.path;
    if (Array.isArray(rec.miningSchema)) {
      scope = new Set(item.visible);
      for (const f of rec.miningSchema as { name: string }[]) {
        if (!item.visible.has(f.name)) {
          throw new SchemaError("PMML_UNDECLARED_FIELD", `MiningField "${f.name}" is not declared in the DataDictionary or a TransformationDictionary`, {
            path: `${here}/MiningSchema`,
            value: f.name,
          });
        }
      }
      for (const f of (rec.localTransformations as { name: string }[] | undefined) ?? []) scope.add(f.name);
    }
    if (typeof rec.field === "string" && "kind" in rec && !scope.has(rec.field)) fail(rec.field, here);
    if (typeof rec.field === "string" && "coefficient" in rec && !scope.has(rec.field)) fail(rec.field, here);
    if (Array.isArray(rec.fields) && "coefficient" in rec) {
      for (const f of rec.fields) if (typeof f === "string" && !scope.has(f)) fail(f, here);
    }
    if (typeof rec.textField === "string" && rec.kind === "textIndex" && !scope.has(rec.textField)) fail(rec.textField, here);
    if (Array.isArray(rec.inputs) && rec.kind === "mapValues") {
      for (const i of rec.inputs as { field: string }[]) if (!scope.has(i.field)) fail(i.field, here);
    }
    for (const k in rec) {
      // The tree is checked when its turn comes in the generic order (keys last-pushed first), so
      // the first undeclared field reported is the one the generic walk would have reported. Its
      // root is not read here: a tree read as a node table (tree-table.ts) makes its nodes when it is.
      if (isTreeRoot(rec, k)) {
        stack.push({ node: { [TREE_ROOT]: rec }, visible: scope, path: here });
        continue;
      }
      const v = rec[k];
      if (v === null || typeof v !== "object" || k === "miningSchema") continue;
      stack.push({ node: v, visible: scope, path: here });
    }
    const tree = (rec as { [TREE_ROOT]?: TreeModel })[TREE_ROOT];
    if (tree !== undefined) checkTreeNodes(tree, scope);
  }
}

/** Marks a TreeModel (for its nodes) on the generic walk's stack: a symbol key, which `for…in` skips. */
const TREE_ROOT = Symbol("treeRoot");

/** Whether `rec[key]` is a TreeModel's root Node (the only place TreeNodes hang in the IR). */
function isTreeRoot(rec: Record<string, unknown>, key: string): boolean {
  return key === "root" && rec.kind === "tree";
}

interface PredicateItem {
  predicate: Predicate;
  /** Where a predicate without a path is reported: its node, or the CompoundPredicate holding it. */
  under: TreeNode | PredicateItem;
}

/**
 * The path an undeclared field of `item` is reported at. Asked only on failure: a parsed tree
 * node makes its path when read (path-step.ts), which the check need not pay for per node.
 */
function reportedPath(item: PredicateItem): string {
  return item.predicate.path ?? ("children" in item.under ? item.under.path : reportedPath(item.under));
}

/**
 * The fields a tree's predicates name, in the order the generic walk visited them (a node's
 * children last first, each whole, then its own predicate); a predicate without a path is
 * reported at its node's. A tree the parse summarised (fieldsOfParsedTree) is walked only when
 * one of its fields is out of scope, to find the first offender. The walk keeps two parallel
 * stacks, a node and whether its children are already pushed, and makes no object per node.
 */
function checkTreeNodes(tree: TreeModel, scope: Set<string>): void {
  const table = treeTableOf(tree);
  if (table !== undefined) {
    if (table.usedFields.every((f) => scope.has(f))) return;
  } else {
    const named = fieldsOfParsedTree(tree.root);
    if (named !== undefined && [...named].every((f) => scope.has(f))) return;
  }
  const nodes: TreeNode[] = [tree.root];
  const expanded: boolean[] = [false];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    if (expanded.pop()!) {
      checkPredicate(node.predicate, node, scope);
      continue;
    }
    nodes.push(node);
    expanded.push(true);
    for (const c of node.children) {
      nodes.push(c);
      expanded.push(false);
    }
  }
}

/** A node's predicate; a compound one's parts last first, each whole (the generic walk's order). */
function checkPredicate(p: Predicate, node: TreeNode, scope: Set<string>): void {
  if (p.kind === "simple" || p.kind === "simpleSet") {
    if (!scope.has(p.field)) fail(p.field, p.path ?? node.path);
    return;
  }
  if (p.kind !== "compound") return;
  const stack: PredicateItem[] = [{ predicate: p, under: node }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const q = item.predicate;
    if (q.kind === "simple" || q.kind === "simpleSet") {
      if (!scope.has(q.field)) fail(q.field, reportedPath(item));
    } else if (q.kind === "compound") {
      for (const r of q.predicates) stack.push({ predicate: r, under: item });
    }
  }
}

function fail(field: string, path: string): never {
  throw new SchemaError("PMML_UNDECLARED_FIELD", `field "${field}" is referenced but not declared`, { path, value: field });
}

/** A DerivedField or DefineFunction, as a vertex of the reference graph. */
interface Definition {
  /** How the cycle message names it: the field name, or `name()` for a function. */
  label: string;
  /** The element's document path. */
  path: string;
  expr: Expr;
  /** Resolves a field name referenced by `expr` to the definition it reads, if it is derived. */
  scope: Scope;
}

/** Derived fields visible at one level: a model's LocalTransformations over its parent's, the TransformationDictionary outermost. */
interface Scope {
  fields: Map<string, Definition>;
  parent?: Scope;
}

function resolveField(scope: Scope | undefined, name: string): Definition | undefined {
  for (let s = scope; s; s = s.parent) {
    const d = s.fields.get(name);
    if (d) return d;
  }
  return undefined;
}

/**
 * PMML evaluates a derived field by evaluating the fields and functions its expression names;
 * a definition that reaches itself (directly, or through other DerivedFields or DefineFunctions)
 * has no value, and an evaluator that follows it recurses until the stack runs out. Such a cycle
 * is refused at load with the cycle spelled out: SchemaError PMML_CYCLE.
 *
 * The graph's vertices are the TransformationDictionary's DerivedFields and DefineFunctions and
 * every model's LocalTransformations; a field name resolves in the scope where its definition
 * sits (inner LocalTransformations first, the TransformationDictionary last), a function name
 * to the DefineFunction. The search is iterative: a 10,000-long chain of fields is no deeper for it.
 */
export function checkDefinitionCycles(pipeline: Pipeline): void {
  const global: Scope = { fields: new Map() };
  const functions = new Map<string, Definition>();
  const vertices: Definition[] = [];
  pipeline.transformations.forEach((f, i) => {
    const d: Definition = { label: f.name, path: definitionPath(f.expr, `/PMML/TransformationDictionary/DerivedField[${i + 1}]`), expr: f.expr, scope: global };
    global.fields.set(f.name, d);
    vertices.push(d);
  });
  pipeline.functions.forEach((fn, i) => {
    // A function body sees its parameters first: a parameter named like a derived field is the parameter.
    const params: Scope = { fields: new Map(), parent: global };
    const d: Definition = {
      label: `${fn.name}()`,
      path: definitionPath(fn.expr, `/PMML/TransformationDictionary/DefineFunction[${i + 1}]`),
      expr: fn.expr,
      scope: params,
    };
    for (const p of fn.params) params.fields.set(p.name, PARAMETER);
    functions.set(fn.name, d);
    vertices.push(d);
  });
  collectLocalScopes(pipeline.model, global, vertices);

  // Three colours: unvisited, on the current path (a reference to one closes a cycle), finished.
  const state = new Map<Definition, "open" | "done">();
  for (const start of vertices) {
    if (state.has(start)) continue;
    const path: { def: Definition; deps: Definition[]; next: number }[] = [{ def: start, deps: dependencies(start, functions), next: 0 }];
    state.set(start, "open");
    while (path.length > 0) {
      const top = path[path.length - 1];
      if (top.next === top.deps.length) {
        state.set(top.def, "done");
        path.pop();
        continue;
      }
      const dep = top.deps[top.next++];
      const s = state.get(dep);
      if (s === "done") continue;
      if (s === "open") {
        const from = path.findIndex((p) => p.def === dep);
        const cycle = [...path.slice(from).map((p) => p.def.label), dep.label].join(" -> ");
        throw new SchemaError("PMML_CYCLE", `${dep.label} is defined in terms of itself: ${cycle}`, { path: dep.path, value: cycle });
      }
      state.set(dep, "open");
      path.push({ def: dep, deps: dependencies(dep, functions), next: 0 });
    }
  }
}

/** Marks a function parameter in a scope: it shadows a derived field of the same name and has no dependencies. */
const PARAMETER: Definition = { label: "", path: "", expr: { kind: "constant", value: null }, scope: { fields: new Map() } };

/** The element path of a definition: its expression's parent, else the computed fallback. */
function definitionPath(expr: Expr, fallback: string): string {
  const p = expr.path;
  return p !== undefined && p.lastIndexOf("/") > 0 ? p.slice(0, p.lastIndexOf("/")) : fallback;
}

/** Every model's LocalTransformations, each model's scope inside its enclosing model's. */
function collectLocalScopes(model: unknown, global: Scope, into: Definition[]): void {
  const stack: { node: unknown; scope: Scope }[] = [{ node: model, scope: global }];
  while (stack.length > 0) {
    const { node, scope: outer } = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (Array.isArray(node)) {
      for (const x of node) stack.push({ node: x, scope: outer });
      continue;
    }
    const rec = node as Record<string, unknown>;
    let scope = outer;
    if (Array.isArray(rec.localTransformations) && Array.isArray(rec.miningSchema)) {
      scope = { fields: new Map(), parent: outer };
      const base = typeof rec.path === "string" ? rec.path : "/PMML";
      (rec.localTransformations as DerivedField[]).forEach((f, i) => {
        const d: Definition = { label: f.name, path: definitionPath(f.expr, `${base}/LocalTransformations/DerivedField[${i + 1}]`), expr: f.expr, scope };
        scope.fields.set(f.name, d);
        into.push(d);
      });
    }
    for (const k in rec) {
      // Expressions hold no models; skipping them keeps the walk to the model tree.
      if (k === "localTransformations" || k === "miningSchema" || isTreeRoot(rec, k)) continue;
      const v = rec[k];
      if (v !== null && typeof v === "object") stack.push({ node: v, scope });
    }
  }
}

/** The definitions an expression reads, each once, in document order. */
function dependencies(def: Definition, functions: Map<string, Definition>): Definition[] {
  const out = new Set<Definition>();
  const add = (d: Definition | undefined) => {
    if (d && d !== PARAMETER) out.add(d);
  };
  const stack: Expr[] = [def.expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    switch (e.kind) {
      case "constant":
        break;
      case "fieldRef":
      case "normContinuous":
      case "normDiscrete":
      case "discretize":
        add(resolveField(def.scope, e.field));
        break;
      case "mapValues":
        for (const input of e.inputs) add(resolveField(def.scope, input.field));
        break;
      case "apply":
        add(functions.get(e.function));
        for (let i = e.args.length - 1; i >= 0; i--) stack.push(e.args[i]);
        break;
      case "textIndex":
        add(resolveField(def.scope, e.textField));
        stack.push(e.term);
        break;
      default: {
        const never: never = e;
        throw new Error(`unhandled expression ${JSON.stringify(never)}`);
      }
    }
  }
  return [...out];
}
