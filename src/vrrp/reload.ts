/**
 * SIGHUP for one instance, pure: which running instance a new configuration continues, how their
 * addresses differ, and what the successor does when it takes over (semantics §2.11).
 *
 * keepalived matches old and new instances by (VRID, family, interface, unicast or multicast, and
 * the unicast source / multicast group), never by name. A match keeps state, wantstate, stats and
 * the VIPs it holds; a MASTER stays MASTER and advertises at once, so a new priority or interval is
 * on the wire in the next advert and the normal election decides whether anything moves (no
 * priority-0 advert). No notification fires: the state did not change.
 */
import { formatIp } from '../common/ip.js';
import type { InstanceConfig } from './config.js';
import type { Effect, StepResult, VrrpRuntime } from './fsm.js';
import { advertIntervalMs } from './timers.js';

/** The identity of an instance across a reload (keepalived vrrp_exist). */
export function reloadKey(c: InstanceConfig): string {
  const unicast = c.unicastPeers.length > 0;
  return [c.vrid, c.family, c.ifname, unicast ? 'unicast' : 'multicast', formatIp(unicast ? c.srcIp : c.mcastGroup)].join('|');
}

/** What a running instance hands to its reload successor. */
export interface Handover {
  cfg: InstanceConfig;
  runtime: VrrpRuntime;
}

export interface AddressDiff { added: Uint8Array[]; removed: Uint8Array[] }

/** VIPs and excluded VIPs the new configuration adds and drops (by address). */
export function addressDiff(prev: InstanceConfig, next: InstanceConfig): AddressDiff {
  const all = (c: InstanceConfig) => [...c.vips, ...c.excludedVips];
  const keys = (c: InstanceConfig) => new Set(all(c).map(formatIp));
  const before = keys(prev);
  const after = keys(next);
  return {
    added: all(next).filter((a) => !before.has(formatIp(a))),
    removed: all(prev).filter((a) => !after.has(formatIp(a))),
  };
}

/** Priorities 0 and 255 keep their protocol meaning: only the owner advertises 255. */
const clampPriority = (cfg: InstanceConfig, effective: number): number =>
  (cfg.priority === 255 ? 255 : Math.min(254, Math.max(1, Math.round(effective))));

/**
 * The successor's runtime and first effects. `effectivePriority` is the new base priority with
 * the trackers applied. MASTER: an advert now with that priority, the advert timer on the new
 * interval, a GARP burst if VIPs were added (the caller has added them: it knows their devices),
 * the GARP refresh restarted. BACKUP: the pending
 * Master_Down deadline is kept (a reload does not postpone a take-over that is due). FAULT stays.
 */
export function resumeStep(prev: Handover, cfg: InstanceConfig, now: number, effectivePriority: number): StepResult {
  const r = prev.runtime;
  const effective = clampPriority(cfg, effectivePriority);
  const fx: Effect[] = [];
  if (effective !== r.effectivePriority) fx.push({ t: 'log', level: 'info', msg: `Changing effective priority from ${r.effectivePriority} to ${effective} (reload)` });
  // v2 backups time the master with their own interval; v3 backups keep the one learnt from the master.
  const ownInterval = r.state === 'MASTER' || cfg.version === 2;
  let s: VrrpRuntime = { ...r, effectivePriority: effective, masterAdverIntCs: ownInterval ? cfg.advertIntervalCs : r.masterAdverIntCs };
  if (r.state === 'MASTER') {
    const adverAt = now + advertIntervalMs(cfg.advertIntervalCs);
    s = { ...s, adverAt };
    const added = addressDiff(prev.cfg, cfg).added.length > 0;
    fx.push({ t: 'sendAdvert', priority: effective }, { t: 'arm', timer: 'adver', at: adverAt });
    fx.push({ t: 'garpReload', vipsAdded: added });
  } else if (r.state === 'BACKUP' && r.downAt !== undefined) {
    fx.push({ t: 'arm', timer: 'masterDown', at: r.downAt });
  }
  return { state: s, effects: fx };
}
