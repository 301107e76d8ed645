/**
 * IPVS model ↔ generic-netlink attributes (pure). Builds every request the client sends and
 * decodes the kernel's dump replies. Wire rules that matter (platform-facts §4):
 * - NEW/SET_SERVICE need all of AF, PROTOCOL+ADDR+PORT (or FWMARK), SCHED_NAME, FLAGS, TIMEOUT and
 *   NETMASK, and NEW/SET_DEST all of ADDR, PORT, FWD_METHOD, WEIGHT, U_THRESH, L_THRESH: anything
 *   partial is EINVAL. Deletes and dest dumps take only the key.
 * - Addresses are 16-byte nf_inet_addr (IPv4 in the first 4 bytes); ports are the big-endian ones.
 * - NETMASK: IPv4 sends the mask bytes in network order, IPv6 a host-order prefix length 1..128.
 */
import { KaError } from '../common/errors.js';
import { formatIp, parseIp, type Family } from '../common/ip.js';
import { fail, ok, type Result } from '../common/result.js';
import { AttrDecoder, AttrEncoder, NLA_F_NESTED } from '../net/netlink/attr.js';
import { HOST_LE } from '../net/netlink/message.js';
import * as K from './constants.js';
import {
  zeroStats,
  type DestCounters, type DestEntry, type Destination, type FwdMethod, type IpvsInfo, type IpvsStats, type Protocol,
  type Service, type ServiceFlags, type ServiceKey, type SyncDaemon, type TunnelCsum, type TunnelType,
} from './types.js';

/** One IPVS command ready for GenlClient.request: the genl cmd, its attributes, dump or not. */
export interface IpvsRequest { cmd: number; attrs: Uint8Array; dump: boolean }

const afNum = (f: Family): number => (f === 4 ? K.AF_INET : K.AF_INET6);
const familyOf = (n: number): Family | undefined => (n === K.AF_INET ? 4 : n === K.AF_INET6 ? 6 : undefined);

const protoNums: Record<Protocol, number> = { tcp: K.IPPROTO_TCP, udp: K.IPPROTO_UDP, sctp: K.IPPROTO_SCTP };
const protoByNum = new Map<number, Protocol>(Object.entries(protoNums).map(([k, v]) => [v, k as Protocol]));

const fwdNums: Record<FwdMethod, number> = {
  masq: K.IP_VS_CONN_F_MASQ, local: K.IP_VS_CONN_F_LOCALNODE, tunnel: K.IP_VS_CONN_F_TUNNEL, route: K.IP_VS_CONN_F_DROUTE,
};
const fwdByNum = new Map<number, FwdMethod>(Object.entries(fwdNums).map(([k, v]) => [v, k as FwdMethod]));

const tunTypeNums: Record<TunnelType, number> = {
  ipip: K.IP_VS_CONN_F_TUNNEL_TYPE_IPIP, gue: K.IP_VS_CONN_F_TUNNEL_TYPE_GUE, gre: K.IP_VS_CONN_F_TUNNEL_TYPE_GRE,
};
const tunTypeByNum = new Map<number, TunnelType>(Object.entries(tunTypeNums).map(([k, v]) => [v, k as TunnelType]));
const csumNums: Record<TunnelCsum, number> = {
  nocsum: K.IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM, csum: K.IP_VS_TUNNEL_ENCAP_FLAG_CSUM, remcsum: K.IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
};

/** The kernel's 16-byte nf_inet_addr for an address of the given family. */
export function inetAddr(addr: string, family: Family): Uint8Array {
  const ip = parseIp(addr);
  if (!ip || ip.family !== family) throw new KaError('KA_IPVS_ADDR', `"${addr}" is not an IPv${family} address`);
  const out = new Uint8Array(16);
  out.set(ip.bytes);
  return out;
}

function addrFrom(bytes: Uint8Array, family: Family): string | undefined {
  if (bytes.length < (family === 4 ? 4 : 16)) return undefined;
  return formatIp(bytes.subarray(0, family === 4 ? 4 : 16));
}

