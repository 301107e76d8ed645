import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIPv6 } from '../../src/common/ip.js';
import { vrrpVirtualMac } from '../../src/net/frame.js';
import { buildNaFrame, buildNaMessage, ipv6MulticastMac, parseNaFrame, sendUnsolicitedNa } from '../../src/net/ndisc.js';
import { CaptureFrames } from '../fakes/packet-socket.js';

const target = parseIPv6('fd00:88::100')!;
const vmac = vrrpVirtualMac(51, 6); // 00:00:5e:00:02:33

const naFrame = Uint8Array.from([
  0x33, 0x33, 0x00, 0x00, 0x00, 0x01, // Ethernet destination: 33:33 + low 32 bits of ff02::1
  0x00, 0x00, 0x5e, 0x00, 0x02, 0x33, // Ethernet source: IPv6 VRRP virtual MAC, VRID 51
  0x86, 0xdd, //                         EtherType IPv6
  0x60, 0x00, 0x00, 0x00, //             version 6, traffic class 0, flow label 0
  0x00, 0x20, //                         payload length 32
  58, //                                 next header ICMPv6
  255, //                                hop limit 255 (RFC 4861 §7.1.2: receivers drop anything else)
  0xfd, 0, 0, 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, // source = the VIP (keepalived)
  0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, //   destination ff02::1 (all nodes)
  136, //                                ICMPv6 type: neighbour advertisement
  0, //                                  code
  0xf9, 0x5a, //                         checksum over the pseudo-header (computed independently)
  0x20, 0, 0, 0, //                      flags: Override (R=0, S=0), reserved
  0xfd, 0, 0, 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, // target address
  2, //                                  option: target link-layer address
  1, //                                  option length in units of 8 bytes
  0x00, 0x00, 0x5e, 0x00, 0x02, 0x33, // the MAC to bind the target to
]);

describe('unsolicited neighbour advertisement', () => {
  it('builds the whole frame byte for byte', () => {
    expect(buildNaFrame({ target, mac: vmac })).toEqual({ ok: true, value: naFrame });
  });

  it('sets the router flag on request and the override flag by default', () => {
    const r = buildNaMessage({ target, mac: vmac, router: true });
    expect(r.ok && r.value[4]).toBe(0xa0);
    const n = buildNaMessage({ target, mac: vmac, override: false });
    expect(n.ok && n.value[4]).toBe(0x00);
  });

  it('parses the frame, verifying the checksum', () => {
    expect(parseNaFrame(naFrame)).toEqual({ ok: true, value: {
      ethDst: ipv6MulticastMac(parseIPv6('ff02::1')!), ethSrc: vmac, src: target, dst: parseIPv6('ff02::1')!, hopLimit: 255,
      router: false, solicited: false, override: true, target, targetMac: vmac, checksumOk: true,
    } });
    const bad = naFrame.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
    expect(parseNaFrame(bad)).toMatchObject({ ok: true, value: { checksumOk: false } });
    expect(parseNaFrame(naFrame.subarray(0, 70))).toMatchObject({ ok: false });
  });

  it('rejects bad inputs', () => {
    expect(buildNaFrame({ target: Uint8Array.from([1, 2, 3, 4]), mac: vmac })).toMatchObject({ ok: false, reason: 'target must be an IPv6 address' });
    expect(buildNaFrame({ target, mac: new Uint8Array(8) })).toMatchObject({ ok: false, reason: 'mac must be 6 bytes' });
  });

  it('round-trips any target/source/MAC with a valid checksum; the parser never throws', () => {
    const v6 = fc.uint8Array({ minLength: 16, maxLength: 16 });
    fc.assert(fc.property(v6, v6, fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.boolean(), (t, src, mac, router) => {
      const f = buildNaFrame({ target: t, src, mac, router });
      expect(f.ok && parseNaFrame(f.value)).toMatchObject({ ok: true, value: { target: t, src, targetMac: mac, router, override: true, checksumOk: true, hopLimit: 255 } });
    }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
      const withHdr = b.length > 74 ? Uint8Array.from([...naFrame.subarray(0, 54), ...b]) : b;
      expect(typeof parseNaFrame(withHdr).ok).toBe('boolean');
    }));
  });

  it('sends count copies', () => {
    const out = new CaptureFrames();
    sendUnsolicitedNa(out, { target, mac: vmac }, 2);
    expect(out.frames).toEqual([naFrame, naFrame]);
  });
});

describe('NdiscSocket (ICMPv6 raw socket)', () => {
  it('sets hop limit 255 and the interface, and sends the NA message to ff02::1 scoped to it', async () => {
    const { NdiscSocket } = await import('../../src/net/ndisc-socket.js');
    const { FakeNative } = await import('../fakes/native.js');
    const { IPPROTO_IPV6, IPV6_MULTICAST_HOPS, IPV6_MULTICAST_IF, sockaddrIn6 } = await import('../../src/net/inet.js');
    const n = new FakeNative();
    const s = NdiscSocket.open({ ifindex: 4, ifname: 'eth0' }, n);
    expect(n.sockets[0]).toMatchObject({ domain: 10, type: 3, protocol: 58 });
    expect(n.option(n.sockets[0]!.fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS)).toEqual(Uint8Array.from([255, 0, 0, 0]));
    expect(n.option(n.sockets[0]!.fd, IPPROTO_IPV6, IPV6_MULTICAST_IF)).toEqual(Uint8Array.from([4, 0, 0, 0]));
    s.sendNa({ target, mac: vmac }, 2);
    expect(n.sent).toHaveLength(2);
    expect(n.sent[0]!.to).toEqual(sockaddrIn6(parseIPv6('ff02::1')!, 4));
    // The ICMPv6 part of the golden frame (the kernel recomputes the checksum for the real source anyway).
    expect(n.sent[0]!.data).toEqual(naFrame.subarray(54));
    s.close();
    expect(n.sockets[0]!.closed).toBe(true);
  });
});
