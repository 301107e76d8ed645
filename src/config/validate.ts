/**
 * Post-parse cross checks that do not rewrite values (those are in interpret.ts): VRIDs,
 * interfaces, references between blocks, virtual servers, script security (semantics §2.1, §7.1,
 * §10, §11). Pure: the host facts (interfaces, users, file modes) come in through `opts`.
 */
import { parseIp } from '../common/ip.js';
import {
  DEFAULT_SCRIPT_USER, defaultScriptUser, executableBy, runAsIdsOf, runsAsRoot, type ScriptEnv, unsafeScriptComponent,
} from '../common/script-security.js';
import { ConfigErrClass, type Diagnostic, type Severity, type SrcLoc } from './diagnostics.js';
import type { ConfigLocations } from './interpret.js';
import { vsLabel } from './interpret.js';
import type { Config, ScriptRef } from './model.js';

export type { ScriptEnv } from '../common/script-security.js';

export interface ValidateOptions {
  /** Interfaces present on the host; undefined = do not check. */
  knownInterfaces?: readonly string[];
  /** Host facts for script security; undefined = do not check. */
  scriptEnv?: ScriptEnv;
}

export const VALIDATE_CODES = {
  noVrid: 'KA_CONF_NO_VRID',
  dupVrid: 'KA_CONF_DUP_VRID',
  noInterface: 'KA_CONF_NO_INTERFACE',
  badInterface: 'KA_CONF_BAD_INTERFACE',
  unknownRef: 'KA_CONF_UNKNOWN_REF',
  noVip: 'KA_CONF_NO_VIP',
  vsNoRealServers: 'KA_CONF_VS_NO_RS',
  vsFwmarkProtocol: 'KA_CONF_VS_FWMARK_PROTOCOL',
  syncGroup: 'KA_CONF_SYNC_GROUP',
  noScript: 'KA_CONF_NO_SCRIPT',
  scriptSecurity: 'KA_CONF_SCRIPT_SECURITY',
  scriptUser: 'KA_CONF_SCRIPT_USER',
} as const;

class Sink {
  readonly diags: Diagnostic[] = [];
  add(at: SrcLoc, cls: ConfigErrClass, code: string, msg: string, severity?: Severity): void {
    const sev: Severity = severity ?? (cls === ConfigErrClass.WARNING ? 'warning' : 'error');
    this.diags.push({ sev, code, at, msg, cls });
  }
}

export function validateConfig(cfg: Config, locs: ConfigLocations, opts: ValidateOptions = {}): Diagnostic[] {
  const out = new Sink();
  const vrrpBadIf = checkInterfaces(cfg, locs, opts, out);
  checkInstances(cfg, locs, out);
  const live = new Set<string>();
  cfg.vrrpScripts.forEach((s, i) => {
    if (s.script === null) {
      out.add(locs.vrrpScripts[i]!.end, ConfigErrClass.GENERAL_ERROR, VALIDATE_CODES.noScript, `No script set for vrrp_script ${s.name} - removing`);
    } else live.add(s.name);
  });
  if (opts.scriptEnv) checkScriptUsers(cfg, locs, opts.scriptEnv, live, out);
  checkScriptsAndGroups(cfg, locs, live, out);
  checkVirtualServers(cfg, locs, out);
  if (opts.scriptEnv) checkScriptSecurity(cfg, locs, opts.scriptEnv, live, vrrpBadIf, out);
  return out.diags;
}

const familyOf = (addr: string | undefined): 4 | 6 => (addr && parseIp(addr)?.family === 6 ? 6 : 4);

