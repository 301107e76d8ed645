/**
 * ipvsadm's text formats (pure), byte for byte: `ipvsadm -Ln` with its --stats, --rate,
 * --thresholds, --persistent-conn, --tun-info and --exact variants, the `-Sn` save format, and a
 * parser for the restore format (what ipvsadm-restore reads), so operators need no ipvsadm.
 * The reference is real ipvsadm 1.31 output captured in UML: test/ipvs/fixtures/ipvsadm/.
 */
import { formatIp, parseIp, type Family } from '../common/ip.js';
import { fail, ok, type Result } from '../common/result.js';
import { ipv4Mask } from './codec.js';
import type { IpvsOp } from './reconcile.js';
import { noFlags, type Destination, type FwdMethod, type IpvsInfo, type IpvsStats, type Protocol, type Service, type ServiceEntry, type ServiceKey } from './types.js';

export type ListVariant = 'default' | 'stats' | 'rate' | 'thresholds' | 'persistent-conn' | 'tun-info';
export interface ListOptions {
  variant?: ListVariant;
  /** --exact: counters without K/M/G/T units. */
  exact?: boolean;
  /** ipvsadm sorts services and destinations unless --nosort. */
  sort?: boolean;
}

const protoLabel: Record<Protocol, string> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' };
const fwdLabel: Record<FwdMethod, string> = { masq: 'Masq', local: 'Local', tunnel: 'Tunnel', route: 'Route' };

