import { describe, expect, it } from 'vitest';
import { openNetlinkSocket, sockaddrNl } from '../../../src/net/netlink/socket.js';
import { NETLINK_CAP_ACK, NETLINK_EXT_ACK, SOL_NETLINK } from '../../../src/net/netlink/message.js';
import { MONITOR_GROUPS } from '../../../src/net/rtnl.js';
import { FakeNative } from '../../fakes/native.js';

describe('openNetlinkSocket', () => {
  it('encodes sockaddr_nl', () => {
    expect(sockaddrNl(0, 0x111)).toEqual(Uint8Array.from([
      16, 0, //        nl_family AF_NETLINK
      0, 0, //         nl_pad
      0, 0, 0, 0, //   nl_pid 0: the kernel assigns our port id
      0x11, 0x01, 0, 0, // nl_groups RTMGRP_LINK | IPV4_IFADDR | IPV6_IFADDR
    ]));
  });

  it('asks for extended acks and capped errors, binds with the groups, and sends to the kernel', () => {
    const n = new FakeNative();
    const s = openNetlinkSocket(0, { native: n, groups: MONITOR_GROUPS });
    const fd = n.sockets[0]!;
    expect([fd.domain, fd.type, fd.protocol]).toEqual([16, 3, 0]);
    expect(n.option(fd.fd, SOL_NETLINK, NETLINK_EXT_ACK)).toEqual(Uint8Array.from([1, 0, 0, 0]));
    expect(n.option(fd.fd, SOL_NETLINK, NETLINK_CAP_ACK)).toEqual(Uint8Array.from([1, 0, 0, 0]));
    expect(fd.bound).toEqual(sockaddrNl(0, MONITOR_GROUPS));
    s.send(Uint8Array.from([1, 2, 3, 4]));
    expect(n.sent[0]!.to).toEqual(sockaddrNl(0, 0));
    s.close();
    expect(fd.closed).toBe(true);
  });

  it('reports a truncated datagram as EMSGSIZE instead of delivering half a dump', () => {
    const n = new FakeNative();
    const s = openNetlinkSocket(16, { native: n });
    const got: number[] = [];
    const errors: string[] = [];
    s.listen((d) => got.push(d.length), (e) => errors.push((e as Error & { code: string }).code));
    n.deliver(n.sockets[0]!.fd, { data: new Uint8Array(70_000) });
    n.deliver(n.sockets[0]!.fd, { data: new Uint8Array(20) });
    expect(errors).toEqual(['EMSGSIZE']);
    expect(got).toEqual([20]);
  });

  it('closes the fd when setup fails', () => {
    const n = new FakeNative();
    n.bind = () => { throw Object.assign(new Error('bind: EPERM'), { code: 'EPERM' }); };
    expect(() => openNetlinkSocket(0, { native: n, groups: 1 })).toThrow(/EPERM/);
    expect(n.sockets[0]!.closed).toBe(true);
  });
});
