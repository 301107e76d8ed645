/**
 * VRRP timer arithmetic as keepalived computes it (integer microseconds, truncated), returned in
 * milliseconds. Pure.
 *
 * - Skew_Time, v2 (RFC 3768 §6.1): (256 − p) / 256 s — not scaled by the advert interval.
 * - Skew_Time, v3 (RFC 5798 §6.1): ((256 − p) × Master_Adver_Interval) / 256, where the interval
 *   is the one learned from the master's adverts (keepalived: (256−p) × cs × 625 / 16 µs).
 * - Master_Down_Interval = down_timer_adverts (3) × Master_Adver_Interval + Skew_Time.
 * `p` is 255 for an address owner, else the *effective* priority (semantics §2.2).
 */
import type { VrrpVersion } from './packet.js';

export const US_PER_MS = 1000;

export function skewUs(version: VrrpVersion, priority: number, masterAdverIntCs: number): number {
  if (version === 2) return Math.floor(((256 - priority) * 1_000_000) / 256);
  return Math.floor(((256 - priority) * masterAdverIntCs * 625) / 16);
}

export function skewMs(version: VrrpVersion, priority: number, masterAdverIntCs: number): number {
  return skewUs(version, priority, masterAdverIntCs) / US_PER_MS;
}

export function masterDownMs(version: VrrpVersion, priority: number, masterAdverIntCs: number, downTimerAdverts = 3): number {
  return (downTimerAdverts * masterAdverIntCs * 10_000 + skewUs(version, priority, masterAdverIntCs)) / US_PER_MS;
}

/** The priority the skew uses: the owner keeps 255, everyone else its effective priority. */
export const skewPriority = (configured: number, effective: number): number => (configured === 255 ? 255 : effective);

/** keepalived's SKEW_MIN: skew for priority 255 (used for sync-group members waiting on their group). */
export const skewMinMs = (version: VrrpVersion, masterAdverIntCs: number): number => skewMs(version, 255, masterAdverIntCs);

export const advertIntervalMs = (cs: number): number => cs * 10;
