import { describe, expect, it } from 'vitest';
import { parseIp } from '../../src/common/ip.js';
import {
  encodeCmsgs, IP_ADD_MEMBERSHIP, IP_HDRINCL, IP_PKTINFO, IP_TTL, IPV6_UNICAST_HOPS, IP_MULTICAST_IF, IP_MULTICAST_LOOP, IP_MULTICAST_TTL, IPPROTO_IP, IPPROTO_IPV6,
  IPV6_CHECKSUM, IPV6_HOPLIMIT, IPV6_JOIN_GROUP, IPV6_MULTICAST_HOPS, IPV6_PKTINFO, IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO,
  ipMreqn, ipv6Mreq, SO_BINDTODEVICE, SOL_SOCKET, sockaddrIn, sockaddrIn6,
} from '../../src/net/inet.js';
import { VrrpSocket, type VrrpDatagram } from '../../src/net/vrrp-socket.js';
import { FakeNative } from '../fakes/native.js';

const ip = (s: string) => parseIp(s)!.bytes;
const int = (v: number) => Uint8Array.from([v & 0xff, (v >> 8) & 0xff, 0, 0]);

describe('VrrpSocket IPv4', () => {
  it('opens a bound TX socket and an RX socket joined to 224.0.0.18 on the interface', () => {
    const n = new FakeNative();
    const vs = VrrpSocket.open({ family: 4, ifindex: 3, ifname: 'eth0', src: ip('10.88.0.1') }, n);
    const [tx, rx] = n.sockets;
    expect([tx!.domain, tx!.type, tx!.protocol]).toEqual([2, 3, 112]);
    expect(tx!.bound).toEqual(sockaddrIn(ip('10.88.0.1')));
    expect(rx!.bound).toBeUndefined(); // a bound raw socket would never see the group
    expect(n.option(tx!.fd, IPPROTO_IP, IP_MULTICAST_TTL)).toEqual(int(255));
    expect(n.option(tx!.fd, IPPROTO_IP, IP_MULTICAST_LOOP)).toEqual(int(0));
    expect(n.option(tx!.fd, IPPROTO_IP, IP_MULTICAST_IF)).toEqual(ipMreqn(new Uint8Array(4), 3));
    expect(n.option(rx!.fd, IPPROTO_IP, IP_ADD_MEMBERSHIP)).toEqual(ipMreqn(ip('224.0.0.18'), 3));
    expect(n.option(rx!.fd, IPPROTO_IP, IP_PKTINFO)).toEqual(int(1));
    expect(n.option(rx!.fd, SOL_SOCKET, SO_BINDTODEVICE)).toEqual(Uint8Array.from([0x65, 0x74, 0x68, 0x30, 0]));
    vs.close();
    expect(n.sockets.every((s) => s.closed)).toBe(true);
  });

  it('sends to the group by default and to a unicast peer on request', () => {
    const n = new FakeNative();
    const vs = VrrpSocket.open({ family: 4, ifindex: 3, ifname: 'eth0' }, n);
    vs.send(Uint8Array.from([1, 2]));
    vs.send(Uint8Array.from([3]), ip('10.88.0.2'));
    expect(n.sent.map((s) => [s.fd, s.to])).toEqual([[n.sockets[0]!.fd, sockaddrIn(ip('224.0.0.18'))], [n.sockets[0]!.fd, sockaddrIn(ip('10.88.0.2'))]]);
    expect(() => vs.send(Uint8Array.from([1]), ip('fe80::1'))).toThrow(RangeError);
  });

  it('delivers source, destination and TTL from the IP header, and drops what is not VRRP', () => {
    const n = new FakeNative();
    const vs = VrrpSocket.open({ family: 4, ifindex: 3, ifname: 'eth0' }, n);
    const got: VrrpDatagram[] = [];
    const drops: string[] = [];
    vs.receive({ onPacket: (d) => got.push(d), onDrop: (r) => drops.push(r) });
    const hdr = (ttl: number, proto: number) => [0x45, 0xc0, 0, 24, 0, 0, 0, 0, ttl, proto, 0, 0, 10, 88, 0, 2, 224, 0, 0, 18];
    const pktinfo = encodeCmsgs([{ level: IPPROTO_IP, type: IP_PKTINFO, data: Uint8Array.from([9, 0, 0, 0, 10, 88, 0, 1, 224, 0, 0, 18]) }]);
    n.deliver(n.sockets[1]!.fd, { data: Uint8Array.from([...hdr(254, 112), 0x21, 51, 100, 0]), control: pktinfo });
    n.deliver(n.sockets[1]!.fd, { data: Uint8Array.from([...hdr(255, 112), 0x21, 51, 100, 0]) });
    n.deliver(n.sockets[1]!.fd, { data: Uint8Array.from([...hdr(255, 6), 0, 0, 0, 0]) });
    n.deliver(n.sockets[1]!.fd, { data: Uint8Array.from([0x45, 0]) });
    expect(got).toEqual([
      { family: 4, src: ip('10.88.0.2'), dst: ip('224.0.0.18'), ifindex: 9, ttl: 254, payload: Uint8Array.from([0x21, 51, 100, 0]) }, // ifindex from IP_PKTINFO
      { family: 4, src: ip('10.88.0.2'), dst: ip('224.0.0.18'), ifindex: 3, ttl: 255, payload: Uint8Array.from([0x21, 51, 100, 0]) }, // no cmsg: the bound interface
    ]);
    expect(drops).toEqual(['IP protocol 6 is not VRRP', '2 bytes, shorter than an IPv4 header']);
  });

  it('closes what it opened when setup fails (e.g. no CAP_NET_RAW for SO_BINDTODEVICE)', () => {
    const n = new FakeNative();
    n.setsockopt = () => { throw Object.assign(new Error('setsockopt: Operation not permitted'), { code: 'EPERM' }); };
    expect(() => VrrpSocket.open({ family: 4, ifindex: 3, ifname: 'eth0' }, n)).toThrow(/not permitted/);
    expect(n.sockets.map((s) => s.closed)).toEqual([true, true]);
  });
});