/** IPv4 netmask for a prefix length, as the u32 whose big-endian bytes are the mask. */
export const ipv4Mask = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

function maskToPrefix(mask: number): number | undefined {
  let p = 0;
  while (p < 32 && mask & (0x80000000 >>> p)) p++;
  return ipv4Mask(p) === mask >>> 0 ? p : undefined;
}

function flagBits(f: ServiceFlags): number {
  return (f.persistent ? K.IP_VS_SVC_F_PERSISTENT : 0) | (f.onePacket ? K.IP_VS_SVC_F_ONEPACKET : 0)
    | (f.sched1 ? K.IP_VS_SVC_F_SCHED1 : 0) | (f.sched2 ? K.IP_VS_SVC_F_SCHED2 : 0) | (f.sched3 ? K.IP_VS_SVC_F_SCHED3 : 0);
}

function flagsFrom(bits: number): ServiceFlags {
  return {
    persistent: (bits & K.IP_VS_SVC_F_PERSISTENT) !== 0, onePacket: (bits & K.IP_VS_SVC_F_ONEPACKET) !== 0,
    sched1: (bits & K.IP_VS_SVC_F_SCHED1) !== 0, sched2: (bits & K.IP_VS_SVC_F_SCHED2) !== 0, sched3: (bits & K.IP_VS_SVC_F_SCHED3) !== 0,
  };
}

/** The key attributes: AF then FWMARK, or PROTOCOL, ADDR, PORT (kernel order). */
function putServiceKey(e: AttrEncoder, k: ServiceKey): void {
  e.u16(K.IPVS_SVC_ATTR_AF, afNum(k.af));
  if (k.fwmark !== undefined) {
    e.u32(K.IPVS_SVC_ATTR_FWMARK, k.fwmark);
  } else {
    e.u16(K.IPVS_SVC_ATTR_PROTOCOL, protoNums[k.protocol]);
    e.bytes(K.IPVS_SVC_ATTR_ADDR, inetAddr(k.addr, k.af));
    e.u16be(K.IPVS_SVC_ATTR_PORT, k.port); // the one big-endian field of a service
  }
}

/** A full service (NEW/SET_SERVICE). */
export function encodeService(s: Service): Uint8Array {
  if (s.sched.length === 0 || s.sched.length >= K.IP_VS_SCHEDNAME_MAXLEN)
    throw new KaError('KA_IPVS_SCHED', `scheduler name "${s.sched}" must be 1..${K.IP_VS_SCHEDNAME_MAXLEN - 1} characters`);
  const maxPrefix = s.af === 4 ? 32 : 128;
  if (!Number.isInteger(s.netmask) || s.netmask < 1 || s.netmask > maxPrefix)
    throw new KaError('KA_IPVS_NETMASK', `persistence netmask /${s.netmask} out of range 1..${maxPrefix}`);
  const e = new AttrEncoder();
  putServiceKey(e, s);
  e.cstring(K.IPVS_SVC_ATTR_SCHED_NAME, s.sched);
  if (s.pe !== '') e.cstring(K.IPVS_SVC_ATTR_PE_NAME, s.pe);
  const flags = new Uint8Array(8); // struct ip_vs_flags { u32 flags; u32 mask } in host order
  const dv = new DataView(flags.buffer);
  dv.setUint32(0, flagBits(s.flags), HOST_LE);
  dv.setUint32(4, 0xffffffff, HOST_LE); // mask: every bit is ours to set or clear
  e.bytes(K.IPVS_SVC_ATTR_FLAGS, flags);
  e.u32(K.IPVS_SVC_ATTR_TIMEOUT, s.timeout);
  if (s.af === 4) e.u32be(K.IPVS_SVC_ATTR_NETMASK, ipv4Mask(s.netmask));
  else e.u32(K.IPVS_SVC_ATTR_NETMASK, s.netmask);
  return e.encode();
}

