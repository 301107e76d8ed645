/**
 * Raw protocol-112 sockets for VRRP on one interface. This layer moves VRRP payloads; the VRRP codec
 * (src/vrrp/) encodes and checks them.
 *
 * One unbound RX socket per interface and family, joined to every group an instance needs, and one
 * TX socket per advert source address (a raw socket bound to a unicast address only receives packets
 * addressed to it, so it can never see 224.0.0.18).
 * IPv4: receive includes the IPv4 header, so the TTL is readable; with `headerIncluded` the caller
 * sends whole datagrams (IP_HDRINCL), otherwise the kernel builds the header.
 * IPv6: the kernel never returns the IPv6 header; hop limit and destination come from cmsgs
 * (IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO). IPV6_CHECKSUM 6 makes the kernel fill the VRRP checksum on
 * send and drop bad ones on receive.
 */
import type { Family } from '../common/ip.js';
import { formatIp, parseIp } from '../common/ip.js';
import {
  AF_INET, AF_INET6, IP_ADD_MEMBERSHIP, IP_HDRINCL, IP_MULTICAST_IF, IP_MULTICAST_LOOP, IP_MULTICAST_TTL, IP_TOS, IP_TTL,
  IP_PKTINFO, IPPROTO_IP, IPPROTO_IPV6, ipv4PktinfoIfindex, IPV6_CHECKSUM, IPV6_JOIN_GROUP, IPV6_MULTICAST_HOPS, IPV6_MULTICAST_IF, IPV6_MULTICAST_LOOP,
  IPV6_RECVHOPLIMIT, IPV6_RECVPKTINFO, IPV6_UNICAST_HOPS, ifnameBytes, ipMreqn, ipv6Mreq, ipv6RecvInfo, parseCmsgs,
  parseIpv4Datagram, parseSockaddr, SO_BINDTODEVICE, SO_RCVBUF, SOCK_RAW, SOL_SOCKET, sockaddrIn, sockaddrIn6,
} from './inet.js';
import { defaultNative, type NativeNet } from './native.js';
import type { Received } from './native.js';
import { DatagramSocket } from './socket.js';

export const IPPROTO_VRRP = 112;
export const VRRP_GROUP_V4 = parseIp('224.0.0.18')!.bytes;
export const VRRP_GROUP_V6 = parseIp('ff02::12')!.bytes;
/** VRRP checksum offset inside the VRRP header (for IPV6_CHECKSUM). */
const VRRP_CSUM_OFFSET = 6;
/** keepalived sends adverts with IP precedence 6 (TOS 0xc0, DSCP CS6). */
const TOS_NETWORK_CONTROL = 0xc0;
const RECV_BUF = 65536;
const CONTROL_BUF = 128;
/** The TX socket reads nothing; keep whatever the kernel queues to it small. */
const TX_RCVBUF = 1;

/** One received VRRP packet. TTL (IPv4) / hop limit (IPv6) must be 255 for the codec to accept it. */
export interface VrrpDatagram {
  family: Family;
  src: Uint8Array;
  /** Destination (group or our unicast address); from the IPv4 header or IPV6_PKTINFO. */
  dst?: Uint8Array;
  ifindex: number;
  /** IPv4 TTL or IPv6 hop limit (-1 if the kernel did not report it). */
  ttl: number;
  payload: Uint8Array;
}

export interface VrrpSocketOptions {
  family: Family;
  ifindex: number;
  ifname: string;
  /** Pinned source (IPv4 primary / IPv6 link-local). Without it the kernel picks one. */
  src?: Uint8Array;
  /** Multicast group; default 224.0.0.18 / ff02::12. */
  group?: Uint8Array;
  /** Join the group (off for unicast-only instances). Default true. */
  multicast?: boolean;
  /** TTL / hop limit for sending; default 255 (keepalived unicast_ttl). */
  ttl?: number;
  /** Bind both sockets to the interface (SO_BINDTODEVICE, needs CAP_NET_RAW). Default true. */
  bindToDevice?: boolean;
  /** Our own adverts looped back to local sockets; default false. */
  loop?: boolean;
  /**
   * IPv4: the caller builds the IP header (IP_HDRINCL) and sends with sendDatagram, so ID, TTL and
   * TOS are per packet, as keepalived sends them. Default false.
   */
  headerIncluded?: boolean;
}

