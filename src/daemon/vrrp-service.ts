/**
 * Runs the configured vrrp_instances on real sockets: one VRRP socket pair per (interface, family)
 * shared by all its instances through a VRID router, VIPs over rtnetlink, gratuitous ARP / NA on a
 * packet socket, interface state from rtnetlink events (link down → FAULT), and state changes handed
 * to the notify dispatcher. Everything it opens is closed by stop().
 */
import type { Clock } from '../common/clock.js';
import { formatIp, type Family } from '../common/ip.js';
import type { Logger } from '../common/log.js';
import type { Config } from '../config/model.js';
import { sendGarp } from '../net/arp.js';
import type { NativeNet } from '../net/native.js';
import { sendUnsolicitedNa } from '../net/ndisc.js';
import { isNetlinkError } from '../net/netlink/errors.js';
import { PacketSocket } from '../net/packet-socket.js';
import { IFF_UP, IFF_RUNNING, type Addr, type Link } from '../net/rtnl-codec.js';
import type { AddrSpec, Rtnl, RtnlEvent } from '../net/rtnl.js';
import { VrrpSocket } from '../net/vrrp-socket.js';
import type { VrrpFromState, VrrpGroupStateEvent, VrrpInstanceStateEvent } from '../notify/events.js';
import type { InstanceConfig } from '../vrrp/config.js';
import type { VrrpState } from '../vrrp/fsm.js';
import { reloadKey, VrrpInstance, type InstanceHandover } from '../vrrp/instance.js';
import { buildVrrpIpv4Datagram } from '../vrrp/ipv4.js';
import type { Announcer, Notifier, RxPacket, StateNotification, VipManager, VrrpTransport } from '../vrrp/ports.js';
import { VrrpRouter } from '../vrrp/router.js';
import { SyncGroup } from '../vrrp/sync-group.js';
import { initialScriptState, scriptResult, trackedPriority, type ScriptTrackState } from '../vrrp/track.js';
import { toInstanceConfig, vipSpecs, type LinkFacts } from './vrrp-mapping.js';
import { trackedItems, trackedScriptNames } from './vrrp-tracking.js';

export interface VrrpServiceDeps {
  native: NativeNet;
  rtnl: Rtnl;
  clock: Clock;
  log: Logger;
  onStateChange(ev: VrrpInstanceStateEvent): void;
  onGroupStateChange?(ev: VrrpGroupStateEvent): void;
  /** Runs a vrrp_script once; resolves true when it exited 0 within the timeout. */
  runScript(argv: string[], timeoutMs: number): Promise<boolean>;
}

/** Address specs of `old` that `next` does not have (any attribute differing counts as dropped). */
const specsNotIn = (old: readonly AddrSpec[], next: readonly AddrSpec[]): AddrSpec[] => {
  const plain = (v: AddrSpec) => JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? Array.from(x) : x));
  const keep = new Set(next.map(plain));
  return old.filter((v) => !keep.has(plain(v)));
};

/** The engine's INIT is the notifiers' INIT; every other state keeps its name. */
const notifyFrom = (s: VrrpState): VrrpFromState => s;

interface Wire {
  ifname: string;
  family: 4 | 6;
  sock: VrrpSocket;
  transport: VrrpTransport;
  router: VrrpRouter;
  /** Datagrams dropped below VRRP (IP header, TTL, …), by the socket's reason. */
  ipDrops: Map<string, number>;
}

/** Packets one interface dropped before they reached an instance (for metrics). */
export interface InterfaceDrops { intf: string; family: 4 | 6; reasons: Record<string, number> }

/** A link counts as usable when it is administratively up and has carrier. */
export const linkUsable = (l: Pick<Link, 'flags'>): boolean => (l.flags & IFF_UP) !== 0 && (l.flags & IFF_RUNNING) !== 0;

export class VrrpService {
  readonly instances = new Map<string, VrrpInstance>();
  /** One socket pair and VRID router per (ifindex, family). */
  private readonly wires = new Map<string, Wire>();
  private readonly packetSockets = new Map<number, PacketSocket>();
  private readonly links = new Map<string, LinkFacts & { usable: boolean }>();
  private readonly vipsOf = new Map<string, AddrSpec[]>();
  private readonly scriptStates = new Map<string, ScriptTrackState>();
  /** Next run of each tracked script (cancel functions). */
  private readonly scriptTimers = new Map<string, () => void>();
  private stopped = false;
  private readonly log: Logger;

