import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';
import { instanceConfig, type InstanceConfig } from '../../src/vrrp/config.js';
import { reloadKey, VrrpInstance } from '../../src/vrrp/instance.js';
import { VrrpRouter } from '../../src/vrrp/router.js';
import { decodeAdvert, encodeAdvert, passAuthData } from '../../src/vrrp/packet.js';
import { parseIpv4Datagram } from '../../src/vrrp/ipv4.js';
import * as ka from '../fixtures/packets/keepalived-2.2.7.js';
import { FakeAnnouncer, FakeNotifier, FakeVips, FakeWire } from './fakes.js';

const ip = (d: number) => Uint8Array.from([10, 0, 0, d]);
const VIP = ip(100);

function host(wire: FakeWire, clock: FakeClock, name: string, cfg: Partial<InstanceConfig> & { srcIp: Uint8Array }) {
  const transport = wire.attach(name);
  const vips = new FakeVips(clock);
  const announcer = new FakeAnnouncer(clock);
  const notifier = new FakeNotifier(clock);
  const log = captureLogger();
  const inst = new VrrpInstance(instanceConfig({ name: 'VI_1', vrid: 51, vips: [VIP], ifindex: 2, ...cfg }), { clock, transport, vips, announcer, notifier, log });
  const router = new VrrpRouter(transport, log);
  router.add(inst);
  return { inst, vips, announcer, notifier, log, router };
}

function lab(latencyMs = 0.1) {
  const clock = new FakeClock();
  const wire = new FakeWire(clock, latencyMs);
  return { clock, wire };
}

describe('one instance', () => {
  it('BACKUP -> MASTER after Master_Down_Interval: advert before VIPs and GARPs; bursts at 0 and +5 s; adverts every second', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), priority: 100, excludedVips: [ip(101)] });
    a.inst.start();
    expect(a.inst.state).toBe('BACKUP');
    expect(a.notifier.events).toEqual([{ instance: 'VI_1', from: 'INIT', state: 'BACKUP', priority: 100, at: 0 }]);
    clock.advance(3609.374);
    expect(a.inst.state).toBe('BACKUP');
    clock.advance(0.001);
    expect(a.inst.state).toBe('MASTER');
    expect(wire.adverts('a')).toEqual([[3609.375, 100]]);
    expect(a.vips.ops).toEqual([{ at: 0, op: 'remove', instance: 'VI_1' }, { at: 3609.375, op: 'add', instance: 'VI_1' }]);
    // 5 rounds over VIP + eVIP, immediately
    expect(a.announcer.sent.map((s) => s.addr)).toEqual(Array(5).fill(['10.0.0.100', '10.0.0.101']).flat());
    clock.advance(5000);
    expect(a.announcer.sent.filter((s) => s.at === 3609.375 + 5000)).toHaveLength(10);
    expect(wire.adverts('a').map(([t]) => t)).toEqual([0, 1, 2, 3, 4, 5].map((k) => 3609.375 + k * 1000));
    expect(a.inst.stats).toMatchObject({ become_master: 1, advert_sent: 6, transitions: 2 });
    expect(a.log.records.map((r) => r.msg)).toContain('(VI_1) Entering MASTER STATE');
  });

  it('garp_master_refresh repeats while MASTER and stops on leaving; garp_interval spaces the packets', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', {
      srcIp: ip(1), priority: 255, initialState: 'MASTER',
      garp: { masterDelayMs: 0, masterRepeat: 2, masterRefreshMs: 10_000, masterRefreshRepeat: 1, lowerPrioDelayMs: 0, lowerPrioRepeat: 1, garpIntervalMs: 20, gnaIntervalMs: 0 },
    });
    a.inst.start();
    clock.advance(1);
    expect(a.inst.state).toBe('MASTER');
    expect(a.announcer.sent.map((s) => s.at)).toEqual([0.001]);
    clock.advance(20);
    expect(a.announcer.sent.map((s) => s.at)).toEqual([0.001, 20.001]);
    clock.advance(24_979);
    expect(a.announcer.sent.map((s) => Math.round(s.at))).toEqual([0, 20, 10_000, 20_000]);
    a.inst.setFault(true);
    clock.advance(50_000);
    expect(a.announcer.sent).toHaveLength(4);
    expect(a.inst.pendingTimers()).toBe(0);
  });

  it('counts drops per reason, logs each reason once until an advert is accepted', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), authType: 1, authData: passAuthData('pw') });
    a.inst.start();
    const good = encodeAdvert({ version: 2, vrid: 51, priority: 200, intervalCs: 100, addrs: [VIP], authType: 1, authData: passAuthData('pw') }, { family: 4, src: ip(9), dst: ip(0) });
    const bad = encodeAdvert({ version: 2, vrid: 51, priority: 200, intervalCs: 100, addrs: [VIP], authType: 1, authData: passAuthData('nope') }, { family: 4, src: ip(9), dst: ip(0) });
    const rx = (payload: Uint8Array, ttl = 255) => a.router.handle({ ifindex: 2, family: 4, src: ip(9), dst: Uint8Array.from([224, 0, 0, 18]), ttl, payload });
    rx(bad); rx(bad); rx(good, 64); rx(Uint8Array.of(0x21, 51));
    expect(a.inst.stats).toMatchObject({ auth_failure: 2, ip_ttl_err: 1, advert_rcvd: 0 });
    expect(a.router.stats.too_short).toBe(1);
    expect(a.log.records.filter((r) => /invalid passwd/.test(r.msg))).toHaveLength(1);
    rx(good);
    rx(bad);
    expect(a.inst.stats).toMatchObject({ auth_failure: 3, advert_rcvd: 1 });
    expect(a.log.records.filter((r) => /invalid passwd/.test(r.msg))).toHaveLength(2);
    expect(a.inst.runtime.master).toEqual({ ip: ip(9), priority: 200 });
  });

  it('VRRPv3 unicast: one copy per peer with its own pseudo-header checksum; IP IDs count up', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), version: 3, priority: 255, initialState: 'MASTER', unicastPeers: [ip(2), ip(3)] });
    a.inst.start();
    clock.advance(1);
    const sent = wire.log.map((r) => r.pkt);
    expect(sent.map((p) => [p.dst.join('.'), p.ipId])).toEqual([['10.0.0.2', 1], ['10.0.0.3', 2]]);
    for (const p of sent) expect(decodeAdvert(p.payload, 4, { family: 4, src: p.src, dst: p.dst }).ok).toBe(true);
    expect(sent[0]!.payload.subarray(6, 8)).not.toEqual(sent[1]!.payload.subarray(6, 8));
  });

  it('track outcome: weight-0 failure -> FAULT with a priority-0 advert; recovery -> BACKUP', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1) });
    a.inst.start();
    clock.advance(4000);
    a.inst.applyTracking({ priority: 100, fault: true, faultBy: ['interface eth0'] });
    expect(a.inst.state).toBe('FAULT');
    expect(wire.adverts('a').at(-1)).toEqual([4000, 0]);
    expect(a.vips.holding.size).toBe(0);
    a.inst.applyTracking({ priority: 90, fault: false, faultBy: [] });
    expect(a.inst.state).toBe('BACKUP');
    expect(a.inst.runtime.effectivePriority).toBe(90);
    expect(a.notifier.events.map((e) => e.state)).toEqual(['BACKUP', 'MASTER', 'FAULT', 'BACKUP']);
  });
});

