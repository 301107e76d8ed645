/**
 * In-memory ports for the VRRP runtime: a shared "wire" that delivers every sent advert to the
 * other hosts after a latency (never to the sender: IP_MULTICAST_LOOP is off), and recorders for
 * VIPs, GARP/NA and notifications. Time comes from the FakeClock.
 */
import type { FakeClock } from '../fakes/clock.js';
import type { Announcer, Notifier, RxPacket, StateNotification, TxPacket, VipManager, VrrpTransport } from '../../src/vrrp/ports.js';
import { formatIp } from '../../src/common/ip.js';

export interface WireRecord { at: number; from: string; pkt: TxPacket }

export class FakeWire {
  readonly log: WireRecord[] = [];
  private readonly hosts = new Map<string, { handlers: Set<(p: RxPacket) => void>; ifindex: number; up: boolean }>();

  constructor(private readonly clock: FakeClock, private readonly latencyMs = 0.1) {}

  /** A host's transport on this wire; its packets arrive at the others with `ttl` unchanged. */
  attach(host: string, ifindex = 2): VrrpTransport {
    const h = { handlers: new Set<(p: RxPacket) => void>(), ifindex, up: true };
    this.hosts.set(host, h);
    return {
      send: (pkt) => {
        if (!h.up) return;
        this.log.push({ at: this.clock.now(), from: host, pkt });
        for (const [name, other] of this.hosts) {
          if (name === host) continue;
          this.clock.after(this.latencyMs, () => {
            if (!other.up || !h.up) return; // cut while in flight
            const rx: RxPacket = { ifindex: other.ifindex, family: pkt.family, src: pkt.src, dst: pkt.dst, ttl: pkt.ttl, payload: pkt.payload };
            for (const fn of other.handlers) fn(rx);
          });
        }
      },
      onPacket: (fn) => { h.handlers.add(fn); return () => h.handlers.delete(fn); },
    };
  }

  /** Cuts (false) or restores (true) a host's link. */
  link(host: string, up: boolean): void {
    const h = this.hosts.get(host);
    if (!h) throw new Error(`no host ${host}`);
    h.up = up;
  }

  /** Adverts sent by a host: [time, priority]. */
  adverts(host: string): Array<[number, number]> {
    return this.log.filter((r) => r.from === host).map((r) => [r.at, r.pkt.payload[2]!]);
  }
}

export class FakeVips implements VipManager {
  readonly ops: Array<{ at: number; op: 'add' | 'remove'; instance: string }> = [];
  readonly holding = new Set<string>();
  constructor(private readonly clock: FakeClock) {}
  add(instance: string): void { this.ops.push({ at: this.clock.now(), op: 'add', instance }); this.holding.add(instance); }
  remove(instance: string): void { this.ops.push({ at: this.clock.now(), op: 'remove', instance }); this.holding.delete(instance); }
}

export class FakeAnnouncer implements Announcer {
  readonly sent: Array<{ at: number; instance: string; addr: string }> = [];
  constructor(private readonly clock: FakeClock) {}
  announce(instance: string, addr: Uint8Array): void { this.sent.push({ at: this.clock.now(), instance, addr: formatIp(addr) }); }
}

export class FakeNotifier implements Notifier {
  readonly events: Array<StateNotification & { at: number }> = [];
  readonly lowerPri: Array<{ at: number; instance: string; priority: number }> = [];
  constructor(private readonly clock: FakeClock) {}
  notify(n: StateNotification): void { this.events.push({ ...n, at: this.clock.now() }); }
  masterRxLowerPri(instance: string, priority: number): void { this.lowerPri.push({ at: this.clock.now(), instance, priority }); }
}
