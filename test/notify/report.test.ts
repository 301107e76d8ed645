import { describe, expect, it } from 'vitest';
import type { HaEvent, VsIdentity } from '../../src/notify/events.js';
import { ActivityLog, FLAP_CHANGES, MAX_REMEMBERED, type ReportState } from '../../src/notify/report.js';

const vs: VsIdentity = { kind: 'addr', ip: '10.0.0.100', port: 80, proto: 'tcp' };
const rsEv = (ip: string, up: boolean, extra: Partial<Extract<HaEvent, { t: 'rs' }>> = {}): HaEvent =>
  ({ t: 'rs', vs, rs: { ip, port: 80 }, up, cause: 'check', ...extra });
const vrrp = (from: 'BACKUP' | 'MASTER' | 'INIT', to: 'BACKUP' | 'MASTER'): HaEvent => ({ t: 'vrrp-instance', name: 'VI_1', from, to, priority: 100 });
const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const now: ReportState = {
  instances: [{ name: 'VI_1', state: 'MASTER', priority: 100 }],
  realServers: [{ label: '10.0.0.11:80 in TCP 10.0.0.100:80', up: true, weight: 0, drained: true }, { label: '10.0.0.12:80 in TCP 10.0.0.100:80', up: false, weight: 1 }],
};

describe('ActivityLog', () => {
  it('reports the period: transitions, real-server changes, flapping ones, and the state now', () => {
    const log = new ActivityLog(T0);
    log.record(vrrp('INIT', 'BACKUP'), T0 + 1_000);
    log.record(vrrp('BACKUP', 'MASTER'), T0 + 60_000);
    for (let i = 0; i < FLAP_CHANGES; i++) log.record(rsEv('10.0.0.12', i % 2 === 1), T0 + 120_000 + i);
    log.record(rsEv('10.0.0.11', false), T0 + 200_000);
    log.record(rsEv('10.0.0.11', false, { aliveChanged: false }), T0 + 200_001); // a second checker's edge, state unchanged
    log.record(rsEv('10.0.0.11', true, { cause: 'shutdown' }), T0 + 200_002);
    const r = log.takeReport(T0 + 3_600_000, now, 'lb1', iso);
    expect(r.subject).toBe('[lb1] keepalived-ts report: 2 VRRP transitions, 5 real-server changes, 1 flapping');
    expect(r.body.split('\n')).toEqual([
      'Status report of lb1, 2026-11-23T08:00:00.000Z to 2026-11-23T09:00:00.000Z',
      '',
      'VRRP transitions: 2 (1 to MASTER)',
      '  2026-11-23T08:00:01.000Z  VI_1: INIT -> BACKUP',
      '  2026-11-23T08:01:00.000Z  VI_1: BACKUP -> MASTER',
      '',
      'Real-server state changes: 5, 1 flapping (4+ changes)',
      '  [10.0.0.12]:tcp:80 in [10.0.0.100]:tcp:80: down 2, up 2  FLAPPING',
      '  [10.0.0.11]:tcp:80 in [10.0.0.100]:tcp:80: down 1, up 0',
      '',
      'Now:',
      '  VRRP instance VI_1: MASTER, priority 100',
      '  10.0.0.11:80 in TCP 10.0.0.100:80: UP, weight 0 (maintenance window)',
      '  10.0.0.12:80 in TCP 10.0.0.100:80: DOWN, weight 1',
    ]);
  });

  it('starts a new period after each report', () => {
    const log = new ActivityLog(T0);
    log.record(vrrp('BACKUP', 'MASTER'), T0 + 1);
    log.takeReport(T0 + 10, now, 'lb1', iso);
    const second = log.takeReport(T0 + 20, { instances: [], realServers: [] }, 'lb1', iso);
    expect(second.subject).toBe('[lb1] keepalived-ts report: 0 VRRP transitions, 0 real-server changes');
    expect(second.body).toContain(`Status report of lb1, ${iso(T0 + 10)} to ${iso(T0 + 20)}`);
    expect(second.body).toContain('  nothing configured');
  });

  it('remembers a bounded number of transitions and counts the rest', () => {
    const log = new ActivityLog(T0);
    for (let i = 0; i < MAX_REMEMBERED + 5; i++) log.record(vrrp('BACKUP', 'MASTER'), T0 + i);
    const r = log.takeReport(T0 + 1e6, now, 'lb1', iso);
    expect(r.subject).toContain(`${MAX_REMEMBERED + 5} VRRP transitions`);
    expect(r.body).toContain('  ... and 5 more');
    expect(r.body.split('\n').filter((l) => l.includes('VI_1: BACKUP -> MASTER'))).toHaveLength(MAX_REMEMBERED);
  });
});
