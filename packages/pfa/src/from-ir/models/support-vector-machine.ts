import type { SupportVectorMachineModel, SvmKernel, TargetInfo } from "@porta/ir";
import { lowerSvm } from "@porta/ir";
import { type Block, type Code, type Json, cannotConvert, literal } from "../code.ts";
import type { Env } from "../fields.ts";
import { typedLiteral } from "../fields.ts";
import { voteOver } from "./mining.ts";
import { category, type ModelCode } from "./result.ts";

const ARRAY: Json = { type: "array", items: "double" };
const zero = { double: 0 };

/**
 * SupportVectorMachineModel (PMML 4.4 §SupportVectorMachine): f(x) = Σ αᵢ K(x, xᵢ) + b per
 * machine, summed from the first support vector in document order (JPMML), with the support
 * vectors in a cell and the kernel a user function looping over the vector (the library's
 * m.kernel.* would fix other summation orders); then regression, one-against-all or votes.
 */
export function convertSvm(model: SupportVectorMachineModel, target: TargetInfo, env: Env, block: Block): ModelCode {
  const plan = lowerSvm(model, { category: (text) => category(text, target) });
  const x = block.bind({ expr: inputVector(model, env, block), type: "double", nullable: false }, "svx");
  const vectors = block.fresh("svm_vectors");
  block.cells[vectors] = { type: { type: "array", items: ARRAY }, init: plan.vectors.map((v) => v.map(finite)) as Json };
  const kernelFcn = kernelFunction(plan.kernel, block);
  const machines = plan.kind === "regression" ? [plan.machine] : plan.machines;
  const fs = machines.map((m) => {
    const coefficients = block.fresh("svm_alpha");
    block.cells[coefficients] = { type: ARRAY, init: m.coefficients.map(finite) };
    let body: Json;
    if (plan.representation === "Coefficients") {
      body = loopSum(
        m.coefficients.length,
        (i): Json => ({
          "*": [
            { cell: coefficients, path: [i] },
            { attr: x.expr, path: [i] },
          ],
        }),
      );
    } else {
      const rows = block.fresh("svm_rows");
      block.cells[rows] = { type: { type: "array", items: "int" }, init: [...m.supportVectors] };
      body = loopSum(
        m.coefficients.length,
        (i): Json => ({
          "*": [{ cell: coefficients, path: [i] }, { [kernelFcn]: [x.expr, { cell: vectors, path: [{ cell: rows, path: [i] }] }] }],
        }),
      );
    }
    return block.bind({ expr: { "+": [body, literal(m.absoluteValue, "double").expr] }, type: "double", nullable: false }, "svf");
  });
  if (plan.kind === "regression") return { value: fs[0] };
  const categories = plan.categories;
  const type = categories.every((c) => typeof c === "number") ? "double" : "string";
  const lit = (k: number): Code => literal(type === "double" ? Number(categories[k]) : String(categories[k]), type);
  if (plan.method === "OneAgainstAll") {
    // The smallest f wins (largest with maxWins), the first machine on ties.
    let best: Code = lit(plan.machines[0].category);
    let bestF = fs[0];
    for (let j = 1; j < fs.length; j++) {
      const better: Json = { [plan.maxWins ? ">" : "<"]: [fs[j].expr, bestF.expr] };
      best = block.bind({ expr: { if: better, then: lit(plan.machines[j].category).expr, else: best.expr }, type, nullable: false }, "svbest");
      bestF = block.bind({ expr: { if: better, then: fs[j].expr, else: bestF.expr }, type: "double", nullable: false }, "svbestf");
    }
    return { value: block.bind({ expr: { upcast: best.expr, as: ["null", type] }, type, nullable: true }, "svm") };
  }
  const preds = plan.machines.map((m, j): Code => {
    const f = fs[j].expr;
    if (plan.method === "binary") {
      // round(f) = 1 votes the category, 0 the alternate; anything else is an error (JPMML).
      const r = block.fresh("round");
      return block.bind(
        {
          expr: {
            do: [
              { let: { [r]: { "m.floor": { "+": [f, { double: 0.5 }] } } } },
              {
                cond: [
                  { if: { "==": [r, { double: 1 }] }, then: lit(m.category).expr },
                  { if: { "==": [r, zero] }, then: lit(m.alternate).expr },
                ],
                else: { error: "binary SVM value must round to 0 or 1" },
              },
            ],
          },
          type,
          nullable: false,
        },
        "svvote",
      );
    }
    const first: Json = { [plan.maxWins ? ">" : "<"]: [f, literal(m.threshold, "double").expr] };
    return block.bind({ expr: { if: first, then: lit(m.category).expr, else: lit(m.alternate).expr }, type, nullable: false }, "svvote");
  });
  return voteOver(
    preds,
    preds.map(() => 1),
    categories,
    block,
  );
}