function checkInstances(cfg: Config, locs: ConfigLocations, out: Sink): void {
  const byKey = new Map<string, string>();
  cfg.vrrpInstances.forEach((vi, i) => {
    const l = locs.vrrpInstances[i]!;
    if (vi.virtualRouterId === null) {
      out.add(l.at, ConfigErrClass.GENERAL_ERROR, VALIDATE_CODES.noVrid, `(${vi.name}) the virtual router id must be set`);
    }
    if (vi.interface === null && vi.unicastSrcIp === null) {
      out.add(l.at, ConfigErrClass.GENERAL_ERROR, VALIDATE_CODES.noInterface, `(${vi.name}) Unknown interface!`);
    }
    if (vi.virtualIpaddresses.length === 0 && l.kw.no_virtual_ipaddress === undefined) {
      const required = vi.version === 3 || vi.strictMode;
      out.add(l.at, required ? ConfigErrClass.GENERAL_ERROR : ConfigErrClass.WARNING, VALIDATE_CODES.noVip,
        `(${vi.name}) No VIP specified; at least one is ${required ? 'required' : 'sensible'}`);
    }
    if (vi.virtualRouterId === null) return;
    const fam = familyOf(vi.virtualIpaddresses[0]?.address);
    const key = `${vi.virtualRouterId}/${fam}/${vi.interface ?? ''}`;
    const other = byKey.get(key);
    if (other !== undefined) {
      out.add(l.at, ConfigErrClass.GENERAL_ERROR, VALIDATE_CODES.dupVrid,
        `${other} and ${vi.name} both use VRID ${vi.virtualRouterId} with IPv${fam} on interface ${vi.interface ?? '(none)'}`);
    } else byKey.set(key, vi.name);
  });
}

/** Returns true when a VRRP-side interface is missing (keepalived's VRRP process then stops). */
function checkInterfaces(cfg: Config, locs: ConfigLocations, opts: ValidateOptions, out: Sink): boolean {
  const known = opts.knownInterfaces;
  // With net_namespace the interfaces live in another namespace: keepalived -t does not check them.
  if (!known || cfg.globalDefs.dynamicInterfaces || locs.root.kw.net_namespace !== undefined) return false;
  const has = (n: string): boolean => known.includes(n);
  let first: SrcLoc | null = null;
  const missing = (at: SrcLoc, msg: string): void => {
    out.add(at, ConfigErrClass.WARNING, VALIDATE_CODES.badInterface, msg);
    first ??= at;
  };
  cfg.vrrpInstances.forEach((vi, i) => {
    const l = locs.vrrpInstances[i]!;
    if (vi.interface !== null && !has(vi.interface)) {
      missing(l.kw.interface ?? l.at, `WARNING - interface ${vi.interface} for vrrp_instance ${vi.name} doesn't exist`);
    }
    vi.trackInterfaces.forEach((t, j) => {
      if (!has(t.name)) missing(l.lists.track_interface?.[j] ?? l.at, `(${vi.name}) tracked interface ${t.name} doesn't exist`);
    });
    const vipLists: [typeof vi.virtualIpaddresses, SrcLoc[] | undefined][] = [
      [vi.virtualIpaddresses, l.lists.virtual_ipaddress], [vi.virtualIpaddressesExcluded, l.lists.virtual_ipaddress_excluded]];
    for (const [vips, at] of vipLists) {
      vips.forEach((v, j) => {
        if (v.dev !== null && !has(v.dev)) missing(at?.[j] ?? l.at, `WARNING - interface ${v.dev} for ip address ${v.address} doesn't exist`);
      });
    }
    for (const ref of locs.instanceIfRefs[i] ?? []) {
      if (!has(ref.name)) missing(ref.at, `WARNING - interface ${ref.name} for ${ref.what} doesn't exist`);
    }
  });
  cfg.syncGroups.forEach((sg, i) => {
    const l = locs.syncGroups[i]!;
    sg.trackInterfaces.forEach((t, j) => {
      if (!has(t.name)) missing(l.lists.track_interface?.[j] ?? l.at, `(${sg.name}) tracked interface ${t.name} doesn't exist`);
    });
  });
  for (const ref of locs.otherIfRefs) {
    if (!has(ref.name)) missing(ref.at, `WARNING - interface ${ref.name} for ${ref.what} doesn't exist`);
  }
  if (first !== null) {
    out.add(first, ConfigErrClass.BAD_IF, VALIDATE_CODES.badInterface, 'Non-existent interface specified in configuration');
    return true;
  }
  return false;
}

