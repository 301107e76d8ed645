import { describe, expect, it } from 'vitest';
import { HELP, parseArgs } from '../../src/daemon/cli.js';
import { formatListen, isLoopback, parseMetricsListen } from '../../src/daemon/metrics-listen.js';

describe('parseMetricsListen', () => {
  it('takes [ADDR:]PORT, IPv6 in brackets, defaulting to 127.0.0.1', () => {
    expect(parseMetricsListen('9650')).toEqual({ address: '127.0.0.1', port: 9650 });
    expect(parseMetricsListen('0.0.0.0:9650')).toEqual({ address: '0.0.0.0', port: 9650 });
    expect(parseMetricsListen('[::1]:9650')).toEqual({ address: '::1', port: 9650 });
    for (const bad of ['', 'abc', '0', '65536', '::1:9650', '1.2.3:80', '10.0.0.1:', 'host:80', '[1.2.3.4.5]:80']) {
      expect(parseMetricsListen(bad), bad).toBeNull();
    }
    expect(formatListen({ address: '::1', port: 9650 })).toBe('[::1]:9650');
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::'].some(isLoopback)).toBe(false);
  });
});

describe('--metrics-listen', () => {
  it('is off unless given; accepts both spellings; rejects a malformed value; is in -h', () => {
    expect(parseArgs([])).toMatchObject({ ok: true, opts: { metricsListen: null } });
    expect(parseArgs(['--metrics-listen', '9650'])).toMatchObject({ ok: true, opts: { metricsListen: { address: '127.0.0.1', port: 9650 } } });
    expect(parseArgs(['--metrics-listen=[::1]:9100'])).toMatchObject({ ok: true, opts: { metricsListen: { address: '::1', port: 9100 } } });
    const bad = parseArgs(['--metrics-listen', 'localhost:9650']);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/wants \[ADDR:\]PORT/);
    expect(parseArgs(['--metrics-listen'])).toEqual({ ok: false, error: "option '--metrics-listen' requires an argument" });
    expect(HELP).toMatch(/--metrics-listen=\[ADDR:\]PORT/);
  });
});
