/**
 * Where the Prometheus endpoint listens: `[ADDR:]PORT` as --metrics-listen takes it. Kept apart from
 * metrics-server.ts so the CLI can check the flag without loading prom-client.
 */
import { isIP } from 'node:net';

export interface MetricsListen { address: string; port: number }

export const DEFAULT_METRICS_ADDRESS = '127.0.0.1';

/** `[ADDR:]PORT` with IPv6 in brackets (`9650`, `0.0.0.0:9650`, `[::1]:9650`); null when malformed. */
export function parseMetricsListen(text: string): MetricsListen | null {
  const m = /^(?:(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):)?(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const address = m[1] ?? m[2] ?? DEFAULT_METRICS_ADDRESS;
  const port = Number(m[3]);
  if (isIP(address) === 0 || port < 1 || port > 65_535) return null;
  return { address, port };
}

export const isLoopback = (address: string): boolean => /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);

export const sameListen = (a: MetricsListen | null, b: MetricsListen | null): boolean =>
  a === b || (a !== null && b !== null && a.address === b.address && a.port === b.port);

export const formatListen = (at: MetricsListen): string => (isIP(at.address) === 6 ? `[${at.address}]:${at.port}` : `${at.address}:${at.port}`);
