import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry, MailTally } from '../../src/daemon/metrics.js';
import type { DaemonSnapshot } from '../../src/daemon/snapshot.js';
import type { MailQueueStats } from '../../src/notify/mail-queue.js';
import { capturedState, withLvs } from './fixtures-snapshot.js';

interface Sample { name: string; labels: Record<string, string>; value: number }

/** Parses Prometheus text exposition format 0.0.4 (samples; TYPE lines kept apart). */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) { types.set(type[1]!, type[2]!); continue; }
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

const scrape = async (snapshot: () => DaemonSnapshot, extra: Parameters<typeof createMetricsRegistry>[0] extends infer S ? Partial<S> : never = {}) =>
  parseExposition(await createMetricsRegistry({ snapshot, ...extra }, { defaultMetrics: false }).metrics());

const pick = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
const value = (samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined => {
  const found = pick(samples, name, labels);
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
};

describe('metrics from a daemon snapshot', () => {
  it('VRRP: state as keepalived numbers it, priorities, master priority and VIPs, labelled iname/intf/vrid', async () => {
    const { samples, types } = await scrape(capturedState);
    expect(pick(samples, 'keepalived_ts_vrrp_state')).toEqual([
      { name: 'keepalived_ts_vrrp_state', labels: { iname: 'VI_1', intf: 'veth0', vrid: '51' }, value: 2 },
      { name: 'keepalived_ts_vrrp_state', labels: { iname: 'VI_2', intf: 'veth0', vrid: '52' }, value: 1 },
    ]);
    expect(types.get('keepalived_ts_vrrp_state')).toBe('gauge');
    expect(value(samples, 'keepalived_ts_vrrp_priority', { iname: 'VI_1' })).toBe(150);
    expect(value(samples, 'keepalived_ts_vrrp_base_priority', { iname: 'VI_2' })).toBe(100);
    // VI_2 is BACKUP under a priority-200 master.
    expect(value(samples, 'keepalived_ts_vrrp_master_priority', { iname: 'VI_2' })).toBe(200);
    expect(pick(samples, 'keepalived_ts_vrrp_vip').map((s) => [s.labels.iname, s.labels.ip_address, s.value])).toEqual([
      ['VI_1', '10.97.0.100', 1], ['VI_1', '10.97.0.101', 1], ['VI_2', '10.97.0.200', 0],
    ]);
    expect(value(samples, 'keepalived_ts_vrrp_last_transition_timestamp_seconds', { iname: 'VI_1' })).toBeCloseTo(1795454216.244, 3);
  });

  it('VRRP counters: keepalived-exporter names, and drops by reason', async () => {
    const s = capturedState();
    s.vrrp[1]!.stats.chk_err = 7;
    s.vrrp[1]!.stats.auth_failure = 2;
    const { samples, types } = await scrape(() => s);
    expect(value(samples, 'keepalived_ts_advertisements_sent_total', { iname: 'VI_1' })).toBe(2);
    expect(value(samples, 'keepalived_ts_advertisements_received_total', { iname: 'VI_2' })).toBe(3);
    expect(value(samples, 'keepalived_ts_become_master_total', { iname: 'VI_1' })).toBe(1);
    expect(value(samples, 'keepalived_ts_vrrp_transitions_total', { iname: 'VI_1' })).toBe(2);
    expect(types.get('keepalived_ts_advertisements_sent_total')).toBe('counter');
    expect(value(samples, 'keepalived_ts_vrrp_packets_dropped_total', { iname: 'VI_2', reason: 'chk_err' })).toBe(7);
    expect(value(samples, 'keepalived_ts_vrrp_packets_dropped_total', { iname: 'VI_2', reason: 'auth_failure' })).toBe(2);
    expect(value(samples, 'keepalived_ts_vrrp_packets_dropped_total', { iname: 'VI_1', reason: 'chk_err' })).toBe(0);
  });

  it('VRRP packets no instance saw, per interface and reason (absent when the daemon does not say)', async () => {
    const s = { ...capturedState(), vrrpInterfaceDrops: [{ intf: 'veth0', family: 4 as const, reasons: { too_short: 1, unknown_vrid: 5, ttl: 2 } }] };
    const { samples, types } = await scrape(() => s);
    expect(pick(samples, 'keepalived_ts_vrrp_interface_packets_dropped_total').map((x) => [x.labels.intf, x.labels.family, x.labels.reason, x.value]))
      .toEqual([['veth0', 'ipv4', 'too_short', 1], ['veth0', 'ipv4', 'unknown_vrid', 5], ['veth0', 'ipv4', 'ttl', 2]]);
    expect(types.get('keepalived_ts_vrrp_interface_packets_dropped_total')).toBe('counter');
    expect(pick((await scrape(capturedState)).samples, 'keepalived_ts_vrrp_interface_packets_dropped_total')).toEqual([]);
  });

  it('LVS: quorum, real server health and weight, checkers, labelled vs/rs', async () => {
    const { samples } = await scrape(() => withLvs(capturedState()));
    const vs = 'TCP 10.97.0.100:80';
    expect(value(samples, 'keepalived_ts_lvs_vs_quorum_up', { vs })).toBe(1);
    expect(value(samples, 'keepalived_ts_lvs_vs_alive_weight', { vs })).toBe(3);
    expect(value(samples, 'keepalived_ts_lvs_vs_sorry_server_active', { vs })).toBe(0);
    expect(pick(samples, 'keepalived_ts_lvs_rs_up').map((x) => [x.labels.vs, x.labels.rs, x.value])).toEqual([
      [vs, '10.97.1.1:80', 1], [vs, '10.97.1.2:80', 0],
    ]);
    expect(value(samples, 'keepalived_ts_lvs_rs_weight', { rs: '10.97.1.2:80' })).toBe(1);
    expect(value(samples, 'keepalived_ts_lvs_check_up', { rs: '10.97.1.2:80', checker: 'HTTP_GET#0' })).toBe(0);
    expect(value(samples, 'keepalived_ts_lvs_check_last_duration_seconds', { rs: '10.97.1.1:80', checker: 'TCP_CHECK#0' })).toBe(0.002);
    const s = withLvs(capturedState());
    expect(value(samples, 'keepalived_ts_lvs_check_last_timestamp_seconds', { rs: '10.97.1.2:80' })).toBe((s.takenAt - 65_000) / 1000);
  });

  it('reads the state at each scrape, one snapshot per scrape, and forgets what a reload removed', async () => {
    let current = withLvs(capturedState());
    let taken = 0;
    const registry = createMetricsRegistry({ snapshot: () => { taken++; return current; } }, { defaultMetrics: false });
    expect(taken).toBe(0); // nothing is read before a scrape
    let p = parseExposition(await registry.metrics());
    expect(taken).toBe(1);
    expect(value(p.samples, 'keepalived_ts_vrrp_state', { iname: 'VI_2' })).toBe(1);
    current = { ...capturedState(), vrrp: [{ ...capturedState().vrrp[1]!, state: 'FAULT', master: null }] };
    p = parseExposition(await registry.metrics());
    expect(taken).toBe(2);
    expect(pick(p.samples, 'keepalived_ts_vrrp_state')).toEqual([{ name: 'keepalived_ts_vrrp_state', labels: { iname: 'VI_2', intf: 'veth0', vrid: '52' }, value: 3 }]);
    expect(pick(p.samples, 'keepalived_ts_vrrp_master_priority')).toEqual([]);
    expect(pick(p.samples, 'keepalived_ts_lvs_rs_up')).toEqual([]);
  });

  it('mail and reload counters when the daemon provides them; default process metrics on request', async () => {
    const mail: MailQueueStats = { queued: 1, sent: 4, dropped: 2, rejected: 1, retries: 3 };
    const { samples } = await scrape(capturedState, { mail: () => mail, reloads: () => ({ ok: 5, failed: 1 }) });
    expect(value(samples, 'keepalived_ts_mail_sent_total')).toBe(4);
    expect(value(samples, 'keepalived_ts_mail_dropped_total', { reason: 'queue_full' })).toBe(2);
    expect(value(samples, 'keepalived_ts_mail_dropped_total', { reason: 'rejected' })).toBe(1);
    expect(value(samples, 'keepalived_ts_mail_retries_total')).toBe(3);
    expect(value(samples, 'keepalived_ts_mail_queued')).toBe(1);
    expect(value(samples, 'keepalived_ts_config_reloads_total', { result: 'ok' })).toBe(5);
    expect(value(samples, 'keepalived_ts_config_reloads_total', { result: 'failed' })).toBe(1);
    // No mail configured: the counters stay at zero.
    expect(value((await scrape(capturedState, { mail: () => null })).samples, 'keepalived_ts_mail_sent_total')).toBe(0);
    const withDefaults = parseExposition(await createMetricsRegistry({ snapshot: capturedState }).metrics());
    expect(withDefaults.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(value(withDefaults.samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

describe('MailTally', () => {
  it('sums every queue the daemon has had, so counters stay monotonic across reloads', () => {
    const tally = new MailTally();
    expect(tally.stats()).toBeNull();
    const a: MailQueueStats = { queued: 0, sent: 3, dropped: 0, rejected: 1, retries: 2 };
    const b: MailQueueStats = { queued: 2, sent: 1, dropped: 1, rejected: 0, retries: 0 };
    tally.track({ stats: () => a });
    tally.track(null);
    tally.track({ stats: () => b });
    expect(tally.stats()).toEqual({ queued: 2, sent: 4, dropped: 1, rejected: 1, retries: 2 });
  });
});

describe('README', () => {
  it('lists every keepalived_ts_* metric', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const registry = createMetricsRegistry({ snapshot: capturedState, mail: () => null, reloads: () => ({ ok: 0, failed: 0 }) }, { defaultMetrics: false });
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
  });
});
