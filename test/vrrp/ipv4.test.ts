import { describe, expect, it } from 'vitest';
import { buildIpv4Header, nextIpId, parseIpv4Datagram } from '../../src/vrrp/ipv4.js';
import { internetChecksum } from '../../src/vrrp/checksum.js';
import * as ka from '../fixtures/packets/keepalived-2.2.7.js';

describe('IPv4 header as keepalived builds it', () => {
  it('reproduces the captured header of the first v2 advert (TOS 0xC0, ID 1, TTL 255, proto 112)', () => {
    const h = buildIpv4Header({ tos: 0xc0, id: 1, ttl: 255, protocol: 112, src: ka.src4, dst: ka.group4 }, 24);
    expect(h).toEqual(ka.v2PassPrio255.subarray(0, 20));
    expect(internetChecksum(h)).toBe(0);
  });
  it('the ID counter counts up per advert and skips 0 on wrap', () => {
    expect(nextIpId(0)).toBe(1);
    expect(nextIpId(6)).toBe(7);
    expect(nextIpId(0xffff)).toBe(1);
  });
  it('parses what it builds', () => {
    const r = parseIpv4Datagram(ka.v3Ipv4Prio0);
    expect(r).toMatchObject({ ok: true, value: { id: 10, ttl: 255, protocol: 112, src: ka.src4, dst: ka.group4 } });
    expect(parseIpv4Datagram(Uint8Array.of(0x46, 0, 0, 20, ...new Array<number>(16).fill(0)))).toEqual({ ok: false, reason: 'bad_ihl' });
  });
});
