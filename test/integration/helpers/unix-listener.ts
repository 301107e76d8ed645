/** A Unix datagram listener in the test process: what syslog's /dev/log or systemd's NOTIFY_SOCKET would receive. */
import { rmSync } from 'node:fs';
import { loadNative } from '../../../src/net/native.js';
import { DatagramSocket } from '../../../src/net/socket.js';
import { AF_UNIX, SOCK_DGRAM, sockaddrUn } from '../../../src/net/unix-dgram.js';
import { until } from './netns.js';

export interface UnixListener {
  readonly path: string;
  messages(): string[];
  /** Waits for a message matching `re` that arrived after the first `from` messages. */
  waitFor(re: RegExp, timeoutMs: number, from?: number): Promise<string>;
  close(): void;
}

export function listenUnixDatagrams(path: string): UnixListener {
  const native = loadNative();
  const addr = sockaddrUn(path);
  if (!addr) throw new Error(`socket path too long: ${path}`);
  rmSync(path, { force: true });
  const sock = new DatagramSocket(native.socket(AF_UNIX, SOCK_DGRAM, 0), native);
  sock.bind(addr);
  const got: string[] = [];
  sock.receive({ bufSize: 65_536 }, (r) => got.push(Buffer.from(r.data).toString()), () => { /* a listener has no errors to act on */ });
  sock.unref();
  return {
    path,
    messages: () => [...got],
    waitFor: (re, timeoutMs, from = 0) => until(() => got.slice(from).find((m) => re.test(m)), timeoutMs, `a datagram on ${path} matching ${re}`)
      .catch((e: unknown) => { throw new Error(`${e instanceof Error ? e.message : String(e)}; the last ones: ${JSON.stringify(got.slice(from).slice(-5))}`); }),
    close: () => { sock.close(); rmSync(path, { force: true }); },
  };
}
