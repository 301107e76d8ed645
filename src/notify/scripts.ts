/**
 * Notify scripts (semantics §9): which argv keepalived runs for an event (pure), and a runner that
 * starts them through a Spawn port with a Clock-driven timeout, logs their output and never throws.
 * argv arrays come from the config's script splitter; the runner never goes through a shell except
 * for keepalived's fallback when the file is not directly executable (ENOEXEC: no #! line).
 */
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import type {
  QuorumEvent, RealServerEvent, VrrpGroupStateEvent, VrrpInstanceStateEvent, VrrpNotifyState,
} from './events.js';

// ---- which scripts, with which arguments (pure) ---------------------------------------------

/** notify_* scripts of a vrrp_instance or vrrp_sync_group, each an argv array. */
export interface VrrpNotifyScripts {
  master?: string[];
  backup?: string[];
  fault?: string[];
  stop?: string[];
  /** notify_deleted SCRIPT */
  deleted?: string[];
  /** `notify_deleted` given (with or without a script): report DELETED instead of FAULT. */
  reportDeleted?: boolean;
  /** generic `notify`: receives `INSTANCE|GROUP name state priority` appended. */
  notify?: string[];
}

/** The state word notifiers see: a deleted instance reports FAULT unless notify_deleted is set. */
export function reportedState(to: VrrpNotifyState, s: Pick<VrrpNotifyScripts, 'deleted' | 'reportDeleted'>): VrrpNotifyState {
  if (to !== 'DELETED') return to;
  return s.reportDeleted || s.deleted ? 'DELETED' : 'FAULT';
}

const SPECIFIC: Record<VrrpNotifyState, keyof VrrpNotifyScripts> = {
  MASTER: 'master', BACKUP: 'backup', FAULT: 'fault', STOP: 'stop', DELETED: 'deleted',
};

/**
 * argv lists to run for a VRRP transition, in keepalived's order: the state's own script, then the
 * generic `notify` with `INSTANCE|GROUP <name> <STATE> <priority>` (0 for groups).
 */
export function vrrpInvocations(ev: VrrpInstanceStateEvent | VrrpGroupStateEvent, s: VrrpNotifyScripts): string[][] {
  const state = reportedState(ev.to, s);
  const out: string[][] = [];
  const specific = s[SPECIFIC[state]];
  if (Array.isArray(specific) && specific.length > 0) out.push([...specific]);
  if (s.notify && s.notify.length > 0) {
    const kind = ev.t === 'vrrp-instance' ? 'INSTANCE' : 'GROUP';
    const prio = ev.t === 'vrrp-instance' ? ev.priority : 0;
    out.push([...s.notify, kind, ev.name, state, String(prio)]);
  }
  return out;
}

/** Real server notify_up / notify_down and virtual server quorum_up / quorum_down: no extra arguments. */
export interface CheckerNotifyScripts { up?: string[]; down?: string[] }

export function checkerInvocations(ev: RealServerEvent | QuorumEvent, s: CheckerNotifyScripts): string[][] {
  const argv = ev.up ? s.up : s.down;
  return argv && argv.length > 0 ? [[...argv]] : [];
}

// ---- the Spawn port -------------------------------------------------------------------------

export interface SpawnRequest {
  argv: string[];
  /** script_user: run as this uid/gid (supplementary groups dropped). */
  uid?: number;
  gid?: number;
}

export type ExitInfo =
  | { kind: 'exit'; code: number | null; signal: string | null }
  /** The process could not be started (ENOENT, EACCES, ENOEXEC, EPERM for setuid, …). */
  | { kind: 'error'; code?: string; message: string };

