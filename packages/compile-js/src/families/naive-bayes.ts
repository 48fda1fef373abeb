import { lowerNaiveBayes, type BayesDistribution, type NaiveBayesModel } from "@porta/ir";
import { _, join, type Code, type Name } from "../codegen.ts";
import { codeOf, MISSING_CODE } from "../columns.ts";
import type { FamilyRow, KernelContext } from "../kernel.ts";
import type { TargetFacts } from "../targets.ts";
import { NotCompilable } from "../unsupported.ts";

/**
 * NaiveBayesModel as the interpreter's evaluateNaiveBayes: per target category a log sum,
 * started from ln(count) of the BayesOutput and grown input by input in document order, then
 * the max-shifted softmax with the correctly rounded exp (as the interpreter). Everything a discrete input adds is known when
 * compiling (ln of count / Σ counts, or of the threshold), so each PairCounts becomes a run of
 * (category, ln p) pairs in typed arrays; continuous inputs evaluate their density per row with
 * the interpreter's arithmetic.
 *
 * The plan's categories, priors and (category, ln p) runs are read as they are.
 * The interpreter's result holds a category only an input names only once a row added to it;
 * a static category list needs every category counted by the BayesOutput (otherwise: NotCompilable).
 */
export function compileNaiveBayes(model: NaiveBayesModel, ctx: KernelContext, target: TargetFacts): FamilyRow {
  const plan = lowerNaiveBayes(model, target);
  if (plan.counted === 0) throw new NotCompilable("NaiveBayesModel without BayesOutput counts");
  if (plan.categories.length > plan.counted) throw new NotCompilable("a NaiveBayesModel input naming a target category the BayesOutput does not count");
  const categories = plan.categories.slice();
  const K = categories.length;
  const logs = ctx.names.name("nbLogs");
  const initial = ctx.pool.add(Float64Array.from(plan.priors), "nbInit");
  ctx.declare(_`const ${logs} = new Float64Array(${K});`);
  const statements: Code[] = [_`${logs}.set(${initial});`];
  const addLog = (k: number, p: Code) => _`${logs}[${k}] += Math.log(${p});`;

  for (const input of plan.inputs) {
    const col = ctx.column(input.field);
    if (input.kind === "continuous") {
      if (col.kind === "category") {
        // numeric(v): a text value is an evaluation error of the row.
        statements.push(
          _`if (${col.at} !== ${MISSING_CODE}) { ${ctx.fail({ code: "PMML_NOT_A_NUMBER", message: `BayesInput "${input.field}" has TargetValueStats but the value is not a number`, path: input.path })} }`,
        );
        continue;
      }
      const x = ctx.names.name("nbx");
      const adds = input.densities.map(({ category, distribution }) => {
        const p = ctx.names.name("nbp");
        return _`{ let ${p} = ${density(distribution, x, ctx)}; if (${p} < ${plan.threshold}) ${p} = ${plan.threshold}; ${addLog(category, p)} }`;
      });
      statements.push(_`{ const ${x} = ${col.at}; if (${x} === ${x}) { ${join(adds, "\n")} } }`);
      continue;
    }
    if (input.derived) throw new NotCompilable("BayesInput with a DerivedField");
    const runs = input.pairs.map((pair) =>
      join(
        pair.terms.map((t) => _`${logs}[${t.category}] += ${t.log};`),
        " ",
      ),
    );
    if (col.kind === "category") {
      // First PairCounts of each dictionary code (formatValue(v) === text is the dictionary's own test).
      const firstByCode = new Map<number, number>();
      input.pairs.forEach((pair, j) => {
        const code = codeOf(col.input!, pair.text);
        if (!firstByCode.has(code)) firstByCode.set(code, j);
      });
      const v = ctx.names.name("nbv");
      statements.push(
        _`{ const ${v} = ${col.at}; switch (${v}) { ${join(
          [...firstByCode].map(([code, j]) => _`case ${code}: ${runs[j]} break;`),
          "\n",
        )} } }`,
      );
    } else {
      const boolean = fieldDataType(ctx, input.field) === "boolean";
      const x = ctx.names.name("nbx");
      const branches: Code[] = [];
      input.pairs.forEach((pair, j) => {
        const y = boolean ? (pair.boolean === undefined ? undefined : pair.boolean ? 1 : 0) : pair.number;
        // A category that is no number of the field's type matches no value.
        if (y !== undefined) branches.push(_`if (${x} === ${y}) { ${runs[j]} }`);
      });
      statements.push(_`{ const ${x} = ${col.at}; ${join(branches, " else ")} }`);
    }
  }

  const probabilities = categories.map(() => ctx.names.name("p"));
  const value = ctx.names.name("value");
  const max = ctx.names.name("nbMax");
  const sum = ctx.names.name("nbSum");
  const best = ctx.names.name("nbBest");
  const exp = ctx.helper("exp");
  const body = _`${join(statements, "\n")}
let ${max} = ${logs}[0];
for (let k = 1; k < ${K}; k++) if (${logs}[k] > ${max}) ${max} = ${logs}[k];
let ${sum} = 0;
for (let k = 0; k < ${K}; k++) { ${logs}[k] = ${exp}(${logs}[k] - ${max}); ${sum} += ${logs}[k]; }
if (${sum} !== 1) for (let k = 0; k < ${K}; k++) ${logs}[k] = ${logs}[k] / ${sum};
let ${value} = 0, ${best} = ${logs}[0];
for (let k = 1; k < ${K}; k++) if (${logs}[k] > ${best}) { ${value} = k; ${best} = ${logs}[k]; }
${join(
  probabilities.map((p, k) => _`const ${p} = ${logs}[${k}];`),
  "\n",
)}`;
  return { body, value, kind: "category", categories, probabilities, staticProbabilities: true };
}

