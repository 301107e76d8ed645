/**
 * Maps the config model's virtual servers onto the checkers' pools (check/types.ts) and the
 * identities alerts print. Pure. (The IPVS side of the same mapping is ipvs/desired.ts.)
 * A virtual_server_group is one health-checked pool programmed into every service of the group.
 */
import type { Checker, Config, RealServer, ScriptRef, VirtualServer } from '../config/model.js';
import type { ScriptVerdict } from '../common/script-security.js';
import type { CheckerCfg, ProbeSpec, VirtualServerCfg } from '../check/types.js';
import type { VsIdentity } from '../notify/events.js';

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

/**
 * Whether and as whom a MISC_CHECK script may run (script security, script_user); absent = run
 * as ourselves. A refused script disables its checker, as keepalived does at load.
 */
export type MiscGate = (ref: ScriptRef) => ScriptVerdict;

function probeOf(c: Checker, rs: RealServer, vs: VirtualServer, gate?: MiscGate): ProbeSpec | null {
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
    {
      if (!c.miscPath) return null;
      const v = gate?.(c.miscPath);
      if (v && !v.run) return null;
      const runAs = v && (v.ids.uid !== 0 || v.ids.gid !== 0) ? { runAs: v.ids } : {};
      return { kind: 'MISC_CHECK', argv: c.miscPath.argv, timeoutMs: c.miscTimeoutMs ?? c.delayLoopMs, dynamic: c.miscDynamic, ...runAs };
    }
    case 'SMTP_CHECK':
      return { kind: 'SMTP_CHECK', ...target, heloName: 'smtpchecker.keepalived.org' };
    default:
      return null; // recognised by the parser, not run yet (PING_CHECK, FILE_CHECK, BFD_CHECK, …)
  }
}

function checkerCfgs(rs: RealServer, vs: VirtualServer, gate?: MiscGate): CheckerCfg[] {
  return rs.checkers.flatMap((c) => {
    const probe = probeOf(c, rs, vs, gate);
    if (!probe) return [];
    return [{ probe, timing: { delayLoopMs: c.delayLoopMs, retry: c.retry, delayBeforeRetryMs: c.delayBeforeRetryMs, warmupMs: c.warmupMs, alpha: c.alpha } }];
  });
}

export function toVirtualServerCfg(vs: VirtualServer, gate?: MiscGate): VirtualServerCfg {
  return {
    key: vsKey(vs),
    quorum: vs.quorum,
    hysteresis: vs.hysteresis,
    ...(vs.sorryServer ? { sorryServer: { addr: vs.sorryServer.address, port: vs.sorryServer.port, weight: 1, inhibit: vs.sorryServerInhibit } } : {}),
    realServers: vs.realServers.map((rs) => ({
      addr: rs.address, port: rs.port, weight: rs.weight, inhibitOnFailure: rs.inhibitOnFailure, checkers: checkerCfgs(rs, vs, gate),
    })),
  };
}

export function poolsOf(cfg: Config, gate?: MiscGate): { vs: VirtualServer; check: VirtualServerCfg }[] {
  return cfg.virtualServers.map((vs) => ({ vs, check: toVirtualServerCfg(vs, gate) }));
}