export function encodeServiceKey(k: ServiceKey): Uint8Array {
  const e = new AttrEncoder();
  putServiceKey(e, k);
  return e.encode();
}

/** A destination: key only (DEL_DEST) or full (NEW/SET_DEST). */
export function encodeDest(d: Destination, full: boolean): Uint8Array {
  const e = new AttrEncoder();
  e.bytes(K.IPVS_DEST_ATTR_ADDR, inetAddr(d.addr, d.af));
  e.u16be(K.IPVS_DEST_ATTR_PORT, d.port);
  e.u16(K.IPVS_DEST_ATTR_ADDR_FAMILY, afNum(d.af));
  if (!full) return e.encode();
  if (!Number.isInteger(d.weight) || d.weight < 0 || d.weight > 0x7fffffff)
    throw new KaError('KA_IPVS_WEIGHT', `weight ${d.weight} out of range 0..2147483647`);
  e.u32(K.IPVS_DEST_ATTR_FWD_METHOD, fwdNums[d.fwd]);
  e.u32(K.IPVS_DEST_ATTR_WEIGHT, d.weight);
  e.u32(K.IPVS_DEST_ATTR_U_THRESH, d.uThreshold);
  e.u32(K.IPVS_DEST_ATTR_L_THRESH, d.lThreshold);
  if (d.fwd === 'tunnel' && d.tunnel) {
    e.u8(K.IPVS_DEST_ATTR_TUN_TYPE, tunTypeNums[d.tunnel.type]);
    e.u16be(K.IPVS_DEST_ATTR_TUN_PORT, d.tunnel.port);
    e.u16(K.IPVS_DEST_ATTR_TUN_FLAGS, csumNums[d.tunnel.csum]);
  }
  return e.encode();
}

const svcNest = (inner: Uint8Array, e = new AttrEncoder()): AttrEncoder => e.bytes(K.IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED, inner);
const destNest = (inner: Uint8Array, e: AttrEncoder): AttrEncoder => e.bytes(K.IPVS_CMD_ATTR_DEST | NLA_F_NESTED, inner);
const req = (cmd: number, attrs: AttrEncoder | Uint8Array = new Uint8Array(0), dump = false): IpvsRequest =>
  ({ cmd, attrs: attrs instanceof AttrEncoder ? attrs.encode() : attrs, dump });

// One builder per command.
export const newServiceReq = (s: Service): IpvsRequest => req(K.IPVS_CMD_NEW_SERVICE, svcNest(encodeService(s)));
export const setServiceReq = (s: Service): IpvsRequest => req(K.IPVS_CMD_SET_SERVICE, svcNest(encodeService(s)));
export const delServiceReq = (k: ServiceKey): IpvsRequest => req(K.IPVS_CMD_DEL_SERVICE, svcNest(encodeServiceKey(k)));
export const getServicesReq = (): IpvsRequest => req(K.IPVS_CMD_GET_SERVICE, undefined, true);
export const newDestReq = (k: ServiceKey, d: Destination): IpvsRequest =>
  req(K.IPVS_CMD_NEW_DEST, destNest(encodeDest(d, true), svcNest(encodeServiceKey(k))));
export const setDestReq = (k: ServiceKey, d: Destination): IpvsRequest =>
  req(K.IPVS_CMD_SET_DEST, destNest(encodeDest(d, true), svcNest(encodeServiceKey(k))));
