import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostHeader, runHttpCheck, statusAccepted } from '../../src/check/http.js';
import type { HttpProbeSpec, HttpUrlSpec } from '../../src/check/types.js';

const HELLO_MD5 = '5d41402abc4b2a76b9719d911017c592'; // md5("hello")

interface Seen {
  host?: string;
  ua?: string;
  conn?: string;
  sni?: string | false | null;
}

/** One handler for both servers: /ok "hello", /500, /301, /slow never answers. */
function handler(seen: Seen[]) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    seen.push({
      host: req.headers.host,
      ua: req.headers['user-agent'],
      conn: req.headers.connection,
      sni: (req.socket as TLSSocket).servername,
    });
    if (req.url === '/ok') res.end('hello');
    else if (req.url === '/500') res.writeHead(500).end('oops');
    else if (req.url === '/301') res.writeHead(301, { Location: '/ok' }).end();
    else if (req.url === '/slow') res.writeHead(200); // headers only, body never ends
    else if (req.url === '/trickle') {
      // 6 chunks 100 ms apart: longer than the timeout in total, never idle for that long
      res.writeHead(200);
      let n = 0;
      const t = setInterval(() => {
        res.write('x');
        if (++n === 6) {
          clearInterval(t);
          res.end();
        }
      }, 100);
    }
    else res.writeHead(404).end();
  };
}

const listen = (s: net.Server): Promise<number> =>
  new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as net.AddressInfo).port)));

