/**
 * Maps the config model's virtual servers onto what the checkers run (check/types.ts) and what
 * IPVS holds (ipvs/types.ts). Pure. A virtual_server_group becomes one health-checked pool whose
 * destinations are programmed into every service of the group.
 */
import { formatIp, parseIp, type Family } from '../common/ip.js';
import type { Checker, Config, RealServer, VirtualServer, VirtualServerGroup } from '../config/model.js';
import type { CheckerCfg, ProbeSpec, VirtualServerCfg } from '../check/types.js';
import type { DesiredDest } from '../check/virtualserver.js';
import type { Destination, FwdMethod, Protocol, Service } from '../ipvs/types.js';
import type { TableEntry } from '../ipvs/reconcile.js';
import type { VsIdentity } from '../notify/events.js';

const familyOf = (addr: string): Family => (addr.includes(':') ? 6 : 4);
const FWD: Record<RealServer['lbKind'], FwdMethod> = { NAT: 'masq', DR: 'route', TUN: 'tunnel' };

/** The pool key events carry: `TCP 10.0.0.1:80`, `FWM 7`, `group NAME`. */
export function vsKey(vs: VirtualServer): string {
  const k = vs.key;
  if (k.kind === 'ip') return `${vs.protocol} ${k.address.includes(':') ? `[${k.address}]` : k.address}:${k.port}`;
  return k.kind === 'fwmark' ? `FWM ${k.fwmark}` : `group ${k.group}`;
}

export function vsIdentity(vs: VirtualServer): VsIdentity {
  const proto = vs.protocol.toLowerCase() as 'tcp' | 'udp' | 'sctp';
  const k = vs.key;
  if (k.kind === 'ip') return { kind: 'addr', ip: k.address, port: k.port, proto };
  if (k.kind === 'fwmark') return { kind: 'fwmark', fwmark: k.fwmark, proto };
  return { kind: 'group', group: k.group, port: 0, proto };
}

function probeOf(c: Checker, rs: RealServer, vs: VirtualServer): ProbeSpec | null {
  const target = {
    connectIp: c.connectIp ?? rs.address,
    connectPort: c.connectPort ?? rs.port,
    connectTimeoutMs: c.connectTimeoutMs,
    ...(c.bindto ? { bindTo: c.bindto } : {}),
    ...(c.bindPort !== null ? { bindPort: c.bindPort } : {}),
  };
  switch (c.type) {
    case 'TCP_CHECK':
      return { kind: 'TCP_CHECK', ...target };
    case 'HTTP_GET':
    case 'SSL_GET': {
      const host = c.virtualhost ?? vs.virtualhost;
      return {
        kind: c.type, ...target,
        urls: c.urls.map((u) => ({
          path: u.path,
          ...(u.statusCodes.length ? { statusCodes: u.statusCodes.map((r) => [r.from, r.to] as const) } : {}),
          ...(u.digest ? { digest: u.digest } : {}),
          ...(u.virtualhost ? { virtualhost: u.virtualhost } : {}),
        })),
        ...(host ? { virtualhost: host } : {}),
      };
    }
    case 'MISC_CHECK':
      if (!c.miscPath) return null;
      return { kind: 'MISC_CHECK', argv: c.miscPath.argv, timeoutMs: c.miscTimeoutMs ?? c.delayLoopMs, dynamic: c.miscDynamic };
    case 'SMTP_CHECK':
      return { kind: 'SMTP_CHECK', ...target, heloName: 'smtpchecker.keepalived.org' };
    default:
      return null; // recognised by the parser, not run yet (PING_CHECK, FILE_CHECK, BFD_CHECK, …)
  }
}

function checkerCfgs(rs: RealServer, vs: VirtualServer): CheckerCfg[] {
  return rs.checkers.flatMap((c) => {
    const probe = probeOf(c, rs, vs);
    if (!probe) return [];
    return [{ probe, timing: { delayLoopMs: c.delayLoopMs, retry: c.retry, delayBeforeRetryMs: c.delayBeforeRetryMs, warmupMs: c.warmupMs, alpha: c.alpha } }];
  });
}

export function toVirtualServerCfg(vs: VirtualServer): VirtualServerCfg {
  return {
    key: vsKey(vs),
    quorum: vs.quorum,
    hysteresis: vs.hysteresis,
    ...(vs.sorryServer ? { sorryServer: { addr: vs.sorryServer.address, port: vs.sorryServer.port, weight: 1, inhibit: vs.sorryServerInhibit } } : {}),
    realServers: vs.realServers.map((rs) => ({
      addr: rs.address, port: rs.port, weight: rs.weight, inhibitOnFailure: rs.inhibitOnFailure, checkers: checkerCfgs(rs, vs),
    })),
  };
}

