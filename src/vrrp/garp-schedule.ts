/**
 * When gratuitous ARPs / unsolicited NAs go out (keepalived vrrp.c/vrrp_arp.c, semantics §4). Pure.
 *
 * On becoming MASTER (after the first advert and after adding the VIPs): a burst of
 * garp_master_repeat packets per address at once, a second one garp_master_delay later (none if
 * 0), and if garp_master_refresh > 0 refresh bursts of garp_master_refresh_repeat every refresh
 * period, the first at delay + refresh. A MASTER hearing a lower priority sends
 * garp_lower_prio_repeat at once and again after garp_lower_prio_delay. A MASTER kept across a
 * reload announces again only when VIPs were added.
 * vrrp_min_garp reduces all of this to one packet per address on becoming MASTER.
 * A burst loops `repeat` times over all addresses; packets are spaced by vrrp_garp_interval
 * (IPv4) / vrrp_gna_interval (IPv6), back to back when 0.
 */
import type { GarpConfig } from './config.js';

export interface Burst { atMs: number; repeat: number }
export interface Refresh { firstAtMs: number; periodMs: number; repeat: number }
export interface GarpPacket { offsetMs: number; addr: Uint8Array }

export function masterBursts(g: GarpConfig): Burst[] {
  if (g.minGarp) return [{ atMs: 0, repeat: 1 }];
  const out: Burst[] = [{ atMs: 0, repeat: g.masterRepeat }];
  if (g.masterDelayMs > 0) out.push({ atMs: g.masterDelayMs, repeat: g.masterRepeat });
  return out;
}

export function masterRefresh(g: GarpConfig): Refresh | null {
  if (g.minGarp || g.masterRefreshMs <= 0) return null;
  return { firstAtMs: g.masterDelayMs + g.masterRefreshMs, periodMs: g.masterRefreshMs, repeat: g.masterRefreshRepeat };
}

/**
 * A MASTER kept across a reload: one burst at once when VIPs were added (keepalived announces
 * all its addresses then, not only the new ones), and the refresh restarted from now.
 */
export function reloadBursts(g: GarpConfig, vipsAdded: boolean): Burst[] {
  if (!vipsAdded) return [];
  return [{ atMs: 0, repeat: g.minGarp ? 1 : g.masterRepeat }];
}

export function reloadRefresh(g: GarpConfig): Refresh | null {
  if (g.minGarp || g.masterRefreshMs <= 0) return null;
  return { firstAtMs: g.masterRefreshMs, periodMs: g.masterRefreshMs, repeat: g.masterRefreshRepeat };
}

export function lowerPrioBursts(g: GarpConfig): Burst[] {
  if (g.lowerPrioRepeat <= 0) return [];
  const out: Burst[] = [{ atMs: 0, repeat: g.lowerPrioRepeat }];
  if (g.lowerPrioDelayMs > 0) out.push({ atMs: g.lowerPrioDelayMs, repeat: g.lowerPrioRepeat });
  return out;
}

/** The packets of one burst with their offsets from the burst start. */
export function burstPackets(addrs: readonly Uint8Array[], repeat: number, g: Pick<GarpConfig, 'garpIntervalMs' | 'gnaIntervalMs'>): GarpPacket[] {
  const out: GarpPacket[] = [];
  const next = { 4: 0, 6: 0 }; // per family: ARP and NA are paced independently
  for (let r = 0; r < repeat; r++) {
    for (const addr of addrs) {
      const fam = addr.length === 4 ? 4 : 6;
      out.push({ offsetMs: next[fam], addr });
      next[fam] += fam === 4 ? g.garpIntervalMs : g.gnaIntervalMs;
    }
  }
  return out;
}
