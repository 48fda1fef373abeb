/**
 * The closures a call compiles to: direct calls unrolled for up to four arguments (no spread,
 * no argument array per call), partial application for `fill`, and the lazy logic operators.
 */
import type { Code, Frame } from "./frames.ts";

type Fn = (...a: any[]) => any;

/** A function value with the parameters at `fillIdx` bound to the values of `fillCodes` (evaluated when the value is made). */
export function curry(target: () => Fn, arity: number, fillIdx: readonly number[], fillCodes: readonly Code[]): (f: Frame) => Fn {
  return (f: Frame) => {
    const filled = fillCodes.map((c) => c(f));
    return (...rest: any[]) => {
      const args = new Array(arity);
      let r = 0;
      for (let i = 0; i < arity; i++) {
        const fi = fillIdx.indexOf(i);
        args[i] = fi >= 0 ? filled[fi] : rest[r++];
      }
      return target()(...args);
    };
  };
}

/** Calls `fn` on the arguments' values. */
export function directCall(fn: Fn, codes: readonly Code[]): Code {
  switch (codes.length) {
    case 0:
      return () => fn();
    case 1: {
      const [a] = codes as [Code];
      return (f) => fn(a(f));
    }
    case 2: {
      const [a, b] = codes as [Code, Code];
      return (f) => fn(a(f), b(f));
    }
    case 3: {
      const [a, b, c] = codes as [Code, Code, Code];
      return (f) => fn(a(f), b(f), c(f));
    }
    case 4: {
      const [a, b, c, d] = codes as [Code, Code, Code, Code];
      return (f) => fn(a(f), b(f), c(f), d(f));
    }
    default:
      return (f) => fn(...codes.map((c) => c(f)));
  }
}

/** Calls the function `get` returns when called: a user function may be compiled after its callers (recursion). */
export function lateCall(get: () => Fn, codes: readonly Code[]): Code {
  return (f) => get()(...codes.map((c) => c(f)));
}

export const LAZY_LOGIC = new Set(["&&", "||", "&&&", "|||"]);

/** `&&`, `||` and Kleene's `&&&`, `|||` evaluate their second argument only when needed. */
export function lazyLogic(name: string, a: Code, b: Code): Code {
  switch (name) {
    case "&&":
      return (f) => a(f) && b(f);
    case "||":
      return (f) => a(f) || b(f);
    case "&&&":
      return (f) => {
        const x = a(f);
        if (x === false) return false;
        const y = b(f);
        if (y === false) return false;
        return x === true && y === true ? true : null;
      };
    default:
      return (f) => {
        const x = a(f);
        if (x === true) return true;
        const y = b(f);
        if (y === true) return true;
        return x === false && y === false ? false : null;
      };
  }
}
