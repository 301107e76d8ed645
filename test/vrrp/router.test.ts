import { describe, expect, it } from 'vitest';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';
import { KaError } from '../../src/common/errors.js';
import { instanceConfig } from '../../src/vrrp/config.js';
import { VrrpInstance } from '../../src/vrrp/instance.js';
import { encodeAdvert } from '../../src/vrrp/packet.js';
import { VrrpRouter } from '../../src/vrrp/router.js';
import type { RxPacket, VrrpTransport } from '../../src/vrrp/ports.js';
import { FakeAnnouncer, FakeNotifier, FakeVips } from './fakes.js';

function fixture(logUnknownVrids = false) {
  const clock = new FakeClock();
  let deliver: (p: RxPacket) => void = () => { throw new Error('router did not subscribe'); };
  const transport: VrrpTransport = { send: () => {}, onPacket: (fn) => { deliver = fn; return () => { deliver = () => {}; }; } };
  const log = captureLogger();
  const deps = { clock, transport, vips: new FakeVips(clock), announcer: new FakeAnnouncer(clock), notifier: new FakeNotifier(clock), log };
  const src = Uint8Array.of(10, 0, 0, 1);
  const mk = (name: string, vrid: number, ifindex: number) => new VrrpInstance(instanceConfig({ name, vrid, ifindex, srcIp: src }), deps);
  const router = new VrrpRouter(transport, log, { logUnknownVrids });
  return { clock, router, mk, log, rx: (p: RxPacket) => deliver(p) };
}
const advert = (vrid: number, priority = 200) =>
  encodeAdvert({ version: 2, vrid, priority, intervalCs: 100, addrs: [], authType: 0, authData: new Uint8Array(8) }, { family: 4, src: Uint8Array.of(10, 0, 0, 9), dst: Uint8Array.of(224, 0, 0, 18) });
const pkt = (ifindex: number, payload: Uint8Array): RxPacket => ({ ifindex, family: 4, src: Uint8Array.of(10, 0, 0, 9), dst: Uint8Array.of(224, 0, 0, 18), ttl: 255, payload });

describe('VrrpRouter', () => {
  it('delivers by (ifindex, family, VRID) and counts unknown VRIDs', () => {
    const { router, mk, rx, log } = fixture(true);
    const a = mk('A', 51, 2), b = mk('B', 51, 3), c = mk('C', 52, 2);
    for (const i of [a, b, c]) { router.add(i); i.start(); }
    rx(pkt(2, advert(51)));
    rx(pkt(3, advert(51))); rx(pkt(3, advert(51)));
    rx(pkt(2, advert(99)));
    rx(pkt(4, advert(52)));
    expect([a.stats.advert_rcvd, b.stats.advert_rcvd, c.stats.advert_rcvd]).toEqual([1, 2, 0]);
    expect(router.stats).toEqual({ too_short: 0, unknown_vrid: 2 });
    expect(log.records.map((r) => r.msg)).toContain('Unknown VRID(99) received on interface(2) from 10.0.0.9. ignoring...');
  });
  it('rejects a duplicate VRID on the same interface and family', () => {
    const { router, mk } = fixture();
    router.add(mk('A', 51, 2));
    expect(() => router.add(mk('B', 51, 2))).toThrow(KaError);
    expect(() => router.add(mk('B', 51, 2))).toThrow(/VRID 51 is used twice/);
  });
  it('close() unsubscribes; remove() stops delivery', () => {
    const { router, mk, rx } = fixture();
    const a = mk('A', 51, 2);
    router.add(a); a.start();
    router.remove(a);
    rx(pkt(2, advert(51)));
    expect(router.stats.unknown_vrid).toBe(1);
    router.close();
    rx(pkt(2, advert(51)));
    expect(router.stats.unknown_vrid).toBe(1);
  });
});
