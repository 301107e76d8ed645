/**
 * Unsolicited NA through an AF_INET6/ICMPv6 raw socket: the kernel builds the IPv6 header, picks the
 * source (link-local unless `src` is bound) and fills the ICMPv6 checksum. Use the AF_PACKET path
 * (packet-socket.ts + buildNaFrame) when the Ethernet source must be the VRRP virtual MAC or the IPv6
 * source must be the VIP.
 */
import {
  AF_INET6, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, IPV6_MULTICAST_IF, IPV6_MULTICAST_LOOP, IPV6_UNICAST_HOPS, ifnameBytes,
  SO_BINDTODEVICE, SO_RCVBUF, SOCK_RAW, SOL_SOCKET, sockaddrIn6,
} from './inet.js';
import { defaultNative, type NativeNet } from './native.js';
import { ALL_NODES, buildNaMessage, IPPROTO_ICMPV6, type NaOptions } from './ndisc.js';
import { DatagramSocket } from './socket.js';

export interface NdiscSocketOptions {
  ifindex: number;
  ifname: string;
  /** Source to bind; by default the kernel picks the interface's link-local address. */
  src?: Uint8Array;
}

export class NdiscSocket {
  private constructor(private readonly sock: DatagramSocket, readonly opts: NdiscSocketOptions) {}

  /** Needs CAP_NET_RAW. */
  static open(opts: NdiscSocketOptions, native: NativeNet = defaultNative()): NdiscSocket {
    const sock = new DatagramSocket(native.socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6), native);
    try {
      sock.setIntOption(SOL_SOCKET, SO_RCVBUF, 1); // send only
      sock.setOption(SOL_SOCKET, SO_BINDTODEVICE, ifnameBytes(opts.ifname));
      if (opts.src) sock.bind(sockaddrIn6(opts.src, opts.src[0] === 0xfe ? opts.ifindex : 0));
      // RFC 4861 §7.1.2: receivers drop neighbour discovery with a hop limit other than 255.
      sock.setIntOption(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255);
      sock.setIntOption(IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255);
      sock.setIntOption(IPPROTO_IPV6, IPV6_MULTICAST_IF, opts.ifindex);
      sock.setIntOption(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
    } catch (err) {
      sock.close();
      throw err;
    }
    return new NdiscSocket(sock, opts);
  }

  /** Sends `count` unsolicited NAs to ff02::1 (or `dst`). */
  sendNa(o: Omit<NaOptions, 'src' | 'dst'>, count = 1, dst: Uint8Array = ALL_NODES): void {
    const msg = buildNaMessage({ ...o, dst, ...(this.opts.src ? { src: this.opts.src } : {}) });
    if (!msg.ok) throw new RangeError(`neighbour advertisement: ${msg.reason}`);
    const to = sockaddrIn6(dst, dst[0] === 0xff || dst[0] === 0xfe ? this.opts.ifindex : 0);
    for (let i = 0; i < count; i++) this.sock.send(msg.value, to);
  }

  close(): void {
    this.sock.close();
  }
}