describe('VrrpSocket IPv6', () => {
  it('sets kernel checksum, hop limits, cmsgs and joins ff02::12', () => {
    const n = new FakeNative();
    VrrpSocket.open({ family: 6, ifindex: 5, ifname: 'veth-a', src: ip('fe80::1') }, n);
    const [tx, rx] = n.sockets;
    expect(tx!.domain).toBe(10);
    expect(tx!.bound).toEqual(sockaddrIn6(ip('fe80::1'), 5));
    expect(n.option(tx!.fd, IPPROTO_IPV6, IPV6_CHECKSUM)).toEqual(int(6));
    expect(n.option(tx!.fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS)).toEqual(int(255));
    expect(n.option(rx!.fd, IPPROTO_IPV6, IPV6_CHECKSUM)).toEqual(int(6));
    expect(n.option(rx!.fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT)).toEqual(int(1));
    expect(n.option(rx!.fd, IPPROTO_IPV6, IPV6_RECVPKTINFO)).toEqual(int(1));
    expect(n.option(rx!.fd, IPPROTO_IPV6, IPV6_JOIN_GROUP)).toEqual(ipv6Mreq(ip('ff02::12'), 5));
  });

  it('scopes multicast and link-local destinations to the interface', () => {
    const n = new FakeNative();
    const vs = VrrpSocket.open({ family: 6, ifindex: 5, ifname: 'veth-a' }, n);
    vs.send(Uint8Array.from([1]));
    vs.send(Uint8Array.from([1]), ip('fd00::2'));
    expect(n.sent.map((s) => s.to)).toEqual([sockaddrIn6(ip('ff02::12'), 5), sockaddrIn6(ip('fd00::2'), 0)]);
  });

  it('takes the hop limit and destination from control messages', () => {
    const n = new FakeNative();
    const vs = VrrpSocket.open({ family: 6, ifindex: 5, ifname: 'veth-a' }, n);
    const got: VrrpDatagram[] = [];
    vs.receive({ onPacket: (d) => got.push(d) });
    const control = encodeCmsgs([
      { level: IPPROTO_IPV6, type: IPV6_HOPLIMIT, data: int(255) },
      { level: IPPROTO_IPV6, type: IPV6_PKTINFO, data: Uint8Array.from([...ip('ff02::12'), 5, 0, 0, 0]) },
    ]);
    n.deliver(n.sockets[1]!.fd, { data: Uint8Array.from([0x31, 51, 100, 1]), from: sockaddrIn6(ip('fe80::2'), 5), control });
    expect(got).toEqual([{ family: 6, src: ip('fe80::2'), dst: ip('ff02::12'), ifindex: 5, ttl: 255, payload: Uint8Array.from([0x31, 51, 100, 1]) }]);
  });
});

