import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIp } from '../../src/common/ip.js';
import {
  encodeCmsgs, ipMreqn, ipv6Mreq, ipv6RecvInfo, parseCmsgs, parseIpv4Datagram,
  parseSockaddr, sockaddrIn, sockaddrIn6,
} from '../../src/net/inet.js';

const ip = (s: string) => parseIp(s)!.bytes;

describe('inet structures', () => {
  it('sockaddr_in and sockaddr_in6', () => {
    expect(sockaddrIn(ip('224.0.0.18'))).toEqual(Uint8Array.from([
      2, 0, //                AF_INET (host order)
      0, 0, //                port (network order; raw sockets use 0)
      224, 0, 0, 18, //       address
      0, 0, 0, 0, 0, 0, 0, 0, // sin_zero
    ]));
    expect(sockaddrIn6(ip('ff02::12'), 3)).toEqual(Uint8Array.from([
      10, 0, //               AF_INET6
      0, 0, //                port
      0, 0, 0, 0, //          flowinfo
      0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, // ff02::12
      3, 0, 0, 0, //          scope_id = ifindex 3
    ]));
    expect(parseSockaddr(sockaddrIn6(ip('fe80::1'), 7))).toEqual({ ok: true, value: { family: 6, addr: ip('fe80::1'), port: 0, scopeId: 7 } });
    expect(parseSockaddr(sockaddrIn(ip('10.0.0.1')))).toEqual({ ok: true, value: { family: 4, addr: ip('10.0.0.1'), port: 0 } });
    expect(parseSockaddr(Uint8Array.from([17, 0, 0]))).toMatchObject({ ok: false });
  });

  it('ip_mreqn and ipv6_mreq', () => {
    expect(ipMreqn(ip('224.0.0.18'), 4)).toEqual(Uint8Array.from([
      224, 0, 0, 18, //   imr_multiaddr
      0, 0, 0, 0, //      imr_address (any)
      4, 0, 0, 0, //      imr_ifindex
    ]));
    expect(ipv6Mreq(ip('ff02::12'), 4)).toEqual(Uint8Array.from([
      0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, // ipv6mr_multiaddr
      4, 0, 0, 0, //      ipv6mr_interface
    ]));
  });

  it('parses IPV6_HOPLIMIT and IPV6_PKTINFO control messages as the kernel lays them out', () => {
    const ctrl = Uint8Array.from([
      20, 0, 0, 0, 0, 0, 0, 0, //  cmsg_len 20 (size_t)
      41, 0, 0, 0, //              cmsg_level IPPROTO_IPV6
      52, 0, 0, 0, //              cmsg_type IPV6_HOPLIMIT
      255, 0, 0, 0, //             int hop limit
      0, 0, 0, 0, //               pad to 8
      36, 0, 0, 0, 0, 0, 0, 0, //  cmsg_len 36
      41, 0, 0, 0, //              IPPROTO_IPV6
      50, 0, 0, 0, //              IPV6_PKTINFO
      0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, // ipi6_addr (destination)
      2, 0, 0, 0, //               ipi6_ifindex
      0, 0, 0, 0, //               pad
    ]);
    const cm = parseCmsgs(ctrl);
    expect(cm.ok && ipv6RecvInfo(cm.value)).toEqual({ hopLimit: 255, dst: ip('ff02::12'), ifindex: 2 });
    expect(encodeCmsgs(cm.ok ? cm.value : [])).toEqual(ctrl);
    expect(parseCmsgs(Uint8Array.from([99, 0, 0, 0, 0, 0, 0, 0, 41, 0, 0, 0, 52, 0, 0, 0]))).toMatchObject({ ok: false });
  });

  it('parses the IPv4 header a raw socket returns', () => {
    const pkt = Uint8Array.from([
      0x45, 0xc0, 0, 28, //  version 4, IHL 5; TOS 0xc0; total length 28
      0, 1, 0, 0, //         id, flags/fragment
      255, 112, 0, 0, //     TTL 255, protocol 112 (VRRP), header checksum
      10, 88, 0, 1, //       source
      224, 0, 0, 18, //      destination
      0x21, 51, 100, 1, 0, 1, 0xaa, 0xbb, // 8 payload bytes
    ]);
    expect(parseIpv4Datagram(pkt)).toEqual({ ok: true, value: {
      src: ip('10.88.0.1'), dst: ip('224.0.0.18'), ttl: 255, protocol: 112, tos: 0xc0, payload: pkt.slice(20),
    } });
    expect(parseIpv4Datagram(Uint8Array.from([0x46, ...new Array<number>(20).fill(0)]))).toMatchObject({ ok: false });
    expect(parseIpv4Datagram(Uint8Array.from([0x65, ...new Array<number>(20).fill(0)]))).toMatchObject({ ok: false });
  });

  it('never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
      expect(typeof parseCmsgs(b).ok).toBe('boolean');
      expect(typeof parseIpv4Datagram(b).ok).toBe('boolean');
      expect(typeof parseSockaddr(b).ok).toBe('boolean');
    }));
    fc.assert(fc.property(fc.array(fc.record({ level: fc.integer({ min: 0, max: 300 }), type: fc.integer({ min: 0, max: 100 }),
      data: fc.uint8Array({ maxLength: 30 }) }), { maxLength: 5 }), (list) => {
      expect(parseCmsgs(encodeCmsgs(list))).toEqual({ ok: true, value: list });
    }));
  });
});