describe('HTTP_GET / SSL_GET probe (127.0.0.1 only)', () => {
  const seen: Seen[] = [];
  const plain = http.createServer(handler(seen));
  let tlsServer: https.Server | undefined;
  let port = 0;
  let tlsPort = 0;
  const dir = mkdtempSync(join(tmpdir(), 'kts-http-'));

  beforeAll(async () => {
    port = await listen(plain);
    // Self-signed certificate: the checker must not verify it, like keepalived.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=kts-test',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    tlsServer = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      handler(seen));
    tlsPort = await listen(tlsServer);
  });
  afterAll(async () => {
    plain.closeAllConnections();
    tlsServer?.closeAllConnections();
    await new Promise((r) => plain.close(r));
    if (tlsServer) await new Promise((r) => tlsServer!.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const spec = (urls: HttpUrlSpec[], extra: Partial<HttpProbeSpec> = {}): HttpProbeSpec => ({
    kind: 'HTTP_GET',
    connectIp: '127.0.0.1',
    connectPort: port,
    connectTimeoutMs: 2000,
    urls,
    ...extra,
  });

  it('accepts 2xx by default and sends keepalived’s headers on a non-keep-alive connection', async () => {
    seen.length = 0;
    expect(await runHttpCheck(spec([{ path: '/ok' }]))).toEqual({ ok: true, reason: '1 url(s) ok' });
    expect(seen).toEqual([{ host: `127.0.0.1:${port}`, ua: 'KeepAliveClient', conn: 'close', sni: undefined }]);
  });

  it('rejects a status outside the list; status_code ranges can accept it', async () => {
    expect(await runHttpCheck(spec([{ path: '/500' }]))).toEqual({ ok: false, reason: 'HTTP status 500 for /500' });
    expect((await runHttpCheck(spec([{ path: '/301' }]))).ok).toBe(false); // redirects are not followed
    expect((await runHttpCheck(spec([{ path: '/301', statusCodes: [[200, 200], [301, 302]] }]))).ok).toBe(true);
  });

  it('checks the MD5 digest of the body', async () => {
    expect((await runHttpCheck(spec([{ path: '/ok', digest: HELLO_MD5.toUpperCase() }]))).ok).toBe(true);
    const bad = await runHttpCheck(spec([{ path: '/ok', digest: '0'.repeat(32) }]));
    expect(bad).toEqual({ ok: false, reason: `digest mismatch for /ok: ${HELLO_MD5}` });
  });

  it('checks every url in turn; the first failing one decides', async () => {
    seen.length = 0;
    const r = await runHttpCheck(spec([{ path: '/ok' }, { path: '/500' }, { path: '/ok' }]));
    expect(r).toEqual({ ok: false, reason: 'HTTP status 500 for /500' });
    expect(seen).toHaveLength(2);
  });

  it('uses virtualhost as the Host header (url level wins)', async () => {
    seen.length = 0;
    await runHttpCheck(spec([{ path: '/ok' }, { path: '/ok', virtualhost: 'b.example' }], { virtualhost: 'a.example' }));
    expect(seen.map((s) => s.host)).toEqual(['a.example', 'b.example']);
  });

  it('times out on a server that never finishes the response', async () => {
    const t0 = performance.now();
    const r = await runHttpCheck(spec([{ path: '/slow' }], { connectTimeoutMs: 300 }));
    expect(r).toEqual({ ok: false, reason: 'timeout on /slow' });
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1500);
  });

  it('connect_timeout bounds each wait, not the whole transfer (keepalived per-read timer)', async () => {
    const r = await runHttpCheck(spec([{ path: '/trickle', digest: 'e6c4a3a7a1b6a0d3b3a4b5c6d7e8f901' }], { connectTimeoutMs: 300 }));
    // reached the end of the body (digest compared), so no timeout fired during the 600 ms transfer
    expect(r.reason).toMatch(/^digest mismatch for \/trickle: /);
  });

  it('fetches a single url when the runner passes its index', async () => {
    seen.length = 0;
    const s = spec([{ path: '/500' }, { path: '/ok' }]);
    expect(await runHttpCheck(s, undefined, 1)).toEqual({ ok: true, reason: 'HTTP status 200' });
    expect(await runHttpCheck(s, undefined, 0)).toEqual({ ok: false, reason: 'HTTP status 500 for /500' });
    expect(await runHttpCheck(s, undefined, 2)).toEqual({ ok: false, reason: 'no url #2' });
    expect(seen).toHaveLength(2);
  });

  it('fails on a closed port with the errno', async () => {
    const s = http.createServer();
    const closed = await listen(s);
    await new Promise((r) => s.close(r));
    expect(await runHttpCheck(spec([{ path: '/ok' }], { connectPort: closed }))).toEqual({ ok: false, reason: 'ECONNREFUSED' });
  });

  it('SSL_GET talks TLS to a self-signed server and sends SNI only with enable_sni', async () => {
    seen.length = 0;
    const ssl = spec([{ path: '/ok', digest: HELLO_MD5 }], { kind: 'SSL_GET', connectPort: tlsPort });
    expect((await runHttpCheck(ssl)).ok).toBe(true);
    expect((await runHttpCheck({ ...ssl, enableSni: true, virtualhost: 'www.example' })).ok).toBe(true);
    expect((await runHttpCheck({ ...ssl, enableSni: true, sniName: 'sni.example' })).ok).toBe(true);
    expect(seen.map((s) => s.sni)).toEqual([false, 'www.example', 'sni.example']);
    // plain HTTP against the TLS port fails
    expect((await runHttpCheck(spec([{ path: '/ok' }], { connectPort: tlsPort, connectTimeoutMs: 500 }))).ok).toBe(false);
  });

  it('pure helpers: status ranges and Host defaults', () => {
    expect(statusAccepted(204, undefined)).toBe(true);
    expect(statusAccepted(300, [])).toBe(false);
    expect(statusAccepted(404, [[404, 404]])).toBe(true);
    const base = spec([]);
    // keepalived always appends the port when no virtualhost is set, even the default one
    expect(hostHeader({ ...base, connectPort: 80 }, { path: '/' })).toBe('127.0.0.1:80');
    expect(hostHeader({ ...base, kind: 'SSL_GET', connectPort: 443 }, { path: '/' })).toBe('127.0.0.1:443');
    expect(hostHeader({ ...base, connectIp: 'fd00::1', connectPort: 8080 }, { path: '/' })).toBe('[fd00::1]:8080');
  });

  it('aborts', async () => {
    const ac = new AbortController();
    const p = runHttpCheck(spec([{ path: '/slow' }]), ac.signal);
    setTimeout(() => ac.abort(), 50);
    expect(await p).toEqual({ ok: false, reason: 'aborted' });
  });
});