  /** What each running instance was built from; equal keys on reload keep the instance running untouched. */
  private readonly builtFrom = new Map<string, string>();
  private readonly groups = new Map<string, SyncGroup>();

  private constructor(private cfg: Config, private readonly d: VrrpServiceDeps) {
    this.log = d.log.child({ mod: 'vrrp' });
  }

  static async start(cfg: Config, d: VrrpServiceDeps): Promise<VrrpService> {
    const svc = new VrrpService(cfg, d);
    try {
      await svc.learnLinks();
      svc.build();
      // keepalived first removes VIPs left behind (e.g. by a crash) before entering BACKUP/FAULT;
      // an instance that becomes MASTER adds them again.
      for (const name of svc.instances.keys()) await svc.vipManager().remove(name);
      for (const inst of svc.instances.values()) {
        const o = svc.tracking(inst.name);
        inst.start(o.fault);
        inst.applyTracking(o);
      }
      svc.startScripts();
      return svc;
    } catch (err) {
      svc.closeSockets();
      throw err;
    }
  }

  private async learnLinks(): Promise<void> {
    // One dump at a time per netlink socket (a second concurrent dump gets EBUSY).
    const links = await this.d.rtnl.listLinks();
    const addrs = await this.d.rtnl.listAddrs();
    for (const l of links) {
      this.links.set(l.name, {
        index: l.index, name: l.name, mac: l.mac, usable: linkUsable(l),
        addrs: addrs.filter((a) => a.index === l.index).map((a) => ({ family: a.family, address: a.address, flags: a.flags })),
      });
    }
  }

  private build(): void {
    for (const model of this.cfg.vrrpInstances) this.buildInstance(model);
  }

  private syncGroupOf(name: string) {
    return this.cfg.syncGroups.find((g) => g.members.includes(name));
  }

  /** Everything an instance's behaviour depends on, as text (Uint8Arrays as arrays). */
  private buildKey(model: Config['vrrpInstances'][number]): string {
    const lookup = (n: string) => this.links.get(n);
    const plain = (_k: string, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v);
    return JSON.stringify({
      ic: toInstanceConfig(model, this.cfg.globalDefs, lookup), vips: vipSpecs(model, lookup), model, group: this.syncGroupOf(model.name) ?? null,
    }, plain);
  }

  private buildInstance(model: Config['vrrpInstances'][number]): VrrpInstance {
    const lookup = (name: string) => this.links.get(name);
    const ic = toInstanceConfig(model, this.cfg.globalDefs, lookup);
    this.vipsOf.set(ic.name, vipSpecs(model, lookup));
    const { router, transport } = this.transportFor(ic);
    const inst = new VrrpInstance(ic, {
      clock: this.d.clock, transport, vips: this.vipManager(), announcer: this.announcer(), notifier: this.notifier(), log: this.log,
    });
    router.add(inst);
    this.instances.set(ic.name, inst);
    this.builtFrom.set(ic.name, this.buildKey(model));
    const group = this.syncGroupOf(ic.name);
    if (group) {
      let g = this.groups.get(group.name);
      if (!g) {
        const name = group.name;
        g = new SyncGroup(name, (m) => this.log.info(m), (from, to) => {
          if (to === 'MASTER' || to === 'BACKUP' || to === 'FAULT' || to === 'STOP') this.d.onGroupStateChange?.({ t: 'vrrp-group', name, from: notifyFrom(from), to });
        });
        this.groups.set(name, g);
      }
      inst.joinGroup(g);
    }
    return inst;
  }

