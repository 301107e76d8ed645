/**
 * What the VRRP engine needs to know about one vrrp_instance, already resolved (defaults applied,
 * keepalived's leniency done). The daemon maps the parsed config model onto this; the engine does
 * not read the config model itself.
 *
 * Units: intervals of the protocol in **centiseconds** (the VRRPv3 wire unit; v2 uses multiples
 * of 100), every other duration in **milliseconds**.
 */
import type { Family } from '../common/ip.js';
import type { ChecksumMode, PeerTtlRange, VrrpVersion } from './packet.js';

export interface GarpConfig {
  /** Second burst after becoming MASTER, ms (garp_master_delay; 0 = none). Default 5000. */
  masterDelayMs: number;
  /** Packets per address per burst (garp_master_repeat). Default 5. */
  masterRepeat: number;
  /** Refresh period while MASTER, ms (garp_master_refresh; 0 = off). Default 0. */
  masterRefreshMs: number;
  /** Packets per address per refresh (garp_master_refresh_repeat). Default 1. */
  masterRefreshRepeat: number;
  /** Burst when MASTER hears a lower-priority advert (garp_lower_prio_repeat; 0 = none). Default = masterRepeat. */
  lowerPrioRepeat: number;
  /** Delay of the second lower-priority burst, ms (garp_lower_prio_delay; 0 = none). Default = masterDelayMs. */
  lowerPrioDelayMs: number;
  /** Minimum gap between gratuitous ARPs, ms (vrrp_garp_interval). Default 0. */
  garpIntervalMs: number;
  /** Minimum gap between unsolicited NAs, ms (vrrp_gna_interval). Default 0. */
  gnaIntervalMs: number;
  /** vrrp_min_garp: one GARP/NA per address on becoming MASTER, no second burst, no refresh. */
  minGarp?: boolean | undefined;
}

export interface InstanceConfig {
  name: string;
  vrid: number;
  family: Family;
  version: VrrpVersion;
  ifindex: number;
  ifname: string;
  /** Configured (base) priority 1..255; 255 = address owner. */
  priority: number;
  /** `state`: the wanted initial state. */
  initialState: 'MASTER' | 'BACKUP';
  /** advert_int in centiseconds (v2: a multiple of 100). */
  advertIntervalCs: number;
  nopreempt: boolean;
  /** preempt_delay, ms (0 = none). */
  preemptDelayMs: number;
  /** down_timer_adverts (default 3). */
  downTimerAdverts: number;
  /** v2 auth: 0 none, 1 PASS (8 bytes in authData). */
  authType: number;
  authData?: Uint8Array | undefined;
  /** VIPs carried in adverts, in configuration order. */
  vips: Uint8Array[];
  /** virtual_ipaddress_excluded: managed and announced, not advertised. */
  excludedVips: Uint8Array[];
  /** Our advert source (mcast_src_ip / unicast_src_ip, else the interface primary address); the tie-break compares it. */
  srcIp: Uint8Array;
  /** Multicast destination (224.0.0.18 / ff02::12 by default). */
  mcastGroup: Uint8Array;
  /** unicast_peer addresses; empty = multicast. */
  unicastPeers: Uint8Array[];
  /** Per-peer min_ttl/max_ttl (optional). */
  peerTtlRanges?: PeerTtlRange[] | undefined;
  /** TTL / hop limit of sent adverts (255; unicast_ttl for unicast). */
  ttl: number;
  checksumMode: ChecksumMode;
  /** old_unicast_checksum: 'auto' (default) detects peers ≤ 1.3.6, 'always' sends that way, 'never' rejects it. */
  oldUnicastChecksum?: 'auto' | 'always' | 'never' | undefined;
  checkUnicastSrc: boolean;
  skipCheckAdvAddr: boolean;
  /** vrrp_owner_ignore_adverts (only matters at priority 255). */
  ownerIgnoreAdverts: boolean;
  /** vrrp_lower_prio_no_advert: MASTER does not answer a lower-priority advert with its own. */
  lowerPrioNoAdvert: boolean;
  /** vrrp_higher_prio_send_advert: MASTER sends one advert before yielding. */
  higherPrioSendAdvert: boolean;
  garp: GarpConfig;
}

