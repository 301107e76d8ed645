/**
 * IPv4/IPv6 socket structures as bytes (pure): sockaddr_in/_in6, ip_mreqn, ipv6_mreq, control
 * messages (cmsg) and the IPv4 header that AF_INET raw sockets hand back on receive.
 * Layouts are Linux x86_64/aarch64 (little-endian, 8-byte cmsg alignment).
 */
import { fail, ok, type Result } from '../common/result.js';
import { HOST_LE } from './netlink/message.js';

export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_RAW = 3;
export const SOL_SOCKET = 1;
export const SO_RCVBUF = 8;
export const SO_BINDTODEVICE = 25;

export const IPPROTO_IP = 0;
export const IP_TOS = 1;
export const IP_TTL = 2;
export const IP_HDRINCL = 3;
export const IP_PKTINFO = 8;
export const IP_MULTICAST_IF = 32;
export const IP_MULTICAST_TTL = 33;
export const IP_MULTICAST_LOOP = 34;
export const IP_ADD_MEMBERSHIP = 35;

export const IPPROTO_IPV6 = 41;
export const IPV6_CHECKSUM = 7;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_MULTICAST_IF = 17;
export const IPV6_MULTICAST_HOPS = 18;
export const IPV6_MULTICAST_LOOP = 19;
export const IPV6_JOIN_GROUP = 20;
export const IPV6_RECVPKTINFO = 49;
export const IPV6_PKTINFO = 50;
export const IPV6_RECVHOPLIMIT = 51;
export const IPV6_HOPLIMIT = 52;

/** sockaddr_in (16): u16 family | be16 port | addr[4] | zero[8] */
export function sockaddrIn(addr: Uint8Array, port = 0): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint16(0, AF_INET, HOST_LE);
  v.setUint16(2, port, false);
  b.set(addr.subarray(0, 4), 4);
  return b;
}

/** sockaddr_in6 (28): u16 family | be16 port | u32 flowinfo | addr[16] | u32 scope_id */
export function sockaddrIn6(addr: Uint8Array, scopeId = 0, port = 0): Uint8Array {
  const b = new Uint8Array(28);
  const v = new DataView(b.buffer);
  v.setUint16(0, AF_INET6, HOST_LE);
  v.setUint16(2, port, false);
  b.set(addr.subarray(0, 16), 8);
  v.setUint32(24, scopeId >>> 0, HOST_LE);
  return b;
}

export interface SockAddr { family: 4 | 6; addr: Uint8Array; port: number; scopeId?: number }

