import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { internetChecksum, ipv4PseudoHeader, ipv6PseudoHeader } from '../../src/vrrp/checksum.js';

describe('RFC 1071 checksum', () => {
  it('matches the worked example of RFC 1071 §3 (sum 0xddf2 → checksum 0x220d)', () => {
    expect(internetChecksum(Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7))).toBe(0x220d);
  });
  it('pads an odd length with a zero byte', () => {
    expect(internetChecksum(Uint8Array.of(0xab))).toBe(~0xab00 & 0xffff);
  });
  it('chunk boundaries (even or odd) do not change the result', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (b, cut) => {
      const k = b.length === 0 ? 0 : cut % b.length;
      expect(internetChecksum(b.subarray(0, k), b.subarray(k))).toBe(internetChecksum(b));
    }));
  });
  it('a message carrying its own checksum sums to zero', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 2, maxLength: 100 }).map((b) => (b.length % 2 ? Uint8Array.of(...b, 0) : b)), (b) => {
      const m = Uint8Array.from(b); m[0] = 0; m[1] = 0;
      const c = internetChecksum(m);
      m[0] = c >> 8; m[1] = c & 0xff;
      expect(internetChecksum(m)).toBe(0);
    }));
  });
  it('pseudo-headers: IPv4 {src, dst, 0, proto, len16}; IPv6 {src, dst, len32, 0,0,0, next}', () => {
    expect(Array.from(ipv4PseudoHeader(Uint8Array.of(1, 2, 3, 4), Uint8Array.of(5, 6, 7, 8), 112, 0x0102))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 0, 112, 1, 2]);
    const ph6 = ipv6PseudoHeader(new Uint8Array(16).fill(1), new Uint8Array(16).fill(2), 112, 40);
    expect(ph6.length).toBe(40);
    expect(Array.from(ph6.subarray(32))).toEqual([0, 0, 0, 40, 0, 0, 0, 112]);
  });
});
