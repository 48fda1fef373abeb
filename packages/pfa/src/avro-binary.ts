/**
 * Avro binary encoding (Avro 1.7 spec, "Binary Encoding") of runtime values: used by
 * `cast.avro` and by the set functions of `map.*`, whose keys are base64 Avro.
 */
import type { AvroType } from "@porta/ir/avro";
import { toBig, unionBranchIndex } from "./values.ts";

class Out {
  private buf = new Uint8Array(64);
  len = 0;
  private ensure(n: number) {
    if (this.len + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  byte(x: number) {
    this.ensure(1);
    this.buf[this.len++] = x;
  }
  bytes(b: Uint8Array) {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  long(v: unknown) {
    // zig-zag then base-128 varint
    let z = BigInt.asUintN(64, (toBig(v) << 1n) ^ (toBig(v) >> 63n));
    do {
      let b = Number(z & 0x7fn);
      z >>= 7n;
      if (z !== 0n) b |= 0x80;
      this.byte(b);
    } while (z !== 0n);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const enc = new TextEncoder();

function write(out: Out, t: AvroType, v: any): void {
  switch (t.kind) {
    case "null":
      return;
    case "boolean":
      out.byte(v ? 1 : 0);
      return;
    case "int":
    case "long":
      out.long(v);
      return;
    case "float": {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, v, true);
      out.bytes(b);
      return;
    }
    case "double": {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, Number(v), true);
      out.bytes(b);
      return;
    }
    case "bytes":
      out.long(v.length);
      out.bytes(v);
      return;
    case "fixed":
      out.bytes(v);
      return;
    case "string": {
      const b = enc.encode(v);
      out.long(b.length);
      out.bytes(b);
      return;
    }
    case "enum":
      out.long(t.symbols.indexOf(v));
      return;
    case "array":
      if (v.length > 0) {
        out.long(v.length);
        for (const x of v) write(out, t.items, x);
      }
      out.long(0);
      return;
    case "map": {
      const keys = Object.keys(v);
      if (keys.length > 0) {
        out.long(keys.length);
        for (const k of keys) {
          write(out, { kind: "string" }, k);
          write(out, t.values, v[k]);
        }
      }
      out.long(0);
      return;
    }
    case "record":
      for (const f of t.fields) write(out, f.type, v[f.name]);
      return;
    case "union": {
      const i = unionBranchIndex(t.types, v);
      out.long(i);
      write(out, t.types[i]!, v);
    }
  }
}

export function avroBinary(t: AvroType, v: unknown): Uint8Array {
  const out = new Out();
  write(out, t, v);
  return out.result();
}
