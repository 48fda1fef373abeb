/**
 * The generation state of one program: names, the constant pool, the statement buffer being
 * filled, the variables of the JS function being generated. An expression is generated as the
 * statements it needs (pushed to the buffer) and a JS expression valid right after them; a value
 * that later statements could change is first kept in a `const` temporary, so evaluation order is
 * the closure engine's.
 */
import type { LibrarySite, VarId } from "@porta/ir";
import type { AvroType } from "@porta/ir/avro";
import { _, join, Name, NameScope, type Code } from "../codegen.ts";
import { NotCompilable } from "../unsupported.ts";

/** A constant the generated code reads, described as data (instantiated when the code loads). */
export type ProgramConstant =
  | { readonly kind: "state" }
  | { readonly kind: "helpers" }
  | { readonly kind: "lib"; readonly site: LibrarySite }
  | { readonly kind: "value"; readonly type: AvroType; readonly json: unknown; readonly path: string }
  | { readonly kind: "data"; readonly value: unknown };

/** The JS function being generated: the variables it declares (`let` at its top). */
interface FnFrame {
  readonly locals: Name[];
}

export class Emitter {
  readonly names = new NameScope();
  /** What `C[i]` holds, in order. */
  readonly constants: ProgramConstant[] = [];
  private readonly constNames: Name[] = [];
  /** Codes that never change once computed: constants, `const` temporaries, literals, functions. */
  private readonly stable = new WeakSet<Code>();
  /** Codes that may change but have no effect to evaluate (variable reads). */
  private readonly pure = new WeakSet<Code>();
  private readonly vars = new Map<VarId, Name>();
  private out: Code[] = [];
  private fn: FnFrame = { locals: [] };

  /** A constant of the pool, read as `C[i]` once at load. */
  constant(c: ProgramConstant, prefix: string): Name {
    const name = this.names.name(prefix);
    this.constants.push(c);
    this.constNames.push(name);
    this.stable.add(name);
    return name;
  }

  /** `const k0 = C[0]; …` */
  prelude(): Code {
    return join(
      this.constNames.map((n, i) => _`const ${n} = C[${i}];`),
      "\n",
    );
  }

  /** A literal or other code with no effect and a fixed value. */
  fixed(c: Code): Code {
    this.stable.add(c);
    return c;
  }

  isStable(c: Code): boolean {
    return this.stable.has(c);
  }

  emit(stmt: Code): void {
    this.out.push(stmt);
  }

  /** Evaluates `c` now into a `const` temporary (unless already fixed). */
  temp(c: Code, prefix = "t"): Code {
    if (this.stable.has(c)) return c;
    const t = this.names.name(prefix);
    this.emit(_`const ${t} = ${c};`);
    this.stable.add(t);
    return t;
  }

  /** A `let` of the current function (for values assigned in branches), not yet assigned. */
  local(prefix = "r"): Name {
    const n = this.names.name(prefix);
    this.fn.locals.push(n);
    return n;
  }

  /** Evaluates `c` for its effect only. */
  effect(c: Code): void {
    if (!this.stable.has(c) && !this.pure.has(c)) this.emit(_`${c};`);
  }

  /** Runs `f` with a fresh statement buffer; its statements and its value. */
  capture(f: () => Code): { stmts: Code[]; value: Code } {
    const saved = this.out;
    this.out = [];
    try {
      const value = f();
      return { stmts: this.out, value };
    } finally {
      this.out = saved;
    }
  }

  /** Statements of `f` as one block's body (its value dropped). */
  statements(f: () => void): Code {
    return join(
      this.capture(() => {
        f();
        return _`null`;
      }).stmts,
      "\n",
    );
  }

  /** Runs `f` as the body of a new JS function: its statements with the function's `let`s first. */
  inFunction(f: () => Code): Code {
    const savedFn = this.fn;
    this.fn = { locals: [] };
    try {
      const { stmts, value } = this.capture(f);
      const lets = this.fn.locals.length ? _`let ${join(this.fn.locals, ", ")};\n` : _``;
      return _`${lets}${join(stmts, "\n")}\nreturn ${value};`;
    } finally {
      this.fn = savedFn;
    }
  }

  /** Starts a top-level function (user function, begin, action, end): its variables are its own. */
  resetVars(): void {
    this.vars.clear();
  }

  /** The JS name of a variable the current function declares (`let`, loops, cases). */
  declare(id: VarId): Name {
    const n = this.names.name("v");
    if (this.vars.has(id)) throw new NotCompilable(`a program whose variable ${JSON.stringify(id)} is declared twice`);
    this.vars.set(id, n);
    this.fn.locals.push(n);
    return n;
  }

  /** The JS name of a parameter of the function being generated. */
  param(id: VarId): Name {
    const n = this.names.name("p");
    if (this.vars.has(id)) throw new NotCompilable(`a program whose variable ${JSON.stringify(id)} is declared twice`);
    this.vars.set(id, n);
    return n;
  }

  /** A variable's current value. */
  read(id: VarId): Code {
    const n = this.vars.get(id);
    if (!n) throw new NotCompilable(`a program reading the undeclared variable ${JSON.stringify(id)}`);
    const c = _`${n}`;
    this.pure.add(c);
    return c;
  }

  /** The name a variable is assigned through. */
  target(id: VarId): Name {
    const n = this.vars.get(id);
    if (!n) throw new NotCompilable(`a program assigning the undeclared variable ${JSON.stringify(id)}`);
    return n;
  }

  /**
   * Expressions evaluated in order as one would be by the closure engine (arguments, items):
   * each one's statements in turn, and a value that a later one's statements could change kept
   * in a temporary first.
   */
  ordered(exprs: readonly (() => Code)[]): Code[] {
    const parts = exprs.map((e) => this.capture(e));
    const values: Code[] = [];
    parts.forEach((p, i) => {
      for (const s of p.stmts) this.emit(s);
      const laterStatements = parts.slice(i + 1).some((q) => q.stmts.length > 0);
      values.push(laterStatements ? this.temp(p.value) : p.value);
    });
    return values;
  }
}

export { Name };
