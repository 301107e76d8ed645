/**
 * Gratuitous ARP frames (pure), built apart from sending them (FRR vrrp_build_garp / vrrp_send_garp).
 *
 *   Ethernet (14) | htype u16 | ptype u16 | hlen u8 | plen u8 | op u16 | sha[6] | spa[4] | tha[6] | tpa[4]
 *
 * keepalived's form is a REQUEST with sender IP = target IP = VIP and target MAC ff:ff:ff:ff:ff:ff;
 * the REPLY form (tha = sha) is offered for peers that only learn from replies.
 */
import { fail, ok, type Result } from '../common/result.js';
import { BROADCAST_MAC, ETH_HLEN, ETH_P_ARP, ETH_P_IP, ethHeader, type FrameSender } from './frame.js';

export const ARPHRD_ETHER = 1;
export const ARPOP_REQUEST = 1;
export const ARPOP_REPLY = 2;
/** 14 Ethernet + 28 ARP; the NIC pads to the 60-byte minimum. */
export const GARP_FRAME_LEN = ETH_HLEN + 28;

export interface GarpOptions {
  /** The address being announced (4 bytes). */
  ip: Uint8Array;
  /** Ethernet source and ARP sender MAC: the interface MAC, or the VRRP virtual MAC. */
  mac: Uint8Array;
  op?: 'request' | 'reply';
  /** ARP target hardware address; default ff:ff:ff:ff:ff:ff for requests (keepalived), the sender MAC for replies. */
  targetMac?: Uint8Array;
  /** Ethernet destination; default broadcast. */
  ethDst?: Uint8Array;
}

export type GarpError = 'mac must be 6 bytes' | 'ip must be an IPv4 address' | 'targetMac must be 6 bytes' | 'ethDst must be 6 bytes';

export function buildGarp(o: GarpOptions): Result<Uint8Array, GarpError> {
  if (o.mac.length !== 6) return fail('mac must be 6 bytes');
  if (o.ip.length !== 4) return fail('ip must be an IPv4 address');
  if (o.targetMac && o.targetMac.length !== 6) return fail('targetMac must be 6 bytes');
  if (o.ethDst && o.ethDst.length !== 6) return fail('ethDst must be 6 bytes');
  const reply = o.op === 'reply';
  const f = new Uint8Array(GARP_FRAME_LEN);
  f.set(ethHeader(o.ethDst ?? BROADCAST_MAC, o.mac, ETH_P_ARP), 0);
  const v = new DataView(f.buffer);
  v.setUint16(14, ARPHRD_ETHER);
  v.setUint16(16, ETH_P_IP);
  f[18] = 6;
  f[19] = 4;
  v.setUint16(20, reply ? ARPOP_REPLY : ARPOP_REQUEST);
  f.set(o.mac, 22);
  f.set(o.ip, 28);
  f.set(o.targetMac ?? (reply ? o.mac : BROADCAST_MAC), 32);
  f.set(o.ip, 38);
  return ok(f);
}

export interface ArpFrame {
  ethDst: Uint8Array;
  ethSrc: Uint8Array;
  htype: number;
  op: number;
  senderMac: Uint8Array;
  senderIp: Uint8Array;
  targetMac: Uint8Array;
  targetIp: Uint8Array;
  /** Sender IP equals target IP: an announcement of the sender's own address. */
  gratuitous: boolean;
}

/** Decodes an Ethernet/IPv4 ARP frame (trailing padding allowed). Never throws. */
export function parseArpFrame(f: Uint8Array): Result<ArpFrame> {
  if (f.length < GARP_FRAME_LEN) return fail(`${f.length} bytes, an Ethernet ARP frame needs ${GARP_FRAME_LEN}`);
  const v = new DataView(f.buffer, f.byteOffset, f.byteLength);
  if (v.getUint16(12) !== ETH_P_ARP) return fail(`ethertype 0x${v.getUint16(12).toString(16)} is not ARP`);
  if (v.getUint16(16) !== ETH_P_IP || f[18] !== 6 || f[19] !== 4) return fail('not an Ethernet/IPv4 ARP packet');
  const senderIp = f.slice(28, 32);
  const targetIp = f.slice(38, 42);
  return ok({
    ethDst: f.slice(0, 6),
    ethSrc: f.slice(6, 12),
    htype: v.getUint16(14),
    op: v.getUint16(20),
    senderMac: f.slice(22, 28),
    senderIp,
    targetMac: f.slice(32, 38),
    targetIp,
    gratuitous: senderIp.every((b, i) => b === targetIp[i]),
  });
}

/** Builds and sends `count` gratuitous ARPs back to back (pacing is the caller's business). */
export function sendGarp(out: FrameSender, o: GarpOptions, count = 1): void {
  const f = buildGarp(o);
  if (!f.ok) throw new RangeError(`gratuitous ARP: ${f.reason}`);
  for (let i = 0; i < count; i++) out.send(f.value);
}