/** Addresses of a group entry: a single address, `a.b.c.X-Y` / `v6::X-Y` (last part, hex for IPv6), or a prefix up to /24 (/120). */
export function expandRange(range: string): string[] {
  const slash = range.indexOf('/');
  if (slash > 0) {
    const base = parseIp(range.slice(0, slash));
    const prefix = Number(range.slice(slash + 1));
    if (!base) return [];
    const hostBits = (base.family === 4 ? 32 : 128) - prefix;
    if (hostBits < 0 || hostBits > 8) return [];
    const out: string[] = [];
    for (let i = 0; i < 1 << hostBits; i++) {
      const b = base.bytes.slice();
      b[b.length - 1] = (b[b.length - 1]! & ~((1 << hostBits) - 1)) + i;
      out.push(formatIp(b));
    }
    return out;
  }
  const m = /^(.*[.:])([0-9a-fA-F]+)-([0-9a-fA-F]+)$/.exec(range);
  if (!m) return parseIp(range) ? [range] : [];
  const radix = m[1]!.endsWith(':') ? 16 : 10;
  const from = parseInt(m[2]!, radix), to = parseInt(m[3]!, radix);
  const out: string[] = [];
  for (let i = from; i <= to && out.length < 65536; i++) out.push(`${m[1]}${i.toString(radix)}`);
  return out.filter((a) => parseIp(a) !== null);
}

/** The IPVS services a virtual server stands for (one, or one per group member). */
export function servicesOf(vs: VirtualServer, groups: readonly VirtualServerGroup[]): Service[] {
  const protocol = vs.protocol.toLowerCase() as Protocol;
  const rsFamily = vs.realServers[0] ? familyOf(vs.realServers[0].address) : 4;
  const common = (af: Family) => {
    const persistent = vs.persistenceTimeoutS > 0;
    const full = af === 4 ? 32 : 128;
    return {
      sched: vs.lbAlgo,
      flags: { persistent, onePacket: vs.ops, sched1: false, sched2: false, sched3: false },
      timeout: persistent ? vs.persistenceTimeoutS : 0,
      netmask: vs.persistenceGranularity ? granularityPrefix(vs.persistenceGranularity, af) ?? full : full,
      pe: '',
    };
  };
  const k = vs.key;
  if (k.kind === 'ip') return [{ af: familyOf(k.address), protocol, addr: k.address, port: k.port, ...common(familyOf(k.address)) }];
  if (k.kind === 'fwmark') return [{ af: rsFamily, fwmark: k.fwmark, ...common(rsFamily) }];
  const group = groups.find((g) => g.name === k.group);
  return (group?.entries ?? []).flatMap((e): Service[] => e.kind === 'fwmark'
    ? [{ af: e.family === 'inet6' ? 6 : e.family === 'inet' ? 4 : rsFamily, fwmark: e.fwmark, ...common(e.family === 'inet6' ? 6 : 4) }]
    : expandRange(e.range).map((addr) => ({ af: familyOf(addr), protocol, addr, port: e.port, ...common(familyOf(addr)) })));
}

/** `persistence_granularity` as a prefix length: a dotted IPv4 mask or a number. */
export function granularityPrefix(g: string, af: Family): number | null {
  if (/^\d+$/.test(g)) return Number(g);
  const m = af === 4 ? parseIp(g) : null;
  if (!m) return null;
  let bits = 0;
  for (const byte of m.bytes) bits += byte.toString(2).replace(/0/g, '').length;
  return bits;
}

/** The kernel table one pool should have, given the destinations the checkers want present. */
export function tableFor(vs: VirtualServer, groups: readonly VirtualServerGroup[], dests: readonly DesiredDest[]): TableEntry[] {
  return servicesOf(vs, groups).map((service) => ({
    service,
    dests: dests.map((d): Destination => {
      const rs = vs.realServers.find((r) => r.address === d.addr && r.port === d.port);
      const fwd = FWD[rs?.lbKind ?? vs.lbKind];
      return {
        af: familyOf(d.addr), addr: d.addr,
        // A DR/TUN real server answers on the service's port; a fwmark service has none of its own.
        port: fwd === 'masq' || service.fwmark !== undefined ? d.port : (service.port ?? d.port),
        fwd, weight: d.weight, uThreshold: rs?.uthreshold ?? 0, lThreshold: rs?.lthreshold ?? 0,
      };
    }),
  }));
}

export function poolsOf(cfg: Config): { vs: VirtualServer; check: VirtualServerCfg }[] {
  return cfg.virtualServers.map((vs) => ({ vs, check: toVirtualServerCfg(vs) }));
}