/** Checks track_script and sync group references against the usable vrrp_scripts. */
function checkScriptsAndGroups(cfg: Config, locs: ConfigLocations, live: Set<string>, out: Sink): void {
  const trackRefs = (owner: string, names: { name: string }[], at: SrcLoc[] | undefined, fallback: SrcLoc): void => {
    names.forEach((t, j) => {
      if (!live.has(t.name)) {
        out.add(at?.[j] ?? fallback, ConfigErrClass.GENERAL_ERROR, VALIDATE_CODES.unknownRef, `(${owner}) track script ${t.name} not found, ignoring...`);
      }
    });
  };
  cfg.vrrpInstances.forEach((vi, i) => {
    const l = locs.vrrpInstances[i]!;
    trackRefs(vi.name, vi.trackScripts, l.lists.track_script, l.at);
  });
  const instances = new Set(cfg.vrrpInstances.map((v) => v.name));
  const memberOf = new Map<string, string>();
  cfg.syncGroups.forEach((sg, i) => {
    const l = locs.syncGroups[i]!;
    trackRefs(sg.name, sg.trackScripts, l.lists.track_script, l.at);
    let valid = 0;
    sg.members.forEach((m, j) => {
      const at = l.lists.group?.[j] ?? l.at;
      if (!instances.has(m)) {
        out.add(at, ConfigErrClass.GENERAL_ERROR, VALIDATE_CODES.syncGroup, `Virtual router ${m} specified in sync group ${sg.name} doesn't exist - ignoring`);
        return;
      }
      const prev = memberOf.get(m);
      if (prev !== undefined) {
        out.add(at, ConfigErrClass.GENERAL_ERROR, VALIDATE_CODES.syncGroup, `VRRP instance ${m} cannot be in more than one sync group (${prev} and ${sg.name})`);
        return;
      }
      memberOf.set(m, sg.name);
      valid++;
    });
    if (valid === 1) {
      out.add(l.at, ConfigErrClass.WARNING, VALIDATE_CODES.syncGroup, `Sync group ${sg.name} has only 1 virtual router(s) - this probably isn't what you want`);
    }
  });
}

/**
 * With enable_script_security, scripts without their own user run as keepalived_script; if that
 * user does not exist keepalived removes vrrp_scripts and MISC_CHECK scripts (each reported where
 * its block ends) and reports the missing default user once.
 */
function checkScriptUsers(cfg: Config, locs: ConfigLocations, env: ScriptEnv, live: Set<string>, out: Sink): void {
  const g = cfg.globalDefs;
  if (!g.enableScriptSecurity || defaultScriptUser(g.scriptUser?.user ?? null, env) !== null) return;
  let reported = false;
  const once = (at: SrcLoc): void => {
    if (reported) return;
    reported = true;
    out.add(at, ConfigErrClass.GENERAL_ERROR, VALIDATE_CODES.scriptUser, `Unable to set default user ${DEFAULT_SCRIPT_USER} for script`);
  };
  cfg.vrrpScripts.forEach((s, i) => {
    if (!s.script || s.script.user !== null || !live.has(s.name)) return;
    out.add(locs.vrrpScripts[i]!.end, ConfigErrClass.GENERAL_ERROR, VALIDATE_CODES.scriptUser, `Unable to set default user for vrrp script ${s.name} - removing`);
    live.delete(s.name);
  });
  cfg.virtualServers.forEach((vs, i) => vs.realServers.forEach((rs, j) => rs.checkers.forEach((c, k) => {
    if (!c.miscPath || c.miscPath.user !== null) return;
    const at = locs.virtualServers[i]?.children[j]?.children[k]?.end ?? locs.virtualServers[i]!.at;
    out.add(at, ConfigErrClass.GENERAL_ERROR, VALIDATE_CODES.scriptUser,
      `Unable to set default user for misc script ${c.miscPath.argv.map((a) => `'${a}'`).join(' ')} - removing`);
    once(at);
  })));
  for (const u of collectScripts(cfg, locs, new Set()).filter((x) => x.vrrp && x.ref.user === null)) {
    if (u.ref.argv[0] !== undefined && env.resolve(u.ref.argv[0]) !== null) { once(u.at); break; }
  }
}

