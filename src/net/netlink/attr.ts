/**
 * Netlink attributes (pure): a builder and an iterator-style decoder with one final error check.
 *
 *   0       2       4
 *   | nla_len | nla_type | value … (padded to 4; nla_len excludes the padding)
 *
 * nla_type's top bits are flags (NLA_F_NESTED, NLA_F_NET_BYTEORDER); the decoder masks them off.
 * Integers are host order except where a family says otherwise (u16be: IPVS ports).
 */
import { HOST_LE, nlmsgAlign } from './message.js';

export const NLA_HDRLEN = 4;
export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = 0x3fff;

const utf8 = new TextEncoder();

export class AttrEncoder {
  private chunks: Uint8Array[] = [];
  private size = 0;

  /** Appends a raw attribute value under `type` (flags in `type` are kept as given). */
  bytes(type: number, value: Uint8Array): this {
    const len = NLA_HDRLEN + value.length;
    const a = new Uint8Array(nlmsgAlign(len));
    const v = new DataView(a.buffer);
    v.setUint16(0, len, HOST_LE);
    v.setUint16(2, type, HOST_LE);
    a.set(value, NLA_HDRLEN);
    this.chunks.push(a);
    this.size += a.length;
    return this;
  }

  private num(type: number, size: 1 | 2 | 4 | 8, value: number | bigint, le = HOST_LE): this {
    const b = new Uint8Array(size);
    const v = new DataView(b.buffer);
    if (size === 1) v.setUint8(0, Number(value));
    else if (size === 2) v.setUint16(0, Number(value), le);
    else if (size === 4) v.setUint32(0, Number(value) >>> 0, le);
    else v.setBigUint64(0, BigInt(value), le);
    return this.bytes(type, b);
  }

  u8(type: number, value: number): this { return this.num(type, 1, value); }
  u16(type: number, value: number): this { return this.num(type, 2, value); }
  /** Big-endian u16 (the NLA_F_NET_BYTEORDER flag is not set; kernels do not require it). */
  u16be(type: number, value: number): this { return this.num(type, 2, value, false); }
  u32(type: number, value: number): this { return this.num(type, 4, value); }
  u32be(type: number, value: number): this { return this.num(type, 4, value, false); }
  i32(type: number, value: number): this { return this.num(type, 4, value | 0); }
  u64(type: number, value: number | bigint): this { return this.num(type, 8, value); }
  /** A zero-length attribute whose presence is the value. */
  flag(type: number): this { return this.bytes(type, new Uint8Array(0)); }
  /** UTF-8 without a terminator. */
  string(type: number, value: string): this { return this.bytes(type, utf8.encode(value)); }
  /** UTF-8 with a NUL terminator (NLA_NUL_STRING, and names such as IFLA_IFNAME or a scheduler). */
  cstring(type: number, value: string): this {
    const s = utf8.encode(value);
    const b = new Uint8Array(s.length + 1);
    b.set(s);
    return this.bytes(type, b);
  }

  /** A nested attribute built by `fill`; NLA_F_NESTED is set unless `nestedFlag` is false. */
  nested(type: number, fill: (inner: AttrEncoder) => void, nestedFlag = true): this {
    const inner = new AttrEncoder();
    fill(inner);
    return this.bytes(nestedFlag ? type | NLA_F_NESTED : type, inner.encode());
  }

  encode(): Uint8Array {
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}

/**
 * Walks attributes one at a time: `while (d.next()) switch (d.type) { case X: x = d.u32(); }` then
 * `d.err()`. A bad length or a wrong-size read records the first error and stops iteration; reads
 * then return zero values, so callers never need try/catch.
 */
export class AttrDecoder {
  private off = 0;
  private cur: Uint8Array = new Uint8Array(0);
  private curType = 0;
  private error: string | undefined;

  constructor(private readonly buf: Uint8Array) {}

  next(): boolean {
    if (this.error !== undefined) return false;
    if (this.off + NLA_HDRLEN > this.buf.length) {
      if (this.off < this.buf.length) this.fail(`${this.buf.length - this.off} trailing bytes, shorter than an attribute header`);
      return false;
    }
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.off, NLA_HDRLEN);
    const len = v.getUint16(0, HOST_LE);
    if (len < NLA_HDRLEN || this.off + len > this.buf.length) {
      this.fail(`attribute at ${this.off}: nla_len ${len} invalid for ${this.buf.length - this.off} bytes left`);
      return false;
    }
    this.curType = v.getUint16(2, HOST_LE);
    this.cur = this.buf.subarray(this.off + NLA_HDRLEN, this.off + len);
    this.off += nlmsgAlign(len);
    return true;
  }

  /** Attribute type with the flag bits masked off. */
  get type(): number { return this.curType & NLA_TYPE_MASK; }
  /** Type including NLA_F_NESTED / NLA_F_NET_BYTEORDER. */
  get rawType(): number { return this.curType; }
  get length(): number { return this.cur.length; }

  /** A copy of the value, safe to keep after the source buffer is reused. */
  bytes(): Uint8Array { return this.cur.slice(); }

  private int(size: number, what: string): DataView | undefined {
    if (this.cur.length !== size) {
      this.fail(`attribute ${this.type}: ${what} needs ${size} bytes, has ${this.cur.length}`);
      return undefined;
    }
    return new DataView(this.cur.buffer, this.cur.byteOffset, size);
  }

  u8(): number { return this.int(1, 'u8')?.getUint8(0) ?? 0; }
  u16(): number { return this.int(2, 'u16')?.getUint16(0, HOST_LE) ?? 0; }
  u16be(): number { return this.int(2, 'u16be')?.getUint16(0, false) ?? 0; }
  u32(): number { return this.int(4, 'u32')?.getUint32(0, HOST_LE) ?? 0; }
  u32be(): number { return this.int(4, 'u32be')?.getUint32(0, false) ?? 0; }
  i32(): number { return this.int(4, 'i32')?.getInt32(0, HOST_LE) ?? 0; }
  u64(): bigint { return this.int(8, 'u64')?.getBigUint64(0, HOST_LE) ?? 0n; }
  /** Text up to the first NUL (or the whole value if there is none). */
  string(): string {
    const z = this.cur.indexOf(0);
    return new TextDecoder().decode(z < 0 ? this.cur : this.cur.subarray(0, z));
  }

  /** Decodes the current value as nested attributes; an error inside becomes this decoder's error. */
  nested(walk: (inner: AttrDecoder) => void): void {
    const inner = new AttrDecoder(this.cur);
    walk(inner);
    const e = inner.err();
    if (e !== undefined) this.fail(`in nested attribute ${this.type}: ${e}`);
  }

  /** Records an error found by the caller (e.g. a value out of range); the first one wins. */
  fail(reason: string): void {
    if (this.error === undefined) this.error = reason;
  }

  /** The first error, or undefined when everything decoded cleanly. Check once after the loop. */
  err(): string | undefined { return this.error; }
}

/** Convenience for tests and dumps: all top-level attributes as {type, value}. */
export function listAttrs(buf: Uint8Array): { attrs: { type: number; value: Uint8Array }[]; err?: string } {
  const d = new AttrDecoder(buf);
  const attrs: { type: number; value: Uint8Array }[] = [];
  while (d.next()) attrs.push({ type: d.rawType, value: d.bytes() });
  const err = d.err();
  return err === undefined ? { attrs } : { attrs, err };
}