export const delDestReq = (k: ServiceKey, d: Pick<Destination, 'af' | 'addr' | 'port'>): IpvsRequest => {
  const e = new AttrEncoder();
  e.bytes(K.IPVS_DEST_ATTR_ADDR, inetAddr(d.addr, d.af));
  e.u16be(K.IPVS_DEST_ATTR_PORT, d.port);
  e.u16(K.IPVS_DEST_ATTR_ADDR_FAMILY, afNum(d.af));
  return req(K.IPVS_CMD_DEL_DEST, destNest(e.encode(), svcNest(encodeServiceKey(k))));
};
export const getDestsReq = (k: ServiceKey): IpvsRequest => req(K.IPVS_CMD_GET_DEST, svcNest(encodeServiceKey(k)), true);
export const flushReq = (): IpvsRequest => req(K.IPVS_CMD_FLUSH);
export const getInfoReq = (): IpvsRequest => req(K.IPVS_CMD_GET_INFO);
/** Zeroes the counters of one service, or of all services without a key. */
export const zeroReq = (k?: ServiceKey): IpvsRequest => req(K.IPVS_CMD_ZERO, k ? svcNest(encodeServiceKey(k)) : undefined);

/** Connection timeouts in seconds (global_defs lvs_timeouts); 0 leaves a value unchanged. */
export interface IpvsTimeouts { tcp: number; tcpFin: number; udp: number }

/** SET_CONFIG: the three timeouts are top-level attributes, not nested. */
export const setTimeoutsReq = (t: IpvsTimeouts): IpvsRequest => req(K.IPVS_CMD_SET_CONFIG, new AttrEncoder()
  .u32(K.IPVS_CMD_ATTR_TIMEOUT_TCP, t.tcp).u32(K.IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t.tcpFin).u32(K.IPVS_CMD_ATTR_TIMEOUT_UDP, t.udp));
export const getTimeoutsReq = (): IpvsRequest => req(K.IPVS_CMD_GET_CONFIG);

export function decodeTimeoutsReply(attrs: Uint8Array): Result<IpvsTimeouts> {
  const d = new AttrDecoder(attrs);
  const t: IpvsTimeouts = { tcp: 0, tcpFin: 0, udp: 0 };
  while (d.next()) {
    if (d.type === K.IPVS_CMD_ATTR_TIMEOUT_TCP) t.tcp = d.u32();
    else if (d.type === K.IPVS_CMD_ATTR_TIMEOUT_TCP_FIN) t.tcpFin = d.u32();
    else if (d.type === K.IPVS_CMD_ATTR_TIMEOUT_UDP) t.udp = d.u32();
  }
  const e = d.err();
  return e === undefined ? ok(t) : fail(e);
}

const daemonState = (s: SyncDaemon['state']): number => (s === 'master' ? K.IP_VS_STATE_MASTER : K.IP_VS_STATE_BACKUP);

/** NEW_DAEMON: STATE, MCAST_IFN and SYNC_ID are required; the rest tune the sync protocol. */
export function newDaemonReq(d: SyncDaemon): IpvsRequest {
  if (d.ifname.length === 0 || d.ifname.length >= K.IP_VS_IFNAME_MAXLEN)
    throw new KaError('KA_IPVS_IFNAME', `sync daemon interface "${d.ifname}" must be 1..15 characters`);
  const inner = new AttrEncoder();
  inner.u32(K.IPVS_DAEMON_ATTR_STATE, daemonState(d.state));
  inner.cstring(K.IPVS_DAEMON_ATTR_MCAST_IFN, d.ifname);
  inner.u32(K.IPVS_DAEMON_ATTR_SYNC_ID, d.syncId);
  if (d.maxLen !== undefined) inner.u16(K.IPVS_DAEMON_ATTR_SYNC_MAXLEN, d.maxLen);
  if (d.mcastGroup !== undefined) {
    const g = parseIp(d.mcastGroup);
    if (!g) throw new KaError('KA_IPVS_ADDR', `sync daemon group "${d.mcastGroup}" is not an IP address`);
    inner.bytes(g.family === 4 ? K.IPVS_DAEMON_ATTR_MCAST_GROUP : K.IPVS_DAEMON_ATTR_MCAST_GROUP6, g.bytes);
  }
  if (d.mcastPort !== undefined) inner.u16(K.IPVS_DAEMON_ATTR_MCAST_PORT, d.mcastPort);
  if (d.mcastTtl !== undefined) inner.u8(K.IPVS_DAEMON_ATTR_MCAST_TTL, d.mcastTtl);
  return req(K.IPVS_CMD_NEW_DAEMON, new AttrEncoder().bytes(K.IPVS_CMD_ATTR_DAEMON | NLA_F_NESTED, inner.encode()));
}