export interface VrrpSocketHandlers {
  onPacket: (d: VrrpDatagram) => void;
  /** A packet the IP layer could not make sense of, or a receive error. */
  onDrop?: (reason: string) => void;
}

/** One TX socket, bound to one source address. */
interface TxSocket {
  sock: DatagramSocket;
  /** TTL / hop limit currently set, per kind of destination (setsockopt only on a change). */
  ttlSet: { unicast: number; multicast: number };
}

export interface SendOptions {
  /** TTL / hop limit; default: the one the socket was opened with. */
  ttl?: number | undefined;
  /** Source address (see addSource); default: the `src` the socket was opened with. */
  src?: Uint8Array | undefined;
}

export class VrrpSocket {
  /** TX sockets by source address ('' = opened without a pinned source). */
  private readonly txs = new Map<string, TxSocket>();
  /** Multicast groups the RX socket has joined. */
  private readonly joined = new Set<string>();

  private constructor(
    private readonly rx: DatagramSocket,
    readonly opts: Readonly<VrrpSocketOptions>,
    private readonly native: NativeNet,
    tx: DatagramSocket,
  ) {
    this.txs.set(opts.src ? formatIp(opts.src) : '', newTx(tx, opts));
  }

  /** Opens and configures a TX and the RX socket; closes whatever it opened if any step fails. */
  static open(opts: VrrpSocketOptions, native: NativeNet = defaultNative()): VrrpSocket {
    const opened: DatagramSocket[] = [];
    const open = () => {
      const s = openRaw(opts.family, native);
      opened.push(s);
      return s;
    };
    try {
      const tx = open();
      const rx = open();
      if (opts.family === 4) { setupTxV4(tx, opts, opts.src); setupRxV4(rx, opts); } else { setupTxV6(tx, opts, opts.src); setupRxV6(rx, opts); }
      const vs = new VrrpSocket(rx, opts, native, tx);
      if (opts.multicast !== false) vs.joinGroup(vs.group);
      return vs;
    } catch (err) {
      for (const s of opened) s.close();
      throw err;
    }
  }

  get group(): Uint8Array {
    return this.opts.group ?? (this.opts.family === 4 ? VRRP_GROUP_V4 : VRRP_GROUP_V6);
  }

  /**
   * Opens a TX socket bound to `src` unless there is one. Instances sharing this interface may
   * advertise from different addresses (unicast_src_ip / mcast_src_ip): a raw socket sends from
   * the address it is bound to.
   */
  addSource(src: Uint8Array | undefined): void {
    this.txFor(src);
  }

  /**
   * Joins a multicast group on the interface (idempotent). Every multicast instance sharing this
   * socket needs its group joined, whatever the first instance was: without a join nothing arrives.
   */
  joinGroup(group: Uint8Array): void {
    const key = formatIp(group);
    if (this.joined.has(key)) return;
    if (this.opts.family === 4) this.rx.setOption(IPPROTO_IP, IP_ADD_MEMBERSHIP, ipMreqn(group, this.opts.ifindex));
    else this.rx.setOption(IPPROTO_IPV6, IPV6_JOIN_GROUP, ipv6Mreq(group, this.opts.ifindex));
    this.joined.add(key);
  }

  /**
   * Sends a VRRP payload to the group, or to `dst` (a unicast peer), from `o.src` with TTL / hop
   * limit `o.ttl`. Returns false if the queue is full.
   */
  send(payload: Uint8Array, dst: Uint8Array = this.group, o: SendOptions = {}): boolean {
    const tx = this.txFor(o.src ?? this.opts.src);
    if (this.opts.family === 4) {
      if (dst.length !== 4) throw new RangeError(`VRRP over IPv4 cannot send to ${formatIp(dst)}`);
      if (o.ttl !== undefined) this.useTtl(tx, dst[0]! >= 224 && dst[0]! <= 239, o.ttl);
      return tx.sock.send(payload, sockaddrIn(dst));
    }
    if (dst.length !== 16) throw new RangeError(`VRRP over IPv6 cannot send to ${formatIp(dst)}`);
    if (o.ttl !== undefined) this.useTtl(tx, dst[0] === 0xff, o.ttl);
    // Link-local and multicast destinations need the interface as scope.
    const scoped = dst[0] === 0xff || (dst[0] === 0xfe && (dst[1]! & 0xc0) === 0x80);
    return tx.sock.send(payload, sockaddrIn6(dst, scoped ? this.opts.ifindex : 0));
  }

