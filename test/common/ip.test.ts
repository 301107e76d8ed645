import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareIp, formatIp, parseIp, parseIPv6, parsePrefix } from '../../src/common/ip.js';

describe('ip', () => {
  it('parses and formats IPv4', () => {
    expect(parseIp('192.168.1.254')).toEqual({ family: 4, bytes: Uint8Array.from([192, 168, 1, 254]) });
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '1..2.3', ' 1.2.3.4', '192.168.100.']) expect(parseIp(bad)).toBeNull();
  });
  it('parses IPv6 forms and prints them as RFC 5952 (like `ip`)', () => {
    expect(formatIp(parseIPv6('fd00:88:0:0:0:0:0:100')!)).toBe('fd00:88::100');
    expect(formatIp(parseIPv6('::')!)).toBe('::');
    expect(formatIp(parseIPv6('ff02::12')!)).toBe('ff02::12');
    expect(formatIp(parseIPv6('2001:db8:0:1:0:0:0:1')!)).toBe('2001:db8:0:1::1');
    expect(formatIp(parseIPv6('1:0:0:2:0:0:0:3')!)).toBe('1:0:0:2::3');
    expect(formatIp(parseIPv6('::ffff:10.0.0.1')!)).toBe('::ffff:10.0.0.1');
    expect(parseIPv6('fe80::1%eth0')).not.toBeNull();
    for (const bad of ['1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9', ':', '12345::']) expect(parseIPv6(bad)).toBeNull();
  });
  it('parses prefixes with host default', () => {
    expect(parsePrefix('10.0.0.1')?.prefix).toBe(32);
    expect(parsePrefix('fd00::1/64')?.prefix).toBe(64);
    expect(parsePrefix('10.0.0.1/33')).toBeNull();
  });
  it('round-trips any 16 bytes through format/parse', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
      expect(parseIPv6(formatIp(b))).toEqual(b);
    }));
    fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
      expect(parseIp(formatIp(b))?.bytes).toEqual(b);
    }));
  });
  it('orders addresses numerically', () => {
    expect(compareIp(parseIp('10.0.0.2')!.bytes, parseIp('10.0.0.10')!.bytes)).toBeLessThan(0);
  });
});
