import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AttrEncoder } from '../../src/net/netlink/attr.js';
import {
  concat, decodeAddr, decodeLink, encodeAddr, encodeGetLinkByName, encodeIfinfo, IFA_F_NODAD,
  IFLA_ADDRESS, IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MTU, IFLA_OPERSTATE, RT_SCOPE_LINK,
} from '../../src/net/rtnl-codec.js';

const ip4 = (...b: number[]) => Uint8Array.from(b);
const fd00_88__100 = Uint8Array.from([0xfd, 0, 0, 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);

describe('rtnl codec: addresses', () => {
  it('encodes an IPv4 VIP with IFA_LOCAL = IFA_ADDRESS, broadcast and label', () => {
    const got = encodeAddr({ index: 3, address: ip4(10, 88, 0, 100), prefix: 24, broadcast: ip4(10, 88, 0, 255), label: 'eth0:1' });
    expect(got).toEqual({ ok: true, value: Uint8Array.from([
      2, //                    ifa_family AF_INET
      24, //                   ifa_prefixlen
      0, //                    ifa_flags
      0, //                    ifa_scope RT_SCOPE_UNIVERSE
      3, 0, 0, 0, //           ifa_index 3
      8, 0, 2, 0, 10, 88, 0, 100, //     IFA_LOCAL 10.88.0.100
      8, 0, 1, 0, 10, 88, 0, 100, //     IFA_ADDRESS 10.88.0.100 (no peer)
      8, 0, 4, 0, 10, 88, 0, 255, //     IFA_BROADCAST 10.88.0.255
      11, 0, 3, 0, 0x65, 0x74, 0x68, 0x30, 0x3a, 0x31, 0, 0, // IFA_LABEL "eth0:1\0" + pad
    ]) });
  });

  it('encodes an IPv6 VIP with IFA_F_NODAD in ifa_flags and IFA_FLAGS, and scope link', () => {
    const got = encodeAddr({ index: 2, address: fd00_88__100, prefix: 64, flags: IFA_F_NODAD, scope: RT_SCOPE_LINK });
    expect(got).toEqual({ ok: true, value: Uint8Array.from([
      10, 64, 2, 253, //        AF_INET6, /64, IFA_F_NODAD, RT_SCOPE_LINK
      2, 0, 0, 0, //            ifa_index 2
      20, 0, 1, 0, ...fd00_88__100, //   IFA_ADDRESS fd00:88::100 (IPv6 has no IFA_LOCAL without a peer)
      8, 0, 8, 0, 2, 0, 0, 0, //         IFA_FLAGS = NODAD (u32, carries flags above 0xff too)
    ]) });
  });

  it('encodes lifetimes as ifa_cacheinfo and validates inputs', () => {
    const got = encodeAddr({ index: 1, address: ip4(1, 2, 3, 4), prefix: 32, preferredLft: 0 });
    expect(got.ok && [...got.value.subarray(24)]).toEqual([
      20, 0, 6, 0, //          IFA_CACHEINFO
      0, 0, 0, 0, //           ifa_prefered 0 (deprecated, keepalived preferred_lft 0)
      0xff, 0xff, 0xff, 0xff, // ifa_valid forever
      0, 0, 0, 0, 0, 0, 0, 0, // cstamp, tstamp
    ]);
    expect(encodeAddr({ index: 1, address: ip4(1, 2, 3), prefix: 8 })).toMatchObject({ ok: false });
    expect(encodeAddr({ index: 1, address: ip4(1, 2, 3, 4), prefix: 33 })).toMatchObject({ ok: false });
    expect(encodeAddr({ index: 1, address: ip4(1, 2, 3, 4), prefix: 8, broadcast: fd00_88__100 })).toMatchObject({ ok: false });
  });

  it('decodes a kernel address message, preferring IFA_FLAGS and reporting a peer', () => {
    const msg = concat(
      Uint8Array.from([2, 32, 0x80, 0, 5, 0, 0, 0]), // AF_INET /32 PERMANENT scope 0 ifindex 5
      new AttrEncoder().bytes(1, ip4(10, 0, 0, 2)).bytes(2, ip4(10, 0, 0, 1)).cstring(3, 'ppp0').u32(8, 0x280).encode(),
    );
    expect(decodeAddr(msg)).toEqual({ ok: true, value: {
      family: 4, index: 5, prefix: 32, scope: 0, flags: 0x280, label: 'ppp0', address: ip4(10, 0, 0, 1), peer: ip4(10, 0, 0, 2),
    } });
  });

  it('round-trips any address spec through encode/decode', () => {
    const v4 = fc.record({ address: fc.uint8Array({ minLength: 4, maxLength: 4 }), prefix: fc.integer({ min: 0, max: 32 }) });
    const v6 = fc.record({ address: fc.uint8Array({ minLength: 16, maxLength: 16 }), prefix: fc.integer({ min: 0, max: 128 }) });
    fc.assert(fc.property(fc.oneof(v4, v6), fc.integer({ min: 1, max: 1 << 30 }), fc.integer({ min: 0, max: 0x3ff }),
      fc.option(fc.stringMatching(/^[a-z0-9:]{1,15}$/), { nil: undefined }), (a, index, flags, label) => {
        const enc = encodeAddr({ ...a, index, flags, ...(label ? { label } : {}) });
        expect(enc.ok).toBe(true);
        const dec = decodeAddr(enc.ok ? enc.value : new Uint8Array(0));
        expect(dec).toEqual({ ok: true, value: {
          family: a.address.length === 4 ? 4 : 6, index, prefix: a.prefix, scope: 0, flags: flags ? flags : 0,
          address: a.address, ...(label ? { label } : {}),
        } });
      }));
  });

  it('never throws on random bytes and explains rejections', () => {
    expect(decodeAddr(Uint8Array.from([7, 0, 0, 0, 0, 0, 0, 0]))).toEqual({ ok: false, reason: expect.stringMatching(/family 7/) });
    expect(decodeAddr(Uint8Array.from([2, 0, 0, 0, 0, 0, 0, 0]))).toEqual({ ok: false, reason: expect.stringMatching(/without IFA_ADDRESS/) });
    expect(decodeAddr(concat(Uint8Array.from([2, 0, 0, 0, 0, 0, 0, 0]), new AttrEncoder().bytes(1, fd00_88__100).encode())))
      .toEqual({ ok: false, reason: expect.stringMatching(/not an IPv4 address/) });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), fc.constantFrom(2, 10), (b, af) => {
      const buf = b.length ? Uint8Array.from([af, ...b.subarray(1)]) : b;
      expect(typeof decodeAddr(buf).ok).toBe('boolean');
      expect(typeof decodeLink(buf).ok).toBe('boolean');
    }));
  });
});

