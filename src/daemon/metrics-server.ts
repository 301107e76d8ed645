/**
 * The optional Prometheus endpoint: GET /metrics on address:port (node:http), 404 for anything
 * else. Off unless configured (`keepalived_ts { metrics_listen … }` or --metrics-listen); the
 * address defaults to 127.0.0.1. A scrape only reads state (metrics.ts), and the server is small
 * and bounded so a slow or hostile client cannot hold the event loop that runs VRRP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../common/log.js';
import { formatListen, isLoopback, sameListen, type MetricsListen } from './metrics-listen.js';
import { createMetricsRegistry, type MetricsSources } from './metrics.js';

export class MetricsServer {
  private readonly sockets = new Set<Socket>();

  private constructor(readonly listen: MetricsListen, private readonly server: Server) {}

  static async start(at: MetricsListen, registry: Registry, log: Logger): Promise<MetricsServer> {
    const server = createServer((req, res) => void answer(req, res, registry, log));
    // Scrapes are tiny: a client that does not send its request promptly is cut off.
    server.headersTimeout = 5_000;
    server.requestTimeout = 10_000;
    server.keepAliveTimeout = 5_000;
    server.maxConnections = 16;
    const self = new MetricsServer(at, server);
    server.on('connection', (s) => { self.sockets.add(s); s.on('close', () => self.sockets.delete(s)); });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: at.address, port: at.port }, () => { server.off('error', reject); resolve(); });
    });
    server.on('error', (err) => log.error({ err }, 'metrics endpoint error'));
    return self;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

async function answer(req: IncomingMessage, res: ServerResponse, registry: Registry, log: Logger): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  if (req.method !== 'GET' || path !== '/metrics') {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
    return;
  }
  try {
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType }).end(body);
  } catch (err) {
    log.error({ err }, 'metrics scrape failed');
    res.writeHead(500, { 'content-type': 'text/plain' }).end('scrape failed (see the daemon log)\n');
  }
}

/**
 * What the composition root holds: starts, moves (on a reload that changes the address) and stops
 * the endpoint. The registry, and with it the default metrics' monitors, exists only once enabled.
 */
export class MetricsEndpoint {
  private registry: Registry | null = null;
  private server: MetricsServer | null = null;
  private readonly reloads = { ok: 0, failed: 0 };
  private readonly log: Logger;

  constructor(private readonly sources: Omit<MetricsSources, 'reloads'>, log: Logger) {
    this.log = log.child({ mod: 'metrics' });
  }

  get listening(): MetricsListen | null {
    return this.server?.listen ?? null;
  }

  recordReload(ok: boolean): void {
    if (ok) this.reloads.ok++;
    else this.reloads.failed++;
  }

  /** Listens on `at` (null: not at all). A failure to bind is logged; the daemon runs on without metrics. */
  async apply(at: MetricsListen | null): Promise<void> {
    if (sameListen(this.listening, at)) return;
    await this.close();
    if (!at) return;
    if (!isLoopback(at.address)) this.log.warn(`metrics endpoint on non-loopback address ${at.address}: anyone who can reach it can read the daemon's state`);
    this.registry ??= createMetricsRegistry({ ...this.sources, reloads: () => this.reloads });
    try {
      this.server = await MetricsServer.start(at, this.registry, this.log);
      this.log.info(`metrics endpoint listening on ${formatListen(at)}/metrics`);
    } catch (err) {
      this.log.error({ err }, `metrics endpoint not available on ${formatListen(at)} (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await s.close();
  }
}
