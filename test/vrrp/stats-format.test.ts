import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';
import { instanceConfig } from '../../src/vrrp/config.js';
import { VrrpInstance } from '../../src/vrrp/instance.js';
import { encodeAdvert, passAuthData } from '../../src/vrrp/packet.js';
import { formatStatsFile } from '../../src/vrrp/stats-format.js';
import { FakeAnnouncer, FakeNotifier, FakeVips, FakeWire } from './fakes.js';

const fixture = readFileSync(join(import.meta.dirname, '../fixtures/packets/keepalived-2.2.7.stats.txt'), 'utf8');

describe('keepalived.stats', () => {
  it('reproduces the dump of keepalived 2.2.7 for the same scenario (capture-stats.sh)', () => {
    // VI_1 priority 100, PASS "right"; a peer sends three adverts and a priority-0 one with PASS "wrong"
    // (1..4 s), VI_1 times out at 3.609 s, sends adverts at 3.609 and 4.609, dump at 5.5 s.
    const clock = new FakeClock();
    const wire = new FakeWire(clock);
    const transport = wire.attach('ka-ts');
    const src = Uint8Array.of(10, 98, 0, 1);
    const vip = Uint8Array.of(10, 98, 0, 100);
    const inst = new VrrpInstance(instanceConfig({ name: 'VI_1', vrid: 51, srcIp: src, priority: 100, vips: [vip], authType: 1, authData: passAuthData('right') }),
      { clock, transport, vips: new FakeVips(clock), announcer: new FakeAnnouncer(clock), notifier: new FakeNotifier(clock), log: captureLogger() });
    inst.start();
    const peer = Uint8Array.of(10, 98, 0, 2);
    const group = Uint8Array.of(224, 0, 0, 18);
    for (const [at, prio] of [[1000, 255], [2000, 255], [3000, 255], [4000, 0]] as const) {
      clock.advance(at - clock.now());
      const payload = encodeAdvert({ version: 2, vrid: 51, priority: prio, intervalCs: 100, addrs: [vip], authType: 1, authData: passAuthData('wrong') }, { family: 4, src: peer, dst: group });
      inst.receive({ ifindex: 2, family: 4, src: peer, dst: group, ttl: 255, payload });
    }
    clock.advance(5500 - clock.now());
    expect(formatStatsFile([{ name: inst.name, stats: inst.stats }])).toBe(fixture);
  });
});

describe('MASTER -> FAULT as keepalived 2.2.7 does it (capture-fault.sh)', () => {
  const text = readFileSync(join(import.meta.dirname, '../fixtures/packets/keepalived-2.2.7-fault.txt'), 'utf8');
  const wirePrios = [...text.matchAll(/vrid 51, prio (\d+)/g)].map((m) => Number(m[1]));
  const [, sent, became, released, priZeroSent] = /Sent: (\d+)\s+Became master: (\d+)\s+Released master: (\d+)\s+Sent: (\d+)/.exec(text)!.map(Number);

  it('sends two priority-0 adverts, counts both as sent and one as pri_zero_sent, and releases master', () => {
    const regular = wirePrios.filter((p) => p === 255).length;
    expect(wirePrios).toEqual([...Array<number>(regular).fill(255), 0, 0]);
    const clock = new FakeClock();
    const wire = new FakeWire(clock);
    const inst = new VrrpInstance(instanceConfig({ name: 'VI_1', vrid: 51, srcIp: Uint8Array.of(10, 96, 0, 1), priority: 255, vips: [Uint8Array.of(10, 96, 0, 100)] }),
      { clock, transport: wire.attach('us'), vips: new FakeVips(clock), announcer: new FakeAnnouncer(clock), notifier: new FakeNotifier(clock), log: captureLogger() });
    inst.start();
    clock.advance((regular - 1) * 1000 + 500); // `regular` adverts, then the tracked script fails
    inst.setFault(true);
    expect(wire.adverts('us').map(([, p]) => p)).toEqual(wirePrios);
    expect(inst.stats).toMatchObject({ advert_sent: sent, become_master: became, release_master: released, pri_zero_sent: priZeroSent });
  });
});