describe('two routers on a fake wire', () => {
  it('election: the higher priority becomes MASTER first and the other stays BACKUP', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), priority: 150 });
    const b = host(wire, clock, 'b', { srcIp: ip(2), priority: 100 });
    a.inst.start(); b.inst.start();
    clock.advance(20_000);
    expect([a.inst.state, b.inst.state]).toEqual(['MASTER', 'BACKUP']);
    expect(a.notifier.events.find((e) => e.state === 'MASTER')?.at).toBe(3414.062);
    expect(b.inst.stats).toMatchObject({ become_master: 0, advert_rcvd: 17 });
    expect(a.vips.holding.has('VI_1')).toBe(true);
    expect(b.vips.holding.size).toBe(0);
  });

  it('preemption: a higher-priority router joining later takes over; with nopreempt it does not', () => {
    for (const nopreempt of [false, true]) {
      const { clock, wire } = lab();
      const a = host(wire, clock, 'a', { srcIp: ip(1), priority: 150, nopreempt });
      const b = host(wire, clock, 'b', { srcIp: ip(2), priority: 100 });
      b.inst.start();
      clock.advance(10_000);
      expect(b.inst.state).toBe('MASTER');
      a.inst.start();
      clock.advance(10_000);
      if (nopreempt) {
        expect([a.inst.state, b.inst.state]).toEqual(['BACKUP', 'MASTER']);
      } else {
        expect([a.inst.state, b.inst.state]).toEqual(['MASTER', 'BACKUP']);
        // a discards b's lower adverts, so its own down timer decides: start + 3.414062 s
        expect(a.notifier.events.find((e) => e.state === 'MASTER')?.at).toBe(10_000 + 3414.062);
        expect(b.notifier.events.at(-1)).toMatchObject({ state: 'BACKUP', at: 10_000 + 3414.062 + 0.1 });
        expect([...a.vips.holding, ...b.vips.holding]).toEqual(['VI_1']);
      }
    }
  });

  it('SIGTERM of the MASTER: priority 0 advert, the BACKUP takes over after Skew_Time', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), priority: 150 });
    const b = host(wire, clock, 'b', { srcIp: ip(2), priority: 100 });
    a.inst.start(); b.inst.start();
    clock.advance(10_000);
    a.inst.shutdown();
    expect(a.inst.state).toBe('STOP');
    expect(wire.adverts('a').at(-1)).toEqual([10_000, 0]);
    clock.advance(609.374 + 0.1);
    expect(b.inst.state).toBe('BACKUP');
    clock.advance(0.001);
    expect(b.inst.state).toBe('MASTER');
    expect(b.inst.stats.pri_zero_rcvd).toBe(1);
    expect(b.announcer.sent[0]?.at).toBe(10_000 + 0.1 + 609.375);
    expect(a.inst.pendingTimers()).toBe(0);
  });

  it('MASTER killed silently: the BACKUP takes over Master_Down_Interval after the last advert', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), priority: 150 });
    const b = host(wire, clock, 'b', { srcIp: ip(2), priority: 100 });
    a.inst.start(); b.inst.start();
    clock.advance(10_000);
    const last = wire.adverts('a').at(-1)![0];
    wire.link('a', false); // SIGKILL: nothing more leaves a
    clock.advance(10_000);
    expect(b.inst.state).toBe('MASTER');
    expect(b.notifier.events.find((e) => e.state === 'MASTER')?.at).toBe(last + 0.1 + 3609.375);
  });

  it('equal priority: the higher primary address wins', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), priority: 100 });
    const b = host(wire, clock, 'b', { srcIp: ip(2), priority: 100 });
    a.inst.start(); b.inst.start();
    clock.advance(3609.375); // both time out at the same instant: both become MASTER
    expect([a.inst.state, b.inst.state]).toEqual(['MASTER', 'MASTER']);
    clock.advance(1);
    expect([a.inst.state, b.inst.state]).toEqual(['BACKUP', 'MASTER']);
    clock.advance(20_000);
    expect([a.inst.state, b.inst.state]).toEqual(['BACKUP', 'MASTER']);
  });

  it('split brain heals: after the partition exactly one MASTER remains and it re-announces with GARP', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), priority: 150 });
    const b = host(wire, clock, 'b', { srcIp: ip(2), priority: 100 });
    a.inst.start(); b.inst.start();
    clock.advance(10_000);
    wire.link('b', false);
    clock.advance(10_000);
    expect([a.inst.state, b.inst.state]).toEqual(['MASTER', 'MASTER']); // b cannot hear a
    const garpsBefore = a.announcer.sent.length;
    wire.link('b', true);
    const healAt = clock.now();
    clock.advance(1500);
    expect([a.inst.state, b.inst.state]).toEqual(['MASTER', 'BACKUP']);
    expect(a.notifier.lowerPri).toHaveLength(1); // a heard b's lower-priority advert
    const reannounce = a.announcer.sent.slice(garpsBefore);
    expect(reannounce.length).toBe(5);
    expect(reannounce[0]!.at).toBeGreaterThan(healAt);
    expect([...a.vips.holding, ...b.vips.holding]).toEqual(['VI_1']);
  });

  it('v3 with advert_int 0.1 s: takeover on master death within 3 x 100 ms + skew', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), priority: 150, version: 3, advertIntervalCs: 10 });
    const b = host(wire, clock, 'b', { srcIp: ip(2), priority: 100, version: 3, advertIntervalCs: 10 });
    a.inst.start(); b.inst.start();
    clock.advance(2000);
    const last = wire.adverts('a').at(-1)![0];
    wire.link('a', false);
    clock.advance(1000);
    expect(b.notifier.events.find((e) => e.state === 'MASTER')?.at).toBeCloseTo(last + 0.1 + 360.937, 6);
  });
});