  /**
   * IPv4 with `headerIncluded`: sends a whole datagram (IPv4 header + VRRP) to `dst` over the TX
   * socket of `src`. The kernel fills in the header checksum and total length only.
   */
  sendDatagram(datagram: Uint8Array, dst: Uint8Array, src: Uint8Array | undefined = this.opts.src): boolean {
    if (this.opts.family !== 4 || !this.opts.headerIncluded) throw new Error('sendDatagram needs an IPv4 VrrpSocket opened with headerIncluded');
    if (dst.length !== 4) throw new RangeError(`VRRP over IPv4 cannot send to ${formatIp(dst)}`);
    return this.txFor(src).sock.send(datagram, sockaddrIn(dst));
  }

  private txFor(src: Uint8Array | undefined): TxSocket {
    const key = src ? formatIp(src) : '';
    let tx = this.txs.get(key);
    if (tx) return tx;
    const sock = openRaw(this.opts.family, this.native);
    try {
      if (this.opts.family === 4) setupTxV4(sock, this.opts, src);
      else setupTxV6(sock, this.opts, src);
    } catch (err) {
      sock.close();
      throw err;
    }
    tx = newTx(sock, this.opts);
    this.txs.set(key, tx);
    return tx;
  }

  /**
   * The kernel keeps separate unicast and multicast TTLs (IP_TTL / IP_MULTICAST_TTL, IPV6_UNICAST_HOPS /
   * IPV6_MULTICAST_HOPS); instances sharing a socket may want different ones (unicast_ttl).
   */
  private useTtl(tx: TxSocket, multicast: boolean, ttl: number): void {
    const kind = multicast ? 'multicast' : 'unicast';
    if (tx.ttlSet[kind] === ttl) return;
    if (this.opts.family === 4) tx.sock.setIntOption(IPPROTO_IP, multicast ? IP_MULTICAST_TTL : IP_TTL, ttl);
    else tx.sock.setIntOption(IPPROTO_IPV6, multicast ? IPV6_MULTICAST_HOPS : IPV6_UNICAST_HOPS, ttl);
    tx.ttlSet[kind] = ttl;
  }

  /** Starts delivering received packets. */
  receive(h: VrrpSocketHandlers): void {
    const drop = (reason: string) => h.onDrop?.(reason);
    this.rx.receive(
      { bufSize: RECV_BUF, controlSize: CONTROL_BUF },
      (r) => {
        const d = this.opts.family === 4 ? decodeV4(r, this.opts.ifindex) : decodeV6(r, this.opts.ifindex);
        if (typeof d === 'string') drop(d);
        else h.onPacket(d);
      },
      (err) => drop(`receive error: ${err.message}`),
    );
  }

  /** Lets the process exit while only this socket is open. */
  unref(): void {
    this.rx.unref();
  }

  close(): void {
    this.rx.close();
    for (const tx of this.txs.values()) tx.sock.close();
    this.txs.clear();
  }
}

function newTx(sock: DatagramSocket, o: VrrpSocketOptions): TxSocket {
  const ttl = o.ttl ?? 255;
  return { sock, ttlSet: { unicast: ttl, multicast: ttl } };
}

const openRaw = (family: Family, native: NativeNet): DatagramSocket =>
  new DatagramSocket(native.socket(family === 4 ? AF_INET : AF_INET6, SOCK_RAW, IPPROTO_VRRP), native);