/** The interpreter's density (commons-math Gaussian; Poisson over the integer part of x). */
function density(d: BayesDistribution, x: Code, ctx: KernelContext): Code {
  const fn = densityFunctions(ctx);
  if (d.kind === "gaussian") {
    const sd = Math.sqrt(d.variance);
    return _`${fn.gaussian}(${x}, ${d.mean}, ${sd}, ${Math.log(sd) + 0.5 * Math.log(2 * Math.PI)})`;
  }
  return _`${fn.poisson}(${x}, ${d.mean}, ${Math.log(d.mean)})`;
}

const declared = new WeakMap<KernelContext["names"], { gaussian: Name; poisson: Name }>();

/** The density functions, declared once per compiled module. */
function densityFunctions(ctx: KernelContext): { gaussian: Name; poisson: Name } {
  let fns = declared.get(ctx.names);
  if (!fns) {
    fns = { gaussian: ctx.names.name("gaussian"), poisson: ctx.names.name("poisson") };
    // exp(-x₁²/2 − (ln σ + ln(2π)/2)), the last term a constant per distribution.
    ctx.declare(_`function ${fns.gaussian}(x, mean, sd, logNorm) {
  const x1 = (x - mean) / sd;
  return Math.exp(-0.5 * x1 * x1 - logNorm);
}`);
    ctx.declare(_`function ${fns.poisson}(x, mean, logMean) {
  const k = Math.trunc(x);
  if (k < 0) return 0;
  if (k === 0) return Math.exp(-mean);
  let logFactorial = 0;
  for (let i = 2; i <= k; i++) logFactorial += Math.log(i);
  return Math.exp(k * logMean - mean - logFactorial);
}`);
    declared.set(ctx.names, fns);
  }
  return fns;
}

/** The declared dataType of a field visible to the model (local, global derived, or data field). */
function fieldDataType(ctx: KernelContext, field: string): string | undefined {
  return (
    ctx.model.localTransformations.find((f) => f.name === field)?.dataType ??
    ctx.pipeline.transformations.find((f) => f.name === field)?.dataType ??
    ctx.pipeline.dataFields.find((f) => f.name === field)?.dataType
  );
}