const hostPort = (addr: string, port: number): string => (addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`);
const left = (v: string | number, w: number): string => String(v).padEnd(w);
const right = (v: string | number | bigint, w: number): string => String(v).padStart(w);

/** "TCP  10.0.0.1:80" / "FWM  42 IPv6": the service column ("%-4s %s"). */
function serviceName(s: ServiceKey): string {
  if (s.fwmark !== undefined) return `FWM  ${s.fwmark}${s.af === 6 ? ' IPv6' : ''}`;
  return `${protoLabel[s.protocol].padEnd(4)} ${hostPort(s.addr, s.port)}`;
}

function schedFlagNames(s: Service): string[] {
  const names = s.sched === 'sh' ? ['sh-fallback', 'sh-port', 'flag-3']
    : s.sched === 'mh' ? ['mh-fallback', 'mh-port', 'flag-3'] : ['flag-1', 'flag-2', 'flag-3'];
  return [s.flags.sched1, s.flags.sched2, s.flags.sched3].flatMap((on, i) => (on ? [names[i]!] : []));
}

const maskText = (s: Service): string | undefined =>
  s.af === 4
    ? (s.netmask === 32 ? undefined : formatMask(s.netmask))
    : (s.netmask === 128 ? undefined : String(s.netmask));

function formatMask(prefix: number): string {
  const m = ipv4Mask(prefix);
  return [m >>> 24, (m >>> 16) & 255, (m >>> 8) & 255, m & 255].join('.');
}

/** "wrr", "sh (sh-port) persistent 30 mask 255.255.255.0 pe sip ops". */
function serviceDetails(s: Service): string {
  let out = ` ${s.sched}`;
  const sf = schedFlagNames(s);
  if (sf.length) out += ` (${sf.join(',')})`;
  if (s.flags.persistent) {
    out += ` persistent ${s.timeout}`;
    const m = maskText(s);
    if (m !== undefined) out += ` mask ${m}`;
  }
  if (s.pe) out += ` pe ${s.pe}`;
  if (s.flags.onePacket) out += ' ops';
  return out;
}

/** ipvsadm's counter column: 9 wide, with K/M/G/T beyond 8 digits (or exact, widened as needed). */
function largeNum(n: bigint, exact: boolean): string {
  if (exact) {
    const s = n.toString();
    return right(s, s.length <= 8 ? 9 : s.length + 1);
  }
  if (n < 100_000_000n) return right(n, 9);
  if (n < 1_000_000_000n) return `${right(n / 1000n, 8)}K`;
  if (n < 100_000_000_000n) return `${right(n / 1_000_000n, 8)}M`;
  if (n < 100_000_000_000_000n) return `${right(n / 1_000_000_000n, 8)}G`;
  return `${right(n / 1_000_000_000_000n, 8)}T`;
}

function tunnelInfo(d: Destination): string {
  if (d.fwd !== 'tunnel') return 'n/a';
  const t = d.tunnel ?? { type: 'ipip', port: 0, csum: 'nocsum' };
  const csum = t.csum === 'csum' ? '+c' : t.csum === 'remcsum' ? 'r' : '-c';
  if (t.type === 'ipip') return 'ipip';
  if (t.type === 'gue') return `gue:${t.port}:${csum}`;
  return `gre:${csum}`;
}

const headers: Record<ListVariant, string> = {
  default: 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n',
  'tun-info': 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n',
  stats: 'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n  -> RemoteAddress:Port\n',
  rate: 'Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n  -> RemoteAddress:Port\n',
  thresholds: 'Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n  -> RemoteAddress:Port\n',
  'persistent-conn': 'Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n  -> RemoteAddress:Port\n',
};

const counters = (st: IpvsStats, rate: boolean, exact: boolean): string =>
  (rate ? [st.cps, st.inPps, st.outPps, st.inBps, st.outBps] : [st.conns, st.inPkts, st.outPkts, st.inBytes, st.outBytes])
    .map((n) => largeNum(n, exact)).join('');

/** `ipvsadm -Ln [variant]` for a table and the kernel's GET_INFO. */
export function formatList(table: ServiceEntry[], info: IpvsInfo, opts: ListOptions = {}): string {
  const variant = opts.variant ?? 'default';
  const exact = opts.exact ?? false;
  const v = info.version;
  let out = `IP Virtual Server version ${(v >> 16) & 255}.${(v >> 8) & 255}.${v & 255} (size=${info.connTabSize})\n`;
  out += headers[variant];
  for (const e of opts.sort === false ? table : sortTable(table)) {
    const name = serviceName(e.service);
    if (variant === 'stats' || variant === 'rate') {
      out += `${left(name, 33)}${counters(e.stats, variant === 'rate', exact)}\n`;
    } else {
      out += `${name}${serviceDetails(e.service)}\n`;
    }
    for (const { dest: d, counters: c } of e.dests) {
      const hp = `  -> ${left(hostPort(d.addr, d.port), 28)}`;
      switch (variant) {
        case 'default':
          out += `${hp} ${left(fwdLabel[d.fwd], 7)} ${left(d.weight, 6)} ${left(c.activeConns, 10)} ${left(c.inactConns, 10)}\n`;
          break;
        case 'tun-info':
          out += `${hp} ${left(fwdLabel[d.fwd], 7)} ${left(tunnelInfo(d), 13)} ${left(d.weight, 6)} ${left(c.activeConns, 10)} ${left(c.inactConns, 10)}\n`;
          break;
        case 'thresholds':
          out += `${hp} ${left(d.uThreshold, 10)} ${left(d.lThreshold, 10)} ${left(c.activeConns, 10)} ${left(c.inactConns, 10)}\n`;
          break;
        case 'persistent-conn':
          out += `${hp} ${left(d.weight, 9)} ${left(c.persistConns, 11)} ${left(c.activeConns, 10)} ${left(c.inactConns, 10)}\n`;
          break;
        case 'stats':
        case 'rate':
          out += `${hp}${counters(c.stats, variant === 'rate', exact)}\n`;
          break;
      }
    }
  }
  return out;
}

/** `-t 10.0.0.1:80`, `--sctp-service [fd00::1]:80`, `-f 42 -6`: the service part of a rule. */
function serviceSpec(s: ServiceKey): string {
  if (s.fwmark !== undefined) return `-f ${s.fwmark}${s.af === 6 ? ' -6' : ''}`;
  const opt = s.protocol === 'tcp' ? '-t' : s.protocol === 'udp' ? '-u' : '--sctp-service';
  return `${opt} ${hostPort(s.addr, s.port)}`;
}

const fwdSwitch: Record<FwdMethod, string> = { masq: '-m', tunnel: '-i', route: '-g', local: '-g' };

/** `ipvsadm -Sn`: the rules that rebuild the table (thresholds are not part of it, as in ipvsadm). */
export function formatSave(table: ServiceEntry[], opts: { sort?: boolean } = {}): string {
  let out = '';
  for (const e of opts.sort === false ? table : sortTable(table)) {
    const s = e.service;
    const spec = serviceSpec(s);
    out += `-A ${spec} -s ${s.sched}`;
    if (s.flags.persistent) {
      out += ` -p ${s.timeout}`;
      const m = maskText(s);
      if (m !== undefined) out += ` -M ${m}`;
    }
    if (s.pe) out += ` --pe ${s.pe}`;
    if (s.flags.onePacket) out += ' -o';
    const sf = schedFlagNames(s);
    if (sf.length) out += ` -b ${sf.join(',')}`;
    out += '\n';
    for (const { dest: d } of e.dests) {
      out += `-a ${spec} -r ${hostPort(d.addr, d.port)} ${fwdSwitch[d.fwd]} -w ${d.weight}`;
      if (d.fwd === 'tunnel') {
        const t = d.tunnel ?? { type: 'ipip', port: 0, csum: 'nocsum' };
        out += ` --tun-type ${t.type}`;
        if (t.type === 'gue') out += ` --tun-port ${t.port}`;
        if (t.type !== 'ipip') out += ` --tun-${t.csum}`;
      }
      out += '\n';
    }
  }
  return out;
}

// ---- ordering (ipvsadm's default sort) -------------------------------------------------------

/** C's `(int)(a - b)` on two u32 values: ipvsadm compares addresses this way, wrap-around included. */
const diffU32 = (a: number, b: number): number => ((a - b) | 0);

function addrWords(addr: string | undefined, af: Family): number[] {
  const ip = addr === undefined ? undefined : parseIp(addr);
  if (!ip) return af === 4 ? [0] : [0, 0, 0, 0];
  const b = ip.bytes;
  const words: number[] = [];
  for (let i = 0; i < b.length; i += 4) words.push(((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0);
  return words;
}

function cmpAddr(a: string | undefined, b: string | undefined, af: Family): number {
  const wa = addrWords(a, af), wb = addrWords(b, af);
  for (let i = 0; i < wa.length; i++) {
    const r = diffU32(wa[i]!, wb[i] ?? 0);
    if (r !== 0) return r;
  }
  return 0;
}

const protoNum = (p: Protocol | undefined): number => (p === undefined ? 6 : p === 'tcp' ? 6 : p === 'udp' ? 17 : 132);
const afNum = (f: Family): number => (f === 4 ? 2 : 10);

export function compareServices(a: ServiceKey, b: ServiceKey): number {
  return diffU32(a.fwmark ?? 0, b.fwmark ?? 0) || afNum(a.af) - afNum(b.af) || protoNum(a.protocol) - protoNum(b.protocol)
    || cmpAddr(a.addr, b.addr, a.af) || (a.port ?? 0) - (b.port ?? 0);
}

export function compareDests(a: Destination, b: Destination): number {
  return cmpAddr(a.addr, b.addr, a.af) || a.port - b.port;
}

export function sortTable(table: ServiceEntry[]): ServiceEntry[] {
  return [...table]
    .sort((x, y) => compareServices(x.service, y.service))
    .map((e) => ({ ...e, dests: [...e.dests].sort((x, y) => compareDests(x.dest, y.dest)) }));
}

// ---- restore format ---------------------------------------------------------------------------

export type RestoreCmd =
  | { op: 'addService' | 'editService'; service: Service; line: number }
  | { op: 'deleteService'; key: ServiceKey; line: number }
  | { op: 'addDest' | 'editDest'; service: ServiceKey; dest: Destination; line: number }
  | { op: 'deleteDest'; service: ServiceKey; dest: Destination; line: number }
  | { op: 'clear'; line: number };

export interface RestoreError { line: number; msg: string }

const commands: Record<string, RestoreCmd['op']> = {
  '-A': 'addService', '--add-service': 'addService', '-E': 'editService', '--edit-service': 'editService',
  '-D': 'deleteService', '--delete-service': 'deleteService', '-a': 'addDest', '--add-server': 'addDest',
  '-e': 'editDest', '--edit-server': 'editDest', '-d': 'deleteDest', '--delete-server': 'deleteDest',
  '-C': 'clear', '--clear': 'clear',
};

/** "10.0.0.1:80", "[fd00::1]:53", "10.0.0.1" (port 0) → canonical address, family and port. */
function parseHostPort(s: string): { addr: string; af: Family; port: number | undefined } | string {
  let host = s;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2];
  } else if (s.indexOf(':') >= 0 && s.indexOf(':') === s.lastIndexOf(':')) {
    host = s.slice(0, s.indexOf(':'));
    port = s.slice(s.indexOf(':') + 1);
  }
  const ip = parseIp(host);
  if (!ip) return `bad address "${s}" (numeric addresses only)`;
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) > 65535)) return `bad port in "${s}"`;
  return { addr: formatIp(ip.bytes), af: ip.family, port: port === undefined ? undefined : Number(port) };
}

/** Parses ipvsadm-restore input (one ipvsadm command per line, e.g. `ipvsadm -Sn` output). */
export function parseRestore(text: string): Result<RestoreCmd[], RestoreError> {
  const cmds: RestoreCmd[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const r = parseLine(raw.split(/\s+/), i + 1);
    if (typeof r === 'string') return fail({ line: i + 1, msg: r });
    cmds.push(r);
  }
  return ok(cmds);
}

function parseLine(tok: string[], line: number): RestoreCmd | string {
  if (tok[0] === 'ipvsadm') tok = tok.slice(1);
  let op: RestoreCmd['op'] | undefined;
  let key: { kind: 'addr'; protocol: Protocol; addr: string; af: Family; port: number } | { kind: 'fwm'; fwmark: number } | undefined;
  let v6 = false;
  let sched = 'wlc', timeout = 0, persistent = false, pe = '', onePacket = false;
  let netmask: string | undefined;
  let schedFlags: string[] = [];
  let real: { addr: string; af: Family; port: number | undefined } | undefined;
  let fwd: FwdMethod = 'route', weight = 1, uThreshold = 0, lThreshold = 0;
  let tunType: 'ipip' | 'gue' | 'gre' | undefined, tunPort = 0;
  let csum: 'nocsum' | 'csum' | 'remcsum' = 'nocsum';
  for (let i = 0; i < tok.length; i++) {
    const t = tok[i]!;
    const val = (): string | undefined => tok[++i];
    const cmd = commands[t];
    if (cmd) {
      if (op) return `more than one command (${t})`;
      op = cmd;
      continue;
    }
    switch (t) {
      case '-t': case '--tcp-service': case '-u': case '--udp-service': case '--sctp-service': {
        const hp = parseHostPort(val() ?? '');
        if (typeof hp === 'string') return hp;
        const protocol: Protocol = t === '-t' || t === '--tcp-service' ? 'tcp' : t === '--sctp-service' ? 'sctp' : 'udp';
        key = { kind: 'addr', protocol, addr: hp.addr, af: hp.af, port: hp.port ?? 0 };
        break;
      }
      case '-f': case '--fwmark-service': {
        const v = val();
        if (!v || !/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 0xffffffff) return `bad firewall mark "${v ?? ''}"`;
        key = { kind: 'fwm', fwmark: Number(v) };
        break;
      }
      case '-6': case '--ipv6': v6 = true; break;
      case '-s': case '--scheduler': { const v = val(); if (!v) return 'missing scheduler'; sched = v; break; }
      case '-p': case '--persistent': {
        persistent = true;
        timeout = 360; // ipvsadm's default when -p has no value (IP_VS_TEMPLATE_TIMEOUT)
        const next = tok[i + 1];
        if (next !== undefined && /^\d+$/.test(next)) { timeout = Number(next); i++; }
        break;
      }
      case '-M': case '--netmask': { netmask = val(); if (netmask === undefined) return 'missing netmask'; break; }
      case '--pe': { const v = val(); if (!v) return 'missing persistence engine'; pe = v; break; }
      case '-o': case '--ops': onePacket = true; break;
      case '-b': case '--sched-flags': { const v = val(); if (!v) return 'missing scheduler flags'; schedFlags = v.split(','); break; }
      case '-r': case '--real-server': {
        const hp = parseHostPort(val() ?? '');
        if (typeof hp === 'string') return hp;
        real = hp;
        break;
      }
      case '-m': case '--masquerading': fwd = 'masq'; break;
      case '-g': case '--gatewaying': fwd = 'route'; break;
      case '-i': case '--ipip': fwd = 'tunnel'; break;
      case '-w': case '--weight': case '-x': case '--u-threshold': case '-y': case '--l-threshold': {
        const v = val();
        if (!v || !/^\d+$/.test(v) || Number(v) > 0x7fffffff) return `bad value "${v ?? ''}" for ${t}`;
        if (t === '-w' || t === '--weight') weight = Number(v);
        else if (t === '-x' || t === '--u-threshold') uThreshold = Number(v);
        else lThreshold = Number(v);
        break;
      }
      case '--tun-type': {
        const v = val();
        if (v !== 'ipip' && v !== 'gue' && v !== 'gre') return `bad tunnel type "${v ?? ''}"`;
        tunType = v;
        break;
      }
      case '--tun-port': { const v = val(); if (!v || !/^\d+$/.test(v) || Number(v) > 65535) return `bad tunnel port "${v ?? ''}"`; tunPort = Number(v); break; }
      case '--tun-nocsum': csum = 'nocsum'; break;
      case '--tun-csum': csum = 'csum'; break;
      case '--tun-remcsum': csum = 'remcsum'; break;
      default: return `unknown option "${t}"`;
    }
  }
  if (!op) return 'no command (-A, -E, -D, -a, -e, -d or -C)';
  if (op === 'clear') return { op, line };
  if (!key) return 'no service (-t, -u, --sctp-service or -f)';
  const af: Family = key.kind === 'addr' ? key.af : v6 ? 6 : 4;
  const sk: ServiceKey = key.kind === 'addr'
    ? { af, protocol: key.protocol, addr: key.addr, port: key.port }
    : { af, fwmark: key.fwmark };
  if (op === 'deleteService') return { op, key: sk, line };
  if (op === 'addService' || op === 'editService') {
    let prefix = af === 4 ? 32 : 128;
    if (netmask !== undefined) {
      const p = parseNetmask(netmask, af);
      if (p === undefined) return `bad netmask "${netmask}"`;
      prefix = p;
    }
    const flags = { ...noFlags(), persistent, onePacket };
    for (const f of schedFlags) {
      if (/-fallback$|^flag-1$/.test(f)) flags.sched1 = true;
      else if (/-port$|^flag-2$/.test(f)) flags.sched2 = true;
      else if (f === 'flag-3') flags.sched3 = true;
      else return `unknown scheduler flag "${f}"`;
    }
    return { op, service: { ...sk, sched, flags, timeout, netmask: prefix, pe }, line };
  }
  if (!real) return 'no real server (-r)';
  // Without a port the real server takes the service's (fwmark services have none); like ipvsadm,
  // a non-NAT real server of an address service always gets the service port.
  const port = sk.fwmark === undefined && fwd !== 'masq' ? sk.port : real.port ?? (sk.port ?? 0);
  const dest: Destination = { af: real.af, addr: real.addr, port, fwd, weight, uThreshold, lThreshold };
  if (fwd === 'tunnel' && tunType !== undefined) dest.tunnel = { type: tunType, port: tunPort, csum };
  return { op, service: sk, dest, line };
}

function parseNetmask(s: string, af: Family): number | undefined {
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n >= 1 && n <= (af === 4 ? 32 : 128) ? n : undefined;
  }
  if (af !== 4) return undefined;
  const ip = parseIp(s);
  if (!ip || ip.family !== 4) return undefined;
  const m = ((ip.bytes[0]! << 24) | (ip.bytes[1]! << 16) | (ip.bytes[2]! << 8) | ip.bytes[3]!) >>> 0;
  for (let p = 1; p <= 32; p++) if (ipv4Mask(p) === m) return p;
  return undefined;
}

/** A restore command as a reconciler operation ('flush' for -C, which clears the whole table). */
export function restoreOp(c: RestoreCmd): IpvsOp | 'flush' {
  switch (c.op) {
    case 'clear': return 'flush';
    case 'addService': return { op: 'addService', service: c.service };
    case 'editService': return { op: 'updateService', service: c.service };
    case 'deleteService': return { op: 'deleteService', service: c.key };
    case 'addDest': return { op: 'addDest', service: c.service, dest: c.dest };
    case 'editDest': return { op: 'updateDest', service: c.service, dest: c.dest };
    case 'deleteDest': return { op: 'deleteDest', service: c.service, dest: c.dest };
  }
}
