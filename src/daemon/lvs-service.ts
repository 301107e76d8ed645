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
import { HealthService, describeEvent } from '../check/service.js';
import type { DesiredDest, HealthEvent } from '../check/virtualserver.js';
import type { IpvsClient } from '../ipvs/client.js';
import { applyOps, ownedAfter, plan, teardown, type Table } from '../ipvs/reconcile.js';
import type { HaEvent } from '../notify/events.js';
import { poolsOf, tableFor, vsIdentity } from './lvs-mapping.js';

export interface LvsServiceDeps {
  clock: Clock;
  log: Logger;
  /** null when the kernel has no IPVS: checks run, nothing is programmed. */
  ipvs: IpvsClient | null;
  onEvent(ev: HaEvent): void;
}

export class LvsService {
  private readonly pools = new Map<string, VirtualServer>();
  private readonly desired = new Map<string, DesiredDest[]>();
  private owned = new Set<string>();
  private applying: Promise<void> = Promise.resolve();
  private pending = false;
  private readonly health: HealthService;
  private readonly log: Logger;

  constructor(private readonly cfg: Config, private readonly d: LvsServiceDeps) {
    this.log = d.log.child({ mod: 'lvs' });
    const pools = poolsOf(cfg);
    for (const p of pools) this.pools.set(p.check.key, p.vs);
    this.health = new HealthService(pools.map((p) => p.check), {
      clock: d.clock, log: this.log,
      onEvent: (e) => this.onHealth(e),
      onDesired: (k, dests) => { this.desired.set(k, dests); this.schedule(); },
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

  private onHealth(e: HealthEvent): void {
    this.log.info(describeEvent(e));
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

  private desiredTable(): Table {
    return [...this.desired].flatMap(([k, dests]) => {
      const vs = this.pools.get(k);
      return vs ? tableFor(vs, this.cfg.virtualServerGroups, dests) : [];
    });
  }

  /** Coalesces bursts of changes into one reconcile after the one in flight. */
  private schedule(): void {
    if (!this.d.ipvs || this.pending) return;
    this.pending = true;
    this.applying = this.applying.then(async () => {
      this.pending = false;
      await this.reconcile().catch((err: unknown) => this.log.error({ err }, 'IPVS update failed; will retry on the next change'));
    });
  }

  private async actual(ipvs: IpvsClient): Promise<Table> {
    return (await ipvs.table()).map((e) => ({ service: e.service, dests: e.dests.map((x) => x.dest) }));
  }

  private async reconcile(): Promise<void> {
    const ipvs = this.d.ipvs!;
    const desired = this.desiredTable();
    const actual = await this.actual(ipvs);
    const ops = plan(desired, actual, this.owned);
    if (ops.length) {
      this.log.debug({ ops: ops.length }, 'applying IPVS changes');
      await ipvs.apply(ops);
    }
    this.owned = ownedAfter(desired, applyOps(actual, ops), this.owned);
  }

  /** Stops the checkers and removes the services we own. */
  async stop(): Promise<void> {
    this.health.stop();
    await this.applying;
    const ipvs = this.d.ipvs;
    if (!ipvs) return;
    const ops = teardown(await this.actual(ipvs), this.owned);
    if (ops.length) await ipvs.apply(ops);
    this.owned.clear();
  }
}

function splitEndpoint(key: string): [string, number] {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(key);
  return m ? [m[1]!, Number(m[2])] : [key, 0];
}
