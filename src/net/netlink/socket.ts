/**
 * A real AF_NETLINK socket implementing the NetlinkSocket port.
 *
 *   sockaddr_nl (12 bytes): u16 family (16) | u16 pad | u32 pid | u32 groups
 */
import { defaultNative, type NativeNet } from '../native.js';
import { DatagramSocket } from '../socket.js';
import type { NetlinkSocket } from './conn.js';
import { HOST_LE, NETLINK_CAP_ACK, NETLINK_EXT_ACK, SOL_NETLINK } from './message.js';

export const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
/** Dump parts are at most 32 KiB; 64 KiB leaves room, and MSG_TRUNC catches the rest. */
const RECV_BUF = 64 * 1024;

export function sockaddrNl(pid: number, groups: number): Uint8Array {
  const b = new Uint8Array(12);
  const v = new DataView(b.buffer);
  v.setUint16(0, AF_NETLINK, HOST_LE);
  v.setUint32(4, pid >>> 0, HOST_LE);
  v.setUint32(8, groups >>> 0, HOST_LE);
  return b;
}

export interface OpenOptions {
  /** Multicast group bitmask (RTMGRP_*) to subscribe to. */
  groups?: number;
  /** Kernel receive buffer (SO_RCVBUF); event sockets want more to avoid ENOBUFS. */
  rcvbuf?: number;
  native?: NativeNet;
}

export function openNetlinkSocket(protocol: number, opts: OpenOptions = {}): NetlinkSocket & { unref(): void } {
  const native = opts.native ?? defaultNative();
  const fd = native.socket(AF_NETLINK, SOCK_RAW, protocol);
  const sock = new DatagramSocket(fd, native);
  try {
    sock.setIntOption(SOL_SOCKET, SO_RCVBUF, opts.rcvbuf ?? 256 * 1024);
    // Kernel error strings, and errors that do not echo the whole request back.
    sock.setIntOption(SOL_NETLINK, NETLINK_EXT_ACK, 1);
    sock.setIntOption(SOL_NETLINK, NETLINK_CAP_ACK, 1);
    sock.bind(sockaddrNl(0, opts.groups ?? 0));
  } catch (err) {
    sock.close();
    throw err;
  }
  const local = sock.localAddress();
  const portId = local.length >= 8 ? new DataView(local.buffer, local.byteOffset).getUint32(4, HOST_LE) : 0;
  const kernel = sockaddrNl(0, 0);
  return {
    portId,
    send(datagram) {
      if (!sock.send(datagram, kernel)) throw Object.assign(new Error('netlink send queue full'), { code: 'EAGAIN' });
    },
    listen(onDatagram, onError) {
      sock.receive({ bufSize: RECV_BUF }, (r) => {
        if (r.truncated) {
          onError(Object.assign(new Error(`netlink datagram of ${r.length} bytes truncated to ${r.data.length}`), { code: 'EMSGSIZE' }));
          return;
        }
        onDatagram(r.data);
      }, onError);
    },
    close: () => sock.close(),
    unref: () => sock.unref(),
  };
}
