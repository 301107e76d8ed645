/**
 * rtnetlink link and address messages (pure). Constants mirror <linux/rtnetlink.h>, <linux/if_link.h>
 * and <linux/if_addr.h> in kernel order.
 *
 *   ifinfomsg (16): u8 family | u8 pad | u16 type (ARPHRD_*) | i32 index | u32 flags (IFF_*) | u32 change
 *   ifaddrmsg  (8): u8 family | u8 prefixlen | u8 flags (low IFA_F_*) | u8 scope | u32 index
 */
import type { Family } from '../common/ip.js';
import { fail, ok, type Result } from '../common/result.js';
import { AttrDecoder, AttrEncoder } from './netlink/attr.js';
import { HOST_LE } from './netlink/message.js';

export const NETLINK_ROUTE = 0;

export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_GETADDR = 22;

export const RTMGRP_LINK = 0x1;
export const RTMGRP_IPV4_IFADDR = 0x10;
export const RTMGRP_IPV6_IFADDR = 0x100;

export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;

export const IFLA_ADDRESS = 1;
export const IFLA_BROADCAST = 2;
export const IFLA_IFNAME = 3;
export const IFLA_MTU = 4;
export const IFLA_LINK = 5;
export const IFLA_MASTER = 10;
export const IFLA_OPERSTATE = 16;
export const IFLA_LINKINFO = 18;
export const IFLA_INFO_KIND = 1;

export const IFF_UP = 0x1;
export const IFF_BROADCAST = 0x2;
export const IFF_LOOPBACK = 0x8;
export const IFF_POINTOPOINT = 0x10;
export const IFF_RUNNING = 0x40;
export const IFF_NOARP = 0x80;
export const IFF_MULTICAST = 0x1000;
export const IFF_LOWER_UP = 0x10000;

/** RFC 2863 operational states (IF_OPER_*), as `ip link` prints them. */
export const OPER_STATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'] as const;
export type OperState = (typeof OPER_STATES)[number];

export const IFA_ADDRESS = 1;
export const IFA_LOCAL = 2;
export const IFA_LABEL = 3;
export const IFA_BROADCAST = 4;
export const IFA_CACHEINFO = 6;
export const IFA_FLAGS = 8;

export const IFA_F_SECONDARY = 0x01;
export const IFA_F_NODAD = 0x02;
export const IFA_F_DADFAILED = 0x08;
export const IFA_F_DEPRECATED = 0x20;
export const IFA_F_TENTATIVE = 0x40;
export const IFA_F_PERMANENT = 0x80;
export const IFA_F_NOPREFIXROUTE = 0x200;

export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_SITE = 200;
export const RT_SCOPE_LINK = 253;
export const RT_SCOPE_HOST = 254;
export const RT_SCOPE_NOWHERE = 255;

/** keepalived/iproute2 scope names. */
export const SCOPE_NAMES: Record<string, number> = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 };

export const INFINITY_LIFE_TIME = 0xffffffff;

export interface Link {
  index: number;
  name: string;
  /** ARPHRD_* (1 = Ethernet, 772 = loopback). */
  hwType: number;
  /** Hardware address (6 bytes on Ethernet); absent on some tunnels. */
  mac?: Uint8Array;
  mtu: number;
  /** IFF_* bits. */
  flags: number;
  operstate: OperState;
  /** Index of the bridge/bond this link is enslaved to. */
  master?: number;
  /** IFLA_INFO_KIND ('veth', 'macvlan', 'bridge', …). */
  kind?: string;
}

export interface Addr {
  family: Family;
  index: number;
  /** The interface address (IFA_LOCAL on IPv4, IFA_ADDRESS on IPv6). */
  address: Uint8Array;
  prefix: number;
  /** Peer address on point-to-point links. */
  peer?: Uint8Array;
  broadcast?: Uint8Array;
  label?: string;
  scope: number;
  /** Full IFA_F_* set (IFA_FLAGS when present, else ifa_flags). */
  flags: number;
}

export interface AddrSpec {
  index: number;
  address: Uint8Array;
  prefix: number;
  peer?: Uint8Array;
  broadcast?: Uint8Array;
  label?: string;
  scope?: number;
  /** IFA_F_* to set, e.g. IFA_F_NODAD for IPv6 VIPs, IFA_F_NOPREFIXROUTE. */
  flags?: number;
  /** Seconds; 0 marks the address deprecated (keepalived's preferred_lft 0). */
  preferredLft?: number;
  validLft?: number;
}

const familyOf = (bytes: Uint8Array): Family | undefined => (bytes.length === 4 ? 4 : bytes.length === 16 ? 6 : undefined);
export const afOf = (f: Family): number => (f === 4 ? AF_INET : AF_INET6);

export function encodeIfinfo(family: number, index: number, flags = 0, change = 0): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  b[0] = family;
  v.setInt32(4, index, HOST_LE);
  v.setUint32(8, flags >>> 0, HOST_LE);
  v.setUint32(12, change >>> 0, HOST_LE);
  return b;
}

/** RTM_GETLINK for one link by name (the kernel answers ENODEV when it does not exist). */
export function encodeGetLinkByName(name: string): Uint8Array {
  return concat(encodeIfinfo(AF_UNSPEC, 0), new AttrEncoder().cstring(IFLA_IFNAME, name).encode());
}