describe('VrrpSocket TTL per send (unicast_ttl)', () => {
  const setsOf = (n: FakeNative, level: number, name: number) => n.sockets[0]!.options.filter((o) => o.level === level && o.name === name).length;

  it('IPv4: a unicast TTL goes into IP_TTL, a multicast one into IP_MULTICAST_TTL, each set only when it changes', () => {
    const n = new FakeNative();
    const vs = VrrpSocket.open({ family: 4, ifindex: 3, ifname: 'eth0' }, n);
    const tx = n.sockets[0]!.fd;
    const before = setsOf(n, IPPROTO_IP, IP_TTL);
    vs.send(Uint8Array.from([1]), ip('10.88.0.2'), { ttl: 64 });
    vs.send(Uint8Array.from([1]), ip('10.88.0.3'), { ttl: 64 });
    expect(n.option(tx, IPPROTO_IP, IP_TTL)).toEqual(int(64));
    expect(setsOf(n, IPPROTO_IP, IP_TTL)).toBe(before + 1);
    vs.send(Uint8Array.from([1]), ip('224.0.0.18'), { ttl: 255 });
    expect(n.option(tx, IPPROTO_IP, IP_MULTICAST_TTL)).toEqual(int(255)); // unchanged from open
    expect(n.option(tx, IPPROTO_IP, IP_TTL)).toEqual(int(64));
    vs.send(Uint8Array.from([1]), ip('10.88.0.2'), { ttl: 255 });
    expect(n.option(tx, IPPROTO_IP, IP_TTL)).toEqual(int(255));
  });

  it('IPv6: unicast hop limit in IPV6_UNICAST_HOPS, multicast in IPV6_MULTICAST_HOPS', () => {
    const n = new FakeNative();
    const vs = VrrpSocket.open({ family: 6, ifindex: 5, ifname: 'veth-a' }, n);
    const tx = n.sockets[0]!.fd;
    vs.send(Uint8Array.from([1]), ip('fd00::2'), { ttl: 10 });
    expect(n.option(tx, IPPROTO_IPV6, IPV6_UNICAST_HOPS)).toEqual(int(10));
    expect(n.option(tx, IPPROTO_IPV6, IPV6_MULTICAST_HOPS)).toEqual(int(255));
    vs.send(Uint8Array.from([1]), ip('ff02::12'), { ttl: 20 });
    expect(n.option(tx, IPPROTO_IPV6, IPV6_MULTICAST_HOPS)).toEqual(int(20));
    expect(n.option(tx, IPPROTO_IPV6, IPV6_UNICAST_HOPS)).toEqual(int(10));
  });
});

