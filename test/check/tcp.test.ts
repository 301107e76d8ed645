import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpConnect } from '../../src/check/tcp.js';
import type { TcpProbeSpec } from '../../src/check/types.js';

const spec = (port: number, extra: Partial<TcpProbeSpec> = {}): TcpProbeSpec => ({
  kind: 'TCP_CHECK',
  connectIp: '127.0.0.1',
  connectPort: port,
  connectTimeoutMs: 2000,
  ...extra,
});

/** A port on 127.0.0.1 that nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('TCP_CHECK probe (127.0.0.1 only)', () => {
  const seen: { addr: string; port: number }[] = [];
  const server = net.createServer((c) => {
    seen.push({ addr: c.remoteAddress ?? '', port: c.remotePort ?? 0 });
    c.on('error', () => {});
    c.destroy();
  });
  let port = 0;
  let stalled: ChildProcess | undefined;
  const fillers: net.Socket[] = [];

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const f of fillers) f.destroy();
    if (stalled?.pid) process.kill(stalled.pid, 'SIGKILL');
    await new Promise((r) => server.close(r));
  });

  it('succeeds when the handshake completes', async () => {
    expect(await tcpConnect(spec(port))).toEqual({ ok: true, reason: 'connected' });
  });

  it('fails fast with the errno on a closed port', async () => {
    const t0 = performance.now();
    expect(await tcpConnect(spec(await closedPort()))).toEqual({ ok: false, reason: 'ECONNREFUSED' });
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('binds to bindto/bind_port', async () => {
    const from = await closedPort();
    seen.length = 0;
    const r = await tcpConnect(spec(port, { bindTo: '127.0.0.2', bindPort: from }));
    expect(r.ok).toBe(true);
    await new Promise((res) => setTimeout(res, 50));
    expect(seen).toEqual([{ addr: '127.0.0.2', port: from }]);
    // No TIME_WAIT left behind: the same source port works again right away.
    expect((await tcpConnect(spec(port, { bindTo: '127.0.0.2', bindPort: from }))).ok).toBe(true);
  });

  it('times out after connect_timeout when SYNs are dropped (a listener with a full backlog)', async () => {
    // A child node process listens with backlog 1 and then blocks its event loop, so it never
    // accepts: once the accept queue is full the kernel drops further SYNs on loopback.
    const code = `const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>{
      process.stdout.write(String(s.address().port)+'\\n');
      setTimeout(()=>Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,30000),100);});`;
    stalled = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stalledPort = await new Promise<number>((resolve, reject) => {
      stalled!.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
      stalled!.once('exit', () => reject(new Error('stalled listener exited early')));
    });
    await new Promise((r) => setTimeout(r, 300)); // its event loop is blocked now
    for (let i = 0; i < 4; i++) {
      const f = net.connect(stalledPort, '127.0.0.1');
      f.on('error', () => {});
      fillers.push(f);
    }
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    const r = await tcpConnect(spec(stalledPort, { connectTimeoutMs: 400 }));
    const took = performance.now() - t0;
    expect(r).toEqual({ ok: false, reason: 'timeout' });
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(1500);
  });

  it('gives up at once when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await tcpConnect(spec(port), ac.signal)).toEqual({ ok: false, reason: 'aborted' });
  });

  it('works over IPv6 loopback', async () => {
    const s6 = net.createServer((c) => c.destroy());
    const listening = await new Promise<boolean>((r) => {
      s6.once('error', () => r(false));
      s6.listen(0, '::1', () => r(true));
    });
    expect(listening, 'IPv6 loopback (::1) must be available for this test').toBe(true);
    const p6 = (s6.address() as net.AddressInfo).port;
    try {
      expect(await tcpConnect(spec(p6, { connectIp: '::1' }))).toEqual({ ok: true, reason: 'connected' });
    } finally {
      await new Promise((r) => s6.close(r));
    }
  });
});
