/**
 * Demultiplexes received VRRP datagrams to instances by (ifindex, address family, VRID): one
 * transport (one raw socket per interface and family) serves any number of instances. Unknown
 * VRIDs and runts are counted here; everything else is validated by the instance.
 */
import { KaError } from '../common/errors.js';
import { formatIp, type Family } from '../common/ip.js';
import type { Logger } from '../common/log.js';
import type { VrrpInstance } from './instance.js';
import { peekVrid } from './packet.js';
import type { RxPacket, VrrpTransport } from './ports.js';

export interface RouterStats {
  /** Shorter than a VRRP header: no VRID to route by (keepalived: "packet too short"). */
  too_short: number;
  /** No instance for (ifindex, family, VRID). */
  unknown_vrid: number;
}

const key = (ifindex: number, family: Family, vrid: number): string => `${ifindex}/${family}/${vrid}`;

export class VrrpRouter {
  readonly stats: RouterStats = { too_short: 0, unknown_vrid: 0 };
  private readonly instances = new Map<string, VrrpInstance>();
  private readonly unsubscribe: () => void;

  constructor(transport: VrrpTransport, private readonly log: Logger, private readonly opts: { logUnknownVrids?: boolean } = {}) {
    this.unsubscribe = transport.onPacket((p) => this.handle(p));
  }

  add(inst: VrrpInstance): void {
    const c = inst.cfg;
    const k = key(c.ifindex, c.family, c.vrid);
    if (this.instances.has(k)) {
      throw new KaError('KA_VRRP_DUP_VRID', `VRID ${c.vrid} is used twice on interface ${c.ifname} (IPv${c.family}): ${this.instances.get(k)!.name} and ${c.name}`);
    }
    this.instances.set(k, inst);
  }

  remove(inst: VrrpInstance): void {
    const c = inst.cfg;
    const k = key(c.ifindex, c.family, c.vrid);
    if (this.instances.get(k) === inst) this.instances.delete(k);
  }

  handle(p: RxPacket): void {
    const vrid = peekVrid(p.payload);
    if (vrid === null) {
      this.stats.too_short++;
      return;
    }
    const inst = this.instances.get(key(p.ifindex, p.family, vrid));
    if (!inst) {
      this.stats.unknown_vrid++;
      if (this.opts.logUnknownVrids) this.log.info(`Unknown VRID(${vrid}) received on interface(${p.ifindex}) from ${formatIp(p.src)}. ignoring...`);
      return;
    }
    inst.receive(p);
  }

  close(): void {
    this.unsubscribe();
  }
}
