/**
 * lvs_sync_daemon: the kernel's IPVS connection-sync daemon follows one vrrp_instance, as in
 * keepalived: backup (receiving) at start and while that instance is not MASTER, master (sending)
 * while it is, so established connections survive a failover. Changes are serialised.
 */
import type { Logger } from '../common/log.js';
import type { LvsSyncDaemon } from '../config/model.js';
import type { IpvsClient } from '../ipvs/client.js';
import type { SyncDaemon } from '../ipvs/types.js';

export class SyncDaemonFollower {
  private chain: Promise<void> = Promise.resolve();
  private role: SyncDaemon['state'] | null = null;

  constructor(
    private readonly ipvs: Pick<IpvsClient, 'addDaemon' | 'deleteDaemon'>,
    private readonly cfg: LvsSyncDaemon,
    /** Sync id when the config gives none: the instance's VRID (keepalived's default). */
    private readonly defaultSyncId: number,
    private readonly log: Logger,
  ) {}

  private spec(state: SyncDaemon['state']): SyncDaemon {
    const c = this.cfg;
    return {
      state, ifname: c.interface, syncId: c.syncId ?? this.defaultSyncId,
      ...(c.maxLen !== null ? { maxLen: c.maxLen } : {}), ...(c.group !== null ? { mcastGroup: c.group } : {}),
      ...(c.port !== null ? { mcastPort: c.port } : {}), ...(c.ttl !== null ? { mcastTtl: c.ttl } : {}),
    };
  }

  private switchTo(next: SyncDaemon['state'] | null): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.role === next) return;
      if (this.role) await this.ipvs.deleteDaemon(this.role).catch((err: unknown) => this.log.warn({ err }, `stopping the ${this.role} sync daemon failed`));
      this.role = null;
      if (!next) return;
      try {
        await this.ipvs.addDaemon(this.spec(next));
        this.role = next;
        this.log.info(`IPVS connection sync daemon: ${next} on ${this.cfg.interface} (sync id ${this.cfg.syncId ?? this.defaultSyncId})`);
      } catch (err) {
        this.log.error({ err }, `starting the ${next} sync daemon failed`);
      }
    });
    return this.chain;
  }

  start(): Promise<void> { return this.switchTo('backup'); }

  /**
   * Feed every state change of the followed instance. STOP (daemon shutdown) changes nothing:
   * stop() removes the daemon (switching to backup first would start a kernel thread only to stop
   * it, which can block for seconds).
   */
  onInstanceState(state: string): Promise<void> {
    if (state === 'STOP') return this.chain;
    return this.switchTo(state === 'MASTER' ? 'master' : 'backup');
  }

  stop(): Promise<void> { return this.switchTo(null); }
}