export function delDaemonReq(state: SyncDaemon['state']): IpvsRequest {
  const inner = new AttrEncoder().u32(K.IPVS_DAEMON_ATTR_STATE, daemonState(state)).encode();
  return req(K.IPVS_CMD_DEL_DAEMON, new AttrEncoder().bytes(K.IPVS_CMD_ATTR_DAEMON | NLA_F_NESTED, inner));
}
export const getDaemonsReq = (): IpvsRequest => req(K.IPVS_CMD_GET_DAEMON, undefined, true);

// ---- decoding -------------------------------------------------------------------------------

function decodeStats(d: AttrDecoder, wide: boolean): IpvsStats {
  const st = zeroStats();
  d.nested((s) => {
    while (s.next()) {
      // STATS64 is all u64; the legacy STATS nest has u32 counters and u64 byte totals.
      const v = (): bigint => (wide || s.type === K.IPVS_STATS_ATTR_INBYTES || s.type === K.IPVS_STATS_ATTR_OUTBYTES ? s.u64() : BigInt(s.u32()));
      switch (s.type) {
        case K.IPVS_STATS_ATTR_CONNS: st.conns = v(); break;
        case K.IPVS_STATS_ATTR_INPKTS: st.inPkts = v(); break;
        case K.IPVS_STATS_ATTR_OUTPKTS: st.outPkts = v(); break;
        case K.IPVS_STATS_ATTR_INBYTES: st.inBytes = v(); break;
        case K.IPVS_STATS_ATTR_OUTBYTES: st.outBytes = v(); break;
        case K.IPVS_STATS_ATTR_CPS: st.cps = v(); break;
        case K.IPVS_STATS_ATTR_INPPS: st.inPps = v(); break;
        case K.IPVS_STATS_ATTR_OUTPPS: st.outPps = v(); break;
        case K.IPVS_STATS_ATTR_INBPS: st.inBps = v(); break;
        case K.IPVS_STATS_ATTR_OUTBPS: st.outBps = v(); break;
      }
    }
  });
  return st;
}

/** Finds the nested attribute `type` among a reply's top-level attributes and walks it. */
function withNest(attrs: Uint8Array, type: number, walk: (d: AttrDecoder) => void): string | undefined {
  const top = new AttrDecoder(attrs);
  let found = false;
  while (top.next()) {
    if (top.type === type) { found = true; top.nested(walk); }
  }
  return top.err() ?? (found ? undefined : `reply has no attribute ${type}`);
}

