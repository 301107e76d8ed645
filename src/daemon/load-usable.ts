/** Which configurations the daemon runs: keepalived's fatal classes stop a start or reject a reload. */
import type { Logger } from '../common/log.js';
import { ConfigErrClass, formatDiagnostic } from '../config/diagnostics.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/model.js';
import { hostInterfaces, hostScriptEnv } from './cli.js';
import { fsConfigSource } from './config-source.js';
import type { DaemonOptions } from './main.js';
import { withoutRefusedTrackScripts } from './script-gate.js';

/**
 * Loads and reports a configuration; null when it must not be used. As keepalived, only what it
 * treats as fatal stops a start or rejects a reload (a missing parameter, a missing VRID or file,
 * a non-existent interface); everything else is reported and the daemon runs.
 */
export function loadUsable(o: DaemonOptions, log: Logger): Config | null {
  const usable = loadReported(o, log);
  return usable && o.subsystems ? forSubsystems(usable, o.subsystems) : usable;
}

/** Which of keepalived's subsystems run: -P VRRP only, -C checkers only, both (the default). */
export interface Subsystems {
  vrrp: boolean;
  check: boolean;
}

/**
 * The part of a configuration a subsystem selection runs. As in keepalived, the IPVS sync daemon
 * belongs to VRRP (it follows a VRRP instance); virtual servers and their checkers to the checkers.
 */
export function forSubsystems(c: Config, s: Subsystems): Config {
  return {
    ...c,
    ...(s.vrrp ? {} : { vrrpScripts: [], syncGroups: [], vrrpInstances: [], globalDefs: { ...c.globalDefs, lvsSyncDaemon: null } }),
    ...(s.check ? {} : { virtualServerGroups: [], virtualServers: [] }),
  };
}

function loadReported(o: DaemonOptions, log: Logger): Config | null {
  // Host facts make enable_script_security / script_user checks real at start and reload, as with -t.
  const scriptEnv = hostScriptEnv();
  const loaded = loadConfig(o.configPath, {
    source: fsConfigSource(), configId: o.configId, allConfig: o.allConfig, env: process.env,
    scriptEnv, knownInterfaces: hostInterfaces(),
  });
  for (const d of loaded.diags) (d.sev === 'error' ? log.error.bind(log) : log.warn.bind(log))({ code: d.code }, formatDiagnostic(d));
  const fatal = new Set([ConfigErrClass.FATAL, ConfigErrClass.BAD_IF, ConfigErrClass.FILE_NOT_FOUND, ConfigErrClass.MISSING_PARAMETER]);
  const bad = loaded.exitCode === 2 || loaded.diags.some((d) => fatal.has(d.cls));
  return bad ? null : withoutRefusedTrackScripts(loaded.config, scriptEnv, log);
}