function checkVirtualServers(cfg: Config, locs: ConfigLocations, out: Sink): void {
  const groups = new Set(cfg.virtualServerGroups.map((g) => g.name));
  cfg.virtualServers.forEach((vs, i) => {
    const l = locs.virtualServers[i]!;
    const label = vsLabel(vs.key, vs.protocol);
    if (vs.key.kind === 'fwmark' && l.kw.protocol !== undefined) {
      out.add(l.kw.protocol, ConfigErrClass.WARNING, VALIDATE_CODES.vsFwmarkProtocol,
        `Warning: Virtual server ${label}: protocol specified for fwmark - protocol will be ignored`);
    }
    if (vs.key.kind === 'group' && !groups.has(vs.key.group)) {
      out.add(l.at, ConfigErrClass.GENERAL_ERROR, VALIDATE_CODES.unknownRef, `Virtual server group ${vs.key.group} specified but not defined - ignoring`);
    }
    if (vs.realServers.length === 0 && vs.sorryServer === null) {
      out.add(l.at, ConfigErrClass.WARNING, VALIDATE_CODES.vsNoRealServers, `Virtual server ${label} has no real servers - ignoring`);
    }
  });
}

/** trackScript: the vrrp_script name when this is a tracked script. */
interface ScriptUse { ref: ScriptRef; at: SrcLoc; vrrp: boolean; trackScript: string | null }

function collectScripts(cfg: Config, locs: ConfigLocations, liveScripts: Set<string>): ScriptUse[] {
  const uses: ScriptUse[] = [];
  const add = (ref: ScriptRef | null, at: SrcLoc | undefined, fallback: SrcLoc, vrrp: boolean, trackScript: string | null = null): void => {
    if (ref) uses.push({ ref, at: at ?? fallback, vrrp, trackScript });
  };
  const tracked = new Set([...cfg.vrrpInstances.flatMap((v) => v.trackScripts.map((t) => t.name)), ...cfg.syncGroups.flatMap((g) => g.trackScripts.map((t) => t.name))]);
  cfg.vrrpScripts.forEach((s, i) => {
    if (liveScripts.has(s.name) && tracked.has(s.name)) add(s.script, locs.vrrpScripts[i]!.kw.script, locs.vrrpScripts[i]!.at, true, s.name);
  });
  const notifyKw = { master: 'notify_master', backup: 'notify_backup', fault: 'notify_fault', stop: 'notify_stop', deleted: 'notify_deleted', any: 'notify' } as const;
  const notifies = (n: Config['vrrpInstances'][number]['notify'], kw: Record<string, SrcLoc>, at: SrcLoc): void => {
    for (const [slot, name] of Object.entries(notifyKw)) add(n[slot as keyof typeof notifyKw], kw[name], at, true);
  };
  cfg.vrrpInstances.forEach((v, i) => notifies(v.notify, locs.vrrpInstances[i]!.kw, locs.vrrpInstances[i]!.at));
  cfg.syncGroups.forEach((g, i) => notifies(g.notify, locs.syncGroups[i]!.kw, locs.syncGroups[i]!.at));
  cfg.virtualServers.forEach((vs, i) => {
    const l = locs.virtualServers[i]!;
    add(vs.quorumUp, l.kw.quorum_up, l.at, false);
    add(vs.quorumDown, l.kw.quorum_down, l.at, false);
    vs.realServers.forEach((rs, j) => {
      const rl = l.children[j] ?? l;
      add(rs.notifyUp, rl.kw.notify_up, rl.at, false);
      add(rs.notifyDown, rl.kw.notify_down, rl.at, false);
      rs.checkers.forEach((c, k) => {
        const cl = rl.children[k] ?? rl;
        add(c.miscPath, cl.kw.misc_path, cl.at, false);
      });
    });
  });
  return uses;
}

