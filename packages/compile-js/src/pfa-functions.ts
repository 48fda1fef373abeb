import { PFA_RAISES, type PfaRaise } from "@porta/ir";
import { _, join, type Code, type Name } from "./codegen.ts";

/**
 * The `pfa:` functions of the IR (@porta/ir functions/pfa.ts: PFA's semantics, for PFA documents
 * lowered into the IR) compiled to statements, operation for operation as the interpreter's
 * implementations, so compiled kernels give the PFA engine's bits. Values are numbers (booleans
 * 1/0, NaN both PFA's NaN and the IR's missing: the same value in a lowered pipeline); every
 * function sees NaN arguments (they declare handlesMissing). An error is recorded through `fail`
 * with the function's k-th PFA error (PFA_RAISES).
 */

const INT_RANGE = (r: Code) => _`(${r} > 2147483647 || ${r} < -2147483648)`;

/** NaN above every number, equal to itself (the interpreter's pfaNumberOrder). */
const order = (a: Code, b: Code) => _`(${a} < ${b} ? -1 : ${a} > ${b} ? 1 : ${a} == ${b} ? 0 : ${a} !== ${a} ? (${b} !== ${b} ? 0 : 1) : -1)`;

export interface PfaCodegenHost {
  /** Statements recording the function's k-th PFA error for the row. */
  fail(raise: PfaRaise): Code;
  /** The kernel-safe IR helper `pfaIntPower` (through the constant pool). */
  intPower(): Name;
}

