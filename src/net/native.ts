/**
 * The only module that loads the native addon (build/Release/ka_net.node, built by `npm install`).
 * Everything else receives a `NativeNet`, so unit tests pass fakes and never need root or the addon.
 * The addon is typed here once and loaded lazily on first use.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KaError } from '../common/errors.js';

/** One datagram from recvmsg. `data` is a copy, safe to keep. */
export interface Received {
  data: Uint8Array;
  /** Real datagram length (MSG_TRUNC): larger than data.length when the buffer was too small. */
  length: number;
  truncated: boolean;
  /** Source sockaddr bytes (sockaddr_in / _in6 / _ll / _nl). */
  from: Uint8Array;
  /** Control-message bytes (cmsghdr sequence). */
  control: Uint8Array;
}

export interface Poller {
  close(): void;
  /** Keep the process alive while polling (default). */
  ref(): void;
  /** Let the process exit even while polling. */
  unref(): void;
}

/** Generic socket calls; every address, option value and packet is bytes built in TypeScript. */
export interface NativeNet {
  /** Always non-blocking and close-on-exec. Throws Error & { code: 'EPERM', errno }. */
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, sockaddr: Uint8Array): void;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): void;
  getsockopt(fd: number, level: number, name: number, maxLen: number): Uint8Array;
  getsockname(fd: number): Uint8Array;
  /** Bytes sent; -1 when the send queue is full (EAGAIN). */
  sendto(fd: number, data: Uint8Array, to: Uint8Array | null, flags?: number): number;
  /** Next datagram into a buffer of `bufSize` bytes, or null when none is queued (EAGAIN). */
  recvmsg(fd: number, bufSize: number, controlSize?: number, flags?: number): Received | null;
  close(fd: number): void;
  /** Calls onReadable (on the JS thread) whenever fd has data; errCode is set if polling failed. */
  poll(fd: number, onReadable: (errCode?: string) => void): Poller;
}

interface Addon {
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, addr: Uint8Array): void;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array): void;
  getsockopt(fd: number, level: number, name: number, maxLen: number): Uint8Array;
  getsockname(fd: number): Uint8Array;
  sendto(fd: number, data: Uint8Array, addr: Uint8Array | null, flags: number): number;
  recvmsg(fd: number, buf: Uint8Array, controlLen: number, flags: number): { n: number; from: Uint8Array; control: Uint8Array; flags: number } | null;
  close(fd: number): void;
  Poller: new (fd: number, onReadable: (errCode?: string) => void) => Poller;
}

// src/net/native.ts and dist/net/native.js are both two levels below the package root.
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ADDON_PATH = join(packageRoot, 'build', 'Release', 'ka_net.node');

let addon: Addon | undefined;

function load(): Addon {
  if (addon) return addon;
  try {
    addon = createRequire(import.meta.url)(ADDON_PATH) as Addon;
  } catch (err) {
    throw new KaError('KA_NET_ADDON', `cannot load the native socket addon ${ADDON_PATH}; build it with \`npm install\` or \`npm rebuild\``, { cause: err });
  }
  return addon;
}

/** Buffers are reused between reads: a netlink dump part is at most 32 KiB; raw packets fit in 64 KiB. */
const recvBuffers = new Map<number, Uint8Array>();
function recvBuffer(size: number): Uint8Array {
  let b = recvBuffers.get(size);
  if (!b) recvBuffers.set(size, (b = new Uint8Array(size)));
  return b;
}

const AF_PACKET = 17;
const SOCK_RAW = 3;
const SOL_SOCKET = 1;
const SO_BINDTODEVICE = 25;

/** Adds the missing capability to EPERM/EACCES so the operator knows what to grant. */
export function explainPermission(err: unknown, what: string, capability: 'CAP_NET_RAW' | 'CAP_NET_ADMIN'): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && (code === 'EPERM' || code === 'EACCES')) {
    err.message = `${what}: ${err.message} (needs ${capability}: run as root or grant the capability)`;
  }
  return err;
}

/** The real addon behind the NativeNet interface. Loads the .node file on first call. */
export function loadNative(): NativeNet {
  const a = load();
  return {
    socket(domain, type, protocol) {
      try {
        return a.socket(domain, type, protocol);
      } catch (err) {
        const raw = domain === AF_PACKET || (type & 0xf) === SOCK_RAW;
        throw raw ? explainPermission(err, `opening a raw socket (domain ${domain}, protocol ${protocol})`, 'CAP_NET_RAW') : err;
      }
    },
    bind: (fd, sockaddr) => a.bind(fd, sockaddr),
    setsockopt(fd, level, name, value) {
      try {
        a.setsockopt(fd, level, name, value);
      } catch (err) {
        throw level === SOL_SOCKET && name === SO_BINDTODEVICE ? explainPermission(err, 'SO_BINDTODEVICE', 'CAP_NET_RAW') : err;
      }
    },
    getsockopt: (fd, level, name, maxLen) => new Uint8Array(a.getsockopt(fd, level, name, maxLen)),
    getsockname: (fd) => new Uint8Array(a.getsockname(fd)),
    sendto: (fd, data, to, flags = 0) => a.sendto(fd, data, to, flags),
    recvmsg(fd, bufSize, controlSize = 0, flags = 0) {
      const buf = recvBuffer(bufSize);
      const r = a.recvmsg(fd, buf, controlSize, flags);
      if (!r) return null;
      const len = Math.min(r.n, buf.length);
      return { data: buf.slice(0, len), length: r.n, truncated: r.n > buf.length, from: new Uint8Array(r.from), control: new Uint8Array(r.control) };
    },
    close: (fd) => a.close(fd),
    poll: (fd, onReadable) => new a.Poller(fd, onReadable),
  };
}

let shared: NativeNet | undefined;
/** One shared instance for adapters that take `native = defaultNative()` as a default parameter. */
export function defaultNative(): NativeNet {
  return (shared ??= loadNative());
}