describe('adverts captured from keepalived 2.2.7 drive our instance', () => {
  it('v2 PASS: accepted as a higher-priority master; its priority-0 advert makes us MASTER after Skew_Time', () => {
    const { clock, wire } = lab();
    const us = host(wire, clock, 'us', {
      srcIp: Uint8Array.of(10, 99, 0, 2), priority: 100, authType: 1, authData: passAuthData('secret12'),
      vips: [Uint8Array.of(10, 99, 0, 100), Uint8Array.of(10, 99, 0, 101)],
    });
    us.inst.start();
    const feed = (dgram: Uint8Array) => {
      const ipd = parseIpv4Datagram(dgram);
      if (!ipd.ok) throw new Error(ipd.reason);
      us.router.handle({ ifindex: 2, family: 4, src: ipd.value.src, dst: ipd.value.dst, ttl: ipd.value.ttl, payload: ipd.value.payload });
    };
    for (let k = 0; k < 5; k++) { clock.advance(1000); feed(ka.v2PassPrio255); }
    expect(us.inst.state).toBe('BACKUP');
    expect(us.inst.stats).toMatchObject({ advert_rcvd: 5, auth_failure: 0, addr_list_err: 0 });
    expect(us.inst.runtime.master?.priority).toBe(255);
    feed(ka.v2PassPrio0);
    clock.advance(609.375);
    expect(us.inst.state).toBe('MASTER');
    expect(us.inst.stats.pri_zero_rcvd).toBe(1);
  });
  it('v3 IPv4 (pseudo-header checksum) and v3 IPv6: accepted; the backup learns the 50 cs interval', () => {
    const { clock, wire } = lab();
    const v3 = host(wire, clock, 'v3', { srcIp: Uint8Array.of(10, 99, 0, 2), vrid: 52, version: 3, priority: 100, vips: [Uint8Array.of(10, 99, 0, 102)] });
    v3.inst.start();
    const d = parseIpv4Datagram(ka.v3Ipv4Prio150);
    if (!d.ok) throw new Error(d.reason);
    v3.router.handle({ ifindex: 2, family: 4, src: d.value.src, dst: d.value.dst, ttl: 255, payload: d.value.payload });
    expect(v3.inst.stats.advert_rcvd).toBe(1);
    expect(v3.inst.runtime.masterAdverIntCs).toBe(50);
    const v6 = host(wire, clock, 'v6', { srcIp: ka.src6.map((b, i) => (i === 15 ? 2 : b)), vrid: 53, family: 6, version: 3, priority: 100, vips: [ka.fd00_99__100, ka.fd00_99__101] });
    v6.inst.start();
    v6.router.handle({ ifindex: 2, family: 6, src: ka.src6, dst: ka.group6, ttl: 255, payload: ka.v3Ipv6Prio200 });
    v6.router.handle({ ifindex: 2, family: 6, src: ka.src6, dst: ka.group6, ttl: 254, payload: ka.v3Ipv6Prio200 });
    expect(v6.inst.stats).toMatchObject({ advert_rcvd: 1, ip_ttl_err: 1, chk_err: 0 });
    expect(v6.inst.runtime.master?.priority).toBe(200);
  });
});