/** Statements assigning the result of `pfa:` function `name` to `r`, or undefined when `name` is not one. */
export function pfaFunctionBody(name: string, xs: readonly Code[], r: Name, host: PfaCodegenHost): Code | undefined {
  if (!name.startsWith("pfa:")) return undefined;
  const [a, b] = xs as [Code, Code];
  const fail = (k = 0) => host.fail(PFA_RAISES[name]![k]!);
  switch (name) {
    case "pfa:do":
      return _`${r} = ${xs[xs.length - 1]!};`;
    case "pfa:int+":
      return _`${r} = ${a} + ${b}; if ${INT_RANGE(r)} { ${fail()} }`;
    case "pfa:int-":
      return _`${r} = ${a} - ${b}; if ${INT_RANGE(r)} { ${fail()} }`;
    case "pfa:int*":
      return _`${r} = ${a} * ${b}; if ${INT_RANGE(r)} { ${fail()} }`;
    case "pfa:int//":
      return _`if (${b} === 0) { ${fail(0)} } else { ${r} = Math.trunc(${a} / ${b}); if ${INT_RANGE(r)} { ${fail(1)} } }`;
    case "pfa:intNeg":
      return _`if (${a} === -2147483648) { ${fail()} } else ${r} = ${a} === 0 ? 0 : -(${a});`;
    case "pfa:int%":
      return _`if (${b} === 0) { ${fail()} } else { ${r} = ${a} % ${b}; if (${r} !== 0 && ${r} < 0 !== ${b} < 0) ${r} += ${b}; if (${r} === 0) ${r} = 0; }`;
    case "pfa:int%%":
      return _`if (${b} === 0) { ${fail()} } else { ${r} = ${a} % ${b}; if (${r} === 0) ${r} = 0; }`;
    case "pfa:int**":
      return _`${r} = ${host.intPower()}(${a}, ${b}); if (${r} !== ${r}) { ${fail()} }`;
    case "pfa:intAbs":
      return _`if (${a} === -2147483648) { ${fail()} } else ${r} = Math.abs(${a});`;
    case "pfa:intCopysign":
      return _`${r} = Math.abs(${a}); if (${b} < 0 && ${r} !== 0) ${r} = -${r}; if ${INT_RANGE(r)} { ${fail()} }`;
    case "pfa:int&":
      return _`${r} = ${a} & ${b};`;
    case "pfa:int|":
      return _`${r} = ${a} | ${b};`;
    case "pfa:int^":
      return _`${r} = ${a} ^ ${b};`;
    case "pfa:int~":
      return _`${r} = ~${a};`;
    case "pfa:%":
      return _`if (${b} === 0) ${r} = NaN; else { ${r} = ${a} % ${b}; if (${r} !== 0 && ${r} < 0 !== ${b} < 0) ${r} += ${b}; }`;
    case "pfa:%%":
      return _`${r} = ${a} % ${b};`;
    case "pfa:**":
      return _`${r} = Math.pow(${a}, ${b});`;
    case "pfa:u-":
      return _`${r} = -(${a});`;
    case "pfa:<":
      return _`${r} = ${order(a, b)} < 0 ? 1 : 0;`;
    case "pfa:<=":
      return _`${r} = ${order(a, b)} <= 0 ? 1 : 0;`;
    case "pfa:>":
      return _`${r} = ${order(a, b)} > 0 ? 1 : 0;`;
    case "pfa:>=":
      return _`${r} = ${order(a, b)} >= 0 ? 1 : 0;`;
    case "pfa:==":
      return _`${r} = ${a} === ${b} ? 1 : 0;`;
    case "pfa:!=":
      return _`${r} = ${a} === ${b} ? 0 : 1;`;
    case "pfa:cmp":
      return _`${r} = ${order(a, b)};`;
    case "pfa:max":
      return _`${r} = ${a} >= ${b} ? ${a} : ${b};`;
    case "pfa:min":
      return _`${r} = ${a} <= ${b} ? ${a} : ${b};`;
    case "pfa:m.floor":
      return _`${r} = Math.floor(${a});`;
    case "pfa:m.ceil":
      return _`${r} = Math.ceil(${a});`;
    case "pfa:m.rint":
      // PFA's rint: half to even from floor (the interpreter's pfaRint)
      return _`if (!Number.isFinite(${a})) ${r} = ${a}; else { const f = Math.floor(${a}); const d = ${a} - f; ${r} = d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1; }`;
    case "pfa:m.signum":
      return _`${r} = ${a} > 0 ? 1 : ${a} < 0 ? -1 : 0;`;
    case "pfa:m.hypot":
      return _`${r} = Math.hypot(${a}, ${b});`;
    case "pfa:m.copysign":
      return _`${r} = ${b} < 0 || Object.is(${b}, -0) ? -Math.abs(${a}) : Math.abs(${a});`;
    case "pfa:m.log":
      return _`if (${b} <= 0) { ${fail()} } else ${r} = Math.log(${a}) / Math.log(${b});`;
    case "pfa:m.round:int":
      return _`${r} = Math.floor(${a} + 0.5); if (!Number.isFinite(${r}) || ${INT_RANGE(r)}) { ${fail()} }`;
    case "pfa:cast.int":
      return _`if (!Number.isFinite(${a})) { ${fail()} } else { ${r} = Math.floor(${a} + 0.5); if ${INT_RANGE(r)} { ${fail()} } }`;
    case "pfa:impute.isnan":
      return _`${r} = ${a} !== ${a} ? 1 : 0;`;
    case "pfa:impute.isinf":
      return _`${r} = ${a} === Infinity || ${a} === -Infinity ? 1 : 0;`;
    case "pfa:impute.isnum":
      return _`${r} = Number.isFinite(${a}) ? 1 : 0;`;
    case "pfa:impute.errorOnNonNum":
      return join(
        [
          _`if (${a} !== ${a}) { ${fail(0)} }`,
          _`else if (${a} === Infinity) { ${fail(1)} }`,
          _`else if (${a} === -Infinity) { ${fail(2)} }`,
          _`else ${r} = ${a};`,
        ],
        " ",
      );
    case "pfa:impute.defaultOnNonNum":
      return _`${r} = Number.isFinite(${a}) ? ${a} : ${b};`;
    default:
      return undefined;
  }
}