export const DEFAULT_GARP: GarpConfig = {
  masterDelayMs: 5000, masterRepeat: 5, masterRefreshMs: 0, masterRefreshRepeat: 1,
  lowerPrioRepeat: 5, lowerPrioDelayMs: 5000, garpIntervalMs: 0, gnaIntervalMs: 0,
};

export const VRRP_GROUP4 = Uint8Array.from([224, 0, 0, 18]);
export const VRRP_GROUP6 = Uint8Array.from([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12]);

/** An InstanceConfig with keepalived's defaults, for tests and for the daemon's mapping. */
export function instanceConfig(p: Pick<InstanceConfig, 'name' | 'vrid' | 'srcIp'> & Partial<InstanceConfig>): InstanceConfig {
  const family = p.family ?? (p.srcIp.length === 16 ? 6 : 4);
  const initialState = p.initialState ?? (p.priority === 255 ? 'MASTER' : 'BACKUP');
  return {
    family,
    version: family === 6 ? 3 : 2,
    ifindex: 1,
    ifname: 'eth0',
    priority: initialState === 'MASTER' && p.priority === undefined ? 255 : 100,
    initialState,
    advertIntervalCs: 100,
    nopreempt: false,
    preemptDelayMs: 0,
    downTimerAdverts: 3,
    authType: 0,
    vips: [],
    excludedVips: [],
    mcastGroup: family === 6 ? VRRP_GROUP6 : VRRP_GROUP4,
    unicastPeers: [],
    ttl: 255,
    checksumMode: 'pseudo-header',
    checkUnicastSrc: false,
    skipCheckAdvAddr: false,
    ownerIgnoreAdverts: false,
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    garp: DEFAULT_GARP,
    ...p,
  };
}

/**
 * Makes a config safe to run, the lenient way keepalived does (warn and fix, never crash later):
 * v2 intervals rounded to whole seconds 1..255, v3 intervals clamped to 1..4095 cs, VIPs of the
 * wrong family dropped, more than 255 VIPs moved to the excluded list, the owner's priority kept.
 */
export function normaliseInstanceConfig(c: InstanceConfig): { cfg: InstanceConfig; warnings: string[] } {
  const warnings: string[] = [];
  let advertIntervalCs = c.advertIntervalCs;
  if (c.version === 2) {
    const secs = Math.min(255, Math.max(1, Math.round(advertIntervalCs / 100)));
    if (secs * 100 !== advertIntervalCs) {
      warnings.push(`(${c.name}) VRRPv2 advertisement interval ${advertIntervalCs / 100}s must be an integer 1..255 - using ${secs}s`);
    }
    advertIntervalCs = secs * 100;
  } else {
    const cs = Math.min(4095, Math.max(1, Math.round(advertIntervalCs)));
    if (cs !== advertIntervalCs) warnings.push(`(${c.name}) VRRPv3 advertisement interval ${advertIntervalCs / 100}s out of range - using ${cs / 100}s`);
    advertIntervalCs = cs;
  }
  const len = c.family === 4 ? 4 : 16;
  const ofFamily = (list: Uint8Array[], what: string) => list.filter((a) => {
    if (a.length === len) return true;
    warnings.push(`(${c.name}) ${what} of another address family ignored`);
    return false;
  });
  let vips = ofFamily(c.vips, 'VIP');
  let excludedVips = ofFamily(c.excludedVips, 'excluded VIP');
  if (vips.length > 255) {
    warnings.push(`(${c.name}) more than 255 VIPs - moving ${vips.length - 255} to virtual_ipaddress_excluded`);
    excludedVips = [...vips.slice(255), ...excludedVips];
    vips = vips.slice(0, 255);
  }
  const priority = Math.min(255, Math.max(1, Math.round(c.priority)));
  if (priority !== c.priority) warnings.push(`(${c.name}) priority ${c.priority} out of range - using ${priority}`);
  return { cfg: { ...c, advertIntervalCs, vips, excludedVips, priority }, warnings };
}
