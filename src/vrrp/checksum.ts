/**
 * RFC 1071 Internet checksum and the pseudo-headers VRRP needs. Pure; no I/O.
 *
 * VRRPv2 sums the VRRP message only. VRRPv3 adds a pseudo-header: for IPv4
 * {src, dst, 0, protocol 112, VRRP length} (RFC 5798 §5.2.8), for IPv6 the RFC 8200 §8.1 one
 * {src, dst, u32 length, 3 zero bytes, next header 112}.
 */
export const IPPROTO_VRRP = 112;

/** One's-complement sum of the chunks as if concatenated (odd chunk boundaries handled). */
export function internetChecksum(...chunks: Uint8Array[]): number {
  let sum = 0;
  let high = true; // is the next byte the high byte of a 16-bit word?
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) {
      sum += high ? c[i]! << 8 : c[i]!;
      high = !high;
    }
    // fold early so the sum never loses precision on long inputs
    if (sum > 0xffffff) sum = (sum & 0xffff) + (sum >>> 16);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function ipv4PseudoHeader(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): Uint8Array {
  const ph = new Uint8Array(12);
  ph.set(src, 0);
  ph.set(dst, 4);
  ph[9] = protocol;
  ph[10] = length >> 8;
  ph[11] = length & 0xff;
  return ph;
}

export function ipv6PseudoHeader(src: Uint8Array, dst: Uint8Array, nextHeader: number, length: number): Uint8Array {
  const ph = new Uint8Array(40);
  ph.set(src, 0);
  ph.set(dst, 16);
  new DataView(ph.buffer).setUint32(32, length);
  ph[39] = nextHeader;
  return ph;
}
