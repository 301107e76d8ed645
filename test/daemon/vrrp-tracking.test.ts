import { describe, expect, it } from 'vitest';
import type { VrrpInstance, VrrpScript } from '../../src/config/model.js';
import { trackedItems, trackedScriptNames } from '../../src/daemon/vrrp-tracking.js';
import { trackedPriority } from '../../src/vrrp/track.js';

const inst = (p: Partial<VrrpInstance>): VrrpInstance => ({
  name: 'VI_1', interface: 'eth0', priority: 100, dontTrackPrimary: false, trackInterfaces: [], trackScripts: [], ...p,
} as VrrpInstance);
const script = (p: Partial<VrrpScript>): VrrpScript => ({ name: 'chk', weight: 0, weightReverse: false, rise: 1, fall: 1, ...p } as VrrpScript);

describe('vrrp tracking facts', () => {
  const up = new Set(['eth0', 'eth1']);
  const facts = (statuses: Record<string, 'init' | 'up' | 'down'>, scripts: VrrpScript[]) => ({
    linkUp: (n: string) => up.has(n),
    scriptStatus: (n: string) => statuses[n] ?? 'init',
    scripts: new Map(scripts.map((s) => [s.name, s])),
  });

  it('the own interface is a weight-0 tracker: down means FAULT, unless dont_track_primary', () => {
    const items = trackedItems(inst({ interface: 'eth9' }), facts({}, []));
    expect(trackedPriority(100, items)).toEqual({ priority: 100, fault: true, faultBy: ['interface eth9'] });
    expect(trackedPriority(100, trackedItems(inst({ interface: 'eth9', dontTrackPrimary: true }), facts({}, []))).fault).toBe(false);
  });

  it('script weights come from the script unless track_script overrides them', () => {
    const chk = script({ name: 'chk_nginx', weight: -30 });
    const i = inst({ trackScripts: [{ name: 'chk_nginx', weight: null, reverse: null }], trackInterfaces: [{ name: 'eth1', weight: 5, reverse: false }] });
    expect(trackedPriority(100, trackedItems(i, facts({ chk_nginx: 'down' }, [chk])))).toEqual({ priority: 75, fault: false, faultBy: [] });
    const overridden = inst({ trackScripts: [{ name: 'chk_nginx', weight: -10, reverse: null }] });
    expect(trackedPriority(100, trackedItems(overridden, facts({ chk_nginx: 'down' }, [chk]))).priority).toBe(90);
    expect(trackedScriptNames([i, overridden])).toEqual(new Set(['chk_nginx']));
  });
});
