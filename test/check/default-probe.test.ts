import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProbe } from '../../src/check/service.js';

const requested: string[] = [];
const server = createServer((req, res) => { requested.push(req.url ?? ''); res.end('ok'); });
let port = 0;
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('defaultProbe', () => {
  it('HTTP_GET fetches only the url the runner asks for (keepalived walks them one per attempt)', async () => {
    const probe = defaultProbe({ kind: 'HTTP_GET', connectIp: '127.0.0.1', connectPort: port, connectTimeoutMs: 2_000, urls: [{ path: '/a' }, { path: '/b' }] }, { env: {} });
    const r = await probe(new AbortController().signal, { url: 1 });
    expect(r.ok).toBe(true);
    expect(requested).toEqual(['/b']);
  });
});
