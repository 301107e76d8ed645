/**
 * Script security and script_user when the daemon starts a script (notify_*, vrrp_script,
 * notify_up/down, quorum_up/down), not only in `-t`'s report: each start is checked with the
 * same rules (common/script-security.ts) against the file system as it is then, and runs as the
 * user keepalived would pick. A refused script is logged and reported as a start failure.
 */
import type { Logger } from '../common/log.js';
import { scriptVerdict, type ScriptEnv } from '../common/script-security.js';
import type { Config, NotifyScripts, ScriptRef } from '../config/model.js';
import type { Spawn, SpawnedProcess } from '../notify/scripts.js';
import type { MiscGate } from './lvs-mapping.js';

/** Every script the configuration names that the notify runner starts (MISC_CHECK is gated in lvs-mapping). */
export function configuredScripts(cfg: Config): ScriptRef[] {
  const notify = (n: NotifyScripts) => [n.master, n.backup, n.fault, n.stop, n.deleted, n.any];
  return [
    ...cfg.vrrpScripts.map((s) => s.script),
    ...cfg.vrrpInstances.flatMap((i) => notify(i.notify)),
    ...cfg.syncGroups.flatMap((g) => notify(g.notify)),
    ...cfg.virtualServers.flatMap((vs) => [vs.quorumUp, vs.quorumDown, ...vs.realServers.flatMap((rs) => [rs.notifyUp, rs.notifyDown])]),
  ].filter((r): r is ScriptRef => r !== null);
}

const refused = (message: string): SpawnedProcess =>
  ({ exited: Promise.resolve({ kind: 'error', code: 'EACCES', message }), kill: () => {} });

export function gatedSpawn(inner: Spawn, cfg: Config, env: ScriptEnv, log: Logger): Spawn {
  const refs = configuredScripts(cfg);
  const globals = cfg.globalDefs;
  return {
    spawn(req, onLine) {
      const cmd = req.argv[0];
      if (cmd === undefined || req.uid !== undefined) return inner.spawn(req, onLine);
      // Notify scripts get arguments appended: the configured command is a prefix of argv.
      const ref = refs.find((r) => r.argv.length <= req.argv.length && r.argv.every((w, i) => w === req.argv[i]));
      const v = scriptVerdict(cmd, { user: ref?.user ?? null, group: ref?.group ?? null }, globals, env);
      if (!v.run) {
        log.error(`Script '${cmd}' not started: ${v.why}${globals.enableScriptSecurity ? ' (enable_script_security)' : ''}`);
        return refused(v.why);
      }
      return inner.spawn(v.ids.uid === 0 && v.ids.gid === 0 ? req : { ...req, uid: v.ids.uid, gid: v.ids.gid }, onLine);
    },
  };
}

/**
 * As keepalived at load: a vrrp_script that cannot be found, or that script security refuses, is
 * disabled: no instance or group tracks it (it neither fails nor counts), and the daemon says so
 * once. `-t` reports the same with its file:line:col.
 */
export function withoutRefusedTrackScripts(cfg: Config, env: ScriptEnv, log: Logger): Config {
  const refused = new Set<string>();
  for (const s of cfg.vrrpScripts) {
    const cmd = s.script?.argv[0];
    if (cmd === undefined || !s.script) continue;
    const why = env.resolve(cmd) === null ? 'not found/accessible' : (() => {
      const v = scriptVerdict(cmd, s.script, cfg.globalDefs, env);
      return v.run ? null : v.why;
    })();
    if (why === null) continue;
    refused.add(s.name);
    log.warn(`Disabling track script ${s.name} (${why})`);
  }
  if (refused.size === 0) return cfg;
  const keep = <T extends { trackScripts: { name: string }[] }>(o: T): T => ({ ...o, trackScripts: o.trackScripts.filter((t) => !refused.has(t.name)) });
  return { ...cfg, vrrpInstances: cfg.vrrpInstances.map(keep), syncGroups: cfg.syncGroups.map(keep) };
}

/** MISC_CHECK scripts, checked when a configuration is loaded: a refused one disables its checker. */
export function miscGateOf(cfg: Config, env: ScriptEnv, log: Logger): MiscGate {
  return (ref) => {
    const v = scriptVerdict(ref.argv[0] ?? '', ref, cfg.globalDefs, env);
    if (!v.run) log.warn(`MISC_CHECK script '${ref.cmd}' disabled: ${v.why}`);
    return v;
  };
}
