/**
 * The IPVS domain model (moby/ipvs style): what a service and a destination are, independent of
 * netlink. Addresses are canonical text (formatIp output: "10.0.0.1", "fd00::1") so that keys,
 * equality and printing are simple; the codec converts to and from the kernel's 16-byte form.
 * Counters live in separate structs: they are reported by dumps, never configured.
 */
import type { Family } from '../common/ip.js';

export type Protocol = 'tcp' | 'udp' | 'sctp';
/** Forwarding method; names follow `ipvsadm -Ln` ("Masq", "Local", "Tunnel", "Route"). */
export type FwdMethod = 'masq' | 'local' | 'tunnel' | 'route';
export type TunnelType = 'ipip' | 'gue' | 'gre';
/** Tunnel checksum mode: ipvsadm's --tun-nocsum / --tun-csum / --tun-remcsum. */
export type TunnelCsum = 'nocsum' | 'csum' | 'remcsum';

/** A service is keyed by address family plus either protocol+address+port or a firewall mark. */
export type ServiceKey =
  | { af: Family; protocol: Protocol; addr: string; port: number; fwmark?: undefined }
  | { af: Family; fwmark: number; protocol?: undefined; addr?: undefined; port?: undefined };

/** Scheduler flag bits 1..3; their meaning depends on the scheduler (sh/mh: fallback, port). */
export interface ServiceFlags {
  /** Sticky clients (IP_VS_SVC_F_PERSISTENT); keepalived sets it iff persistence_timeout > 0. */
  persistent: boolean;
  /** One-packet scheduling (UDP `ops`). */
  onePacket: boolean;
  sched1: boolean; // sh-fallback / mh-fallback / flag-1
  sched2: boolean; // sh-port / mh-port / flag-2
  sched3: boolean; // flag-3
}

export type Service = ServiceKey & {
  /** Scheduler name: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos. */
  sched: string;
  flags: ServiceFlags;
  /** Persistence timeout in seconds (meaningful when flags.persistent). */
  timeout: number;
  /** Persistence granularity as a prefix length (32 / 128 = per client address). */
  netmask: number;
  /** Persistence engine ("sip"), or '' for none. */
  pe: string;
};

export interface TunnelOptions {
  type: TunnelType;
  /** Destination UDP port for GUE (0 otherwise). */
  port: number;
  csum: TunnelCsum;
}

export interface Destination {
  /** May differ from the service's family only for tunnelled destinations. */
  af: Family;
  addr: string;
  port: number;
  fwd: FwdMethod;
  weight: number;
  /** Connection thresholds; 0 means none. */
  uThreshold: number;
  lThreshold: number;
  /** Only for fwd 'tunnel'; absent means the kernel default (ipip, no checksum). */
  tunnel?: TunnelOptions;
}

/** Traffic counters (IPVS_*_ATTR_STATS64): totals and the kernel's rate estimates. */
export interface IpvsStats {
  conns: bigint;
  inPkts: bigint;
  outPkts: bigint;
  inBytes: bigint;
  outBytes: bigint;
  cps: bigint;
  inPps: bigint;
  outPps: bigint;
  inBps: bigint;
  outBps: bigint;
}

export interface DestCounters {
  activeConns: number;
  inactConns: number;
  persistConns: number;
  stats: IpvsStats;
}

/** One destination as dumped by the kernel: configuration plus counters. */
export interface DestEntry { dest: Destination; counters: DestCounters }
/** One service as dumped by the kernel, with its destinations. */
export interface ServiceEntry { service: Service; stats: IpvsStats; dests: DestEntry[] }

/** GET_INFO: version (e.g. 0x010201) and connection hash table size. */
export interface IpvsInfo { version: number; connTabSize: number }

/** Connection-sync daemon (lvs_sync_daemon). */
export interface SyncDaemon {
  state: 'master' | 'backup';
  ifname: string;
  syncId: number;
  /** Optional tuning (kernel defaults when absent). */
  maxLen?: number;
  mcastGroup?: string;
  mcastPort?: number;
  mcastTtl?: number;
}

export const zeroStats = (): IpvsStats => ({
  conns: 0n, inPkts: 0n, outPkts: 0n, inBytes: 0n, outBytes: 0n, cps: 0n, inPps: 0n, outPps: 0n, inBps: 0n, outBps: 0n,
});

export const noFlags = (): ServiceFlags => ({ persistent: false, onePacket: false, sched1: false, sched2: false, sched3: false });

/** A stable identity string for a service: "tcp|10.0.0.1|80", "fwm|4|42". */
export function serviceId(k: ServiceKey): string {
  return k.fwmark !== undefined ? `fwm|${k.af}|${k.fwmark}` : `${k.protocol}|${k.addr}|${k.port}`;
}

/** Destination identity within a service (the kernel keys dests by address family, address and port). */
export function destId(d: Pick<Destination, 'af' | 'addr' | 'port'>): string {
  return `${d.af}|${d.addr}|${d.port}`;
}

export function serviceKeyOf(s: ServiceKey): ServiceKey {
  return s.fwmark !== undefined
    ? { af: s.af, fwmark: s.fwmark }
    : { af: s.af, protocol: s.protocol, addr: s.addr, port: s.port };
}
