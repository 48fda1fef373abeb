import type { DistancePlan } from "@porta/ir";
import { _, join, type Code } from "../codegen.ts";
import type { KernelContext } from "../kernel.ts";
import { NotCompilable } from "../unsupported.ts";

/**
 * A distance plan's per-row arithmetic over numeric columns, in the interpreter's order: per
 * field c = compare(x, y), c^inner (Math.pow), × fieldWeight unless 1, summed in field order
 * skipping missing inputs (the maximum for chebychev, NaN winning), × the missing-value
 * adjustment, then the outer root.
 */

/** Statements that define `adjustment` (Σqᵢ / Σqᵢ·[xᵢ present]) from the inputs `xs`; chebychev fails a row with no input. */
export function compileAdjustment(plan: DistancePlan, xs: readonly Code[], adjustment: Code, ctx: KernelContext): Code[] {
  const present = ctx.names.name("present");
  const statements: Code[] = [_`let ${present} = 0;`];
  xs.forEach((x, q) => statements.push(_`if (${x} === ${x}) ${present} += ${plan.missingValueWeights[q]};`));
  if (plan.maximum) {
    statements.push(
      _`if (!(${join(
        xs.map((x) => _`${x} === ${x}`),
        " || ",
      )})) { ${ctx.fail({ code: "PMML_UNDEFINED_DISTANCE", message: "chebychev: every field of the comparison is missing", path: plan.path })} }`,
    );
  }
  statements.push(_`const ${adjustment} = ${plan.totalWeight} / ${present};`);
  return statements;
}

/** Statements that set `d` to the distance between inputs `xs` and reference values `ys(q)`. */
export function compileDistance(plan: DistancePlan, xs: readonly Code[], ys: (q: number) => Code, adjustment: Code, d: Code, ctx: KernelContext): Code {
  const terms = plan.fields.map((f, q) => {
    const x = xs[q];
    const y = ys(q);
    let c: Code;
    switch (f.compare.fn) {
      case "absDiff":
        c = _`Math.abs(${x} - ${y})`;
        break;
      case "gaussSim": {
        const s = f.compare.similarityScale;
        c = _`${ctx.helper("exp")}((-Math.log(2) * (${x} - ${y}) * (${x} - ${y})) / (${s} * ${s}))`;
        break;
      }
      case "delta":
        c = _`(${x} === ${y} ? 0 : 1)`;
        break;
      case "equal":
        c = _`(${x} === ${y} ? 1 : 0)`;
        break;
      // Indexed by the field's declared categories: compile-js compares numeric columns only.
      case "table":
        throw new NotCompilable("ComparisonMeasure compareFunction=table");
    }
    const powered = _`Math.pow(${c}, ${plan.inner})`;
    return { x, term: f.fieldWeight === 1 ? powered : _`${powered} * ${f.fieldWeight}` };
  });
  if (plan.maximum) {
    return _`let ${d} = -Infinity; ${join(
      terms.map(({ x, term }) => _`if (${x} === ${x}) { const t = ${term}; if (t > ${d} || t !== t) ${d} = t; }`),
      " ",
    )} ${d} = ${d} * ${adjustment};`;
  }
  const adjusted = _`${d} * ${adjustment}`;
  const root = plan.outer === 1 ? adjusted : plan.outer === 0 ? _`${ctx.helper("exp")}(${adjusted})` : _`Math.pow(${adjusted}, 1 / ${plan.outer})`;
  return _`let ${d} = 0; ${join(
    terms.map(({ x, term }) => _`if (${x} === ${x}) ${d} += ${term};`),
    " ",
  )} ${d} = ${root};`;
}