function finite(x: number): Json {
  if (!Number.isFinite(x)) return cannotConvert("SupportVectorMachineModel", "a non-finite parameter is not converted");
  return x;
}

/** Σ term(i) for i in 0 … n−1, from the first term (0 + t is t), in order. */
function loopSum(n: number, term: (i: Json) => Json): Json {
  if (n === 0) return zero;
  return {
    do: [
      { let: { acc: term({ int: 0 }) } },
      {
        for: { i: { int: 1 } },
        while: { "<": ["i", { int: n }] },
        step: { i: { "+": ["i", { int: 1 }] } },
        do: [{ set: { acc: { "+": ["acc", term("i")] } } }],
      },
      "acc",
    ],
  };
}

/** The VectorFields of the row as an array; a missing one is an error (JPMML's MissingValueException), not a missing prediction. */
function inputVector(model: SupportVectorMachineModel, env: Env, block: Block): Json {
  const items = model.vectorFields.map((vf): Json => {
    const v = env.resolve(vf.field);
    const q = block.fresh("q");
    const present = v.nullable ? q : v.expr;
    let value: Json;
    if (vf.kind === "fieldRef") {
      if (v.type !== "double") cannotConvert(`VectorFields/FieldRef[@field=${vf.field}]`, "a non-numeric vector field is not converted", model.path);
      value = present;
    } else {
      value = { if: { "==": [present, typedLiteral(vf.value, v.type, "CategoricalPredictor@value").expr] }, then: { double: 1 }, else: zero };
    }
    return v.nullable ? { ifnotnull: { [q]: v.expr }, then: value, else: { error: `VectorFields field "${vf.field}" is missing` } } : value;
  });
  return { new: items, type: ARRAY };
}

/** The kernel K(x, y) as a user function over two arrays (the interpreter's kernel, in its order of operations). */
function kernelFunction(k: SvmKernel, block: Block): string {
  const name = `svmKernel_${k.kind}`;
  const at = (v: string): Json => ({ attr: v, path: ["i"] });
  const loop = (term: Json): Json[] => [
    { let: { s: zero } },
    { for: { i: { int: 0 } }, while: { "<": ["i", { "a.len": "x" }] }, step: { i: { "+": ["i", { int: 1 }] } }, do: [{ set: { s: { "+": ["s", term] } } }] },
  ];
  let body: Json[];
  switch (k.kind) {
    case "linear":
      body = [...loop({ "*": [at("x"), at("y")] }), "s"];
      break;
    case "polynomial":
      body = [
        ...loop({ "*": [at("x"), at("y")] }),
        { "**": [{ "+": [{ "*": ["s", literal(k.gamma, "double").expr] }, literal(k.coef0, "double").expr] }, literal(k.degree, "double").expr] },
      ];
      break;
    case "sigmoid":
      body = [...loop({ "*": [at("x"), at("y")] }), { "m.tanh": { "+": [{ "*": ["s", literal(k.gamma, "double").expr] }, literal(k.coef0, "double").expr] } }];
      break;
    case "radialBasis":
      body = [
        ...loop({ do: [{ let: { d: { "-": [at("x"), at("y")] } } }, { "*": ["d", "d"] }] }),
        { "m.exp": { "*": [{ "u-": "s" }, literal(k.gamma, "double").expr] } },
      ];
      break;
  }
  block.fcns[name] = { params: [{ x: ARRAY }, { y: ARRAY }], ret: "double", do: body };
  return `u.${name}`;
}