describe('reload', () => {
  it('a matched successor keeps state, stats and timer deadlines; the old one goes quiet', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), priority: 150 });
    const b = host(wire, clock, 'b', { srcIp: ip(2), priority: 100 });
    a.inst.start(); b.inst.start();
    clock.advance(10_000);
    const prev = b.inst.detach();
    expect(b.inst.pendingTimers()).toBe(0);
    const t2 = wire.attach('b2');
    const b2 = new VrrpInstance(instanceConfig({ name: 'VI_renamed', vrid: 51, srcIp: ip(2), priority: 120, vips: [VIP], ifindex: 2 }),
      { clock, transport: t2, vips: b.vips, announcer: b.announcer, notifier: b.notifier, log: b.log });
    new VrrpRouter(t2, b.log).add(b2);
    expect(reloadKey(b2.cfg)).toBe(reloadKey(b.inst.cfg));
    expect(reloadKey({ ...b2.cfg, vrid: 52 })).not.toBe(reloadKey(b.inst.cfg));
    b2.resume(prev);
    expect(b2.state).toBe('BACKUP');
    expect(b2.runtime.effectivePriority).toBe(120);
    expect(b2.runtime.downAt).toBe(prev.runtime.downAt);
    expect(b2.stats).toEqual(prev.stats);
    clock.advance(2000); // the old instance still hears adverts (still routed) but no longer acts
    expect(b.inst.pendingTimers()).toBe(0);
    expect(b2.stats.advert_rcvd).toBe(prev.stats.advert_rcvd + 2);
    const last = wire.adverts('a').at(-1)![0];
    wire.link('a', false);
    clock.advance(5000);
    expect(b2.state).toBe('MASTER');
    expect(b.notifier.events.at(-1)).toMatchObject({ instance: 'VI_renamed', state: 'MASTER', at: last + 0.1 + 3531.25 }); // priority 120
    expect(b.inst.state).toBe('BACKUP'); // the detached one never acts again
  });
});

