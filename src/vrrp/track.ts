/**
 * Trackers → effective priority and fault (keepalived vrrp_track.c, semantics §2.8). Pure.
 *
 * weight 0: a failed tracker puts the instance in FAULT (so does one still initialising);
 * weight > 0: +weight while the tracker is OK; weight < 0: +weight (a decrease) while it is failed;
 * `reverse` swaps OK and failed. effective = clamp(base + Σ, 1, 254); an owner (255) never changes.
 */
export type TrackerStatus = 'init' | 'up' | 'down';

export interface TrackedItem {
  /** e.g. `interface eth1`, `script chk_nginx` (used in fault reasons and logs). */
  name: string;
  weight: number;
  reverse: boolean;
  status: TrackerStatus;
}

export interface PriorityOutcome {
  priority: number;
  fault: boolean;
  /** Trackers currently forcing FAULT. */
  faultBy: string[];
}

export function trackedPriority(basePriority: number, items: readonly TrackedItem[]): PriorityOutcome {
  let total = basePriority;
  const faultBy: string[] = [];
  for (const it of items) {
    if (it.status === 'init') {
      // Until its first result a weight-0 tracker holds FAULT; a weighted one adds nothing yet.
      if (it.weight === 0) faultBy.push(it.name);
      continue;
    }
    const good = (it.status === 'up') !== it.reverse;
    if (it.weight === 0) {
      if (!good) faultBy.push(it.name);
    } else if (it.weight > 0 ? good : !good) {
      total += it.weight;
    }
  }
  const priority = basePriority === 255 ? 255 : Math.min(254, Math.max(1, total));
  return { priority, fault: faultBy.length > 0, faultBy };
}

/**
 * vrrp_script result counting: from failed, `rise` consecutive successes make it OK; from OK,
 * `fall` consecutive failures make it failed. At start-up one result decides (keepalived starts
 * the counter at rise-1), unless `init_fail`, which starts failed and needs `rise` successes.
 * A script that times out counts as a failure (the caller reports it so).
 */
export interface ScriptTrackState { status: TrackerStatus; run: number }
export interface RiseFall { rise: number; fall: number }

export const initialScriptState = (initFail: boolean): ScriptTrackState => ({ status: initFail ? 'down' : 'init', run: 0 });

export function scriptResult(s: ScriptTrackState, success: boolean, rf: RiseFall): { state: ScriptTrackState; changed: boolean } {
  if (s.status === 'init') return { state: { status: success ? 'up' : 'down', run: 0 }, changed: true };
  const wantsFlip = success ? s.status === 'down' : s.status === 'up';
  if (!wantsFlip) return { state: { status: s.status, run: 0 }, changed: false };
  const run = s.run + 1;
  if (run >= (success ? rf.rise : rf.fall)) return { state: { status: success ? 'up' : 'down', run: 0 }, changed: true };
  return { state: { status: s.status, run }, changed: false };
}
