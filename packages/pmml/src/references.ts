import { SchemaError, type Pipeline } from "@porta/ir";

/**
 * Fails early, with the path of the first offending element, when a model refers to a field
 * no scope declares. Walks the IR generically: any object with a string `field` (or a `fields`
 * list) is a reference; any object with a `miningSchema` opens a model scope.
 */
export function checkFieldReferences(pipeline: Pipeline): void {
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
  else for (const k in rec) collectOutputNames(rec[k], into, seen);
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
          throw new SchemaError("PMML_UNDECLARED_FIELD", `MiningField "${f.name}" is not declared in the DataDictionary or a TransformationDictionary`, { path: `${here}/MiningSchema`, value: f.name });
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
      const v = rec[k];
      if (v !== null && typeof v === "object" && k !== "miningSchema") stack.push({ node: v, visible: scope, path: here });
    }
  }
}

function fail(field: string, path: string): never {
  throw new SchemaError("PMML_UNDECLARED_FIELD", `field "${field}" is referenced but not declared`, { path, value: field });
}
