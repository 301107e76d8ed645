/**
 * AF_PACKET SOCK_RAW sender for whole Ethernet frames (gratuitous ARP, unsolicited NA), so the
 * Ethernet source can be the VRRP virtual MAC. Opened with protocol 0: transmit only, nothing is
 * queued for receive.
 *
 *   sockaddr_ll (20): u16 family (17) | be16 protocol | i32 ifindex | u16 hatype | u8 pkttype | u8 halen | u8 addr[8]
 */
import { HOST_LE } from './netlink/message.js';
import { defaultNative, type NativeNet } from './native.js';
import { DatagramSocket } from './socket.js';
import type { FrameSender } from './frame.js';

export const AF_PACKET = 17;
const SOCK_RAW = 3;

export function sockaddrLl(ifindex: number, protocol: number, addr?: Uint8Array): Uint8Array {
  const b = new Uint8Array(20);
  const v = new DataView(b.buffer);
  v.setUint16(0, AF_PACKET, HOST_LE);
  v.setUint16(2, protocol, false); // network order, like the socket() protocol argument
  v.setInt32(4, ifindex, HOST_LE);
  if (addr) {
    b[11] = addr.length;
    b.set(addr.subarray(0, 8), 12);
  }
  return b;
}

export class PacketSocket implements FrameSender {
  private constructor(private readonly sock: DatagramSocket, readonly ifindex: number) {}

  /** Needs CAP_NET_RAW. */
  static open(ifindex: number, native: NativeNet = defaultNative()): PacketSocket {
    return new PacketSocket(new DatagramSocket(native.socket(AF_PACKET, SOCK_RAW, 0), native), ifindex);
  }

  /** Sends one frame out of the interface; the ethertype and destination are read from the frame. */
  send(frame: Uint8Array): void {
    if (frame.length < 14) throw new RangeError(`frame of ${frame.length} bytes has no Ethernet header`);
    const ethertype = (frame[12]! << 8) | frame[13]!;
    if (!this.sock.send(frame, sockaddrLl(this.ifindex, ethertype, frame.subarray(0, 6)))) {
      throw Object.assign(new Error(`packet socket on ifindex ${this.ifindex}: send queue full`), { code: 'EAGAIN' });
    }
  }

  close(): void {
    this.sock.close();
  }
}