describe('VrrpSocket shared by several instances on one interface', () => {
  it('sends from the source each instance asks for, over a TX socket bound to it', () => {
    const n = new FakeNative();
    const vs = VrrpSocket.open({ family: 4, ifindex: 3, ifname: 'eth0', src: ip('10.88.0.1') }, n);
    vs.addSource(ip('10.88.0.21'));
    vs.addSource(ip('10.88.0.21')); // once per address
    expect(n.sockets).toHaveLength(3);
    const second = n.sockets[2]!;
    expect(second.bound).toEqual(sockaddrIn(ip('10.88.0.21')));
    expect(n.option(second.fd, SOL_SOCKET, SO_BINDTODEVICE)).toEqual(Uint8Array.from([0x65, 0x74, 0x68, 0x30, 0]));
    vs.send(Uint8Array.from([1]), ip('10.88.0.2'), { src: ip('10.88.0.21') });
    vs.send(Uint8Array.from([2]), ip('224.0.0.18'), { src: ip('10.88.0.1') });
    vs.send(Uint8Array.from([3]));
    expect(n.sent.map((s) => s.fd)).toEqual([second.fd, n.sockets[0]!.fd, n.sockets[0]!.fd]);
    vs.close();
    expect(n.sockets.every((s) => s.closed)).toBe(true);
  });

  it('joins every group asked for, once each; a unicast-only socket joins none', () => {
    const n = new FakeNative();
    const vs = VrrpSocket.open({ family: 4, ifindex: 3, ifname: 'eth0', multicast: false }, n);
    const rx = n.sockets[1]!;
    const joins = () => rx.options.filter((o) => o.level === IPPROTO_IP && o.name === IP_ADD_MEMBERSHIP).map((o) => o.value);
    expect(joins()).toEqual([]);
    vs.joinGroup(ip('224.0.0.18'));
    vs.joinGroup(ip('224.0.0.18'));
    vs.joinGroup(ip('224.0.0.99'));
    expect(joins()).toEqual([ipMreqn(ip('224.0.0.18'), 3), ipMreqn(ip('224.0.0.99'), 3)]);
  });

  it('IPv6: joins with IPV6_JOIN_GROUP and binds an extra link-local source with the interface as scope', () => {
    const n = new FakeNative();
    const vs = VrrpSocket.open({ family: 6, ifindex: 5, ifname: 'veth-a', multicast: false }, n);
    vs.joinGroup(ip('ff02::12'));
    expect(n.option(n.sockets[1]!.fd, IPPROTO_IPV6, IPV6_JOIN_GROUP)).toEqual(ipv6Mreq(ip('ff02::12'), 5));
    vs.addSource(ip('fe80::7'));
    expect(n.sockets[2]!.bound).toEqual(sockaddrIn6(ip('fe80::7'), 5));
    expect(n.option(n.sockets[2]!.fd, IPPROTO_IPV6, IPV6_CHECKSUM)).toEqual(int(6));
  });
});

describe('VrrpSocket with the IPv4 header built by the caller (IP_HDRINCL)', () => {
  it('sets IP_HDRINCL on every TX socket and sends whole datagrams as given, from the socket of their source', () => {
    const n = new FakeNative();
    const vs = VrrpSocket.open({ family: 4, ifindex: 3, ifname: 'eth0', src: ip('10.88.0.1'), headerIncluded: true }, n);
    vs.addSource(ip('10.88.0.21'));
    const [tx, rx, tx2] = n.sockets;
    expect(n.option(tx!.fd, IPPROTO_IP, IP_HDRINCL)).toEqual(int(1));
    expect(n.option(tx2!.fd, IPPROTO_IP, IP_HDRINCL)).toEqual(int(1));
    expect(n.option(rx!.fd, IPPROTO_IP, IP_HDRINCL)).toBeUndefined();
    const datagram = Uint8Array.from([0x45, 0xc0, 0, 24, 0, 7, 0, 0, 9, 112, 0, 0, 10, 88, 0, 21, 10, 88, 0, 2, 0x21, 51, 100, 0]);
    vs.sendDatagram(datagram, ip('10.88.0.2'), ip('10.88.0.21'));
    expect(n.sent).toEqual([expect.objectContaining({ fd: tx2!.fd, data: datagram, to: sockaddrIn(ip('10.88.0.2')) })]);
  });

  it('refuses whole datagrams on a socket that adds its own header', () => {
    const n = new FakeNative();
    const vs = VrrpSocket.open({ family: 4, ifindex: 3, ifname: 'eth0' }, n);
    expect(() => vs.sendDatagram(Uint8Array.from([0x45]), ip('10.88.0.2'))).toThrow(/headerIncluded/);
    expect(n.option(n.sockets[0]!.fd, IPPROTO_IP, IP_HDRINCL)).toBeUndefined();
  });
});
