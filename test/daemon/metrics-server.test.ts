import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsEndpoint } from '../../src/daemon/metrics-server.js';
import type { DaemonSnapshot } from '../../src/daemon/snapshot.js';
import { captureLogger } from '../fakes/logger.js';
import { capturedState } from './fixtures-snapshot.js';

/** A free loopback port (bound and released), so parallel test files do not collide. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const get = (port: number, path: string, method = 'GET') =>
  fetch(`http://127.0.0.1:${port}${path}`, { method, signal: AbortSignal.timeout(5_000) });

const endpoints: MetricsEndpoint[] = [];
afterEach(async () => { await Promise.all(endpoints.splice(0).map((e) => e.close())); });

function endpoint(snapshot: () => DaemonSnapshot = capturedState) {
  const log = captureLogger();
  const e = new MetricsEndpoint({ snapshot }, log);
  endpoints.push(e);
  return { e, log };
}

describe('MetricsEndpoint', () => {
  it('serves GET /metrics in the text format, 404 for anything else', async () => {
    const { e, log } = endpoint();
    const port = await freePort();
    await e.apply({ address: '127.0.0.1', port });
    const res = await get(port, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^keepalived_ts_vrrp_state\{iname="VI_1",intf="veth0",vrid="51"\} 2$/m);
    expect(text).toMatch(/^keepalived_ts_config_reloads_total\{result="ok"\} 0$/m);
    expect((await get(port, '/')).status).toBe(404);
    expect((await get(port, '/metrics', 'POST')).status).toBe(404);
    expect(log.records.some((r) => r.level === 'warn')).toBe(false); // loopback: no warning
  });

  it('counts reloads; moves when the address changes, stays put when it does not, stops on null', async () => {
    const { e, log } = endpoint();
    const started = () => log.records.filter((r) => /metrics endpoint listening/.test(r.msg)).length;
    const [p1, p2] = [await freePort(), await freePort()];
    await e.apply({ address: '127.0.0.1', port: p1 });
    e.recordReload(true);
    e.recordReload(false);
    e.recordReload(true);
    await e.apply({ address: '127.0.0.1', port: p1 }); // unchanged: same server
    expect(started()).toBe(1);
    expect(await (await get(p1, '/metrics')).text()).toMatch(/^keepalived_ts_config_reloads_total\{result="ok"\} 2$/m);
    await e.apply({ address: '127.0.0.1', port: p2 });
    await expect(get(p1, '/metrics')).rejects.toThrow();
    expect(await (await get(p2, '/metrics')).text()).toMatch(/^keepalived_ts_config_reloads_total\{result="failed"\} 1$/m);
    await e.apply(null);
    expect(e.listening).toBeNull();
    await expect(get(p2, '/metrics')).rejects.toThrow();
  });

  it('a port in use is logged and the daemon goes on; a non-loopback address is warned about', async () => {
    const { e, log } = endpoint();
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    try {
      await e.apply({ address: '127.0.0.1', port: (busy.address() as { port: number }).port });
      expect(e.listening).toBeNull();
      expect(log.records.find((r) => r.level === 'error')?.msg).toMatch(/metrics endpoint not available/);
    } finally {
      await new Promise<void>((r) => busy.close(() => r()));
    }
    // TEST-NET-1 is on no interface here: warned about, then the bind fails (nothing is exposed).
    await e.apply({ address: '192.0.2.1', port: 9 });
    expect(log.records.find((r) => r.level === 'warn')?.msg).toMatch(/non-loopback address 192\.0\.2\.1/);
    expect(log.records.filter((r) => r.level === 'error').at(-1)?.msg).toMatch(/not available on 192\.0\.2\.1:9/);
  });

  it('a snapshot that throws answers 500 and is logged', async () => {
    const { e, log } = endpoint(() => { throw new Error('boom'); });
    const port = await freePort();
    await e.apply({ address: '127.0.0.1', port });
    expect((await get(port, '/metrics')).status).toBe(500);
    expect(log.records.some((r) => r.level === 'error' && r.msg === 'metrics scrape failed')).toBe(true);
  });
});
