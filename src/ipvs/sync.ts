/**
 * Keeps the kernel table equal to the desired one: dump → plan → apply, remembering which services
 * we own (created or adopted) so that later syncs and shutdown only ever delete those.
 * The daemon calls sync() whenever the desired table changes (config load, reload, health edge)
 * and release() at shutdown unless --dont-release-ipvs.
 */
import { silentLogger, type Logger } from '../common/log.js';
import type { IpvsClient } from './client.js';
import { ownedAfter, plan, teardown, type IpvsOp, type Table } from './reconcile.js';

export type IpvsPort = Pick<IpvsClient, 'table' | 'apply'>;

export class IpvsSync {
  private owned = new Set<string>();
  /** Serialises syncs: a health edge during a sync waits for it instead of planning on a stale dump. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly client: IpvsPort, private readonly log: Logger = silentLogger) {}

  /** Services this process may delete (serviceId()s). */
  get ownedServices(): ReadonlySet<string> {
    return this.owned;
  }

  /** Makes the kernel match `desired`; resolves with the operations that were applied. */
  sync(desired: Table): Promise<IpvsOp[]> {
    const run = this.queue.then(async () => {
      const actual = await this.dump();
      const ops = plan(desired, actual, this.owned);
      if (ops.length > 0) {
        this.log.info({ ops: ops.length }, 'updating IPVS table');
        for (const o of ops) this.log.debug({ op: o.op, svc: o.service, dest: 'dest' in o ? o.dest : undefined }, 'ipvs op');
        try {
          await this.client.apply(ops);
        } finally {
          // Even after a failure, what we now hold (including partial adds) is ours to clean up.
          this.owned = ownedAfter(desired, await this.dump(), this.owned);
        }
      } else {
        this.owned = ownedAfter(desired, actual, this.owned);
      }
      return ops;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Deletes every service we own (keepalived's shutdown without -I). */
  release(): Promise<IpvsOp[]> {
    const run = this.queue.then(async () => {
      const ops = teardown(await this.dump(), this.owned);
      if (ops.length > 0) await this.client.apply(ops);
      this.owned = new Set();
      return ops;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async dump(): Promise<Table> {
    return (await this.client.table()).map((e) => ({ service: e.service, dests: e.dests.map((d) => d.dest) }));
  }
}
