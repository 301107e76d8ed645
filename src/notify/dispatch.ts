/**
 * One entry point for daemon/: an HA event fans out to keepalived's notifiers in keepalived's
 * order: notify scripts (the state's own, then the generic one), the notify_fifo line, then the
 * alert mail. Nothing here blocks the caller: scripts and mail run in the background, except that
 * at shutdown (STOP, real/virtual server 'shutdown') the returned promise waits for the scripts,
 * each bounded to keepalived's 1 s.
 */
import type { Logger } from '../common/log.js';
import type { HaEvent, QuorumEvent, RealServerEvent } from './events.js';
import { fifoLine } from './format.js';
import type { AlertNotifier } from './notifier.js';
import {
  checkerInvocations, reportedState, STOP_SCRIPT_TIMEOUT_MS, vrrpInvocations, type CheckerNotifyScripts,
  type ScriptRunner, type VrrpNotifyScripts,
} from './scripts.js';

export interface NotifyTargets {
  /** notify_* scripts of a vrrp_instance / vrrp_sync_group, by name. */
  vrrpScripts(kind: 'instance' | 'group', name: string): VrrpNotifyScripts | undefined;
  /** notify_up/notify_down of a real server, quorum_up/quorum_down of a virtual server. */
  checkerScripts(ev: RealServerEvent | QuorumEvent): CheckerNotifyScripts | undefined;
}

export interface NotifyDispatcherDeps {
  scripts?: { runner: ScriptRunner; targets: NotifyTargets };
  /** notify_fifo writer (the daemon owns the file descriptor). */
  fifo?: { write(line: string): void };
  mail?: Pick<AlertNotifier, 'handle'>;
  log: Logger;
}

const isShutdown = (ev: HaEvent): boolean =>
  ((ev.t === 'vrrp-instance' || ev.t === 'vrrp-group') && ev.to === 'STOP') ||
  ((ev.t === 'rs' || ev.t === 'quorum') && ev.cause === 'shutdown');

export class NotifyDispatcher {
  constructor(private readonly d: NotifyDispatcherDeps) {}

  handle(ev: HaEvent): Promise<void> {
    const { argvs, state } = this.plan(ev);
    let scriptsDone: Promise<unknown> = Promise.resolve();
    if (this.d.scripts && argvs.length > 0) {
      const opts = isShutdown(ev) ? { timeoutMs: STOP_SCRIPT_TIMEOUT_MS } : {};
      scriptsDone = this.d.scripts.runner.runAll(argvs, opts);
    }
    const line = fifoLine(ev, state);
    if (this.d.fifo && line !== null) {
      try { this.d.fifo.write(line); } catch (err) { this.d.log.warn({ err }, 'notify FIFO write failed'); }
    }
    try { this.d.mail?.handle(ev); } catch (err) { this.d.log.error({ err }, 'SMTP alert could not be queued'); }
    return isShutdown(ev) ? scriptsDone.then(() => undefined) : Promise.resolve();
  }

  private plan(ev: HaEvent): { argvs: string[][]; state?: ReturnType<typeof reportedState> } {
    const targets = this.d.scripts?.targets;
    switch (ev.t) {
      case 'vrrp-instance':
      case 'vrrp-group': {
        const s = targets?.vrrpScripts(ev.t === 'vrrp-instance' ? 'instance' : 'group', ev.name) ?? {};
        return { argvs: vrrpInvocations(ev, s), state: reportedState(ev.to, s) };
      }
      case 'rs':
      case 'quorum':
        return { argvs: checkerInvocations(ev, targets?.checkerScripts(ev) ?? {}) };
      case 'daemon':
        return { argvs: [] };
    }
  }
}