/**
 * semantics §10 as keepalived 2.2.7 `-t` behaves: a tracked vrrp_script that cannot be found, or
 * is unsafe under enable_script_security, is disabled (exit 5); any script run without
 * enable_script_security is a SECURITY VIOLATION (exit 6), reported once by each of keepalived's
 * processes that runs one (the checker's first, as keepalived prints them), with "There are
 * insecure scripts." added when one of that process's root scripts is also unsafe; unsafe
 * notify/checker scripts are disabled silently by keepalived, we say so with a notice that does
 * not change the exit code. Symlinks are judged by the file they resolve to.
 *
 * Scripts run as a user other than root: keepalived 2.2.7 `-t` kills itself with SIGTERM (no
 * output, shell status 143) as soon as it checks one, so these follow what its daemon logs at
 * start: a script that uid:gid cannot execute is disabled with a warning, and a set-uid-root or
 * set-gid-root script gets the same path protection as a root script.
 */
function checkScriptSecurity(cfg: Config, locs: ConfigLocations, env: ScriptEnv, live: Set<string>, vrrpBadIf: boolean, out: Sink): void {
  // keepalived's VRRP process stops at a missing interface before it looks at its scripts, and
  // with net_namespace the scripts belong to another namespace's view.
  if (locs.root.kw.net_namespace !== undefined) return;
  const uses = collectScripts(cfg, locs, live).filter((u) => !(u.vrrp && vrrpBadIf));
  if (uses.length === 0) return;
  const g = cfg.globalDefs;
  const defaultUser = defaultScriptUser(g.scriptUser?.user ?? null, env);
  if (g.enableScriptSecurity && defaultUser === null) return; // reported by checkScriptUsers
  /** Per keepalived process (VRRP, checker): the first script it runs without script security. */
  const violation = { vrrp: null as { at: SrcLoc; insecure: boolean } | null, check: null as { at: SrcLoc; insecure: boolean } | null };
  for (const u of uses) {
    const cmd = u.ref.argv[0];
    const path = cmd === undefined ? null : env.resolve(cmd);
    if (path === null) {
      if (u.trackScript !== null) {
        out.add(u.at, ConfigErrClass.GENERAL_ERROR, VALIDATE_CODES.scriptSecurity, `Disabling track script ${u.trackScript} since not found/accessible`);
      }
      continue; // keepalived does not run (or complain about) other scripts it cannot find
    }
    const proc = u.vrrp ? 'vrrp' : 'check';
    // Without script security keepalived counts every script it would run, whatever its user.
    if (!g.enableScriptSecurity) violation[proc] ??= { at: u.at, insecure: false };
    const ids = runAsIdsOf(u.ref, g.scriptUser, defaultUser, env);
    const st = env.stat(env.realpath(path) ?? path);
    if (ids === null || st === null) continue;
    if (!executableBy(st, ids)) {
      out.add(u.at, ConfigErrClass.OK, VALIDATE_CODES.scriptSecurity,
        `WARNING - script '${path}' is not executable for uid:gid ${ids.uid}:${ids.gid} - disabling.`, 'warning');
      continue;
    }
    if (!runsAsRoot(st, ids)) continue;
    const unsafe = unsafeScriptComponent(path, env) !== null;
    if (!g.enableScriptSecurity) {
      violation[proc]!.insecure ||= unsafe;
      continue;
    }
    if (unsafe) {
      if (u.trackScript !== null) {
        out.add(u.at, ConfigErrClass.GENERAL_ERROR, VALIDATE_CODES.scriptSecurity, `Disabling track script ${u.trackScript} due to insecure`);
      } else {
        out.add(u.at, ConfigErrClass.OK, VALIDATE_CODES.scriptSecurity, `Unsafe permissions found for script '${u.ref.cmd}' - disabling.`, 'warning');
      }
    }
  }
  for (const [proc, what] of [['check', 'check scripts'], ['vrrp', 'scripts']] as const) {
    const v = violation[proc];
    if (v === null) continue;
    out.add(v.at, ConfigErrClass.SECURITY_ERROR, VALIDATE_CODES.scriptSecurity,
      `SECURITY VIOLATION - ${what} are being executed but script_security not enabled.${v.insecure ? ' There are insecure scripts.' : ''}`);
  }
}