  /**
   * SIGHUP, as keepalived (semantics §2.11): an instance whose resolved configuration is unchanged
   * keeps running untouched (no VIP flap, no extra GARP). A changed one that keepalived would match
   * (same VRID, family, interface, unicast source / multicast group, whatever its name) continues
   * in its state: a MASTER stays MASTER and advertises the new priority at once, VIPs the new
   * configuration drops are removed and new ones added (reload.ts). Removed instances stop
   * (priority 0 if MASTER, VIPs removed); unmatched new ones start from INIT. A sync group with
   * the same members, each matching itself, continues in its state; any other change to a group
   * restarts it whole.
   */
  async reload(next: Config): Promise<{ kept: string[]; resumed: string[]; stopped: string[]; started: string[] }> {
    const prevCfg = this.cfg;
    this.cfg = next;
    const keep = new Set<string>();
    for (const model of next.vrrpInstances) {
      if (this.instances.has(model.name) && this.builtFrom.get(model.name) === this.buildKey(model)) keep.add(model.name);
    }
    // A sync group continues when it has the same members, each kept or continued under its own
    // name; otherwise it is rebuilt whole (its members restart).
    const continuing = this.continuingGroupMembers(prevCfg, next);
    const grouped = new Set<string>();
    for (const g of [...prevCfg.syncGroups, ...next.syncGroups]) {
      for (const m of g.members) grouped.add(m);
      if (g.members.some((m) => !keep.has(m) && !continuing.has(m))) {
        for (const m of g.members) { keep.delete(m); continuing.delete(m); }
        this.groups.delete(g.name);
      }
    }
    const successors = this.matchSuccessors(next, keep, grouped);
    for (const m of continuing) if (!keep.has(m)) successors.set(m, m);
    const handovers = new Map<string, { from: string; handover: InstanceHandover; vips: AddrSpec[] }>();
    const stopped: string[] = [];
    for (const [name, inst] of [...this.instances]) {
      if (keep.has(name)) continue;
      const successor = successors.get(name);
      if (successor) {
        handovers.set(successor, { from: name, handover: inst.detach(), vips: this.vipsOf.get(name) ?? [] });
      } else {
        inst.shutdown();
        await this.vipManager().remove(name);
        stopped.push(name);
      }
      for (const w of this.wires.values()) w.router.remove(inst);
      this.instances.delete(name);
      this.builtFrom.delete(name);
    }
    for (const name of [...this.vipsOf.keys()]) if (!keep.has(name)) this.vipsOf.delete(name);
    const started: string[] = [];
    const resumed: string[] = [];
    for (const model of next.vrrpInstances) {
      if (keep.has(model.name)) continue;
      const inst = this.buildInstance(model);
      const o = this.tracking(model.name);
      const prev = handovers.get(model.name);
      if (prev) {
        // Only a MASTER holds VIPs: apply the difference before it announces them. The monitor's
        // event for our own deletion of a VIP whose prefix changed can come later; onAddressDeleted
        // compares prefixes, so it does not read as "VIP deleted externally".
        if (prev.handover.runtime.state === 'MASTER') {
          const now = this.vipsOf.get(model.name) ?? [];
          await this.changeVips(prev.from, specsNotIn(prev.vips, now), 'del');
          await this.changeVips(model.name, specsNotIn(now, prev.vips), 'add');
        }
        inst.resume(prev.handover, o.priority);
        this.log.info(`(${model.name}) reloaded in ${inst.state} state${prev.from === model.name ? '' : ` (was ${prev.from})`}`);
        resumed.push(model.name);
      } else {
        await this.vipManager().remove(model.name);
        inst.start(o.fault);
        started.push(model.name);
      }
      inst.applyTracking(o);
    }
    for (const cancel of this.scriptTimers.values()) cancel();
    this.scriptTimers.clear();
    this.startScripts();
    this.retrack();
    const kept = [...keep];
    this.log.info({ kept, resumed, stopped, started }, 'VRRP configuration reloaded');
    return { kept, resumed, stopped, started };
  }

  /** Members of groups present before and after with the same members, each matching itself by reloadKey. */
  private continuingGroupMembers(prevCfg: Config, next: Config): Set<string> {
    const lookup = (n: string) => this.links.get(n);
    const out = new Set<string>();
    for (const g of next.syncGroups) {
      const before = prevCfg.syncGroups.find((p) => p.name === g.name);
      if (!before || [...before.members].sort().join() !== [...g.members].sort().join()) continue;
      const matches = g.members.every((m) => {
        const inst = this.instances.get(m);
        const model = next.vrrpInstances.find((i) => i.name === m);
        return inst && model && reloadKey(inst.cfg) === reloadKey(toInstanceConfig(model, next.globalDefs, lookup));
      });
      if (matches) for (const m of g.members) out.add(m);
    }
    return out;
  }

  /** Old instance name → new instance name it continues as, by keepalived's reload identity (reloadKey). */
  private matchSuccessors(next: Config, keep: ReadonlySet<string>, grouped: ReadonlySet<string>): Map<string, string> {
    const lookup = (n: string) => this.links.get(n);
    const byKey = new Map<string, string>();
    for (const [name, inst] of this.instances) {
      if (!keep.has(name) && !grouped.has(name)) byKey.set(reloadKey(inst.cfg), name);
    }
    const successors = new Map<string, string>(); // old name → new name
    for (const model of next.vrrpInstances) {
      if (keep.has(model.name) || grouped.has(model.name)) continue;
      const key = reloadKey(toInstanceConfig(model, next.globalDefs, lookup));
      const old = byKey.get(key);
      if (old === undefined) continue;
      byKey.delete(key);
      successors.set(old, model.name);
    }
    return successors;
  }

