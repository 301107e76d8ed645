/**
 * The check part, assembled: runner (when) + probes (what) + health model (meaning). It reports
 * typed pool events and the desired IPVS destinations per virtual server; the daemon hangs the
 * IPVS reconciler, notify scripts and mail off those callbacks.
 */
import { systemClock, type Clock } from '../common/clock.js';
import { silentLogger, type Logger } from '../common/log.js';
import { applyReport, buildHealth, desiredTable, reloadHealth, type HealthModel } from './health.js';
import { runDnsCheck } from './dns.js';
import { runHttpCheck } from './http.js';
import { runMiscCheck, type MiscOptions } from './misc.js';
import { CheckRunner, type CheckerReport } from './runner.js';
import { runSmtpCheck } from './smtp.js';
import { tcpConnect } from './tcp.js';
import { runUdpCheck } from './udp.js';
import { endpointKey, type Probe, type ProbeSpec, type VirtualServerCfg } from './types.js';
import { desiredDests, omegaShutdownEvents, type DesiredDest, type HealthEvent } from './virtualserver.js';

export function defaultProbe(spec: ProbeSpec, misc: MiscOptions): Probe {
  switch (spec.kind) {
    case 'TCP_CHECK':
      return (signal) => tcpConnect(spec, signal);
    case 'HTTP_GET':
    case 'SSL_GET':
      // The HTTP policy walks the urls one per attempt (keepalived); the runner says which.
      return (signal, attempt) => runHttpCheck(spec, signal, attempt?.url);
    case 'MISC_CHECK':
      return (signal) => runMiscCheck(spec, signal, misc);
    case 'DNS_CHECK':
      return (signal) => runDnsCheck(spec, signal);
    case 'UDP_CHECK':
      return (signal) => runUdpCheck(spec, signal);
    case 'SMTP_CHECK':
      return (signal) => runSmtpCheck(spec, signal);
  }
}

export interface HealthServiceOptions {
  clock?: Clock;
  makeProbe?: (spec: ProbeSpec) => Probe;
  /** Base environment of MISC_CHECK scripts when makeProbe is not given (daemon/ passes its own); default none. */
  env?: MiscOptions['env'];
  /** Pool events in the order they happen (rs-down before the quorum-down it causes). */
  onEvent?: (e: HealthEvent) => void;
  /** Called with a virtual server's full desired destination list whenever it changes. */
  onDesired?: (vsKey: string, dests: DesiredDest[]) => void;
  onReport?: (r: CheckerReport) => void;
  log?: Logger;
  maxConcurrent?: number;
  random?: () => number;
  /** RunnerOptions.coalesceMs: the daemon batches wake-ups; tests with a fake clock keep exact times. */
  coalesceMs?: number;
}

export class HealthService {
  private model: HealthModel;
  private readonly runner: CheckRunner;
  private readonly lastDesired = new Map<string, string>();
  private readonly log: Logger;

  constructor(
    cfgs: readonly VirtualServerCfg[],
    private readonly opts: HealthServiceOptions = {},
  ) {
    this.log = opts.log ?? silentLogger;
    this.model = buildHealth(cfgs);
    this.runner = new CheckRunner(this.model.checkers, {
      clock: opts.clock ?? systemClock,
      makeProbe: opts.makeProbe ?? ((s) => defaultProbe(s, { env: opts.env ?? {} })),
      onReport: (r) => this.onReport(r),
      log: this.log,
      ...(opts.maxConcurrent !== undefined ? { maxConcurrent: opts.maxConcurrent } : {}),
      ...(opts.random ? { random: opts.random } : {}),
      ...(opts.coalesceMs !== undefined ? { coalesceMs: opts.coalesceMs } : {}),
    });
    for (const vs of this.model.vss) this.lastDesired.set(vs.cfg.key, JSON.stringify(desiredDests(vs)));
  }

  /** The initial table (non-alpha servers present, keepalived start-up) is `desired()` before start. */
  start(): void {
    this.runner.start();
  }

  stop(): void {
    this.runner.stop();
  }

