/**
 * What an instance tracks, gathered in one place so a link fault and a tracker fault never
 * overwrite each other: its own interface (weight 0 unless `dont_track_primary`), the
 * `track_interface` list and the `track_script` list, each turned into a TrackedItem for
 * vrrp/track.ts. Pure; the service feeds it link states and script results.
 */
import type { VrrpInstance, VrrpScript } from '../config/model.js';
import type { TrackedItem, TrackerStatus } from '../vrrp/track.js';

export interface TrackingFacts {
  /** Link usable (up with carrier), by interface name; unknown names count as down. */
  linkUp(name: string): boolean;
  /** Current status of a vrrp_script by name. */
  scriptStatus(name: string): TrackerStatus;
  scripts: ReadonlyMap<string, VrrpScript>;
}

export function trackedItems(inst: VrrpInstance, f: TrackingFacts): TrackedItem[] {
  const items: TrackedItem[] = [];
  const link = (name: string): TrackerStatus => (f.linkUp(name) ? 'up' : 'down');
  if (inst.interface && !inst.dontTrackPrimary) items.push({ name: `interface ${inst.interface}`, weight: 0, reverse: false, status: link(inst.interface) });
  for (const t of inst.trackInterfaces) items.push({ name: `interface ${t.name}`, weight: t.weight, reverse: t.reverse, status: link(t.name) });
  for (const t of inst.trackScripts) {
    const script = f.scripts.get(t.name);
    if (!script) continue; // validation already reported the unknown script
    items.push({ name: `script ${t.name}`, weight: t.weight ?? script.weight, reverse: t.reverse ?? script.weightReverse, status: f.scriptStatus(t.name) });
  }
  return items;
}

/** Names of the vrrp_scripts some instance tracks (only those are run, as keepalived does). */
export function trackedScriptNames(instances: readonly VrrpInstance[]): Set<string> {
  return new Set(instances.flatMap((i) => i.trackScripts.map((t) => t.name)));
}
