/**
 * Client side of the status socket (status-server.ts): one request line, one reply line.
 * Connection failures are turned into errors an operator can act on.
 */
import { connect } from 'node:net';
import { errnoCode } from '../common/errors.js';
import type { DaemonSnapshot } from './snapshot.js';
import type { StatusReply, StatusRequest } from './status-server.js';

export type StatusClientErrorCode = 'not-running' | 'access-denied' | 'timeout' | 'protocol' | 'daemon-error';

export class StatusClientError extends Error {
  override readonly name = 'StatusClientError';
  constructor(readonly code: StatusClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface StatusClientOptions {
  timeoutMs?: number;
  /** Largest accepted reply, bytes (default 64 MiB). */
  maxReplyBytes?: number;
}

export function request(path: string, req: StatusRequest, o: StatusClientOptions = {}): Promise<StatusReply> {
  const timeoutMs = o.timeoutMs ?? 5_000;
  const max = o.maxReplyBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const s = connect(path);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (err: StatusClientError | null, r?: StatusReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve(r!);
    };
    const timer = setTimeout(() => done(new StatusClientError('timeout', `no answer from ${path} within ${timeoutMs} ms`)), timeoutMs);
    s.once('connect', () => s.write(JSON.stringify(req) + '\n'));
    s.on('error', (err) => {
      const code = errnoCode(err);
      if (code === 'ENOENT' || code === 'ECONNREFUSED') {
        done(new StatusClientError('not-running', `keepalived-ts is not running (nothing answers on ${path})`, { cause: err }));
      } else if (code === 'EACCES' || code === 'EPERM') {
        done(new StatusClientError('access-denied', `permission denied on ${path} (the status socket is root-only)`, { cause: err }));
      } else {
        done(new StatusClientError('protocol', `status socket ${path}: ${err.message}`, { cause: err }));
      }
    });
    s.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) return done(new StatusClientError('protocol', `reply from ${path} larger than ${max} bytes`));
      const nl = c.indexOf(0x0a);
      chunks.push(nl >= 0 ? c.subarray(0, nl) : c);
      if (nl < 0) return;
      let reply: unknown;
      try {
        reply = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        return done(new StatusClientError('protocol', `unreadable reply from ${path}`, { cause: err }));
      }
      if (typeof reply !== 'object' || reply === null || typeof (reply as { ok?: unknown }).ok !== 'boolean') {
        return done(new StatusClientError('protocol', `unexpected reply from ${path}`));
      }
      done(null, reply as StatusReply);
    });
    s.on('end', () => done(new StatusClientError('protocol', `${path} closed the connection without a reply`)));
  });
}

/** The daemon's snapshot; throws StatusClientError. */
export async function fetchSnapshot(path: string, o: StatusClientOptions = {}): Promise<DaemonSnapshot> {
  const r = await request(path, { cmd: 'status' }, o);
  if (!r.ok) throw new StatusClientError('daemon-error', `daemon answered ${r.error.code}: ${r.error.message}`);
  if (!('snapshot' in r)) throw new StatusClientError('protocol', 'reply carries no snapshot');
  return r.snapshot;
}
