/**
 * A datagram socket over NativeNet: send, and a drain-on-readiness receive loop. Sockets of every
 * kind (raw IPv4/IPv6, packet, netlink) use this; what they carry is decided by their callers.
 */
import type { NativeNet, Poller, Received } from './native.js';

/** Datagrams taken per readiness callback before yielding to the event loop. */
const DRAIN_BUDGET = 64;

export interface ReceiveOptions {
  /** Receive buffer size; larger datagrams arrive with `truncated` set. */
  bufSize: number;
  /** Control buffer size for ancillary data (cmsg). */
  controlSize?: number;
}

export class DatagramSocket {
  private poller: Poller | undefined;
  private closed = false;
  private unrefd = false;

  constructor(readonly fd: number, private readonly native: NativeNet) {}

  setOption(level: number, name: number, value: Uint8Array): void {
    this.native.setsockopt(this.fd, level, name, value);
  }

  setIntOption(level: number, name: number, value: number): void {
    this.setOption(level, name, intBytes(value));
  }

  bind(sockaddr: Uint8Array): void {
    this.native.bind(this.fd, sockaddr);
  }

  localAddress(): Uint8Array {
    return this.native.getsockname(this.fd);
  }

  /** Sends one datagram; throws on errors, returns false when the kernel queue is full. */
  send(data: Uint8Array, to: Uint8Array | null): boolean {
    return this.native.sendto(this.fd, data, to) >= 0;
  }

  /**
   * Delivers every queued datagram to onMessage (copies). Errors from recvmsg (ENOBUFS on netlink,
   * ENETDOWN…) go to onError and receiving continues. A handler may close the socket mid-drain.
   */
  receive(opts: ReceiveOptions, onMessage: (r: Received) => void, onError: (err: Error) => void): void {
    if (this.closed || this.poller) return;
    // A poll error code only says the socket has a pending error (libuv reports POLLERR as EBADF);
    // recvmsg below returns the real one (ENOBUFS, ENETDOWN…), so the code itself is not reported.
    this.poller = this.native.poll(this.fd, () => {
      for (let i = 0; i < DRAIN_BUDGET && !this.closed; i++) {
        let r: Received | null;
        try {
          r = this.native.recvmsg(this.fd, opts.bufSize, opts.controlSize ?? 0);
        } catch (err) {
          onError(err instanceof Error ? err : new Error(String(err)));
          continue;
        }
        if (!r) break;
        onMessage(r);
      }
    });
    if (this.unrefd) this.poller.unref();
  }

  /** Does not keep the process alive by itself. */
  unref(): void {
    this.unrefd = true;
    this.poller?.unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Stop polling before closing the fd, so libuv never watches a reused descriptor.
    this.poller?.close();
    this.poller = undefined;
    this.native.close(this.fd);
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/** A C int in host order (little-endian on every supported target). */
export function intBytes(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
}
