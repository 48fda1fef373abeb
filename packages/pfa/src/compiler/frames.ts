/**
 * Frames and lexical scopes of compiled PFA code. Every function body (action, begin, end, user
 * functions, inline functions) gets an array frame per call; slot 0 points to the enclosing
 * frame so inline functions can read the variables around them. A variable is resolved once,
 * while compiling, to a slot and a number of hops up the frame chain.
 */
export type Frame = any[];
export type Code = (f: Frame) => any;

/** The frame layout of one function body: how many slots its frame needs. */
export class FnCtx {
  nslots = 1;
  constructor(readonly parent: FnCtx | null) {}
  alloc(): number {
    return this.nslots++;
  }
}

export interface VarInfo {
  readonly ctx: FnCtx;
  readonly slot: number;
}

/** A block's variables, chained to the enclosing block's; blocks of one function share its frame. */
export class Scope {
  readonly vars = new Map<string, VarInfo>();
  constructor(
    readonly parent: Scope | null,
    readonly ctx: FnCtx,
  ) {}
  lookup(name: string): VarInfo | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }
  declare(name: string): VarInfo {
    const v = { ctx: this.ctx, slot: this.ctx.alloc() };
    this.vars.set(name, v);
    return v;
  }
  child(): Scope {
    return new Scope(this, this.ctx);
  }
}

function hopsTo(v: VarInfo, scope: Scope): number {
  let hops = 0;
  for (let c: FnCtx | null = scope.ctx; c && c !== v.ctx; c = c.parent) hops++;
  return hops;
}

/** Reads variable `v` from code in `scope` (unrolled for the usual zero to two hops). */
export function varCode(v: VarInfo, scope: Scope): Code {
  const hops = hopsTo(v, scope);
  const slot = v.slot;
  switch (hops) {
    case 0:
      return (f) => f[slot];
    case 1:
      return (f) => f[0][slot];
    case 2:
      return (f) => f[0][0][slot];
    default:
      return (f) => {
        let g = f;
        for (let i = 0; i < hops; i++) g = g[0];
        return g[slot];
      };
  }
}

/** Writes variable `v` from code in `scope`. */
export function varSetter(v: VarInfo, scope: Scope): (f: Frame, x: unknown) => void {
  const hops = hopsTo(v, scope);
  const slot = v.slot;
  if (hops === 0)
    return (f, x) => {
      f[slot] = x;
    };
  return (f, x) => {
    let g = f;
    for (let i = 0; i < hops; i++) g = g[0];
    g[slot] = x;
  };
}
