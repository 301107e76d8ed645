/**
 * Where the Prometheus endpoint listens: `[ADDR:]PORT` as --metrics-listen takes it. Kept apart from
 * metrics-server.ts so the CLI can check the flag without loading prom-client.
 */
import { formatIp, parseIp } from '../common/ip.js';
import { DEFAULT_METRICS_ADDRESS } from '../config/keywords/extensions.js';

export interface MetricsListen { address: string; port: number }

export { DEFAULT_METRICS_ADDRESS };

/** `[ADDR:]PORT` with IPv6 in brackets (`9650`, `0.0.0.0:9650`, `[::1]:9650`); null when malformed. */
export function parseMetricsListen(text: string): MetricsListen | null {
  const m = /^(?:(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):)?(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const ip = parseIp(m[1] ?? m[2] ?? DEFAULT_METRICS_ADDRESS);
  const port = Number(m[3]);
  if (!ip || port < 1 || port > 65_535) return null;
  return { address: formatIp(ip.bytes), port };
}

export const isLoopback = (address: string): boolean => /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);

export const sameListen = (a: MetricsListen | null, b: MetricsListen | null): boolean =>
  a === b || (a !== null && b !== null && a.address === b.address && a.port === b.port);

export const formatListen = (at: MetricsListen): string => (at.address.includes(':') ? `[${at.address}]:${at.port}` : `${at.address}:${at.port}`);
