import { describe, expect, it } from 'vitest';
import { applyReport, buildHealth } from '../../src/check/health.js';
import { resolveTiming } from '../../src/check/defaults.js';
import type { VirtualServerCfg } from '../../src/check/types.js';
import type { VirtualIp } from '../../src/config/model.js';
import { takeSnapshot, type InstanceView } from '../../src/daemon/snapshot.js';
import { instanceConfig } from '../../src/vrrp/config.js';
import { VrrpInstance } from '../../src/vrrp/instance.js';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';
import { FakeAnnouncer, FakeNotifier, FakeVips, FakeWire } from '../vrrp/fakes.js';

const ip = (d: number) => Uint8Array.from([10, 0, 0, d]);
const WALL0 = 1_795_454_000_000;

function running(clock: FakeClock, priority = 100) {
  const wire = new FakeWire(clock);
  const inst = new VrrpInstance(
    instanceConfig({ name: 'VI_1', vrid: 51, srcIp: ip(1), priority, ifname: 'eth0', vips: [ip(100), ip(101)], excludedVips: [ip(102)] }),
    { clock, transport: wire.attach('a'), vips: new FakeVips(clock), announcer: new FakeAnnouncer(clock), notifier: new FakeNotifier(clock), log: captureLogger() },
  );
  return inst;
}

const vip = (address: string, prefix: number, extra: Partial<VirtualIp> = {}): VirtualIp =>
  ({ address, prefix, dev: null, label: null, brd: null, scope: null, noTrack: false, ...extra });

describe('takeSnapshot: VRRP', () => {
  it('reads a running instance: state, priorities, master, VIPs from the model, stats copied', () => {
    const clock = new FakeClock();
    const inst = running(clock);
    inst.start();
    clock.advance(4_000); // alone on the wire: BACKUP, then MASTER after Master_Down_Interval
    const snap = takeSnapshot({ instances: new Map([['VI_1', inst]]) }, null, () => WALL0 + clock.now(), {
      monotonicNow: () => clock.now(), pid: 7,
      config: { vrrpInstances: [{ name: 'VI_1', virtualIpaddresses: [vip('10.0.0.100', 24, { scope: 'link', label: 'eth0:v' })], virtualIpaddressesExcluded: [vip('10.0.0.102', 32, { dev: 'eth1' })] }] as never },
    });
    expect(snap).toMatchObject({ format: 1, takenAt: WALL0 + 4_000, pid: 7, virtualServers: [] });
    const i = snap.vrrp[0]!;
    expect(i).toMatchObject({
      name: 'VI_1', state: 'MASTER', wantState: 'MASTER', vrid: 51, version: 2, family: 4, interface: 'eth0',
      basePriority: 100, effectivePriority: 100, master: { address: '10.0.0.1', priority: 100, self: true }, vipsSet: true,
      srcIp: '10.0.0.1', mcastGroup: '224.0.0.18', unicastPeers: [], advertIntervalMs: 1000, authType: 'none', transitions: 2,
      // BACKUP -> MASTER after Master_Down_Interval = 3 s + (256-100)/256 s = 3609.375 ms
      lastTransition: Math.round(WALL0 + 3609.375),
    });
    expect(i.vips).toEqual([
      { address: '10.0.0.100', prefix: 24, dev: 'eth0', scope: 'link', label: 'eth0:v', brd: null },
      { address: '10.0.0.101', prefix: 32, dev: 'eth0', scope: null, label: null, brd: null }, // not in the model: host prefix
    ]);
    expect(i.excludedVips).toEqual([{ address: '10.0.0.102', prefix: 32, dev: 'eth1', scope: null, label: null, brd: null }]);
    expect(i.stats.become_master).toBe(1);
    expect(i.stats.advert_sent).toBeGreaterThan(0);
    // a copy: later counting does not change a snapshot already taken
    const sent = i.stats.advert_sent;
    clock.advance(3_000);
    expect(i.stats.advert_sent).toBe(sent);
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap); // plain JSON
  });

  it('BACKUP: the master heard; lastTransitionAt (monotonic) becomes wall-clock time', () => {
    const clock = new FakeClock();
    const inst = running(clock, 100);
    inst.start();
    const view: InstanceView = Object.assign(Object.create(inst) as VrrpInstance, { lastTransitionAt: 250 });
    const rt: { -readonly [K in keyof VrrpInstance['runtime']]: VrrpInstance['runtime'][K] } = { ...inst.runtime, state: 'BACKUP', master: { ip: ip(9), priority: 200 } };
    Object.defineProperty(view, 'runtime', { get: () => rt });
    clock.advance(1_000);
    const snap = takeSnapshot({ instances: new Map([['VI_1', view]]) }, null, () => WALL0, { monotonicNow: () => clock.now() });
    expect(snap.vrrp[0]).toMatchObject({ state: 'BACKUP', master: { address: '10.0.0.9', priority: 200, self: false }, vipsSet: false, lastTransition: WALL0 - 750 });
    rt.state = 'FAULT'; // a stale master is not shown outside BACKUP
    expect(takeSnapshot({ instances: new Map([['VI_1', view]]) }, null, () => WALL0).vrrp[0]!.master).toBeNull();
  });
});