/** Decodes a GET_SERVICE reply (the attributes after the genl header). */
export function decodeServiceReply(attrs: Uint8Array): Result<{ service: Service; stats: IpvsStats }> {
  let af: Family | undefined;
  let afRaw = -1;
  let protocol = 0, port = 0, fwmark = 0, timeout = 0, netmask = 0, flagsRaw = 0;
  let addr: Uint8Array | undefined;
  let sched = '', pe = '';
  let stats32: IpvsStats | undefined, stats64: IpvsStats | undefined;
  const err = withNest(attrs, K.IPVS_CMD_ATTR_SERVICE, (d) => {
    while (d.next()) {
      switch (d.type) {
        case K.IPVS_SVC_ATTR_AF: afRaw = d.u16(); af = familyOf(afRaw); break;
        case K.IPVS_SVC_ATTR_PROTOCOL: protocol = d.u16(); break;
        case K.IPVS_SVC_ATTR_ADDR: addr = d.bytes(); break;
        case K.IPVS_SVC_ATTR_PORT: port = d.u16be(); break;
        case K.IPVS_SVC_ATTR_FWMARK: fwmark = d.u32(); break;
        case K.IPVS_SVC_ATTR_SCHED_NAME: sched = d.string(); break;
        case K.IPVS_SVC_ATTR_PE_NAME: pe = d.string(); break;
        case K.IPVS_SVC_ATTR_FLAGS: { // struct ip_vs_flags { u32 flags; u32 mask }
          const b = d.bytes();
          if (b.length === 8) flagsRaw = new DataView(b.buffer).getUint32(0, HOST_LE);
          else d.fail(`service flags need 8 bytes, have ${b.length}`);
          break;
        }
        case K.IPVS_SVC_ATTR_TIMEOUT: timeout = d.u32(); break;
        // IPv4: mask bytes in network order; IPv6: host-order prefix length (AF precedes it).
        case K.IPVS_SVC_ATTR_NETMASK: netmask = af === 6 ? d.u32() : d.u32be(); break;
        case K.IPVS_SVC_ATTR_STATS: stats32 = decodeStats(d, false); break;
        case K.IPVS_SVC_ATTR_STATS64: stats64 = decodeStats(d, true); break;
      }
    }
  });
  if (err !== undefined) return fail(err);
  if (af === undefined) return fail(`service with unknown address family ${afRaw}`);
  const prefix = af === 4 ? maskToPrefix(netmask) : netmask;
  if (prefix === undefined) return fail(`service netmask 0x${netmask.toString(16)} is not a prefix`);
  const common = { sched, flags: flagsFrom(flagsRaw), timeout, netmask: prefix, pe };
  const stats = stats64 ?? stats32 ?? zeroStats();
  if (fwmark !== 0) return ok({ service: { af, fwmark, ...common }, stats });
  const proto = protoByNum.get(protocol);
  if (!proto) return fail(`service with unsupported protocol ${protocol}`);
  const a = addr && addrFrom(addr, af);
  if (!a) return fail('service without a valid address');
  return ok({ service: { af, protocol: proto, addr: a, port, ...common }, stats });
}

/** Decodes a GET_DEST reply; `svcAf` is the service's family (the default when ADDR_FAMILY is absent). */
export function decodeDestReply(attrs: Uint8Array, svcAf: Family): Result<DestEntry> {
  let af: Family | undefined = svcAf;
  let addr: Uint8Array | undefined;
  let port = 0, fwdRaw = 0, weight = 0, uThreshold = 0, lThreshold = 0;
  let tunType: number | undefined, tunPort = 0, tunFlags = 0;
  const counters: DestCounters = { activeConns: 0, inactConns: 0, persistConns: 0, stats: zeroStats() };
  let stats32: IpvsStats | undefined, stats64: IpvsStats | undefined;
  const err = withNest(attrs, K.IPVS_CMD_ATTR_DEST, (d) => {
    while (d.next()) {
      switch (d.type) {
        case K.IPVS_DEST_ATTR_ADDR: addr = d.bytes(); break;
        case K.IPVS_DEST_ATTR_PORT: port = d.u16be(); break;
        case K.IPVS_DEST_ATTR_FWD_METHOD: fwdRaw = d.u32(); break;
        case K.IPVS_DEST_ATTR_WEIGHT: weight = d.u32(); break;
        case K.IPVS_DEST_ATTR_U_THRESH: uThreshold = d.u32(); break;
        case K.IPVS_DEST_ATTR_L_THRESH: lThreshold = d.u32(); break;
        case K.IPVS_DEST_ATTR_ACTIVE_CONNS: counters.activeConns = d.u32(); break;
        case K.IPVS_DEST_ATTR_INACT_CONNS: counters.inactConns = d.u32(); break;
        case K.IPVS_DEST_ATTR_PERSIST_CONNS: counters.persistConns = d.u32(); break;
        case K.IPVS_DEST_ATTR_STATS: stats32 = decodeStats(d, false); break;
        case K.IPVS_DEST_ATTR_STATS64: stats64 = decodeStats(d, true); break;
        case K.IPVS_DEST_ATTR_ADDR_FAMILY: af = familyOf(d.u16()); break;
        case K.IPVS_DEST_ATTR_TUN_TYPE: tunType = d.u8(); break;
        case K.IPVS_DEST_ATTR_TUN_PORT: tunPort = d.u16be(); break;
        case K.IPVS_DEST_ATTR_TUN_FLAGS: tunFlags = d.u16(); break;
      }
    }
  });
  if (err !== undefined) return fail(err);
  if (af === undefined) return fail('destination with unknown address family');
  const a = addr && addrFrom(addr, af);
  if (!a) return fail('destination without a valid address');
  const fwd = fwdByNum.get(fwdRaw & K.IP_VS_CONN_F_FWD_MASK);
  if (!fwd) return fail(`destination with unknown forwarding method ${fwdRaw}`);
  const dest: Destination = { af, addr: a, port, fwd, weight, uThreshold, lThreshold };
  if (fwd === 'tunnel' && tunType !== undefined) {
    const type = tunTypeByNum.get(tunType);
    if (!type) return fail(`destination with unknown tunnel type ${tunType}`);
    const csum: TunnelCsum = tunFlags & K.IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM ? 'remcsum' : tunFlags & K.IP_VS_TUNNEL_ENCAP_FLAG_CSUM ? 'csum' : 'nocsum';
    dest.tunnel = { type, port: tunPort, csum };
  }
  counters.stats = stats64 ?? stats32 ?? zeroStats();
  return ok({ dest, counters });
}