  /**
   * The wire of an instance's (interface, family), opened by the first instance on it. Every
   * instance adds its own advert source and, when multicast, its group: instances sharing an
   * interface may differ in both (unicast_src_ip, mcast_dst_ip, unicast next to multicast).
   */
  private transportFor(ic: InstanceConfig): Wire {
    const wire = this.wires.get(`${ic.ifindex}/${ic.family}`) ?? this.openWire(ic.ifindex, ic.ifname, ic.family, ic.srcIp);
    wire.sock.addSource(ic.srcIp);
    if (ic.unicastPeers.length === 0) wire.sock.joinGroup(ic.mcastGroup);
    return wire;
  }

  private openWire(ifindex: number, ifname: string, family: Family, src: Uint8Array): Wire {
    // IPv4 adverts carry the header keepalived builds (ID counter per instance, TTL, no DF);
    // over IPv6 the kernel builds it and the hop limit is set per send.
    const sock = VrrpSocket.open({ family, ifindex, ifname, src, multicast: false, headerIncluded: family === 4 }, this.d.native);
    const ipDrops = new Map<string, number>();
    const transport: VrrpTransport = {
      send: (p) => {
        if (p.family === 4) sock.sendDatagram(buildVrrpIpv4Datagram(p.payload, { id: p.ipId, ttl: p.ttl, src: p.src, dst: p.dst }), p.dst, p.src);
        else sock.send(p.payload, p.dst, { ttl: p.ttl, src: p.src });
      },
      onPacket: (h) => {
        sock.receive({
          onPacket: (dg) => h({ ifindex: dg.ifindex, family: dg.family, src: dg.src, dst: dg.dst, ttl: dg.ttl < 0 ? undefined : dg.ttl, payload: dg.payload } satisfies RxPacket),
          onDrop: (reason) => {
            ipDrops.set(reason, (ipDrops.get(reason) ?? 0) + 1);
            this.log.debug({ ifname, reason }, 'VRRP datagram dropped at the IP layer');
          },
        });
        return () => {};
      },
    };
    const wire: Wire = { ifname, family, sock, transport, router: new VrrpRouter(transport, this.log), ipDrops };
    this.wires.set(`${ifindex}/${family}`, wire);
    return wire;
  }

  private vipManager(): VipManager {
    return {
      add: (i) => this.changeVips(i, this.vipsOf.get(i) ?? [], 'add'),
      remove: (i) => this.changeVips(i, this.vipsOf.get(i) ?? [], 'del'),
    };
  }

  private async changeVips(instance: string, specs: readonly AddrSpec[], op: 'add' | 'del'): Promise<void> {
    for (const spec of specs) {
      try {
        if (op === 'add') await this.d.rtnl.addAddr(spec, { replace: true });
        else await this.d.rtnl.delAddr(spec);
      } catch (err) {
        // Someone removed it already, or it was there: the wanted end state holds.
        if (op === 'del' && isNetlinkError(err, 'EADDRNOTAVAIL')) continue;
        this.log.error({ err, inst: instance }, `cannot ${op === 'add' ? 'add' : 'remove'} VIP ${formatIp(spec.address)}/${spec.prefix}`);
      }
    }
  }

  private announcer(): Announcer {
    return {
      announce: (instance, addr) => {
        const inst = this.instances.get(instance);
        const spec = this.vipsOf.get(instance)?.find((s) => s.address.length === addr.length && s.address.every((b, i) => b === addr[i]));
        const ifindex = spec?.index ?? inst?.cfg.ifindex;
        const link = [...this.links.values()].find((l) => l.index === ifindex);
        if (!link?.mac || ifindex === undefined) return; // no Ethernet address: nothing to announce with
        try {
          let ps = this.packetSockets.get(ifindex);
          if (!ps) { ps = PacketSocket.open(ifindex, this.d.native); this.packetSockets.set(ifindex, ps); }
          if (addr.length === 4) sendGarp(ps, { ip: addr, mac: link.mac });
          else sendUnsolicitedNa(ps, { target: addr, mac: link.mac });
        } catch (err) {
          this.log.warn({ err, inst: instance }, `gratuitous ARP/NA for ${formatIp(addr)} failed`);
        }
      },
    };
  }

  private notifier(): Notifier {
    return {
      notify: (n: StateNotification) => {
        this.d.onStateChange({ t: 'vrrp-instance', name: n.instance, from: notifyFrom(n.from), to: n.state, priority: n.priority });
      },
    };
  }

