import { lowerSvm, type SupportVectorMachineModel, type SvmClassMachinePlan, type SvmKernel, type SvmMachinePlan, type SvmPlan } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { codeOf, MISSING_CODE } from "../columns.ts";
import { declareLocals, type FamilyRow, type KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";
import { planOrRefuse } from "./plan.ts";

/**
 * SupportVectorMachineModel as the interpreter's evaluateSvm, over the lowered plan: the row's vector in a reused
 * module-level Float64Array, support vectors in one dense table, f(x) = Σ αᵢ K(x, xᵢ) + b summed
 * in document order with the interpreter's kernel arithmetic (its correctly rounded exp).
 */
export function compileSvm(model: SupportVectorMachineModel, ctx: KernelContext, target: TargetFacts): FamilyRow {
  const plan = planOrRefuse("SupportVectorMachineModel", () => lowerSvm(model, target));
  const F = plan.vectorFields.length;
  const x = ctx.names.name("xv");
  ctx.declare(_`const ${x} = new Float64Array(${Math.max(F, 1)});`);
  const missing = ctx.names.name("miss");
  const head: Code[] = [_`let ${missing} = false;`];
  plan.vectorFields.forEach((vf, q) => {
    const col = ctx.column(vf.field);
    // The interpreter stops at the first missing field; a later derived field that can fail is
    // read only while none is missing.
    if (col.errors) head.push(_`if (!${missing})`);
    if (vf.kind === "fieldRef") {
      if (col.kind !== "number") throw new NotCompilable("SVM VectorField FieldRef to a string field");
      head.push(_`{ ${x}[${q}] = ${col.at}; if (${x}[${q}] !== ${x}[${q}]) ${missing} = true; }`);
    } else if (col.kind === "category") {
      const code = codeOf(col.input!, vf.value);
      head.push(_`{ if (${col.at} === ${MISSING_CODE}) ${missing} = true; ${x}[${q}] = ${col.at} === ${code} ? 1 : 0; }`);
    } else {
      const v = ctx.numericLiteral(vf.field, vf.value);
      if (v === undefined) throw new NotCompilable("SVM CategoricalPredictor with text on a numeric field");
      head.push(_`{ if (${col.at} !== ${col.at}) ${missing} = true; ${x}[${q}] = ${col.at} === ${v} ? 1 : 0; }`);
    }
  });
  // A missing vector field fails the row (JPMML's MissingValueException), as in the interpreter.
  head.push(_`if (${missing}) { ${ctx.fail({ code: "PMML_MISSING_VALUE", message: "a VectorFields field is missing", path: plan.path })} }`);
  const machines = plan.kind === "regression" ? [plan.machine] : plan.machines;
  const { fn: machine, prepare } = machineFunction(plan, machines, ctx, x, F);
  const fs = machines.map(() => ctx.names.name("f"));
  const machinesCode = join(
    fs.map((f, m) => _`const ${f} = ${machine}(${m});`),
    "\n",
  );

  if (plan.kind === "regression") {
    const value = ctx.names.name("value");
    return { body: _`${join(head, "\n")}\nlet ${value} = NaN;\nif (!${missing}) { ${prepare} ${machinesCode}\n${value} = ${fs[0]}; }`, value, kind: "number" };
  }
  const categories = plan.categories.slice();
  const value = ctx.names.name("value");
  if (plan.method === "OneAgainstAll") {
    const cats = plan.machines.map((m) => m.category);
    // The interpreter's affinities keep one entry per category: two machines for one are left to it.
    if (new Set(cats).size !== cats.length) throw new NotCompilable("two one-against-all SupportVectorMachines for one category");
    const best = ctx.names.name("bestF");
    const better = (f: Name) => (plan.maxWins ? _`${f} > ${best}` : _`${f} < ${best}`);
    const body = _`${join(head, "\n")}
let ${value} = ${MISSING_CODE};
${declareLocals(fs)}
if (!${missing}) {
  ${prepare}
  let ${best} = 0;
  ${join(
    plan.machines.map((_m, k) => _`${fs[k]} = ${machine}(${k}); if (${k === 0 ? _`true` : better(fs[k])}) { ${value} = ${cats[k]}; ${best} = ${fs[k]}; }`),
    "\n  ",
  )}
}`;
    return {
      body,
      value,
      kind: "category",
      categories,
      affinities: { locals: fs, ids: cats.map((k) => String(categories[k])), keys: cats.map((k) => categories[k]) },
    };
  }
  const K = categories.length;
  const votes = ctx.names.name("votes");
  const order = ctx.names.name("order");
  ctx.declare(_`const ${votes} = new Float64Array(${K}); const ${order} = new Int32Array(${K});`);
  const seq = ctx.names.name("seq");
  const probabilities = categories.map(() => ctx.names.name("p"));
  const vote = (c: Code) => _`{ const c = ${c}; if (${order}[c] === 0) ${order}[c] = ++${seq}; ${votes}[c] += 1; }`;
  // binary: round(f) (Math.floor(f + 0.5), as the interpreter) must be 1 (targetCategory) or 0 (the alternate).
  const machineVote = (m: SvmClassMachinePlan, k: number): Code => {
    if (plan.method === "OneAgainstOne") {
      return _`{ const f = ${machine}(${k}); ${vote(_`(${plan.maxWins ? _`f > ${m.threshold}` : _`f < ${m.threshold}`}) ? ${m.category} : ${m.alternate}`)} }`;
    }
    const failure = ctx.fail({ code: "PMML_SVM_BINARY", message: "binary SVM value must round to 0 or 1", path: m.path });
    return _`{ const r = Math.floor(${machine}(${k}) + 0.5); if (r === 1) ${vote(_`${m.category}`)} else if (r === 0) ${vote(_`${m.alternate}`)} else { ${failure} } }`;
  };
  const body = _`${join(head, "\n")}
let ${value} = ${MISSING_CODE}; ${declareLocals(probabilities)}
if (!${missing}) {
  ${prepare}
  ${votes}.fill(0); ${order}.fill(0); let ${seq} = 0;
  ${join(plan.machines.map(machineVote), "\n  ")}
  let total = 0, bestVotes = -1;
  for (let s = 1; s <= ${seq}; s++) for (let c = 0; c < ${K}; c++) if (${order}[c] === s) { total += ${votes}[c]; if (${votes}[c] > bestVotes) { bestVotes = ${votes}[c]; ${value} = c; } }
  ${join(
    probabilities.map((p, k) => _`${p} = ${order}[${k}] === 0 ? 0 : ${votes}[${k}] / total;`),
    "\n  ",
  )}
}`;
  return { body, value, kind: "category", categories, probabilities };
}

/**
 * `machine(m)`: f(x) of the m-th SupportVectorMachine over the row vector `x`, once `prepare` ran
 * for the row. With a VectorDictionary, K(x, xᵥ) is computed once per row and support vector
 * (`prepare`) and shared by every machine that uses xᵥ (one-against-one models share most of
 * them); the machines' sums read those values in document order, so the results are the same.
 */
function machineFunction(plan: SvmPlan, machines: readonly SvmMachinePlan[], ctx: KernelContext, x: Name, F: number): { fn: Name; prepare: Code } {
  const fn = ctx.names.name("machine");
  const absolute = ctx.pool.add(
    Float64Array.from(machines, (m) => m.absoluteValue),
    "b",
  );
  const starts = new Int32Array(machines.length + 1);
  const coefficients: number[] = [];
  const vectorIndex: number[] = [];
  if (plan.representation === "Coefficients") {
    machines.forEach((m, k) => {
      coefficients.push(...m.coefficients);
      starts[k + 1] = coefficients.length;
    });
    const coef = ctx.pool.add(Float64Array.from(coefficients), "alpha");
    ctx.declare(
      _`function ${fn}(m) { let r = 0; const o = m * ${F}; for (let q = 0; q < ${F}; q++) r += ${coef}[o + q] * ${x}[q]; return r + ${absolute}[m]; }`,
    );
    return { fn, prepare: _`` };
  }
  const table = new Float64Array(Math.max(plan.vectors.length * F, 1));
  plan.vectors.forEach((values, v) => table.set(values, v * F));
  machines.forEach((m, k) => {
    vectorIndex.push(...m.supportVectors);
    coefficients.push(...m.coefficients);
    starts[k + 1] = coefficients.length;
  });
  const vectors = ctx.pool.add(table, "vectors");
  const used = [...new Set(vectorIndex)].sort((a, b) => a - b);
  const usedVectors = ctx.pool.add(Int32Array.from(used), "svUsed");
  const kv = ctx.names.name("kv");
  const fill = ctx.names.name("kernels");
  ctx.declare(_`const ${kv} = new Float64Array(${Math.max(plan.vectors.length, 1)});`);
  ctx.declare(_`function ${fill}() {
  for (let u = 0; u < ${used.length}; u++) { const v = ${usedVectors}[u], o = v * ${F}; ${kv}[v] = ${kernelCode(plan.kernel, ctx, x, vectors, F)}; }
}`);
  const sv = ctx.pool.add(Int32Array.from(vectorIndex), "sv");
  const coef = ctx.pool.add(Float64Array.from(coefficients), "alpha");
  const st = ctx.pool.add(starts, "svStart");
  ctx.declare(_`function ${fn}(m) {
  let r = 0;
  for (let j = ${st}[m], e = ${st}[m + 1]; j < e; j++) r += ${coef}[j] * ${kv}[${sv}[j]];
  return r + ${absolute}[m];
}`);
  return { fn, prepare: _`${fill}();` };
}

/** The kernel K(x, y) with y at offset `o` of the vector table, in the interpreter's order of operations. */
function kernelCode(k: SvmKernel, ctx: KernelContext, x: Name, vectors: Name, F: number): Code {
  const helper = ctx.names.name("kernel");
  const dot = _`let d = 0; for (let q = 0; q < ${F}; q++) d += ${x}[q] * ${vectors}[o + q];`;
  let body: Code;
  switch (k.kind) {
    case "linear":
      body = _`${dot} return d;`;
      break;
    case "polynomial":
      body = _`${dot} return Math.pow(d * ${k.gamma} + ${k.coef0}, ${k.degree});`;
      break;
    case "radialBasis":
      body = _`let s = 0; for (let q = 0; q < ${F}; q++) { const d = ${x}[q] - ${vectors}[o + q]; s += d * d; } return ${ctx.helper("exp")}(-s * ${k.gamma});`;
      break;
    case "sigmoid":
      body = _`${dot} return Math.tanh(d * ${k.gamma} + ${k.coef0});`;
      break;
  }
  ctx.declare(_`function ${helper}(o) { ${body} }`);
  return _`${helper}(o)`;
}
