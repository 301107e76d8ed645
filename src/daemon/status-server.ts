/**
 * The daemon's status socket: a Unix stream socket (mode 0600, root only) answering one JSON
 * request per line with one JSON reply per line.
 *
 *   → {"cmd":"status"}            ← {"ok":true,"snapshot":{…DaemonSnapshot…}}
 *   → {"cmd":"ping"}              ← {"ok":true,"pong":true}
 *   → anything else / malformed   ← {"ok":false,"error":{"code":"bad-request","message":"…"}}
 *
 * Requests are bounded (a line longer than `maxRequestBytes` gets an error and the connection is
 * closed), connections are bounded in number and idle time, and no input can throw out of here:
 * a failing snapshot is answered with an `internal` error and logged.
 */
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../common/log.js';
import type { DaemonSnapshot } from './snapshot.js';

export const DEFAULT_STATUS_SOCKET = '/run/keepalived-ts.sock';

/** Replies written but not yet read by the client beyond which the connection is dropped. */
const MAX_UNREAD_REPLY_BYTES = 8 * 1024 * 1024;

export type StatusErrorCode = 'bad-request' | 'too-large' | 'unknown-command' | 'internal';

export type StatusRequest = { cmd: 'status' } | { cmd: 'ping' };
export type StatusReply =
  | { ok: true; snapshot: DaemonSnapshot }
  | { ok: true; pong: true }
  | { ok: false; error: { code: StatusErrorCode; message: string } };

export interface StatusServerOptions {
  path?: string;
  snapshot: () => DaemonSnapshot;
  log: Logger;
  /** Longest accepted request line, bytes (default 4096). */
  maxRequestBytes?: number;
  /** Simultaneous connections (default 16); more are answered with an error and closed. */
  maxConnections?: number;
  /** A connection idle this long is closed (default 10 s). */
  idleTimeoutMs?: number;
}

/** Parses one request line; a reply when it is not a valid request. */
export function parseRequest(line: string): StatusRequest | Extract<StatusReply, { ok: false }> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return fail('bad-request', 'request is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('bad-request', 'request must be a JSON object');
  const cmd = (v as { cmd?: unknown }).cmd;
  if (typeof cmd !== 'string') return fail('bad-request', 'request needs a string "cmd"');
  if (cmd === 'status' || cmd === 'ping') return { cmd };
  return fail('unknown-command', `unknown command ${JSON.stringify(cmd.slice(0, 64))} (known: status, ping)`);
}

const fail = (code: StatusErrorCode, message: string): Extract<StatusReply, { ok: false }> => ({ ok: false, error: { code, message } });

/** Is something answering on this socket path? */
function probe(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

export class StatusServer {
  private readonly sockets = new Set<Socket>();
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly server: Server,
    private readonly o: Required<Omit<StatusServerOptions, 'path'>>,
  ) {}

  /**
   * Listens on `path`. A stale socket file (nobody answering) is replaced; a live one means another
   * daemon is running and is an error, and so is a path that is not a socket.
   */
  static async listen(opts: StatusServerOptions): Promise<StatusServer> {
    const path = opts.path ?? DEFAULT_STATUS_SOCKET;
    const o = {
      snapshot: opts.snapshot, log: opts.log.child({ mod: 'status' }),
      maxRequestBytes: opts.maxRequestBytes ?? 4096, maxConnections: opts.maxConnections ?? 16, idleTimeoutMs: opts.idleTimeoutMs ?? 10_000,
    };
    let existing: ReturnType<typeof lstatSync> | undefined;
    try { existing = lstatSync(path); } catch { /* free */ }
    if (existing) {
      if (!existing.isSocket()) throw new Error(`status socket path ${path} exists and is not a socket; not replacing it`);
      if (await probe(path)) throw new Error(`status socket ${path} is in use: is another keepalived-ts running?`);
      unlinkSync(path);
      o.log.info(`removed stale status socket ${path}`);
    }
    const server = createServer({ allowHalfOpen: false });
    const self = new StatusServer(path, server, o);
    server.on('connection', (s) => self.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // bind() happens synchronously inside listen(): the umask makes the socket 0600 from birth.
      const old = process.umask(0o177);
      try {
        server.listen(path, () => { server.off('error', reject); resolve(); });
      } finally {
        process.umask(old);
      }
    });
    chmodSync(path, 0o600);
    server.on('error', (err) => o.log.error({ err }, 'status socket error'));
    o.log.info(`status socket listening on ${path}`);
    return self;
  }

  private accept(s: Socket): void {
    if (this.closed || this.sockets.size >= this.o.maxConnections) {
      s.on('error', () => s.destroy());
      s.setTimeout(1_000, () => s.destroy());
      s.resume(); // read (and drop) so the peer's close is seen
      s.end(JSON.stringify(fail('internal', 'too many connections')) + '\n');
      return;
    }
    this.sockets.add(s);
    s.setTimeout(this.o.idleTimeoutMs, () => s.destroy());
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => s.destroy());
    let buf: Buffer = Buffer.alloc(0);
    let dead = false;
    s.on('data', (chunk: Buffer) => {
      if (dead) return;
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (;;) {
        const nl = buf.indexOf(0x0a);
        if (nl < 0 ? buf.length > this.o.maxRequestBytes : nl > this.o.maxRequestBytes) {
          dead = true;
          s.end(JSON.stringify(fail('too-large', `request longer than ${this.o.maxRequestBytes} bytes`)) + '\n');
          return;
        }
        if (nl < 0) return;
        const line = buf.subarray(0, nl).toString('utf8').trim();
        buf = buf.subarray(nl + 1);
        if (line !== '') this.reply(s, this.answer(line));
      }
    });
  }

  private answer(line: string): StatusReply {
    const req = parseRequest(line);
    if ('ok' in req) return req;
    if (req.cmd === 'ping') return { ok: true, pong: true };
    try {
      return { ok: true, snapshot: this.o.snapshot() };
    } catch (err) {
      this.o.log.error({ err }, 'status snapshot failed');
      return fail('internal', 'the daemon could not take a snapshot (see its log)');
    }
  }

  private reply(s: Socket, r: StatusReply): void {
    if (s.destroyed) return;
    // A client that pipelines requests without reading the replies is dropped, not buffered for.
    if (s.writableLength > MAX_UNREAD_REPLY_BYTES) {
      s.destroy();
      return;
    }
    s.write(JSON.stringify(r) + '\n');
  }

  /** Stops listening, drops open connections and removes the socket file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    try {
      if (lstatSync(this.path).isSocket()) unlinkSync(this.path);
    } catch { /* already gone */ }
  }
}
