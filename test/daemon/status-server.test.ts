import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchSnapshot, request, StatusClientError } from '../../src/daemon/status-client.js';
import { parseRequest, StatusServer } from '../../src/daemon/status-server.js';
import { captureLogger } from '../fakes/logger.js';
import { capturedState } from './fixtures-snapshot.js';

let dir: string;
let path: string;
const servers: StatusServer[] = [];
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'kts-status-')); path = join(dir, 'ka.sock'); });
afterEach(async () => { for (const s of servers.splice(0)) await s.close(); rmSync(dir, { recursive: true, force: true }); });

async function serve(o: Partial<Parameters<typeof StatusServer.listen>[0]> = {}) {
  const log = captureLogger();
  const s = await StatusServer.listen({ path, snapshot: capturedState, log, ...o });
  servers.push(s);
  return { s, log };
}

/** Sends raw bytes; resolves with every reply line received until the server closes or `lines` arrived. */
function raw(data: string | Buffer, lines = 1): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const c = connect(path);
    let buf = '';
    const done = () => { c.destroy(); resolve(buf.split('\n').filter(Boolean)); };
    c.on('connect', () => c.write(data));
    c.on('data', (d) => { buf += d.toString(); if (buf.split('\n').filter(Boolean).length >= lines) done(); });
    c.on('end', done);
    c.on('error', reject);
  });
}

describe('status socket server', () => {
  it('answers {"cmd":"status"} with the snapshot; socket mode 0600; removed on close', async () => {
    const { s } = await serve();
    expect(lstatSync(path).isSocket()).toBe(true);
    expect(lstatSync(path).mode & 0o777).toBe(0o600);
    expect(await fetchSnapshot(path)).toEqual(capturedState());
    await s.close();
    expect(existsSync(path)).toBe(false);
    await expect(fetchSnapshot(path)).rejects.toMatchObject({ code: 'not-running' });
  });

  it('several requests on one connection, one reply line each; ping', async () => {
    await serve();
    const replies = await raw('{"cmd":"ping"}\n\n{"cmd":"status"}\n', 2);
    expect(replies.map((l) => JSON.parse(l) as unknown)).toEqual([{ ok: true, pong: true }, { ok: true, snapshot: capturedState() }]);
  });

  it('answers malformed input with an error and keeps serving', async () => {
    const { s } = await serve();
    const [bad] = await raw('this is not json\n');
    expect(JSON.parse(bad!)).toEqual({ ok: false, error: { code: 'bad-request', message: 'request is not valid JSON' } });
    expect(JSON.parse((await raw('[1,2]\n'))[0]!)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(JSON.parse((await raw('{"cmd":"reboot"}\n'))[0]!)).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    expect(JSON.parse((await raw(Buffer.from([0xff, 0xfe, 0x00, 0x0a])))[0]!)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await request(path, { cmd: 'ping' })).toEqual({ ok: true, pong: true });
    expect(s.path).toBe(path);
  });

  it('bounds the request size: error reply, connection closed', async () => {
    await serve({ maxRequestBytes: 64 });
    const replies = await raw('{"cmd":"' + 'x'.repeat(200), 1);
    expect(JSON.parse(replies[0]!)).toMatchObject({ ok: false, error: { code: 'too-large' } });
    const long = await raw('{"cmd":"status","pad":"' + 'y'.repeat(100) + '"}\n', 1);
    expect(JSON.parse(long[0]!)).toMatchObject({ ok: false, error: { code: 'too-large' } });
    expect(await request(path, { cmd: 'ping' })).toEqual({ ok: true, pong: true });
  });

  it('a throwing snapshot is an internal error, logged, not a crash', async () => {
    const { log } = await serve({ snapshot: () => { throw new Error('boom'); } });
    expect(await request(path, { cmd: 'status' })).toMatchObject({ ok: false, error: { code: 'internal' } });
    await expect(fetchSnapshot(path)).rejects.toMatchObject({ code: 'daemon-error' });
    expect(log.records.some((r) => r.level === 'error' && r.msg === 'status snapshot failed')).toBe(true);
  });

  it('replaces a stale socket file, refuses a live one and a non-socket path', async () => {
    // stale: a socket file left by a daemon that was killed
    const r = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    expect(r.signal).toBe('SIGKILL');
    expect(lstatSync(path).isSocket()).toBe(true);
    const { log } = await serve();
    expect(await request(path, { cmd: 'ping' })).toEqual({ ok: true, pong: true });
    // live: a second daemon must not steal the socket
    await expect(StatusServer.listen({ path, snapshot: capturedState, log })).rejects.toThrow(/in use/);
    expect(await request(path, { cmd: 'ping' })).toEqual({ ok: true, pong: true });
    // not a socket
    const file = join(dir, 'plain');
    writeFileSync(file, 'keep me');
    await expect(StatusServer.listen({ path: file, snapshot: capturedState, log })).rejects.toThrow(/not a socket/);
    expect(existsSync(file)).toBe(true);
  });

  it('client errors: nothing there, timeout', async () => {
    await expect(fetchSnapshot(join(dir, 'none.sock'))).rejects.toBeInstanceOf(StatusClientError);
    await expect(fetchSnapshot(join(dir, 'none.sock'))).rejects.toMatchObject({ code: 'not-running', message: expect.stringContaining('not running') });
    const conns: Socket[] = [];
    const mute = createServer((c) => conns.push(c)); // accepts, never answers
    await new Promise<void>((r) => mute.listen(path, r));
    await expect(fetchSnapshot(path, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'timeout' });
    conns.forEach((c) => c.destroy());
    await new Promise<void>((r) => mute.close(() => r()));
  });
});

describe('parseRequest', () => {
  it('accepts the known commands only', () => {
    expect(parseRequest('{"cmd":"status"}')).toEqual({ cmd: 'status' });
    expect(parseRequest('{"cmd":"status","extra":1}')).toEqual({ cmd: 'status' });
    expect(parseRequest('null')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(parseRequest('{"cmd":5}')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(parseRequest(`{"cmd":"${'z'.repeat(500)}"}`)).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
  });
});

describe('status socket limits', () => {
  it('connections beyond the limit are answered with an error and closed', async () => {
    await serve({ maxConnections: 1 });
    const first = connect(path);
    first.write('{"cmd":"ping"}\n');
    await new Promise((r) => first.once('data', r)); // answered: the server holds it
    const second = await raw('{"cmd":"ping"}\n');
    expect(JSON.parse(second[0]!)).toMatchObject({ ok: false, error: { code: 'internal', message: 'too many connections' } });
    first.destroy();
    // the slot frees once the server has seen the close
    let r: unknown;
    for (let i = 0; i < 100 && !(r as { ok?: boolean } | undefined)?.ok; i++) r = await request(path, { cmd: 'ping' });
    expect(r).toEqual({ ok: true, pong: true });
  });

  it('an idle connection is closed', async () => {
    await serve({ idleTimeoutMs: 50 });
    const c = connect(path);
    const closed = await new Promise<boolean>((r) => { c.on('close', () => r(true)); setTimeout(() => r(false), 2_000); });
    expect(closed).toBe(true);
  });
});