describe('reload of a changed MASTER (keepalived reload_master)', () => {
  /** a (150) MASTER and b (100) BACKUP; then a is replaced by a successor built from `next`. */
  function reloadedMaster(next: Partial<InstanceConfig>, version: 2 | 3 = 2) {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), priority: 150, version });
    const b = host(wire, clock, 'b', { srcIp: ip(2), priority: 100, version });
    a.inst.start(); b.inst.start();
    clock.advance(10_000);
    expect([a.inst.state, b.inst.state]).toEqual(['MASTER', 'BACKUP']);
    const before = { notes: a.notifier.events.length, garps: a.announcer.sent.length, vipOps: a.vips.ops.length };
    const prev = a.inst.detach();
    const transport = wire.attach('a');
    const a2 = new VrrpInstance(instanceConfig({ name: 'VI_1', vrid: 51, srcIp: ip(1), vips: [VIP], ifindex: 2, version, ...next }),
      { clock, transport, vips: a.vips, announcer: a.announcer, notifier: a.notifier, log: a.log });
    new VrrpRouter(transport, a.log).add(a2);
    a2.resume(prev, a2.cfg.priority);
    return { clock, wire, a, b, a2, prev, before };
  }

  it('a lower priority and an added VIP: stays MASTER, advertises 140 at once, announces both VIPs, no priority 0, no notification', () => {
    const { clock, wire, a, b, a2, prev, before } = reloadedMaster({ priority: 140, vips: [VIP, ip(101)] });
    expect(a2.state).toBe('MASTER');
    expect(wire.adverts('a').at(-1)).toEqual([10_000, 140]);
    expect(a.announcer.sent.slice(before.garps).map((g) => [g.at, g.addr])).toEqual(Array(5).fill([[10_000, '10.0.0.100'], [10_000, '10.0.0.101']]).flat());
    clock.advance(10_000);
    expect([a2.state, b.inst.state]).toEqual(['MASTER', 'BACKUP']);
    expect(wire.adverts('a').filter(([t]) => t >= 10_000).map(([, p]) => p)).toEqual(Array(11).fill(140));
    expect(wire.adverts('a').some(([, p]) => p === 0)).toBe(false);
    expect(a.notifier.events.length).toBe(before.notes);
    expect(a.vips.ops.length).toBe(before.vipOps); // the VIP difference is the daemon's (it knows the devices)
    expect(a.announcer.sent.length).toBe(before.garps + 10); // no second burst after garp_master_delay
    expect(a2.stats).toMatchObject({ advert_sent: prev.stats.advert_sent + 11, become_master: 1, transitions: prev.stats.transitions });
    expect(b.notifier.events.map((e) => e.state)).toEqual(['BACKUP']);
  });

  it('a changed advert_int (v3) takes effect from the advert sent at the reload; the backup learns it', () => {
    const { clock, wire, b, a2 } = reloadedMaster({ priority: 150, advertIntervalCs: 300 }, 3);
    clock.advance(20_000);
    expect(wire.adverts('a').filter(([t]) => t >= 10_000).map(([t]) => t)).toEqual([10_000, 13_000, 16_000, 19_000, 22_000, 25_000, 28_000]);
    expect(b.inst.runtime.masterAdverIntCs).toBe(300);
    expect([a2.state, b.inst.state]).toEqual(['MASTER', 'BACKUP']);
  });

  it('a priority below the backup: the backup preempts on its down timer, the old master yields without priority 0', () => {
    const { clock, wire, a, b, a2, before } = reloadedMaster({ priority: 50 });
    expect(wire.adverts('a').at(-1)).toEqual([10_000, 50]);
    clock.advance(5_000);
    expect([a2.state, b.inst.state]).toEqual(['BACKUP', 'MASTER']);
    expect(wire.adverts('a').some(([, p]) => p === 0)).toBe(false);
    expect(a.vips.ops.slice(before.vipOps).map((o) => o.op)).toEqual(['remove']);
    expect(a.notifier.events.slice(before.notes).map((e) => [e.from, e.state])).toEqual([['MASTER', 'BACKUP']]);
    // b took over when its Master_Down_Interval ran out after the last advert it accepted (priority 150, before the reload).
    const lastAccepted = wire.adverts('a').filter(([, p]) => p === 150).at(-1)![0];
    expect(b.notifier.events.at(-1)).toMatchObject({ state: 'MASTER', at: lastAccepted + 0.1 + 3609.375 });
  });
});

