import { describe, expect, it } from 'vitest';
import { PacketSocket, sockaddrLl } from '../../src/net/packet-socket.js';
import { FakeNative } from '../fakes/native.js';
import { buildGarp } from '../../src/net/arp.js';
import { vrrpVirtualMac } from '../../src/net/frame.js';

describe('PacketSocket', () => {
  it('encodes sockaddr_ll with the protocol in network order', () => {
    expect(sockaddrLl(3, 0x0806, Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toEqual(Uint8Array.from([
      17, 0, //              sll_family AF_PACKET (host order)
      0x08, 0x06, //         sll_protocol ETH_P_ARP (network order)
      3, 0, 0, 0, //         sll_ifindex
      0, 0, //               sll_hatype
      0, //                  sll_pkttype
      6, //                  sll_halen
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, // sll_addr[8]
    ]));
  });

  it('opens a transmit-only AF_PACKET socket and addresses each frame from its header', () => {
    const native = new FakeNative();
    const ps = PacketSocket.open(7, native);
    expect(native.sockets[0]).toMatchObject({ domain: 17, type: 3, protocol: 0 });
    const f = buildGarp({ ip: Uint8Array.from([10, 0, 0, 1]), mac: vrrpVirtualMac(1) });
    ps.send(f.ok ? f.value : new Uint8Array(0));
    const sent = native.sent[0]!;
    expect(sent.data.length).toBe(42);
    expect([...sent.to!.subarray(2, 8)]).toEqual([0x08, 0x06, 7, 0, 0, 0]);
    ps.close();
    expect(native.sockets[0]!.closed).toBe(true);
    expect(() => ps.send(new Uint8Array(4))).toThrow(RangeError);
  });
});
