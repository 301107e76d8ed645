/**
 * Configured virtual servers → the IPVS table the reconciler should make real (pure).
 * The health side (check module) decides which real servers are in and at what weight; this file
 * adds keepalived's IPVS rules (semantics §7.1, §7.6):
 * - persistence: the PERSISTENT flag is set iff persistence_timeout > 0; granularity is a mask or
 *   a prefix length (default /32, /128);
 * - destination ports: NAT keeps the real server's port; DR/TUN use the virtual server's port;
 *   fwmark services have no port, so non-NAT real servers get port 0;
 * - a virtual_server_group becomes one kernel service per address (ranges expanded) or fwmark.
 */
import type { LbKind, RealServer, VirtualServer, VirtualServerGroup, VsGroupEntry } from '../config/model.js';
import { formatIp, parseIp, type Family } from '../common/ip.js';
import { noFlags, type Destination, type FwdMethod, type Protocol, type Service, type ServiceKey } from './types.js';
import type { Table } from './reconcile.js';

/** A destination chosen by the health side (structurally the check module's DesiredDest). */
export interface WeightedDest { addr: string; port: number; weight: number; sorry?: true }

const fwdOf: Record<LbKind, FwdMethod> = { NAT: 'masq', DR: 'route', TUN: 'tunnel' };
const canon = (a: string): string => { const ip = parseIp(a); return ip ? formatIp(ip.bytes) : a; };
const familyOf = (a: string): Family => (parseIp(a)?.family ?? 4);

const toBig = (b: Uint8Array): bigint => b.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
function fromBig(n: bigint, len: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--, n >>= 8n) b[i] = Number(n & 0xffn);
  return b;
}

/** Expands "10.0.0.1-10" (last octet), "fd00::2-9" (last group, hex), "10.0.0.0/30" (every address), or one address. */
export function expandRange(range: string): string[] {
  const slash = range.indexOf('/');
  if (slash >= 0) {
    const base = parseIp(range.slice(0, slash));
    const prefix = Number(range.slice(slash + 1));
    if (!base || !Number.isInteger(prefix)) return [];
    const bits = (base.family === 4 ? 32 : 128) - prefix;
    if (bits < 0 || bits > 16) return []; // refuse to expand more than 65,536 services
    const len = base.bytes.length;
    const first = (toBig(base.bytes) >> BigInt(bits)) << BigInt(bits); // the network address
    const out: string[] = [];
    for (let i = 0; i < 2 ** bits; i++) out.push(formatIp(fromBig(first + BigInt(i), len)));
    return out;
  }
  const dash = range.lastIndexOf('-');
  if (dash < 0) return parseIp(range) ? [canon(range)] : [];
  const first = parseIp(range.slice(0, dash));
  if (!first) return [];
  const endText = range.slice(dash + 1);
  const out: string[] = [];
  if (first.family === 4) {
    const end = Number(endText);
    for (let v = first.bytes[3]!; v <= Math.min(end, 255); v++) out.push(formatIp(Uint8Array.from([...first.bytes.subarray(0, 3), v])));
  } else {
    const end = parseInt(endText, 16);
    const start = (first.bytes[14]! << 8) | first.bytes[15]!;
    for (let v = start; v <= Math.min(end, 0xffff); v++) {
      const b = first.bytes.slice();
      b[14] = v >> 8; b[15] = v & 0xff;
      out.push(formatIp(b));
    }
  }
  return out;
}

/** persistence_granularity: "255.255.255.0" or "24" → prefix length; null → host prefix. */
export function granularityPrefix(g: string | null, af: Family): number | undefined {
  const max = af === 4 ? 32 : 128;
  if (g === null) return max;
  if (/^\d+$/.test(g)) return Number(g) >= 1 && Number(g) <= max ? Number(g) : undefined;
  const ip = parseIp(g);
  if (!ip || ip.family !== 4 || af !== 4) return undefined;
  let p = 0;
  while (p < 32 && (ip.bytes[p >> 3]! & (0x80 >> (p & 7)))) p++;
  for (let q = p; q < 32; q++) if (ip.bytes[q >> 3]! & (0x80 >> (q & 7))) return undefined; // not contiguous
  return p;
}

/** The kernel service keys a virtual server stands for. */
export function serviceKeys(vs: VirtualServer, groups: readonly VirtualServerGroup[]): ServiceKey[] {
  const protocol = vs.protocol.toLowerCase() as Protocol;
  const fwmAf = (): Family => (vs.realServers[0] ? familyOf(vs.realServers[0].address) : 4);
  const k = vs.key;
  if (k.kind === 'ip') return [{ af: familyOf(k.address), protocol, addr: canon(k.address), port: k.port }];
  if (k.kind === 'fwmark') return [{ af: fwmAf(), fwmark: k.fwmark }];
  const g = groups.find((x) => x.name === k.group);
  return (g?.entries ?? []).flatMap((e: VsGroupEntry): ServiceKey[] =>
    e.kind === 'fwmark'
      ? [{ af: e.family === 'inet6' ? 6 : e.family === 'inet' ? 4 : fwmAf(), fwmark: e.fwmark }]
      : expandRange(e.range).map((addr) => ({ af: familyOf(addr), protocol, addr, port: e.port })));
}

export function serviceFor(vs: VirtualServer, key: ServiceKey): Service {
  const persistent = vs.persistenceTimeoutS > 0;
  const prefix = granularityPrefix(vs.persistenceGranularity, key.af) ?? (key.af === 4 ? 32 : 128);
  return {
    ...key, sched: vs.lbAlgo, flags: { ...noFlags(), persistent, onePacket: vs.ops },
    timeout: vs.persistenceTimeoutS, netmask: prefix, pe: '',
  };
}

/** Destinations for one kernel service from the health side's choice. */
export function destsFor(vs: VirtualServer, key: ServiceKey, chosen: readonly WeightedDest[]): Destination[] {
  const byEndpoint = new Map<string, RealServer>(vs.realServers.map((r) => [`${canon(r.address)}|${r.port}`, r]));
  return chosen.map((c) => {
    const rs = byEndpoint.get(`${canon(c.addr)}|${c.port}`);
    const fwd = fwdOf[rs?.lbKind ?? vs.lbKind];
    const port = fwd === 'masq' ? c.port : key.fwmark !== undefined ? 0 : key.port;
    return {
      af: familyOf(c.addr), addr: canon(c.addr), port, fwd, weight: c.weight,
      uThreshold: rs?.uthreshold ?? 0, lThreshold: rs?.lthreshold ?? 0,
    };
  });
}

/** The desired table for a set of virtual servers; `chosen(vs)` is the health side's destination list. */
export function desiredIpvsTable(
  vss: readonly VirtualServer[], groups: readonly VirtualServerGroup[], chosen: (vs: VirtualServer) => readonly WeightedDest[],
): Table {
  return vss.flatMap((vs) => serviceKeys(vs, groups).map((key) => ({ service: serviceFor(vs, key), dests: destsFor(vs, key, chosen(vs)) })));
}
