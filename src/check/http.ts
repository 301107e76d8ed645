/**
 * HTTP_GET / SSL_GET probe: GET a configured url on a fresh connection (no keep-alive); it must
 * answer an accepted status (default 200-299) and, when a digest is set, a body whose MD5 matches
 * (genhash). TLS does not verify the certificate, as keepalived. One attempt fetches one url (the
 * runner walks them, http-policy.ts); `runHttpCheck` without an index fetches all in turn.
 *
 * connect_timeout bounds every wait (connect, then each read), like keepalived's per-read timer.
 * Difference kept on purpose: the request is HTTP/1.1 with `Connection: close` (node:http), which
 * is what keepalived sends for `http_protocol 1.1`; its default is HTTP/1.0.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { HttpProbeSpec, HttpUrlSpec, Probe, ProbeResult, StatusRange } from './types.js';

export const USER_AGENT = 'KeepAliveClient';
const DEFAULT_STATUS: readonly StatusRange[] = [[200, 299]];

/** Pure: is `code` in the url's accepted ranges? */
export function statusAccepted(code: number, ranges: readonly StatusRange[] | undefined): boolean {
  const rs = ranges && ranges.length > 0 ? ranges : DEFAULT_STATUS;
  return rs.some(([lo, hi]) => code >= lo && code <= hi);
}

/** Pure: the Host header keepalived sends: virtualhost, else address:port ([v6]:port). */
export function hostHeader(spec: HttpProbeSpec, url: HttpUrlSpec): string {
  const vh = url.virtualhost ?? spec.virtualhost;
  if (vh) return vh;
  const host = spec.connectIp.includes(':') ? `[${spec.connectIp}]` : spec.connectIp;
  return `${host}:${spec.connectPort}`;
}

export function httpProbe(spec: HttpProbeSpec): Probe {
  return (signal, attempt) => runHttpCheck(spec, signal, attempt?.url ?? 0);
}

/** Fetches url `urlIndex`, or every url in turn (first failure decides) when it is omitted. */
export async function runHttpCheck(spec: HttpProbeSpec, signal?: AbortSignal, urlIndex?: number): Promise<ProbeResult> {
  if (spec.urls.length === 0) return { ok: false, reason: 'no url configured' };
  if (urlIndex !== undefined) {
    const url = spec.urls[urlIndex];
    return url ? checkUrl(spec, url, signal) : { ok: false, reason: `no url #${urlIndex}` };
  }
  for (const url of spec.urls) {
    const r = await checkUrl(spec, url, signal);
    if (!r.ok) return r;
  }
  return { ok: true, reason: `${spec.urls.length} url(s) ok` };
}

function checkUrl(spec: HttpProbeSpec, url: HttpUrlSpec, signal?: AbortSignal): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    if (signal?.aborted) return resolve({ ok: false, reason: 'aborted' });
    let settled = false;
    const host = hostHeader(spec, url);
    const tls = spec.kind === 'SSL_GET';
    const sni = tls && spec.enableSni ? (spec.sniName ?? host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')) : undefined;
    const options: https.RequestOptions = {
      host: spec.connectIp,
      port: spec.connectPort,
      path: url.path,
      method: 'GET',
      agent: false,
      setHost: false,
      headers: { Host: host, 'User-Agent': USER_AGENT, Connection: 'close' },
      ...(spec.bindTo !== undefined ? { localAddress: spec.bindTo } : {}),
      ...(spec.bindPort !== undefined ? { localPort: spec.bindPort } : {}),
      ...(tls ? { rejectUnauthorized: false, ...(sni ? { servername: sni } : {}) } : {}),
    };
    const req = (tls ? https : http).request(options, (res) => {
      const status = res.statusCode ?? 0;
      if (!statusAccepted(status, url.statusCodes)) {
        res.resume();
        return done({ ok: false, reason: `HTTP status ${status} for ${url.path}` });
      }
      const md5 = createHash('md5');
      rearm();
      res.on('data', (chunk: Buffer) => {
        rearm();
        md5.update(chunk);
      });
      res.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, reason: err.code ?? err.message }));
      res.on('end', () => {
        const digest = md5.digest('hex');
        if (url.digest && url.digest.toLowerCase() !== digest) {
          return done({ ok: false, reason: `digest mismatch for ${url.path}: ${digest}` });
        }
        done({ ok: true, reason: `HTTP status ${status}` });
      });
    });
    const done = (r: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(r);
    };
    const onAbort = (): void => done({ ok: false, reason: 'aborted' });
    let timer: ReturnType<typeof setTimeout> | undefined;
    let armedAt = 0; // bumps on every re-arm, so a verdict pending from an older deadline is dropped
    const rearm = (): void => {
      clearTimeout(timer);
      const mine = ++armedAt;
      // One more loop turn before the verdict, so data that arrived during an event-loop stall counts.
      const expire = (): void => {
        if (mine === armedAt) done({ ok: false, reason: `timeout on ${url.path}` });
      };
      timer = setTimeout(() => setImmediate(expire), spec.connectTimeoutMs);
    };
    rearm();
    req.on('socket', (sock) => sock.once(tls ? 'secureConnect' : 'connect', rearm));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, reason: err.code ?? err.message }));
    req.end();
  });
}