describe('takeSnapshot: virtual servers', () => {
  const tcp = (addr: string) => ({ timing: resolveTiming('TCP_CHECK', { delayLoopMs: 5_000 }), probe: { kind: 'TCP_CHECK' as const, connectIp: addr, connectPort: 80, connectTimeoutMs: 1_000 } });
  const cfg: VirtualServerCfg = {
    key: 'TCP 10.0.0.100:80', quorum: 2, hysteresis: 0,
    sorryServer: { addr: '10.0.2.1', port: 80, weight: 1, inhibit: false },
    realServers: [
      { addr: '10.0.1.1', port: 80, weight: 1, inhibitOnFailure: false, checkers: [tcp('10.0.1.1')] },
      { addr: '10.0.1.2', port: 80, weight: 1, inhibitOnFailure: true, checkers: [tcp('10.0.1.2')] },
    ],
  };

  it('real servers alive/weight, last check result and time, quorum and sorry server', () => {
    let model = buildHealth([cfg]);
    const [k1, k2] = [...model.refs.keys()];
    model = applyReport(model, k2!, { edge: 'down', ok: false }).model;
    const lastChecks = new Map([
      [k1!, { startedAt: 100, finishedAt: 103, result: { ok: true, reason: 'connected' } }],
      [k2!, { startedAt: 200, finishedAt: 1_200, result: { ok: false, reason: 'connect timeout' } }],
    ]);
    const snap = takeSnapshot(null, { checkers: { state: model }, lastChecks }, () => WALL0, { monotonicNow: () => 2_000 });
    expect(snap.vrrp).toEqual([]);
    expect(snap.virtualServers).toEqual([{
      key: 'TCP 10.0.0.100:80', quorum: 2, hysteresis: 0, quorumUp: false, aliveWeight: 1,
      sorryServer: { address: '10.0.2.1', port: 80, weight: 1, active: true },
      realServers: [
        {
          key: '10.0.1.1:80', address: '10.0.1.1', port: 80, alive: true, weight: 1, configuredWeight: 1, inhibitOnFailure: false,
          checkers: [{ key: k1, kind: 'TCP_CHECK', up: true, lastCheck: { ok: true, reason: 'connected', at: WALL0 - 1_897, durationMs: 3 } }],
        },
        {
          key: '10.0.1.2:80', address: '10.0.1.2', port: 80, alive: false, weight: 1, configuredWeight: 1, inhibitOnFailure: true,
          checkers: [{ key: k2, kind: 'TCP_CHECK', up: false, lastCheck: { ok: false, reason: 'connect timeout', at: WALL0 - 800, durationMs: 1_000 } }],
        },
      ],
    }]);
  });

  it('without recorded reports the last check is null', () => {
    const snap = takeSnapshot(null, { checkers: { state: buildHealth([cfg]) } }, () => WALL0);
    expect(snap.virtualServers[0]!.realServers.map((r) => r.checkers[0]!.lastCheck)).toEqual([null, null]);
    expect(snap.virtualServers[0]!.quorumUp).toBe(true);
  });
});
