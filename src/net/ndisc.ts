/**
 * IPv6 unsolicited Neighbour Advertisements (RFC 4861 §4.4, §7.2.6), pure. Built as a whole Ethernet
 * frame so the IPv6 source can be the VIP and the Ethernet source the VRRP virtual MAC, with the
 * ICMPv6 checksum over the pseudo-header computed here.
 *
 *   Ethernet (14) | IPv6 (40): ver/tc/flow, payload len, next hdr 58, hop limit 255, src, dst
 *   ICMPv6 NA (24): type 136 | code 0 | checksum | R S O flags + 29 reserved bits | target[16]
 *   Option (8): type 2 (target link-layer address) | length 1 (×8 bytes) | MAC[6]
 */
import { fail, ok, type Result } from '../common/result.js';
import { ETH_HLEN, ETH_P_IPV6, ethHeader, type FrameSender } from './frame.js';

export const IPPROTO_ICMPV6 = 58;
export const ND_NEIGHBOR_ADVERT = 136;
export const NA_FLAG_ROUTER = 0x80;
export const NA_FLAG_SOLICITED = 0x40;
export const NA_FLAG_OVERRIDE = 0x20;
export const ND_OPT_TARGET_LINKADDR = 2;
export const IPV6_HLEN = 40;
export const NA_LEN = 32; // 24-byte message + 8-byte target link-layer option
export const NA_FRAME_LEN = ETH_HLEN + IPV6_HLEN + NA_LEN;
/** ff02::1, all nodes. */
export const ALL_NODES = Uint8Array.from([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

/** 33:33 + the low 32 bits of the group (RFC 2464 §7). */
export function ipv6MulticastMac(group: Uint8Array): Uint8Array {
  return Uint8Array.from([0x33, 0x33, group[12]!, group[13]!, group[14]!, group[15]!]);
}

export interface NaOptions {
  /** The address being announced. */
  target: Uint8Array;
  /** Target link-layer address option and Ethernet source (interface MAC or VRRP virtual MAC). */
  mac: Uint8Array;
  /** IPv6 source; keepalived uses the VIP itself. Default: the target. */
  src?: Uint8Array;
  /** Default ff02::1. */
  dst?: Uint8Array;
  /** Set when the interface forwards IPv6 (keepalived checks forwarding). */
  router?: boolean;
  /** Override flag; default true (the point of an unsolicited NA is to replace cached entries). */
  override?: boolean;
}

/** RFC 1071 one's-complement sum, folded; `init` lets a pseudo-header be summed first. */
export function onesComplementSum(b: Uint8Array, init = 0): number {
  let sum = init;
  for (let i = 0; i + 1 < b.length; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (b.length & 1) sum += b[b.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** ICMPv6 checksum over the IPv6 pseudo-header (src, dst, length, next header 58) and the message. */
export function icmpv6Checksum(src: Uint8Array, dst: Uint8Array, msg: Uint8Array): number {
  const pseudo = new Uint8Array(40);
  pseudo.set(src, 0);
  pseudo.set(dst, 16);
  new DataView(pseudo.buffer).setUint32(32, msg.length);
  pseudo[39] = IPPROTO_ICMPV6;
  const sum = onesComplementSum(msg, onesComplementSum(pseudo));
  return ~sum & 0xffff;
}

/** The ICMPv6 NA message with its checksum (for an AF_INET6 raw socket the kernel would fill it). */
export function buildNaMessage(o: NaOptions): Result<Uint8Array> {
  if (o.target.length !== 16) return fail('target must be an IPv6 address');
  if (o.mac.length !== 6) return fail('mac must be 6 bytes');
  const src = o.src ?? o.target;
  const dst = o.dst ?? ALL_NODES;
  if (src.length !== 16 || dst.length !== 16) return fail('src and dst must be IPv6 addresses');
  const m = new Uint8Array(NA_LEN);
  m[0] = ND_NEIGHBOR_ADVERT;
  m[4] = (o.router ? NA_FLAG_ROUTER : 0) | (o.override === false ? 0 : NA_FLAG_OVERRIDE);
  m.set(o.target, 8);
  m[24] = ND_OPT_TARGET_LINKADDR;
  m[25] = 1;
  m.set(o.mac, 26);
  const c = icmpv6Checksum(src, dst, m);
  m[2] = c >> 8;
  m[3] = c & 0xff;
  return ok(m);
}

/** Whole Ethernet + IPv6 + NA frame for an AF_PACKET socket. Hop limit is 255 as RFC 4861 requires. */
export function buildNaFrame(o: NaOptions): Result<Uint8Array> {
  const msg = buildNaMessage(o);
  if (!msg.ok) return msg;
  const src = o.src ?? o.target;
  const dst = o.dst ?? ALL_NODES;
  const f = new Uint8Array(NA_FRAME_LEN);
  f.set(ethHeader(ipv6MulticastMac(dst), o.mac, ETH_P_IPV6), 0);
  const ip = ETH_HLEN;
  f[ip] = 0x60; // version 6, traffic class 0, flow label 0
  new DataView(f.buffer).setUint16(ip + 4, NA_LEN);
  f[ip + 6] = IPPROTO_ICMPV6;
  f[ip + 7] = 255;
  f.set(src, ip + 8);
  f.set(dst, ip + 24);
  f.set(msg.value, ip + IPV6_HLEN);
  return ok(f);
}

export interface NaFrame {
  ethDst: Uint8Array;
  ethSrc: Uint8Array;
  src: Uint8Array;
  dst: Uint8Array;
  hopLimit: number;
  router: boolean;
  solicited: boolean;
  override: boolean;
  target: Uint8Array;
  targetMac?: Uint8Array;
  checksumOk: boolean;
}

/** Decodes an Ethernet/IPv6 NA frame (no extension headers). Never throws. */
export function parseNaFrame(f: Uint8Array): Result<NaFrame> {
  if (f.length < ETH_HLEN + IPV6_HLEN + 24) return fail(`${f.length} bytes, too short for an NA frame`);
  const v = new DataView(f.buffer, f.byteOffset, f.byteLength);
  if (v.getUint16(12) !== ETH_P_IPV6) return fail('ethertype is not IPv6');
  const ip = ETH_HLEN;
  if (f[ip]! >> 4 !== 6) return fail('IP version is not 6');
  if (f[ip + 6] !== IPPROTO_ICMPV6) return fail(`next header ${f[ip + 6]} is not ICMPv6`);
  const plen = v.getUint16(ip + 4);
  const msg = f.subarray(ip + IPV6_HLEN, ip + IPV6_HLEN + plen);
  if (msg.length !== plen || plen < 24) return fail(`payload length ${plen} does not fit the ${f.length - ip - IPV6_HLEN} bytes present`);
  if (msg[0] !== ND_NEIGHBOR_ADVERT || msg[1] !== 0) return fail(`ICMPv6 type ${msg[0]} code ${msg[1]} is not a neighbour advertisement`);
  const src = f.slice(ip + 8, ip + 24);
  const dst = f.slice(ip + 24, ip + 40);
  const out: NaFrame = {
    ethDst: f.slice(0, 6),
    ethSrc: f.slice(6, 12),
    src,
    dst,
    hopLimit: f[ip + 7]!,
    router: (msg[4]! & NA_FLAG_ROUTER) !== 0,
    solicited: (msg[4]! & NA_FLAG_SOLICITED) !== 0,
    override: (msg[4]! & NA_FLAG_OVERRIDE) !== 0,
    target: msg.slice(8, 24),
    // A correct checksum makes the sum over pseudo-header + message (checksum included) 0xffff.
    checksumOk: icmpv6Checksum(src, dst, msg) === 0,
  };
  for (let off = 24; off + 2 <= msg.length; ) {
    const len = msg[off + 1]! * 8;
    if (len === 0 || off + len > msg.length) return fail(`option at ${off} has a bad length`);
    if (msg[off] === ND_OPT_TARGET_LINKADDR && len >= 8) out.targetMac = msg.slice(off + 2, off + 8);
    off += len;
  }
  return ok(out);
}

/** Builds and sends `count` unsolicited NAs back to back. */
export function sendUnsolicitedNa(out: FrameSender, o: NaOptions, count = 1): void {
  const f = buildNaFrame(o);
  if (!f.ok) throw new RangeError(`neighbour advertisement: ${f.reason}`);
  for (let i = 0; i < count; i++) out.send(f.value);
}
