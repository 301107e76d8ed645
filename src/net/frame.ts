/**
 * Ethernet framing shared by the ARP and neighbour-discovery builders (pure), and the port through
 * which finished frames leave (an AF_PACKET socket in production, a capture in tests).
 *
 *   0        6        12     14
 *   | dst MAC | src MAC | type | payload …
 */
export const ETH_HLEN = 14;
export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const ETH_P_IPV6 = 0x86dd;
export const BROADCAST_MAC = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

/** Sends whole Ethernet frames out of one interface. */
export interface FrameSender {
  send(frame: Uint8Array): void;
  close(): void;
}

/** The VRRP virtual MAC for a VRID: 00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID (IPv6), RFC 5798 §7.3. */
export function vrrpVirtualMac(vrid: number, family: 4 | 6 = 4): Uint8Array {
  if (!Number.isInteger(vrid) || vrid < 1 || vrid > 255) throw new RangeError(`VRID ${vrid} is outside 1..255`);
  return Uint8Array.from([0x00, 0x00, 0x5e, 0x00, family === 4 ? 0x01 : 0x02, vrid]);
}

export function isValidMac(mac: Uint8Array): boolean {
  return mac.length === 6;
}

export function ethHeader(dst: Uint8Array, src: Uint8Array, type: number): Uint8Array {
  const h = new Uint8Array(ETH_HLEN);
  h.set(dst, 0);
  h.set(src, 6);
  h[12] = type >> 8;
  h[13] = type & 0xff;
  return h;
}

export function formatMac(mac: Uint8Array): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join(':');
}

export function parseMac(s: string): Uint8Array | null {
  const m = /^([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})[:-]([0-9a-f]{1,2})$/i.exec(s);
  return m ? Uint8Array.from(m.slice(1), (x) => parseInt(x, 16)) : null;
}