describe('rtnl codec: links', () => {
  it('encodes ifinfomsg and a get-by-name request', () => {
    expect(encodeGetLinkByName('eth0')).toEqual(Uint8Array.from([
      0, 0, 0, 0, //          family AF_UNSPEC, pad, type 0
      0, 0, 0, 0, //          index 0 (look up by name)
      0, 0, 0, 0, //          flags
      0, 0, 0, 0, //          change
      9, 0, 3, 0, 0x65, 0x74, 0x68, 0x30, 0, 0, 0, 0, // IFLA_IFNAME "eth0\0" + pad
    ]));
    expect(encodeIfinfo(0, 7, 1, 1)).toEqual(Uint8Array.from([0, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]));
  });

  it('decodes name, MAC, MTU, flags, operstate and kind', () => {
    const msg = concat(
      Uint8Array.from([0, 0, 1, 0, 4, 0, 0, 0, 0x43, 0x10, 0x01, 0, 0, 0, 0, 0]), // ARPHRD_ETHER, index 4, UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP
      new AttrEncoder()
        .cstring(IFLA_IFNAME, 'veth-a')
        .bytes(IFLA_ADDRESS, Uint8Array.from([0x02, 0, 0x5e, 0, 1, 0x33]))
        .u32(IFLA_MTU, 1500)
        .u8(IFLA_OPERSTATE, 6)
        .nested(IFLA_LINKINFO, (n) => n.cstring(IFLA_INFO_KIND, 'veth'))
        .encode(),
    );
    expect(decodeLink(msg)).toEqual({ ok: true, value: {
      index: 4, name: 'veth-a', hwType: 1, flags: 0x11043, mtu: 1500, operstate: 'UP', kind: 'veth',
      mac: Uint8Array.from([0x02, 0, 0x5e, 0, 1, 0x33]),
    } });
    expect(decodeLink(new Uint8Array(10))).toMatchObject({ ok: false });
    expect(decodeLink(concat(new Uint8Array(16), Uint8Array.from([5, 0, 4, 0, 1])))).toMatchObject({ ok: false });
  });
});
