/**
 * The load-balancing half of the daemon: runs the health checkers over the configured virtual
 * servers and keeps the kernel's IPVS table equal to "configuration minus failed real servers"
 * through the pure reconciler. Applies are serialised and coalesced; only services we created or
 * adopted are touched, and they are removed on stop. Without IPVS (no ip_vs in this kernel) the
 * checkers still run and alert, and the missing table is reported once.
 */
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import type { Config, VirtualServer } from '../config/model.js';
import { HealthService } from '../check/service.js';
import type { CheckerReport } from '../check/runner.js';
import type { DesiredDest, HealthEvent } from '../check/virtualserver.js';
import type { VirtualServerCfg } from '../check/types.js';
import type { IpvsClient } from '../ipvs/client.js';
import { desiredIpvsTable } from '../ipvs/desired.js';
import { IpvsSync } from '../ipvs/sync.js';
import type { HaEvent } from '../notify/events.js';
import { poolsOf, vsIdentity, vsKey } from './lvs-mapping.js';
import type { ScriptEnv } from '../common/script-security.js';
import { miscGateOf } from './script-gate.js';

export interface LvsServiceDeps {
  clock: Clock;
  log: Logger;
  /** null when the kernel has no IPVS: checks run, nothing is programmed. */
  ipvs: IpvsClient | null;
  onEvent(ev: HaEvent): void;
  /** Host facts for MISC_CHECK script security and script_user; absent = scripts run unchecked (tests). */
  scriptEnv?: ScriptEnv;
  /** Environment MISC_CHECK scripts start from (scrubbed by check/misc.ts); default empty. */
  scriptBaseEnv?: Record<string, string | undefined>;
}

export class LvsService {
  private readonly pools = new Map<string, VirtualServer>();
  private readonly desired = new Map<string, DesiredDest[]>();
  private readonly sync: IpvsSync | null;
  private readonly reports = new Map<string, CheckerReport>();
  private applying: Promise<void> = Promise.resolve();
  private pending = false;
  /** `addr:port` of real servers a maintenance window drains (weight 0, connections stay). */
  private drainedSet: ReadonlySet<string> = new Set();
  private readonly health: HealthService;
  private readonly log: Logger;

  constructor(private cfg: Config, private readonly d: LvsServiceDeps) {
    this.log = d.log.child({ mod: 'lvs' });
    this.sync = d.ipvs ? new IpvsSync(d.ipvs, this.log) : null;
    const pools = poolsOf(cfg, d.scriptEnv && miscGateOf(cfg, d.scriptEnv, this.log));
    for (const p of pools) this.pools.set(p.check.key, p.vs);
    this.health = new HealthService(pools.map((p) => p.check), {
      clock: d.clock, log: this.log, env: d.scriptBaseEnv ?? {}, coalesceMs: wakeSlotMs(pools.map((p) => p.check)),
      onEvent: (e) => this.onHealth(e),
      onDesired: (k, dests) => { this.desired.set(k, dests); this.schedule(); },
      onReport: (r) => { this.reports.set(r.key, r); },
    });
    for (const [k, dests] of this.health.desired()) this.desired.set(k, dests);
  }

  /** Programs the initial table (every real server present until its checker says otherwise, as keepalived) and starts checking. */
  async start(): Promise<void> {
    this.schedule();
    await this.applying;
    this.health.start();
  }

  get checkers(): HealthService { return this.health; }

  /** The last result of every checker, by checker key (for status and dumps). */
  get lastChecks(): ReadonlyMap<string, CheckerReport> { return this.reports; }

  /** Real servers in an open maintenance window (`addr:port`, canonical address). */
  get drained(): ReadonlySet<string> { return this.drainedSet; }

  /**
   * Maintenance windows: these real servers keep their health and stay in the table with weight
   * 0, so IPVS sends them no new connections while existing ones finish. A sorry server is
   * never drained.
   */
  setDrained(keys: ReadonlySet<string>): void {
    const same = keys.size === this.drainedSet.size && [...keys].every((k) => this.drainedSet.has(k));
    if (same) return;
    this.drainedSet = new Set(keys);
    this.schedule();
  }

  /** SIGHUP: unchanged checkers keep their health (HealthService.reconfigure), then the table is synced. */
  reload(next: Config): void {
    this.cfg = next;
    const pools = poolsOf(next, this.d.scriptEnv && miscGateOf(next, this.d.scriptEnv, this.log));
    this.pools.clear();
    for (const p of pools) this.pools.set(p.check.key, p.vs);
    this.health.reconfigure(pools.map((p) => p.check));
    this.desired.clear();
    for (const [k, dests] of this.health.desired()) this.desired.set(k, dests);
    this.schedule();
  }

  private onHealth(e: HealthEvent): void {
    const vs = this.pools.get(e.vs);
    if (!vs) return;
    if (e.t === 'rs-up' || e.t === 'rs-down') {
      const [ip, port] = splitEndpoint(e.rs);
      this.d.onEvent({ t: 'rs', vs: vsIdentity(vs), rs: { ip, port }, up: e.t === 'rs-up', cause: 'check' });
    } else if (e.t === 'quorum-up' || e.t === 'quorum-down') {
      const up = e.t === 'quorum-up';
      this.d.onEvent({
        t: 'quorum', vs: vsIdentity(vs), up, cause: 'change', quorum: e.quorum, hysteresis: e.hysteresis,
        threshold: up ? e.quorum + e.hysteresis : e.quorum - e.hysteresis, weight: e.aliveWeight,
      });
    }
  }

  /** Coalesces bursts of changes into one sync after the one in flight. */
  private schedule(): void {
    const sync = this.sync;
    if (!sync || this.pending) return;
    this.pending = true;
    this.applying = this.applying.then(async () => {
      this.pending = false;
      const drained = this.drainedSet;
      const destsOf = (vs: VirtualServer) => (this.desired.get(vsKey(vs)) ?? [])
        .map((d) => (!d.sorry && drained.has(`${d.addr}:${d.port}`) ? { ...d, weight: 0 } : d));
      const table = desiredIpvsTable(this.cfg.virtualServers, this.cfg.virtualServerGroups, destsOf);
      await sync.sync(table).catch((err: unknown) => this.log.error({ err }, 'IPVS update failed; will retry on the next change'));
    });
  }

  /** Stops the checkers and removes the services we own, unless `release: false` (-I, --dont-release-ipvs). */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    this.health.stop();
    await this.applying;
    if (opts.release !== false) await this.sync?.release();
  }
}

/**
 * Checker wake-ups are batched into slots (RunnerOptions.coalesceMs): 20 ms, or a tenth of the
 * shortest delay_loop / delay_before_retry configured, so no timeline stretches by more than 10 %.
 */
export function wakeSlotMs(vss: readonly VirtualServerCfg[]): number {
  let shortest = Infinity;
  for (const vs of vss) {
    for (const rs of vs.realServers) {
      for (const c of rs.checkers) {
        shortest = Math.min(shortest, c.timing.delayLoopMs, c.timing.retry > 0 ? c.timing.delayBeforeRetryMs : Infinity);
      }
    }
  }
  return Math.max(0, Math.min(20, Math.floor(shortest / 10)));
}

function splitEndpoint(key: string): [string, number] {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(key);
  return m ? [m[1]!, Number(m[2])] : [key, 0];
}
