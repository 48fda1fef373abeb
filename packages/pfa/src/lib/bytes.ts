/** `bytes.*`: byte arrays, text encodings and base64 (spec §7, "Bytes manipulation"). */
import { base64ToBytes, bytesToBase64, pfaError } from "../values.ts";
import { sliceBounds, type LibImpl, type LibModule } from "./site.ts";

type B = Uint8Array;

function utf16(b: B, littleEndian: boolean, code: number | null): string | null {
  if (b.length % 2 !== 0) return fail(code);
  let out = "";
  for (let i = 0; i < b.length; i += 2) {
    const u = littleEndian ? b[i]! | (b[i + 1]! << 8) : (b[i]! << 8) | b[i + 1]!;
    if (u >= 0xd800 && u <= 0xdbff) {
      if (i + 3 >= b.length) return fail(code);
      const v = littleEndian ? b[i + 2]! | (b[i + 3]! << 8) : (b[i + 2]! << 8) | b[i + 3]!;
      if (v < 0xdc00 || v > 0xdfff) return fail(code);
      out += String.fromCharCode(u, v);
      i += 2;
    } else if (u >= 0xdc00 && u <= 0xdfff) {
      return fail(code);
    } else {
      out += String.fromCharCode(u);
    }
  }
  return out;
}
function fail(code: number | null): null {
  if (code !== null) throw pfaError(code, "invalid bytes");
  return null;
}
/** UTF-16 with an optional byte-order mark (little endian without one, like Python). */
function utf16bom(b: B, code: number | null): string | null {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return utf16(b.subarray(2), true, code);
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return utf16(b.subarray(2), false, code);
  return utf16(b, true, code);
}
function utf8(b: B, code: number | null): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(b);
  } catch {
    return fail(code);
  }
}
function encodeUtf16(s: string, littleEndian: boolean, bom: boolean, code: number): B {
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)) throw pfaError(code, "invalid string");
  const off = bom ? 2 : 0;
  const out = new Uint8Array(off + s.length * 2);
  if (bom) {
    out[0] = littleEndian ? 0xff : 0xfe;
    out[1] = littleEndian ? 0xfe : 0xff;
  }
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    out[off + 2 * i] = littleEndian ? u & 0xff : u >> 8;
    out[off + 2 * i + 1] = littleEndian ? u >> 8 : u & 0xff;
  }
  return out;
}
function single(max: number, code: number) {
  return (s: string): B => {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > max) throw pfaError(code, "invalid string");
      out[i] = c;
    }
    return out;
  };
}
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function check(bytesTest: (b: B) => boolean, stringTest: (s: string) => boolean): LibImpl {
  return (site) => (site.sigIndex === 0 ? bytesTest : stringTest);
}

export const bytes: LibModule = {
  "bytes.len": () => (x: B) => x.length,
  "bytes.subseq": () => (x: B, s: number, e: number) => x.slice(...sliceBounds(x.length, s, e)),
  "bytes.subseqto": () => (x: B, s: number, e: number, r: B) => {
    const [i, j] = sliceBounds(x.length, s, e);
    const out = new Uint8Array(i + r.length + x.length - j);
    out.set(x.subarray(0, i));
    out.set(r, i);
    out.set(x.subarray(j), i + r.length);
    return out;
  },
  "bytes.isAscii": check(
    (b) => b.every((c) => c < 128),
    (s) => /^[\x00-\x7f]*$/.test(s),
  ),
  "bytes.isLatin1": check(
    () => true,
    (s) => /^[\x00-\xff]*$/.test(s),
  ),
  "bytes.isUtf8": check(
    (b) => utf8(b, null) !== null,
    (s) => !LONE.test(s),
  ),
  "bytes.isUtf16": check(
    (b) => utf16bom(b, null) !== null,
    (s) => !LONE.test(s),
  ),
  "bytes.isUtf16be": check(
    (b) => utf16(b, false, null) !== null,
    (s) => !LONE.test(s),
  ),
  "bytes.isUtf16le": check(
    (b) => utf16(b, true, null) !== null,
    (s) => !LONE.test(s),
  ),
  "bytes.decodeAscii": () => (b: B) => {
    if (!b.every((c) => c < 128)) throw pfaError(16090, "invalid bytes");
    return String.fromCharCode(...b);
  },
  "bytes.decodeLatin1": () => (b: B) => Array.from(b, (c) => String.fromCharCode(c)).join(""),
  "bytes.decodeUtf8": () => (b: B) => utf8(b, 16110)!,
  "bytes.decodeUtf16": () => (b: B) => utf16bom(b, 16120)!,
  "bytes.decodeUtf16be": () => (b: B) => utf16(b, false, 16130)!,
  "bytes.decodeUtf16le": () => (b: B) => utf16(b, true, 16140)!,
  "bytes.encodeAscii": () => single(0x7f, 16150),
  "bytes.encodeLatin1": () => single(0xff, 16160),
  "bytes.encodeUtf8": () => (s: string) => {
    if (LONE.test(s)) throw pfaError(16170, "invalid string");
    return new TextEncoder().encode(s);
  },
  "bytes.encodeUtf16": () => (s: string) => encodeUtf16(s, true, true, 16180),
  "bytes.encodeUtf16be": () => (s: string) => encodeUtf16(s, false, false, 16190),
  "bytes.encodeUtf16le": () => (s: string) => encodeUtf16(s, true, false, 16200),
  "bytes.toBase64": () => (b: B) => bytesToBase64(b),
  "bytes.fromBase64": () => (s: string) => {
    const t = s.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 !== 0) throw pfaError(16220, "invalid base64");
    return base64ToBytes(t);
  },
};
