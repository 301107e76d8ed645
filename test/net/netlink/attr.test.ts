import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AttrDecoder, AttrEncoder, listAttrs, NLA_F_NESTED } from '../../../src/net/netlink/attr.js';

describe('AttrEncoder', () => {
  it('encodes each integer width in host (little-endian) order, u16be in network order, padded to 4', () => {
    const got = new AttrEncoder().u8(1, 0xab).u16(2, 0x1234).u16be(3, 80).u32(4, 0xdeadbeef).u64(5, 0x0102030405060708n).encode();
    expect(got).toEqual(Uint8Array.from([
      5, 0, 1, 0, 0xab, 0, 0, 0, //                  len 5, type 1, u8 + 3 pad bytes (nla_len excludes padding)
      6, 0, 2, 0, 0x34, 0x12, 0, 0, //               len 6, type 2, u16 LE + 2 pad
      6, 0, 3, 0, 0x00, 0x50, 0, 0, //               len 6, type 3, u16be 80 = 0x0050
      8, 0, 4, 0, 0xef, 0xbe, 0xad, 0xde, //         len 8, type 4, u32 LE
      12, 0, 5, 0, 8, 7, 6, 5, 4, 3, 2, 1, //        len 12, type 5, u64 LE
    ]));
  });

  it('encodes strings with and without NUL, flags and nested attributes with NLA_F_NESTED', () => {
    const got = new AttrEncoder()
      .cstring(1, 'wrr')
      .string(2, 'ab')
      .flag(3)
      .nested(4, (n) => n.u16(1, 2))
      .encode();
    expect(got).toEqual(Uint8Array.from([
      8, 0, 1, 0, 0x77, 0x72, 0x72, 0, //            len 8, type 1, "wrr\0"
      6, 0, 2, 0, 0x61, 0x62, 0, 0, //               len 6, type 2, "ab" + 2 pad
      4, 0, 3, 0, //                                 len 4, type 3, empty (flag)
      12, 0, 4, 0x80, //                             len 12, type 4 | NLA_F_NESTED (0x8000)
      6, 0, 1, 0, 2, 0, 0, 0, //                       inner: len 6, type 1, u16 2 + pad
    ]));
  });

  it('can leave NLA_F_NESTED off for families that predate it', () => {
    const got = new AttrEncoder().nested(7, (n) => n.flag(1), false).encode();
    expect(got).toEqual(Uint8Array.from([8, 0, 7, 0, 4, 0, 1, 0]));
  });
});

describe('AttrDecoder', () => {
  it('walks attributes, masks flag bits and decodes nested values', () => {
    const buf = new AttrEncoder().u32(1, 7).nested(2, (n) => n.cstring(3, 'eth0').u16be(4, 443)).u64(5, 9n).encode();
    const d = new AttrDecoder(buf);
    const seen: unknown[] = [];
    while (d.next()) {
      switch (d.type) {
        case 1: seen.push(['u32', d.u32()]); break;
        case 2:
          expect(d.rawType).toBe(2 | NLA_F_NESTED);
          d.nested((n) => {
            while (n.next()) seen.push(n.type === 3 ? ['name', n.string()] : ['port', n.u16be()]);
          });
          break;
        case 5: seen.push(['u64', d.u64()]); break;
      }
    }
    expect(d.err()).toBeUndefined();
    expect(seen).toEqual([['u32', 7], ['name', 'eth0'], ['port', 443], ['u64', 9n]]);
  });

  it('records a wrong-size read as an error and returns zero instead of throwing', () => {
    const d = new AttrDecoder(new AttrEncoder().u16(1, 5).encode());
    expect(d.next()).toBe(true);
    expect(d.u32()).toBe(0);
    expect(d.err()).toMatch(/u32 needs 4 bytes, has 2/);
    expect(d.next()).toBe(false);
  });

  it('reports a length that overruns the buffer, and errors inside nests', () => {
    expect(listAttrs(Uint8Array.from([9, 0, 1, 0, 1, 2, 3, 4])).err).toMatch(/nla_len 9/);
    expect(listAttrs(Uint8Array.from([2, 0, 1, 0])).err).toMatch(/nla_len 2/);
    expect(listAttrs(Uint8Array.from([4, 0, 1, 0, 9])).err).toMatch(/trailing/);
    const bad = new AttrEncoder().bytes(1 | NLA_F_NESTED, Uint8Array.from([8, 0, 1, 0])).encode();
    const d = new AttrDecoder(bad);
    d.next();
    d.nested((n) => { while (n.next()); });
    expect(d.err()).toMatch(/in nested attribute 1/);
  });

  it('round-trips arbitrary attribute lists', () => {
    const attr = fc.record({ type: fc.integer({ min: 0, max: 0x3fff }), value: fc.uint8Array({ maxLength: 40 }) });
    fc.assert(fc.property(fc.array(attr, { maxLength: 12 }), (list) => {
      const enc = new AttrEncoder();
      for (const a of list) enc.bytes(a.type, a.value);
      const got = listAttrs(enc.encode());
      expect(got.err).toBeUndefined();
      expect(got.attrs).toEqual(list);
    }));
  });

  it('never throws on random bytes, whatever accessor is used', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(7), (buf, pick) => {
      const d = new AttrDecoder(buf);
      let guard = 0;
      while (d.next() && guard++ < 100) {
        [() => d.u8(), () => d.u16(), () => d.u32(), () => d.u64(), () => d.string(), () => d.bytes(), () => d.u16be(),
          () => d.nested((n) => { while (n.next()) n.u32(); })][pick]!();
      }
      expect(guard).toBeLessThan(100);
      const e = d.err();
      expect(e === undefined || typeof e === 'string').toBe(true);
    }));
  });
});