describe('config leniency', () => {
  it('a v2 fractional interval is rounded with a warning instead of failing at the first advert', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), advertIntervalCs: 150, vips: [VIP, Uint8Array.of(0xfd, ...new Array<number>(15).fill(0))] });
    expect(a.inst.cfg.advertIntervalCs).toBe(200);
    expect(a.inst.cfg.vips).toEqual([VIP]);
    expect(a.log.records.filter((r) => r.level === 'warn').map((r) => r.msg)).toEqual([
      '(VI_1) VRRPv2 advertisement interval 1.5s must be an integer 1..255 - using 2s',
      '(VI_1) VIP of another address family ignored',
    ]);
    a.inst.start();
    clock.advance(7000);
    expect(a.inst.state).toBe('MASTER');
    expect(wire.adverts('a')[0]![0]).toBe(6000 + 609.375);
  });
  it('v3 intervals are clamped to 1..4095 cs; more than 255 VIPs spill into the excluded list', () => {
    const { clock, wire } = lab();
    const many = Array.from({ length: 300 }, (_, i) => Uint8Array.of(10, 1, i >> 8, i & 0xff));
    const a = host(wire, clock, 'a', { srcIp: ip(1), version: 3, advertIntervalCs: 5000, vips: many });
    expect(a.inst.cfg.advertIntervalCs).toBe(4095);
    expect(a.inst.cfg.vips).toHaveLength(255);
    expect(a.inst.cfg.excludedVips).toHaveLength(45);
  });
});

describe('invariants under random event sequences', () => {
  it('VIPs are held exactly while MASTER; MASTER has its advert timer, BACKUP its down timer, FAULT/STOP neither', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5000 }) }),
      fc.record({ t: fc.constant('advert' as const), prio: fc.integer({ min: 0, max: 255 }), src: fc.integer({ min: 1, max: 9 }) }),
      fc.record({ t: fc.constant('fault' as const), on: fc.boolean() }),
      fc.record({ t: fc.constant('priority' as const), p: fc.integer({ min: 1, max: 254 }) }),
      fc.record({ t: fc.constant('vipDeleted' as const) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), fc.boolean(), fc.boolean(), (ops, owner, shutdownAtEnd) => {
      const { clock, wire } = lab();
      const a = host(wire, clock, 'a', { srcIp: ip(5), priority: owner ? 255 : 100, initialState: owner ? 'MASTER' : 'BACKUP' });
      a.inst.start();
      const check = () => {
        const st = a.inst.state;
        expect(a.vips.holding.has('VI_1')).toBe(st === 'MASTER');
        const rt = a.inst.runtime;
        if (st === 'MASTER') expect(rt.adverAt).toBeGreaterThanOrEqual(clock.now());
        if (st === 'BACKUP') expect(rt.downAt).toBeGreaterThanOrEqual(clock.now());
        if (st === 'FAULT' || st === 'STOP') expect(a.inst.pendingTimers()).toBe(0);
      };
      for (const o of ops) {
        if (o.t === 'advance') clock.advance(o.ms);
        else if (o.t === 'advert') {
          const payload = encodeAdvert({ version: 2, vrid: 51, priority: o.prio, intervalCs: 100, addrs: [VIP], authType: 0 }, { family: 4, src: ip(o.src), dst: ip(0) });
          a.router.handle({ ifindex: 2, family: 4, src: ip(o.src), dst: Uint8Array.of(224, 0, 0, 18), ttl: 255, payload });
        } else if (o.t === 'fault') a.inst.setFault(o.on);
        else if (o.t === 'priority') a.inst.setEffectivePriority(o.p);
        else a.inst.vipDeleted();
        check();
      }
      if (shutdownAtEnd) {
        a.inst.shutdown();
        check();
        expect(a.inst.state).toBe('STOP');
      }
    }), { numRuns: 500 });
  });
});

describe('convergence of two routers under random partitions and faults', () => {
  it('once the link is healed and faults are cleared, exactly one MASTER holds the VIP (the higher priority one)', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 8000 }) }),
      fc.record({ t: fc.constant('link' as const), who: fc.constantFrom('a', 'b'), up: fc.boolean() }),
      fc.record({ t: fc.constant('fault' as const), who: fc.constantFrom('a', 'b'), on: fc.boolean() }),
    );
    fc.assert(fc.property(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 254 }), fc.constantFrom(2 as const, 3 as const),
      fc.array(op, { maxLength: 30 }), (pa, pb, version, ops) => {
        const { clock, wire } = lab();
        const hosts = {
          a: host(wire, clock, 'a', { srcIp: ip(1), priority: pa, version }),
          b: host(wire, clock, 'b', { srcIp: ip(2), priority: pb, version }),
        };
        hosts.a.inst.start(); hosts.b.inst.start();
        for (const o of ops) {
          if (o.t === 'advance') clock.advance(o.ms);
          else if (o.t === 'link') wire.link(o.who, o.up);
          else hosts[o.who].inst.setFault(o.on);
        }
        wire.link('a', true); wire.link('b', true);
        hosts.a.inst.setFault(false); hosts.b.inst.setFault(false);
        clock.advance(30_000);
        const masters = (['a', 'b'] as const).filter((h) => hosts[h].inst.state === 'MASTER');
        expect(masters).toHaveLength(1);
        expect([...hosts.a.vips.holding, ...hosts.b.vips.holding]).toEqual(['VI_1']);
        if (pa !== pb) expect(masters[0]).toBe(pa > pb ? 'a' : 'b');
      }), { numRuns: 300 });
  });
});

