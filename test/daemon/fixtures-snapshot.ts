/**
 * Snapshots for the dump and status tests. `capturedState` describes what keepalived 2.2.7 held in
 * test/fixtures/dumps/capture-data.sh's run (VI_1 MASTER, VI_2 BACKUP under a priority-200 peer),
 * so our formatters can be compared with keepalived's own files.
 */
import { emptyStats } from '../../src/vrrp/instance.js';
import type { DaemonSnapshot, VrrpInstanceSnapshot } from '../../src/daemon/snapshot.js';

const GARP = { masterDelayMs: 5000, masterRepeat: 5, masterRefreshMs: 0, masterRefreshRepeat: 1, lowerPrioDelayMs: 5000, lowerPrioRepeat: 5 };

const base: Omit<VrrpInstanceSnapshot, 'name' | 'state' | 'wantState' | 'vrid' | 'basePriority' | 'effectivePriority' | 'master' | 'vipsSet' | 'vips' | 'masterDownIntervalMs' | 'lastTransition' | 'stats' | 'transitions'> = {
  version: 2, family: 4, interface: 'veth0', excludedVips: [], srcIp: '10.97.0.1', mcastGroup: '224.0.0.18', unicastPeers: [],
  advertIntervalMs: 1000, masterAdvertIntervalMs: 1000, nopreempt: false, preemptDelayMs: 0, downTimerAdverts: 3, authType: 'none',
  faulted: false, garp: GARP, lowerPrioNoAdvert: false, higherPrioSendAdvert: false, skipCheckAdvAddr: false,
};

export function capturedState(): DaemonSnapshot {
  return {
    format: 1,
    takenAt: 1795454221_000,
    pid: 4242,
    vrrp: [
      {
        ...base, name: 'VI_1', state: 'MASTER', wantState: 'MASTER', vrid: 51, basePriority: 150, effectivePriority: 150,
        master: { address: '10.97.0.1', priority: 150, self: true }, vipsSet: true,
        vips: [
          { address: '10.97.0.100', prefix: 24, dev: 'veth0', scope: null, label: null, brd: null },
          { address: '10.97.0.101', prefix: 32, dev: 'veth0', scope: null, label: null, brd: null },
        ],
        masterDownIntervalMs: 3000 + (256 - 150) * 1000 / 256,
        transitions: 2, lastTransition: 1795454216244.205,
        stats: { ...emptyStats(), advert_sent: 2, become_master: 1, transitions: 2 },
      },
      {
        ...base, name: 'VI_2', state: 'BACKUP', wantState: 'BACKUP', vrid: 52, basePriority: 100, effectivePriority: 100,
        master: { address: '10.97.0.2', priority: 200, self: false }, vipsSet: false,
        vips: [{ address: '10.97.0.200', prefix: 24, dev: 'veth0', scope: null, label: null, brd: null }],
        masterDownIntervalMs: 3000 + (256 - 100) * 1000 / 256,
        transitions: 1, lastTransition: 1795454212813.81,
        stats: { ...emptyStats(), advert_rcvd: 3, transitions: 1 },
      },
    ],
    virtualServers: [],
  };
}

/** An LVS part for table tests: one healthy, one failed real server, a sorry server on standby. */
export function withLvs(s: DaemonSnapshot): DaemonSnapshot {
  const t = s.takenAt;
  return {
    ...s,
    virtualServers: [{
      key: 'TCP 10.97.0.100:80', quorum: 1, hysteresis: 0, quorumUp: true, aliveWeight: 3,
      sorryServer: { address: '10.97.0.9', port: 80, weight: 1, active: false },
      realServers: [
        {
          key: '10.97.1.1:80', address: '10.97.1.1', port: 80, alive: true, weight: 3, configuredWeight: 3, inhibitOnFailure: false,
          checkers: [{ key: 'k1', kind: 'TCP_CHECK', up: true, lastCheck: { ok: true, reason: 'connected', at: t - 4_000, durationMs: 2 } }],
        },
        {
          key: '10.97.1.2:80', address: '10.97.1.2', port: 80, alive: false, weight: 1, configuredWeight: 2, inhibitOnFailure: false,
          checkers: [{ key: 'k2', kind: 'HTTP_GET', up: false, lastCheck: { ok: false, reason: 'connection refused', at: t - 65_000, durationMs: 1 } }],
        },
      ],
    }],
  };
}
