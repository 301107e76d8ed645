/**
 * An in-memory NativeNet: records what adapters ask of the kernel (sockets, options, binds, sends)
 * and lets a test queue datagrams and fire readiness. For socket *setup* tests of thin adapters;
 * protocol exchanges are tested with the message-level fakes (netlink.ts, packet-socket.ts).
 */
import type { NativeNet, Poller, Received } from '../../src/net/native.js';

export interface FakeFd {
  fd: number;
  domain: number;
  type: number;
  protocol: number;
  options: { level: number; name: number; value: Uint8Array }[];
  bound?: Uint8Array;
  closed: boolean;
  inbox: Omit<Received, 'truncated' | 'length'>[];
  poller?: { onReadable: (errCode?: string) => void; closed: boolean; refd: boolean };
}

export class FakeNative implements NativeNet {
  readonly sockets: FakeFd[] = [];
  readonly sent: { fd: number; data: Uint8Array; to: Uint8Array | null }[] = [];
  /** errno code to throw from the next socket() call (e.g. 'EPERM'). */
  failSocket: string | undefined;
  /** While set, sendto fails with this errno code ('EAGAIN': the queue is full, returns -1). */
  failSends: string | undefined;
  private nextFd = 10;

  private get(fd: number): FakeFd {
    const s = this.sockets.find((x) => x.fd === fd);
    if (!s || s.closed) throw Object.assign(new Error(`fd ${fd}: Bad file descriptor`), { code: 'EBADF', errno: 9 });
    return s;
  }

  socket(domain: number, type: number, protocol: number): number {
    if (this.failSocket) {
      const code = this.failSocket;
      this.failSocket = undefined;
      throw Object.assign(new Error(`socket: ${code}`), { code });
    }
    const fd = this.nextFd++;
    this.sockets.push({ fd, domain, type, protocol, options: [], closed: false, inbox: [] });
    return fd;
  }

  bind(fd: number, sockaddr: Uint8Array): void { this.get(fd).bound = sockaddr.slice(); }
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): void {
    this.get(fd).options.push({ level, name, value: value.slice() });
  }
  getsockopt(): Uint8Array { return new Uint8Array(4); }
  getsockname(fd: number): Uint8Array { return this.get(fd).bound ?? new Uint8Array(0); }
  sendto(fd: number, data: Uint8Array, to: Uint8Array | null): number {
    this.get(fd);
    if (this.failSends === 'EAGAIN') return -1;
    if (this.failSends) throw Object.assign(new Error(`sendto: ${this.failSends}`), { code: this.failSends });
    this.sent.push({ fd, data: data.slice(), to: to ? to.slice() : null });
    return data.length;
  }

  recvmsg(fd: number, bufSize: number): Received | null {
    const r = this.get(fd).inbox.shift();
    if (!r) return null;
    return { ...r, data: r.data.slice(0, bufSize), length: r.data.length, truncated: r.data.length > bufSize };
  }

  close(fd: number): void { this.get(fd).closed = true; }

  poll(fd: number, onReadable: (errCode?: string) => void): Poller {
    const s = this.get(fd);
    const p = { onReadable, closed: false, refd: true };
    s.poller = p;
    return { close: () => { p.closed = true; }, ref: () => { p.refd = true; }, unref: () => { p.refd = false; } };
  }

  /** Queues a datagram on fd and fires readiness, as the kernel and libuv would. */
  deliver(fd: number, r: { data: Uint8Array; from?: Uint8Array; control?: Uint8Array }): void {
    const s = this.get(fd);
    s.inbox.push({ data: r.data, from: r.from ?? new Uint8Array(0), control: r.control ?? new Uint8Array(0) });
    if (s.poller && !s.poller.closed) s.poller.onReadable();
  }

  /** The value last set for (level, name) on fd. */
  option(fd: number, level: number, name: number): Uint8Array | undefined {
    return this.sockets.find((x) => x.fd === fd)?.options.filter((o) => o.level === level && o.name === name).at(-1)?.value;
  }
}
