/**
 * Maps the parsed config model onto what the VRRP engine runs (src/vrrp/config.ts), using what
 * the kernel told us about the interfaces. Pure: the link/address facts are handed in.
 */
import { KaError } from '../common/errors.js';
import { isLinkLocal6, parseIp, type Family } from '../common/ip.js';
import type { GlobalDefs, VirtualIp, VrrpInstance } from '../config/model.js';
import type { AddrSpec } from '../net/rtnl.js';
import { IFA_F_NODAD, IFA_F_SECONDARY, SCOPE_NAMES } from '../net/rtnl-codec.js';
import { DEFAULT_GARP, type InstanceConfig } from '../vrrp/config.js';

/** What the daemon learnt from rtnetlink about one interface. */
export interface LinkFacts {
  index: number;
  name: string;
  mac?: Uint8Array | undefined;
  /** Addresses on the link, in kernel order (primary IPv4 first). */
  addrs: { family: Family; address: Uint8Array; flags: number }[];
}

export type LinkLookup = (name: string) => LinkFacts | undefined;

const bytesOf = (text: string, what: string): Uint8Array => {
  const a = parseIp(text);
  if (!a) throw new KaError('KA_DAEMON_BAD_ADDRESS', `${what}: '${text}' is not an IP address`);
  return a.bytes;
};

/** The address family of an instance: that of its VIPs (keepalived refuses a mix), else of its source. */
export function instanceFamily(inst: VrrpInstance): Family {
  const first = inst.virtualIpaddresses[0]?.address ?? inst.unicastSrcIp ?? inst.unicastPeers[0];
  return first && first.includes(':') ? 6 : 4;
}

/** The advert source: unicast_src_ip, else the primary IPv4 address / the IPv6 link-local address. */
export function advertSource(inst: VrrpInstance, family: Family, link: LinkFacts): Uint8Array {
  if (inst.unicastSrcIp) return bytesOf(inst.unicastSrcIp, `(${inst.name}) unicast_src_ip`);
  const candidates = link.addrs.filter((a) => a.family === family && !(a.flags & IFA_F_SECONDARY));
  const pick = family === 4 ? candidates[0] : candidates.find((a) => isLinkLocal6(a.address));
  if (!pick) {
    throw new KaError('KA_DAEMON_NO_SOURCE', `(${inst.name}) interface ${link.name} has no ${family === 4 ? 'IPv4 address' : 'IPv6 link-local address'} to send adverts from`);
  }
  return pick.address;
}

export function toInstanceConfig(inst: VrrpInstance, g: GlobalDefs, lookup: LinkLookup): InstanceConfig {
  if (inst.virtualRouterId === null) throw new KaError('KA_DAEMON_NO_VRID', `(${inst.name}) the virtual router id must be set`);
  if (!inst.interface) throw new KaError('KA_DAEMON_NO_INTERFACE', `(${inst.name}) no interface given`);
  const link = lookup(inst.interface);
  if (!link) throw new KaError('KA_DAEMON_NO_INTERFACE', `(${inst.name}) interface ${inst.interface} does not exist`);
  const family = instanceFamily(inst);
  const version = family === 6 ? 3 : inst.version;
  const pass = inst.authentication?.type === 'PASS' && version === 2 ? inst.authentication.pass : null;
  const authData = pass === null ? undefined : (() => {
    const b = new Uint8Array(8); // PASS is 8 bytes on the wire, zero padded, longer ones cut
    b.set(new TextEncoder().encode(pass).subarray(0, 8));
    return b;
  })();
  const ofFamily = (vips: VirtualIp[]) => vips.filter((v) => (v.address.includes(':') ? 6 : 4) === family).map((v) => bytesOf(v.address, `(${inst.name}) VIP`));
  return {
    name: inst.name,
    vrid: inst.virtualRouterId,
    family,
    version,
    ifindex: link.index,
    ifname: link.name,
    priority: inst.priority,
    initialState: inst.state,
    advertIntervalCs: Math.max(1, Math.round(inst.advertIntMs / 10)),
    nopreempt: inst.nopreempt,
    preemptDelayMs: inst.preemptDelayMs,
    downTimerAdverts: inst.downTimerAdverts,
    authType: authData ? 1 : 0,
    authData,
    vips: ofFamily(inst.virtualIpaddresses),
    excludedVips: ofFamily(inst.virtualIpaddressesExcluded),
    srcIp: advertSource(inst, family, link),
    mcastGroup: bytesOf(inst.mcastDstIp ?? (family === 4 ? g.vrrpMcastGroup4 : g.vrrpMcastGroup6), `(${inst.name}) multicast group`),
    unicastPeers: inst.unicastPeers.map((p) => bytesOf(p, `(${inst.name}) unicast_peer`)),
    // Multicast adverts always carry 255 (receivers drop anything else); unicast_ttl is for unicast.
    ttl: inst.unicastPeers.length > 0 ? inst.unicastTtl ?? 255 : 255,
    checksumMode: g.v3ChecksumAsV2 ? 'v2-compat' : 'pseudo-header',
    checkUnicastSrc: g.vrrpCheckUnicastSrc,
    skipCheckAdvAddr: inst.skipCheckAdvAddr,
    ownerIgnoreAdverts: false,
    lowerPrioNoAdvert: g.vrrpLowerPrioNoAdvert ?? inst.strictMode,
    higherPrioSendAdvert: g.vrrpHigherPrioSendAdvert,
    garp: {
      ...DEFAULT_GARP,
      masterDelayMs: inst.garpMasterDelayMs,
      masterRepeat: inst.garpMasterRepeat,
      masterRefreshMs: inst.garpMasterRefreshMs,
      masterRefreshRepeat: inst.garpMasterRefreshRepeat,
      lowerPrioDelayMs: inst.garpLowerPrioDelayMs,
      lowerPrioRepeat: inst.garpLowerPrioRepeat,
      garpIntervalMs: g.vrrpGarpIntervalMs,
      gnaIntervalMs: g.vrrpGnaIntervalMs,
    },
  };
}

/** The rtnetlink address specs of an instance's VIPs and eVIPs (keepalived adds IPv6 VIPs without DAD). */
export function vipSpecs(inst: VrrpInstance, lookup: LinkLookup): AddrSpec[] {
  return [...inst.virtualIpaddresses, ...inst.virtualIpaddressesExcluded].map((v) => {
    const devName = v.dev ?? inst.interface ?? '';
    const link = lookup(devName);
    if (!link) throw new KaError('KA_DAEMON_NO_INTERFACE', `(${inst.name}) VIP ${v.address}: interface ${devName} does not exist`);
    const address = bytesOf(v.address, `(${inst.name}) VIP`);
    const scope = v.scope === null ? undefined : (SCOPE_NAMES[v.scope] ?? Number(v.scope));
    return {
      index: link.index,
      address,
      prefix: v.prefix,
      ...(v.label ? { label: v.label } : {}),
      ...(v.brd ? { broadcast: bytesOf(v.brd, `(${inst.name}) brd`) } : {}),
      ...(scope !== undefined && Number.isFinite(scope) ? { scope } : {}),
      ...(address.length === 16 ? { flags: IFA_F_NODAD } : {}),
    };
  });
}