export interface SpawnedProcess {
  /** Resolves once, when the process has exited or failed to start. Never rejects. */
  readonly exited: Promise<ExitInfo>;
  /** Signals the whole process group (the script and what it started). */
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

export interface Spawn {
  /** Starts argv; output arrives line by line. Must not throw: start failures resolve `exited`. */
  spawn(req: SpawnRequest, onLine: (stream: 'stdout' | 'stderr', line: string) => void): SpawnedProcess;
}

// ---- the runner -----------------------------------------------------------------------------

export type ScriptOutcome =
  | { kind: 'exit'; code: number | null; signal: string | null }
  | { kind: 'error'; code?: string; message: string }
  | { kind: 'timeout' };

/** keepalived gives STOP notify scripts 1 s at shutdown. */
export const STOP_SCRIPT_TIMEOUT_MS = 1_000;
/**
 * keepalived never bounds other notify scripts; we do, so a hung script cannot leak processes
 * forever. Generous on purpose; the daemon may pass its own.
 */
export const DEFAULT_SCRIPT_TIMEOUT_MS = 60_000;
export const DEFAULT_KILL_GRACE_MS = 2_000;
/** Lines of script output logged per run; the rest is counted, not logged (log-flood guard). */
export const MAX_LOGGED_LINES = 50;

export interface ScriptRunnerOptions {
  timeoutMs?: number;
  killGraceMs?: number;
  /** Default script_user for every run. */
  user?: { uid: number; gid: number };
}

export interface RunOptions { timeoutMs?: number; user?: { uid: number; gid: number } }

/** POSIX-shell single quoting, for the ENOEXEC fallback only. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\/.,:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export class ScriptRunner {
  constructor(
    private readonly spawner: Spawn,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly opts: ScriptRunnerOptions = {},
  ) {}

  /** Runs one script to completion (or timeout). Never rejects; every failure is logged. */
  async run(argv: string[], o: RunOptions = {}): Promise<ScriptOutcome> {
    if (argv.length === 0 || !argv[0]) {
      this.log.error({ argv }, 'notify script has an empty command line, not run');
      return { kind: 'error', code: 'EINVAL', message: 'empty command line' };
    }
    const first = await this.runOnce(argv, o);
    if (first.kind === 'error' && first.code === 'ENOEXEC') {
      // keepalived falls back to the shell for files without a #! line. glibc's execvp (used by
      // libuv) already does this, so this path matters only on C libraries that do not.
      return this.runOnce(['/bin/sh', '-c', argv.map(shellQuote).join(' ')], o, argv);
    }
    return first;
  }

  /** Starts several scripts in order without waiting between them (keepalived does not wait). */
  runAll(argvs: string[][], o: RunOptions = {}): Promise<ScriptOutcome[]> {
    return Promise.all(argvs.map((a) => this.run(a, o)));
  }

  private async runOnce(argv: string[], o: RunOptions, shown: string[] = argv): Promise<ScriptOutcome> {
    const user = o.user ?? this.opts.user;
    const log = this.log.child({ script: shown.join(' ') });
    let logged = 0;
    let suppressed = 0;
    const onLine = (stream: 'stdout' | 'stderr', line: string) => {
      if (logged < MAX_LOGGED_LINES) { logged++; log.info({ stream }, line); } else suppressed++;
    };
    let proc: SpawnedProcess;
    try {
      proc = this.spawner.spawn({ argv, ...(user ? { uid: user.uid, gid: user.gid } : {}) }, onLine);
    } catch (err) { // the port promises not to throw; a broken adapter must not take the caller down
      const message = err instanceof Error ? err.message : String(err);
      log.error({ err }, 'notify script could not be started');
      return { kind: 'error', message };
    }
    const timeoutMs = o.timeoutMs ?? this.opts.timeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS;
    const graceMs = this.opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    let timedOut = false;
    let cancelKill: (() => void) | null = null;
    const cancelTimeout = this.clock.after(timeoutMs, () => {
      timedOut = true;
      log.warn({ timeoutMs }, 'notify script timed out, sending SIGTERM');
      proc.kill('SIGTERM');
      cancelKill = this.clock.after(graceMs, () => {
        log.warn({ graceMs }, 'notify script ignored SIGTERM, sending SIGKILL');
        proc.kill('SIGKILL');
      });
    });
    const info = await proc.exited;
    cancelTimeout();
    (cancelKill as (() => void) | null)?.();
    if (suppressed > 0) log.info({ suppressed }, 'further script output not logged');
    if (info.kind === 'error') {
      if (info.code !== 'ENOEXEC') log.error({ code: info.code, reason: info.message }, 'notify script could not be executed');
      return info;
    }
    if (timedOut) return { kind: 'timeout' };
    if (info.code === 0) log.debug('notify script exited 0');
    else log.warn({ code: info.code, signal: info.signal }, 'notify script failed');
    return info;
  }
}
