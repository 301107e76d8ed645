/**
 * The IPv4 header around a VRRP message, for raw sockets that deliver it (AF_INET raw sockets
 * always do) and for IP_HDRINCL senders. keepalived builds: version 4, IHL 5, TOS 0xC0, an ID
 * counter per instance (0 skipped), no fragmentation, TTL 255, protocol 112. Pure.
 */
import { fail, ok, type Result } from '../common/result.js';
import { internetChecksum, IPPROTO_VRRP } from './checksum.js';

export const IPV4_HEADER_LEN = 20;
export const VRRP_TOS = 0xc0;

export interface Ipv4Header {
  tos: number;
  id: number;
  ttl: number;
  protocol: number;
  src: Uint8Array;
  dst: Uint8Array;
}

export interface Ipv4Datagram extends Ipv4Header { payload: Uint8Array }

export function buildIpv4Header(h: Ipv4Header, payloadLength: number): Uint8Array {
  const b = new Uint8Array(IPV4_HEADER_LEN);
  const total = IPV4_HEADER_LEN + payloadLength;
  b[0] = 0x45;
  b[1] = h.tos;
  b[2] = total >> 8;
  b[3] = total & 0xff;
  b[4] = h.id >> 8;
  b[5] = h.id & 0xff;
  b[8] = h.ttl;
  b[9] = h.protocol;
  b.set(h.src, 12);
  b.set(h.dst, 16);
  const sum = internetChecksum(b);
  b[10] = sum >> 8;
  b[11] = sum & 0xff;
  return b;
}

/** Header + VRRP message, as keepalived puts it on the wire. */
export function buildVrrpIpv4Datagram(vrrp: Uint8Array, h: Omit<Ipv4Header, 'protocol' | 'tos'> & { tos?: number }): Uint8Array {
  const hdr = buildIpv4Header({ tos: h.tos ?? VRRP_TOS, protocol: IPPROTO_VRRP, id: h.id, ttl: h.ttl, src: h.src, dst: h.dst }, vrrp.length);
  const out = new Uint8Array(hdr.length + vrrp.length);
  out.set(hdr);
  out.set(vrrp, hdr.length);
  return out;
}

/** The next IP ID after `id`: 16-bit counter that skips 0 (keepalived). */
export const nextIpId = (id: number): number => ((id + 1) & 0xffff) || 1;

export type Ipv4ParseError = 'short' | 'not_ipv4' | 'bad_ihl' | 'tot_len';

/** Splits a received datagram. Bytes beyond tot_len (Ethernet padding) are ignored, as keepalived does. */
export function parseIpv4Datagram(b: Uint8Array): Result<Ipv4Datagram, Ipv4ParseError> {
  if (b.length < IPV4_HEADER_LEN) return fail('short');
  if (b[0]! >> 4 !== 4) return fail('not_ipv4');
  const ihl = (b[0]! & 0x0f) * 4;
  if (ihl < IPV4_HEADER_LEN || ihl > b.length) return fail('bad_ihl');
  const total = (b[2]! << 8) | b[3]!;
  if (total < ihl || total > b.length) return fail('tot_len');
  return ok({
    tos: b[1]!, id: (b[4]! << 8) | b[5]!, ttl: b[8]!, protocol: b[9]!,
    src: b.slice(12, 16), dst: b.slice(16, 20), payload: b.slice(ihl, total),
  });
}