  /** `omega`: the events keepalived reports at shutdown for these virtual servers. */
  shutdownEvents(omegaVs: ReadonlySet<string>): HealthEvent[] {
    return this.model.vss.filter((v) => omegaVs.has(v.cfg.key)).flatMap(omegaShutdownEvents);
  }

  reconfigure(cfgs: readonly VirtualServerCfg[]): void {
    const st = reloadHealth(this.model, cfgs);
    this.model = st.model;
    this.runner.reconfigure(this.model.checkers);
    for (const k of [...this.lastDesired.keys()]) if (!this.model.vss.some((v) => v.cfg.key === k)) this.lastDesired.delete(k);
    this.publish(st.events, true);
  }

  desired(): Map<string, DesiredDest[]> {
    return desiredTable(this.model);
  }

  get state(): HealthModel {
    return this.model;
  }

  stats(): ReturnType<CheckRunner['stats']> {
    return this.runner.stats();
  }

  private onReport(r: CheckerReport): void {
    this.logReport(r);
    this.opts.onReport?.(r);
    const st = applyReport(this.model, r.key, {
      ok: r.result.ok,
      ...(r.edge ? { edge: r.edge } : {}),
      ...(r.result.weight !== undefined ? { weight: r.result.weight } : {}),
    });
    this.model = st.model;
    this.publish(st.events);
  }

  private publish(events: HealthEvent[], all = false): void {
    if (events.length === 0 && !all) return;
    for (const e of events) {
      this.log.info({ event: e }, describeEvent(e));
      this.opts.onEvent?.(e);
    }
    // Only pool events change a desired table; recompute just the virtual servers they name.
    const touched = all ? undefined : new Set(events.map((e) => e.vs));
    if (touched?.size === 0) return;
    for (const vs of this.model.vss) {
      if (touched && !touched.has(vs.cfg.key)) continue;
      const dests = desiredDests(vs);
      const json = JSON.stringify(dests);
      if (this.lastDesired.get(vs.cfg.key) === json) continue;
      this.lastDesired.set(vs.cfg.key, json);
      this.opts.onDesired?.(vs.cfg.key, dests);
    }
  }

  private logReport(r: CheckerReport): void {
    if (r.note === 'still-up' || r.note === 'still-down') return; // the common case: nothing to say
    const ref = this.model.refs.get(r.key);
    const spec = ref ? this.model.vss[ref.vs]?.rs[ref.rs]?.cfg.checkers[ref.checker] : undefined;
    if (!spec) return;
    const what = spec.probe.kind === 'MISC_CHECK' ? `[${spec.probe.argv.join(' ')}]` : endpointKey(spec.probe.connectIp, spec.probe.connectPort);
    const ctx = { checker: r.key, reason: r.result.reason };
    switch (r.note) {
      case 'success':
        this.log.info(ctx, `${spec.probe.kind} on service ${what} success.`);
        break;
      case 'failed':
        this.log.info(ctx, `${spec.probe.kind} on service ${what} failed.`);
        break;
      case 'failed-after-retries':
        this.log.info(ctx, `${spec.probe.kind} on service ${what} failed after ${spec.timing.retry} retries.`);
        break;
      case 'retrying':
        this.log.debug(ctx, `${spec.probe.kind} on service ${what} failed, retrying.`);
        break;
      default:
        break;
    }
  }
}

export function describeEvent(e: HealthEvent): string {
  switch (e.t) {
    case 'rs-up':
      return `Adding service ${e.rs} to VS ${e.vs}`;
    case 'rs-down':
      return `Removing service ${e.rs} from VS ${e.vs}`;
    case 'rs-weight':
      return `Changing weight from ${e.prev} to ${e.weight} for ${e.alive ? '' : 'in'}active service ${e.rs} of VS ${e.vs}`;
    case 'quorum-up':
      return `Gained quorum ${e.quorum}+${e.hysteresis}=${e.quorum + e.hysteresis} <= ${e.aliveWeight} for VS ${e.vs}`;
    case 'quorum-down':
      return `Lost quorum ${e.quorum}-${e.hysteresis}=${e.quorum - e.hysteresis} > ${e.aliveWeight} for VS ${e.vs}`;
  }
}