/** Adverts and ARPs from a capture-*.sh tcpdump text, in ms. */
function kaTimeline(file: string): Array<{ at: number; kind: string }> {
  const text = readFileSync(join(import.meta.dirname, '../fixtures/packets', file), 'utf8');
  const ms = (hms: string) => { const [h, m, sec] = hms.split(':').map(Number); return (h! * 3600 + m! * 60 + sec!) * 1000; };
  return [...text.matchAll(/^(\d\d:\d\d:\d\d\.\d+) (?:IP (10\.95\.0\.\d) > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 51, prio (\d+)|(ARP))/gm)]
    .map((m) => ({ at: ms(m[1]!), kind: m[4] ? 'garp' : `${m[2] === '10.95.0.1' ? 'advA' : 'advB'}:${m[3]}` }));
}
/** Events of [t0, t0 + len) as "offset-in-0.1s kind", sorted: order within 100 ms is not compared. */
const window = (list: Array<{ at: number; kind: string }>, t0: number, len: number) =>
  list.filter((e) => e.at >= t0 && e.at < t0 + len).map((e) => `${Math.round((e.at - t0) / 100) / 10}s ${e.kind}`).sort();
/** Our two-host timeline in the same shape (a = 10.95.0.1, b = 10.95.0.2). */
const ourTimeline = (wire: FakeWire, ...announcers: FakeAnnouncer[]) => [
  ...wire.log.map((r) => ({ at: r.at, kind: `${r.from === 'a' ? 'advA' : 'advB'}:${r.pkt.payload[2]}` })),
  ...announcers.flatMap((an) => an.sent.map((g) => ({ at: g.at, kind: 'garp' }))),
];
const labHosts = () => {
  const { clock, wire } = lab();
  const a = host(wire, clock, 'a', { srcIp: Uint8Array.of(10, 95, 0, 1), priority: 150 });
  const b = host(wire, clock, 'b', { srcIp: Uint8Array.of(10, 95, 0, 2), priority: 100 });
  return { clock, wire, a, b };
};

describe('timelines match two real keepalived 2.2.7 on a bridge', () => {
  it('split-brain heal (capture-split.sh): advert at once, 5 GARPs, advert timer restarted, second burst 5 s later', () => {
    const ka = kaTimeline('keepalived-2.2.7-split.txt');
    const heal = ka.find((e) => e.kind === 'advB:100')!.at;
    const { clock, wire, a, b } = labHosts();
    a.inst.start(); b.inst.start();
    clock.advance(6000);
    wire.link('b', false);
    clock.advance(6000); // b takes over meanwhile (it hears nothing); its next advert (12.023 s) precedes a's (12.414 s)
    wire.link('b', true);
    clock.advance(10_000);
    const ours = ourTimeline(wire, a.announcer).filter((e) => e.kind !== 'advB:100' || e.at > 12_000);
    const bHeal = ours.find((e) => e.kind === 'advB:100')!.at;
    expect(window(ours, bHeal, 7000)).toEqual(window(ka, heal, 7000));
  });

  it('preemption and priority-0 handover (capture-preempt.sh)', () => {
    const ka = kaTimeline('keepalived-2.2.7-preempt.txt');
    const kaPreempt = ka.find((e) => e.kind === 'advA:150')!.at;
    const kaRelease = ka.find((e) => e.kind === 'advA:0')!.at;
    const { clock, wire, a, b } = labHosts();
    b.inst.start();
    clock.advance(5500);
    a.inst.start();
    clock.advance(3414.062); // a discards b's lower adverts and preempts
    const preempt = wire.adverts('a')[0]![0];
    clock.advance(kaRelease - kaPreempt - (clock.now() - preempt));
    a.inst.shutdown();
    const release = clock.now();
    clock.advance(3000);
    const ours = ourTimeline(wire, a.announcer, b.announcer);
    expect(window(ours, preempt, 4400)).toEqual(window(ka, kaPreempt, 4400));
    expect(window(ours, release, 3000)).toEqual(window(ka, kaRelease, 3000));
    expect(b.inst.stats).toMatchObject({ become_master: 2, release_master: 1, pri_zero_rcvd: 1 });
  });

  it('preempt_delay 5 (capture-preempt-delay.sh): lower adverts accepted for 5 s after the first, then preemption', () => {
    const ka = kaTimeline('keepalived-2.2.7-preempt-delay.txt');
    const text = readFileSync(join(import.meta.dirname, '../fixtures/packets/keepalived-2.2.7-preempt-delay.txt'), 'utf8');
    const [h, m, sec] = /a starts at (\S+)/.exec(text)![1]!.split(':').map(Number);
    const aStart = (h! * 3600 + m! * 60 + sec!) * 1000;
    const kaFirstB = ka.find((e) => e.kind === 'advB:100' && e.at > aStart)!.at;
    const { clock, wire, a, b } = (() => {
      const l = lab();
      const aa = host(l.wire, l.clock, 'a', { srcIp: Uint8Array.of(10, 95, 0, 1), priority: 150, preemptDelayMs: 5000 });
      const bb = host(l.wire, l.clock, 'b', { srcIp: Uint8Array.of(10, 95, 0, 2), priority: 100 });
      return { ...l, a: aa, b: bb };
    })();
    b.inst.start();
    clock.advance(6000); // as in the capture, b became MASTER 3 adverts before a started (its second GARP burst falls at +2 s)
    a.inst.start();
    clock.advance(12_000);
    const ours = ourTimeline(wire, a.announcer, b.announcer);
    const firstB = ours.find((e) => e.kind === 'advB:100' && e.at > 6000)!.at;
    expect(window(ours, firstB, 8000)).toEqual(window(ka, kaFirstB, 8000));
    expect(a.log.records.filter((r) => /discarding/.test(r.msg))).toHaveLength(3);
  });
});