export function decodeInfoReply(attrs: Uint8Array): Result<IpvsInfo> {
  const d = new AttrDecoder(attrs);
  const info: IpvsInfo = { version: 0, connTabSize: 0 };
  while (d.next()) {
    if (d.type === K.IPVS_INFO_ATTR_VERSION) info.version = d.u32();
    else if (d.type === K.IPVS_INFO_ATTR_CONN_TAB_SIZE) info.connTabSize = d.u32();
  }
  const e = d.err();
  return e === undefined ? ok(info) : fail(e);
}

/** Decodes a GET_DAEMON reply. */
export function decodeDaemonReply(attrs: Uint8Array): Result<SyncDaemon> {
  let state = 0, ifname = '', syncId = 0;
  const out: Partial<SyncDaemon> = {};
  const err = withNest(attrs, K.IPVS_CMD_ATTR_DAEMON, (d) => {
    while (d.next()) {
      switch (d.type) {
        case K.IPVS_DAEMON_ATTR_STATE: state = d.u32(); break;
        case K.IPVS_DAEMON_ATTR_MCAST_IFN: ifname = d.string(); break;
        case K.IPVS_DAEMON_ATTR_SYNC_ID: syncId = d.u32(); break;
        case K.IPVS_DAEMON_ATTR_SYNC_MAXLEN: out.maxLen = d.u16(); break;
        case K.IPVS_DAEMON_ATTR_MCAST_GROUP: out.mcastGroup = formatIp(d.bytes()); break;
        case K.IPVS_DAEMON_ATTR_MCAST_GROUP6: out.mcastGroup = formatIp(d.bytes()); break;
        case K.IPVS_DAEMON_ATTR_MCAST_PORT: out.mcastPort = d.u16(); break;
        case K.IPVS_DAEMON_ATTR_MCAST_TTL: out.mcastTtl = d.u8(); break;
      }
    }
  });
  if (err !== undefined) return fail(err);
  if (state !== K.IP_VS_STATE_MASTER && state !== K.IP_VS_STATE_BACKUP) return fail(`sync daemon state ${state}`);
  return ok({ ...out, state: state === K.IP_VS_STATE_MASTER ? 'master' : 'backup', ifname, syncId });
}