  /** Effective priority and fault of an instance from everything it tracks. */
  private tracking(name: string) {
    const model = this.cfg.vrrpInstances.find((i) => i.name === name)!;
    return trackedPriority(model.priority, trackedItems(model, {
      linkUp: (n) => this.links.get(n)?.usable ?? false,
      scriptStatus: (n) => this.scriptStates.get(n)?.status ?? 'init',
      scripts: new Map(this.cfg.vrrpScripts.map((sc) => [sc.name, sc])),
    }));
  }

  private retrack(): void {
    if (this.stopped) return;
    for (const inst of this.instances.values()) inst.applyTracking(this.tracking(inst.name));
  }

  /** Runs each tracked vrrp_script every `interval`; rise/fall decide when its status flips. */
  private startScripts(): void {
    for (const name of trackedScriptNames(this.cfg.vrrpInstances)) {
      const sc = this.cfg.vrrpScripts.find((x) => x.name === name);
      if (!sc?.script) continue;
      const argv = sc.script.argv;
      if (!this.scriptStates.has(name)) this.scriptStates.set(name, initialScriptState(sc.initFail));
      const tick = async () => {
        const ok = await this.d.runScript(argv, sc.timeoutMs);
        if (this.stopped) return;
        const r = scriptResult(this.scriptStates.get(name)!, ok, sc);
        this.scriptStates.set(name, r.state);
        if (r.changed) {
          this.log.info(`VRRP_Script(${name}) ${r.state.status === 'up' ? 'succeeded' : 'failed'}`);
          this.retrack();
        }
        this.scriptTimers.set(name, this.d.clock.after(sc.intervalMs, () => void tick()));
      };
      void tick();
    }
  }

  /** Drops no instance saw: IP-layer rejects and router misses (too short, unknown VRID), per interface. */
  interfaceDrops(): InterfaceDrops[] {
    return [...this.wires.values()].map((w) => ({
      intf: w.ifname, family: w.family,
      reasons: { ...Object.fromEntries(w.ipDrops), too_short: w.router.stats.too_short, unknown_vrid: w.router.stats.unknown_vrid },
    }));
  }

  /** Feeds rtnetlink events: link state changes re-evaluate every instance's trackers. */
  onLinkEvent(e: RtnlEvent): void {
    const update = (l: Link) => {
      const known = this.links.get(l.name);
      if (known && known.usable !== linkUsable(l)) {
        known.usable = linkUsable(l);
        this.log.info(`Netlink reports ${l.name} ${known.usable ? 'up' : 'down'}`);
      }
    };
    if (e.t === 'addr') {
      if (e.op === 'del') this.onAddressDeleted(e.addr);
      return;
    }
    if (e.t === 'link') update(e.link);
    else e.links.forEach(update);
    this.retrack();
  }

  /** Someone removed a VIP a MASTER holds (e.g. `ip addr del`): the instance re-asserts, as keepalived. */
  private onAddressDeleted(gone: Addr): void {
    if (this.stopped) return;
    const { index, address, prefix } = gone;
    for (const inst of this.instances.values()) {
      if (inst.state !== 'MASTER') continue;
      // The prefix counts: a reload that changes a VIP's prefix deletes the old address itself, and
      // that event may arrive after the successor is MASTER with the same address at the new prefix.
      const mine = this.vipsOf.get(inst.name)?.some((v) => v.index === index && v.prefix === prefix &&
        v.address.length === address.length && v.address.every((b, i) => b === address[i]));
      if (mine) inst.vipDeleted();
    }
  }

  /**
   * Graceful stop: priority-0 adverts from MASTERs, VIPs removed, sockets closed. With
   * `release: false` (-V, --dont-release-vrrp) the instances go silent and leave their VIPs, as
   * keepalived 2.2.7 does: no priority-0 advert, so a restarted daemon finds the addresses in place.
   */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    for (const cancel of this.scriptTimers.values()) cancel();
    if (opts.release === false) {
      for (const inst of this.instances.values()) inst.detach();
    } else {
      for (const inst of this.instances.values()) inst.shutdown();
      // VIP removal runs through rtnetlink asynchronously; give it a moment before closing.
      await Promise.all([...this.instances.keys()].map((i) => this.vipManager().remove(i)));
    }
    this.closeSockets();
  }

  private closeSockets(): void {
    for (const w of this.wires.values()) { w.router.close(); w.sock.close(); }
    for (const p of this.packetSockets.values()) p.close();
    this.wires.clear();
    this.packetSockets.clear();
  }
}