describe('asynchronous VIP manager (rtnetlink)', () => {
  function asyncHost() {
    const { clock, wire } = lab();
    const pending: Array<() => void> = [];
    const vips = { add: () => new Promise<void>((resolve) => pending.push(resolve)), remove: () => Promise.resolve() };
    const announcer = new FakeAnnouncer(clock);
    const inst = new VrrpInstance(instanceConfig({ name: 'VI_1', vrid: 51, srcIp: ip(1), priority: 255, vips: [VIP] }),
      { clock, transport: wire.attach('a'), vips, announcer, notifier: new FakeNotifier(clock), log: captureLogger() });
    return { clock, inst, announcer, pending };
  }
  it('GARPs wait until the addresses are added', async () => {
    const { clock, inst, announcer, pending } = asyncHost();
    inst.start();
    clock.advance(1);
    expect(inst.state).toBe('MASTER');
    expect(announcer.sent).toHaveLength(0);
    pending.shift()!();
    await Promise.resolve(); await Promise.resolve();
    expect(announcer.sent).toHaveLength(5);
  });
  it('no GARPs when MASTER was left before the add finished', async () => {
    const { clock, inst, announcer, pending } = asyncHost();
    inst.start();
    clock.advance(1);
    inst.setFault(true);
    pending.shift()!();
    await Promise.resolve(); await Promise.resolve();
    clock.advance(10_000);
    expect(announcer.sent).toHaveLength(0);
  });
});

describe('old_unicast_checksum (VRRPv3 unicast peers running keepalived <= 1.3.6)', () => {
  const peer = ip(9);
  const group = Uint8Array.of(224, 0, 0, 18);
  const oldStyle = encodeAdvert({ version: 3, vrid: 51, priority: 200, intervalCs: 100, addrs: [VIP] }, { family: 4, src: peer, dst: group });
  const rx = { ifindex: 2, family: 4 as const, src: peer, dst: ip(1), ttl: 255, payload: oldStyle };
  it('auto: accepted, logged once, and our own adverts switch to the old checksum', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), version: 3, unicastPeers: [peer] });
    a.inst.start();
    a.router.handle(rx);
    expect(a.inst.stats).toMatchObject({ advert_rcvd: 1, chk_err: 0 });
    expect(a.log.records.map((r) => r.msg)).toContain('(VI_1) Setting unicast VRRPv3 checksum to old version');
    clock.advance(10_000); // no more adverts from the peer: we become MASTER and advertise
    const sent = wire.log.find((r) => r.from === 'a')!.pkt;
    expect(decodeAdvert(sent.payload, 4, { family: 4, src: ip(1), dst: group }).ok).toBe(true);
    expect(decodeAdvert(sent.payload, 4, { family: 4, src: ip(1), dst: peer }).ok).toBe(false);
  });
  it('never: rejected as a checksum error', () => {
    const { clock, wire } = lab();
    const a = host(wire, clock, 'a', { srcIp: ip(1), version: 3, unicastPeers: [peer], oldUnicastChecksum: 'never' });
    a.inst.start();
    a.router.handle(rx);
    expect(a.inst.stats).toMatchObject({ advert_rcvd: 0, chk_err: 1 });
  });
});