export function decodeLink(payload: Uint8Array): Result<Link> {
  if (payload.length < 16) return fail(`ifinfomsg needs 16 bytes, got ${payload.length}`);
  const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const link: Link = {
    index: v.getInt32(4, HOST_LE),
    hwType: v.getUint16(2, HOST_LE),
    flags: v.getUint32(8, HOST_LE),
    name: '',
    mtu: 0,
    operstate: 'UNKNOWN',
  };
  const d = new AttrDecoder(payload.subarray(16));
  while (d.next()) {
    switch (d.type) {
      case IFLA_IFNAME: link.name = d.string(); break;
      case IFLA_ADDRESS: link.mac = d.bytes(); break;
      case IFLA_MTU: link.mtu = d.u32(); break;
      case IFLA_MASTER: link.master = d.u32(); break;
      case IFLA_OPERSTATE: link.operstate = OPER_STATES[d.u8()] ?? 'UNKNOWN'; break;
      case IFLA_LINKINFO:
        d.nested((i) => { while (i.next()) if (i.type === IFLA_INFO_KIND) link.kind = i.string(); });
        break;
    }
  }
  const e = d.err();
  return e === undefined ? ok(link) : fail(`link ${link.index}: ${e}`);
}

export function encodeIfaddr(family: number, prefix: number, flags: number, scope: number, index: number): Uint8Array {
  const b = new Uint8Array(8);
  b[0] = family;
  b[1] = prefix;
  b[2] = flags & 0xff;
  b[3] = scope;
  new DataView(b.buffer).setUint32(4, index >>> 0, HOST_LE);
  return b;
}

/** Body of RTM_NEWADDR / RTM_DELADDR for one address. */
export function encodeAddr(spec: AddrSpec): Result<Uint8Array> {
  const fam = familyOf(spec.address);
  if (!fam) return fail(`address must be 4 or 16 bytes, got ${spec.address.length}`);
  if (spec.prefix < 0 || spec.prefix > (fam === 4 ? 32 : 128)) return fail(`prefix /${spec.prefix} out of range for IPv${fam}`);
  for (const [what, a] of [['peer', spec.peer], ['broadcast', spec.broadcast]] as const) {
    if (a && a.length !== spec.address.length) return fail(`${what} is not an IPv${fam} address`);
  }
  const flags = spec.flags ?? 0;
  const attrs = new AttrEncoder();
  if (fam === 4) {
    // IFA_LOCAL is the interface address; IFA_ADDRESS is the peer (same as local when there is none).
    attrs.bytes(IFA_LOCAL, spec.address).bytes(IFA_ADDRESS, spec.peer ?? spec.address);
    if (spec.broadcast) attrs.bytes(IFA_BROADCAST, spec.broadcast);
  } else {
    if (spec.peer) attrs.bytes(IFA_LOCAL, spec.address).bytes(IFA_ADDRESS, spec.peer);
    else attrs.bytes(IFA_ADDRESS, spec.address);
  }
  if (spec.label !== undefined) attrs.cstring(IFA_LABEL, spec.label);
  if (flags) attrs.u32(IFA_FLAGS, flags);
  if (spec.preferredLft !== undefined || spec.validLft !== undefined) {
    // struct ifa_cacheinfo { u32 ifa_prefered; u32 ifa_valid; u32 cstamp; u32 tstamp }
    const ci = new Uint8Array(16);
    const v = new DataView(ci.buffer);
    v.setUint32(0, spec.preferredLft ?? INFINITY_LIFE_TIME, HOST_LE);
    v.setUint32(4, spec.validLft ?? INFINITY_LIFE_TIME, HOST_LE);
    attrs.bytes(IFA_CACHEINFO, ci);
  }
  const scope = spec.scope ?? RT_SCOPE_UNIVERSE;
  return ok(concat(encodeIfaddr(afOf(fam), spec.prefix, flags, scope, spec.index), attrs.encode()));
}

export function decodeAddr(payload: Uint8Array): Result<Addr> {
  if (payload.length < 8) return fail(`ifaddrmsg needs 8 bytes, got ${payload.length}`);
  const af = payload[0]!;
  const family: Family | undefined = af === AF_INET ? 4 : af === AF_INET6 ? 6 : undefined;
  if (!family) return fail(`address family ${af} is neither AF_INET nor AF_INET6`);
  const index = new DataView(payload.buffer, payload.byteOffset, 8).getUint32(4, HOST_LE);
  let local: Uint8Array | undefined;
  let address: Uint8Array | undefined;
  const out: Omit<Addr, 'address'> = { family, index, prefix: payload[1]!, flags: payload[2]!, scope: payload[3]! };
  const d = new AttrDecoder(payload.subarray(8));
  const size = family === 4 ? 4 : 16;
  const ip = (): Uint8Array | undefined => {
    if (d.length === size) return d.bytes();
    d.fail(`attribute ${d.type}: ${d.length} bytes is not an IPv${family} address`);
    return undefined;
  };
  while (d.next()) {
    switch (d.type) {
      case IFA_ADDRESS: address = ip(); break;
      case IFA_LOCAL: local = ip(); break;
      case IFA_BROADCAST: { const b = ip(); if (b) out.broadcast = b; break; }
      case IFA_LABEL: out.label = d.string(); break;
      case IFA_FLAGS: out.flags = d.u32(); break;
    }
  }
  const e = d.err();
  if (e !== undefined) return fail(e);
  const mine = local ?? address;
  if (!mine) return fail('address message without IFA_ADDRESS or IFA_LOCAL');
  if (local && address && !sameBytes(local, address)) out.peer = address;
  return ok({ ...out, address: mine });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