function setupTxV4(tx: DatagramSocket, o: VrrpSocketOptions, src: Uint8Array | undefined): void {
  const ttl = o.ttl ?? 255;
  if (o.bindToDevice !== false) tx.setOption(SOL_SOCKET, SO_BINDTODEVICE, ifnameBytes(o.ifname));
  tx.setIntOption(SOL_SOCKET, SO_RCVBUF, TX_RCVBUF);
  if (src) tx.bind(sockaddrIn(src));
  tx.setIntOption(IPPROTO_IP, IP_TOS, TOS_NETWORK_CONTROL);
  tx.setIntOption(IPPROTO_IP, IP_TTL, ttl);
  // IP_TTL does not apply to multicast.
  tx.setIntOption(IPPROTO_IP, IP_MULTICAST_TTL, ttl);
  tx.setIntOption(IPPROTO_IP, IP_MULTICAST_LOOP, o.loop ? 1 : 0);
  tx.setOption(IPPROTO_IP, IP_MULTICAST_IF, ipMreqn(new Uint8Array(4), o.ifindex));
  if (o.headerIncluded) tx.setIntOption(IPPROTO_IP, IP_HDRINCL, 1);
}

function setupRxV4(rx: DatagramSocket, o: VrrpSocketOptions): void {
  if (o.bindToDevice !== false) rx.setOption(SOL_SOCKET, SO_BINDTODEVICE, ifnameBytes(o.ifname));
  // The arrival interface per packet, which matters when the socket is not bound to the device.
  rx.setIntOption(IPPROTO_IP, IP_PKTINFO, 1);
  // Groups are joined by joinGroup: required even for the link-local 224.0.0.18.
}

function setupTxV6(tx: DatagramSocket, o: VrrpSocketOptions, src: Uint8Array | undefined): void {
  const hops = o.ttl ?? 255;
  if (o.bindToDevice !== false) tx.setOption(SOL_SOCKET, SO_BINDTODEVICE, ifnameBytes(o.ifname));
  tx.setIntOption(SOL_SOCKET, SO_RCVBUF, TX_RCVBUF);
  if (src) tx.bind(sockaddrIn6(src, src[0] === 0xfe && (src[1]! & 0xc0) === 0x80 ? o.ifindex : 0));
  tx.setIntOption(IPPROTO_IPV6, IPV6_CHECKSUM, VRRP_CSUM_OFFSET);
  tx.setIntOption(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, hops);
  tx.setIntOption(IPPROTO_IPV6, IPV6_UNICAST_HOPS, hops);
  tx.setIntOption(IPPROTO_IPV6, IPV6_MULTICAST_IF, o.ifindex);
  tx.setIntOption(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, o.loop ? 1 : 0);
}

function setupRxV6(rx: DatagramSocket, o: VrrpSocketOptions): void {
  if (o.bindToDevice !== false) rx.setOption(SOL_SOCKET, SO_BINDTODEVICE, ifnameBytes(o.ifname));
  rx.setIntOption(IPPROTO_IPV6, IPV6_CHECKSUM, VRRP_CSUM_OFFSET);
  rx.setIntOption(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
  rx.setIntOption(IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
}

/** IPv4: the datagram starts with the IP header; the interface comes from IP_PKTINFO. */
export function decodeV4(r: Received, ifindex: number): VrrpDatagram | string {
  if (r.truncated) return `datagram of ${r.length} bytes truncated`;
  const ip = parseIpv4Datagram(r.data);
  if (!ip.ok) return ip.reason;
  if (ip.value.protocol !== IPPROTO_VRRP) return `IP protocol ${ip.value.protocol} is not VRRP`;
  const cm = parseCmsgs(r.control);
  const arrived = (cm.ok ? ipv4PktinfoIfindex(cm.value) : undefined) ?? ifindex;
  return { family: 4, src: ip.value.src, dst: ip.value.dst, ifindex: arrived, ttl: ip.value.ttl, payload: ip.value.payload };
}

/** IPv6: payload only; source from the sockaddr, hop limit and destination from cmsgs. */
export function decodeV6(r: Received, ifindex: number): VrrpDatagram | string {
  if (r.truncated) return `datagram of ${r.length} bytes truncated`;
  const from = parseSockaddr(r.from);
  if (!from.ok || from.value.family !== 6) return `bad source address: ${from.ok ? 'not IPv6' : from.reason}`;
  const cm = parseCmsgs(r.control);
  if (!cm.ok) return cm.reason;
  const info = ipv6RecvInfo(cm.value);
  const d: VrrpDatagram = { family: 6, src: from.value.addr, ifindex: info.ifindex ?? ifindex, ttl: info.hopLimit ?? -1, payload: r.data };
  if (info.dst) d.dst = info.dst;
  return d;
}
