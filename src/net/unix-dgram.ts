/**
 * Unix datagram sockets (AF_UNIX, SOCK_DGRAM), which Node's own modules do not offer: syslog's
 * /dev/log and systemd's NOTIFY_SOCKET speak them. sockaddr_un is built here; the addon only
 * moves the bytes. Sends never block: a full queue or a missing listener drops the datagram.
 */
import type { NativeNet } from './native.js';
import { HOST_LE } from './netlink/message.js';

export const AF_UNIX = 1;
export const SOCK_DGRAM = 2;

/** sun_path holds 108 bytes (Linux). */
const SUN_PATH_MAX = 108;

/**
 * sockaddr_un: u16 family | sun_path. A path gets its NUL terminator; a name starting with '@'
 * is in the abstract namespace (sun_path[0] = 0, length exact, no terminator), as systemd writes it.
 * Null when the name does not fit.
 */
export function sockaddrUn(path: string): Uint8Array | null {
  const abstract = path.startsWith('@');
  const name = new TextEncoder().encode(abstract ? path.slice(1) : path);
  const pathLen = abstract ? 1 + name.length : name.length + 1;
  if (name.length === 0 || pathLen > SUN_PATH_MAX) return null;
  const b = new Uint8Array(2 + pathLen);
  new DataView(b.buffer).setUint16(0, AF_UNIX, HOST_LE);
  b.set(name, abstract ? 3 : 2);
  return b;
}

/** Why a datagram was not delivered: no listener (ENOENT/ECONNREFUSED), queue full, or another errno. */
export type UnixSendResult = 'sent' | 'no-listener' | 'queue-full' | { error: string };

/** One unbound datagram socket that sends to any path; opened lazily, kept for the process. */
export class UnixDatagramSender {
  private fd: number | null = null;

  constructor(private readonly native: NativeNet) {}

  send(to: Uint8Array, data: Uint8Array): UnixSendResult {
    try {
      this.fd ??= this.native.socket(AF_UNIX, SOCK_DGRAM, 0);
      return this.native.sendto(this.fd, data, to) >= 0 ? 'sent' : 'queue-full';
    } catch (err) {
      const code = String((err as { code?: unknown }).code ?? (err instanceof Error ? err.message : err));
      return code === 'ENOENT' || code === 'ECONNREFUSED' ? 'no-listener' : { error: code };
    }
  }

  close(): void {
    if (this.fd !== null) this.native.close(this.fd);
    this.fd = null;
  }
}
