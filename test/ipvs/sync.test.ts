import { describe, expect, it } from 'vitest';
import { applyOps, type IpvsOp, type Table } from '../../src/ipvs/reconcile.js';
import { IpvsSync, type IpvsPort } from '../../src/ipvs/sync.js';
import { noFlags, serviceId, zeroStats, type Service } from '../../src/ipvs/types.js';

/** An in-memory kernel: applies op by op, like the real one, and can be told to refuse an op. */
interface MemoryKernel { table: Table; refuse: ((o: IpvsOp) => boolean) | undefined; port: IpvsPort }

function memoryKernel(initial: Table = []): MemoryKernel {
  const k: MemoryKernel = {
    table: initial,
    refuse: undefined,
    port: {
      table: () => Promise.resolve(k.table.map((e) => ({
        service: e.service, stats: zeroStats(),
        dests: e.dests.map((d) => ({ dest: d, counters: { activeConns: 0, inactConns: 0, persistConns: 0, stats: zeroStats() } })),
      }))),
      apply: async (ops: IpvsOp[]) => {
        for (const o of ops) {
          await Promise.resolve();
          if (k.refuse?.(o)) throw Object.assign(new Error('EINVAL'), { code: 'EINVAL' });
          k.table = applyOps(k.table, [o]);
        }
      },
    },
  };
  return k;
}

const svc = (port: number): Service => ({ af: 4, protocol: 'tcp', addr: '10.0.0.1', port, sched: 'rr', flags: noFlags(), timeout: 0, netmask: 32, pe: '' });
const rs = (n: number, weight = 1) => ({ af: 4 as const, addr: `10.88.0.${n}`, port: 80, fwd: 'route' as const, weight, uThreshold: 0, lThreshold: 0 });

describe('IpvsSync', () => {
  it('adopts, converges, then deletes only what it owns when it is no longer desired, and releases on shutdown', async () => {
    const foreign = { service: svc(22), dests: [rs(9)] };
    const k = memoryKernel([{ service: svc(80), dests: [rs(2)] }, foreign]);
    const s = new IpvsSync(k.port);
    expect(await s.sync([{ service: svc(80), dests: [rs(2)] }, { service: svc(443), dests: [rs(3)] }]))
      .toEqual([{ op: 'addService', service: svc(443) }, { op: 'addDest', service: { af: 4, protocol: 'tcp', addr: '10.0.0.1', port: 443 }, dest: rs(3) }]);
    expect([...s.ownedServices].sort()).toEqual(['tcp|10.0.0.1|443', 'tcp|10.0.0.1|80']);
    expect(await s.sync([{ service: svc(80), dests: [rs(2)] }, { service: svc(443), dests: [rs(3)] }])).toEqual([]);
    await s.sync([{ service: svc(80), dests: [rs(2, 0)] }]); // 443 dropped from config, RS 2 inhibited
    expect(k.table.map((e) => serviceId(e.service)).sort()).toEqual(['tcp|10.0.0.1|22', 'tcp|10.0.0.1|80']);
    expect(k.table.find((e) => e.service.port === 80)!.dests).toEqual([rs(2, 0)]);
    await s.release();
    expect(k.table).toEqual([foreign]); // someone else's service survives our shutdown
  });

  it('owns what a failed sync managed to create, and serialises concurrent syncs', async () => {
    const k = memoryKernel();
    k.refuse = (o) => o.op === 'addDest' && o.dest.addr === '10.88.0.4';
    const s = new IpvsSync(k.port);
    await expect(s.sync([{ service: svc(80), dests: [rs(3), rs(4)] }])).rejects.toMatchObject({ code: 'EINVAL' });
    expect([...s.ownedServices]).toEqual(['tcp|10.0.0.1|80']);
    k.refuse = undefined;
    const [a, b] = await Promise.all([
      s.sync([{ service: svc(80), dests: [rs(3), rs(4)] }]),
      s.sync([{ service: svc(80), dests: [rs(3), rs(4, 5)] }]),
    ]);
    expect(a.map((o) => o.op)).toEqual(['addDest']); // planned on the dump after the failure
    expect(b.map((o) => o.op)).toEqual(['updateDest']); // planned after a finished, not on a stale dump
    await s.release();
    expect(k.table).toEqual([]);
  });
});