export function parseSockaddr(b: Uint8Array): Result<SockAddr> {
  if (b.length < 2) return fail(`sockaddr of ${b.length} bytes`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const fam = v.getUint16(0, HOST_LE);
  if (fam === AF_INET && b.length >= 8) return ok({ family: 4, addr: b.slice(4, 8), port: v.getUint16(2, false) });
  if (fam === AF_INET6 && b.length >= 28) {
    return ok({ family: 6, addr: b.slice(8, 24), port: v.getUint16(2, false), scopeId: v.getUint32(24, HOST_LE) });
  }
  return fail(`sockaddr family ${fam} with ${b.length} bytes is neither sockaddr_in nor sockaddr_in6`);
}

/** struct ip_mreqn (12): multiaddr[4] | local address[4] | int ifindex. Also accepted by IP_MULTICAST_IF. */
export function ipMreqn(group: Uint8Array, ifindex: number, local?: Uint8Array): Uint8Array {
  const b = new Uint8Array(12);
  b.set(group.subarray(0, 4), 0);
  if (local) b.set(local.subarray(0, 4), 4);
  new DataView(b.buffer).setInt32(8, ifindex, HOST_LE);
  return b;
}

/** struct ipv6_mreq (20): multiaddr[16] | int ifindex */
export function ipv6Mreq(group: Uint8Array, ifindex: number): Uint8Array {
  const b = new Uint8Array(20);
  b.set(group.subarray(0, 16), 0);
  new DataView(b.buffer).setInt32(16, ifindex, HOST_LE);
  return b;
}

/** The interface name plus NUL, as SO_BINDTODEVICE wants it. */
export function ifnameBytes(name: string): Uint8Array {
  const s = new TextEncoder().encode(name);
  const b = new Uint8Array(s.length + 1);
  b.set(s);
  return b;
}

export interface Cmsg { level: number; type: number; data: Uint8Array }

const CMSG_HDRLEN = 16; // size_t len | int level | int type
const cmsgAlign = (n: number): number => (n + 7) & ~7;

/** Splits a control buffer into messages. Never throws. */
export function parseCmsgs(b: Uint8Array): Result<Cmsg[]> {
  const out: Cmsg[] = [];
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = 0;
  while (off + CMSG_HDRLEN <= b.length) {
    const len = Number(v.getBigUint64(off, HOST_LE));
    if (len < CMSG_HDRLEN || off + len > b.length) return fail(`cmsg at ${off}: length ${len} invalid for ${b.length - off} bytes`);
    out.push({ level: v.getInt32(off + 8, HOST_LE), type: v.getInt32(off + 12, HOST_LE), data: b.slice(off + CMSG_HDRLEN, off + len) });
    off += cmsgAlign(len);
  }
  return ok(out);
}

/** Builds a control buffer (for tests and for sendmsg-style callers). */
export function encodeCmsgs(list: Cmsg[]): Uint8Array {
  const total = list.reduce((n, c) => n + cmsgAlign(CMSG_HDRLEN + c.data.length), 0);
  const b = new Uint8Array(total);
  const v = new DataView(b.buffer);
  let off = 0;
  for (const c of list) {
    v.setBigUint64(off, BigInt(CMSG_HDRLEN + c.data.length), HOST_LE);
    v.setInt32(off + 8, c.level, HOST_LE);
    v.setInt32(off + 12, c.type, HOST_LE);
    b.set(c.data, off + CMSG_HDRLEN);
    off += cmsgAlign(CMSG_HDRLEN + c.data.length);
  }
  return b;
}

/** IP_PKTINFO (in_pktinfo: int ifindex | spec_dst[4] | addr[4]): the interface a packet arrived on. */
export function ipv4PktinfoIfindex(cmsgs: Cmsg[]): number | undefined {
  for (const c of cmsgs) {
    if (c.level === IPPROTO_IP && c.type === IP_PKTINFO && c.data.length >= 12) {
      return new DataView(c.data.buffer, c.data.byteOffset, c.data.byteLength).getInt32(0, HOST_LE);
    }
  }
  return undefined;
}

export interface Ipv6RecvInfo { hopLimit?: number; dst?: Uint8Array; ifindex?: number }

/** Reads IPV6_HOPLIMIT (int) and IPV6_PKTINFO (in6_pktinfo: addr[16] | int ifindex) from cmsgs. */
export function ipv6RecvInfo(cmsgs: Cmsg[]): Ipv6RecvInfo {
  const out: Ipv6RecvInfo = {};
  for (const c of cmsgs) {
    if (c.level !== IPPROTO_IPV6) continue;
    const v = new DataView(c.data.buffer, c.data.byteOffset, c.data.byteLength);
    if (c.type === IPV6_HOPLIMIT && c.data.length >= 4) out.hopLimit = v.getInt32(0, HOST_LE);
    else if (c.type === IPV6_PKTINFO && c.data.length >= 20) {
      out.dst = c.data.slice(0, 16);
      out.ifindex = v.getInt32(16, HOST_LE);
    }
  }
  return out;
}

export interface Ipv4Datagram { src: Uint8Array; dst: Uint8Array; ttl: number; protocol: number; tos: number; payload: Uint8Array }

/**
 * What an AF_INET raw socket returns: the IPv4 header, then the payload.
 *   ver/IHL | TOS | total length | id | flags/frag | TTL (8) | protocol (9) | checksum | src (12) | dst (16) | options …
 */
export function parseIpv4Datagram(b: Uint8Array): Result<Ipv4Datagram> {
  if (b.length < 20) return fail(`${b.length} bytes, shorter than an IPv4 header`);
  if (b[0]! >> 4 !== 4) return fail(`IP version ${b[0]! >> 4}, expected 4`);
  const ihl = (b[0]! & 0x0f) * 4;
  if (ihl < 20 || ihl > b.length) return fail(`IPv4 header length ${ihl} invalid for ${b.length} bytes`);
  const total = (b[2]! << 8) | b[3]!;
  // The kernel hands the header back as received; trust total length only when it is consistent.
  const end = total >= ihl && total <= b.length ? total : b.length;
  return ok({ src: b.slice(12, 16), dst: b.slice(16, 20), ttl: b[8]!, protocol: b[9]!, tos: b[1]!, payload: b.slice(ihl, end) });
}
