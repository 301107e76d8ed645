import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOps, ownedAfter, plan, sameDest, sameService, teardown, type Table } from '../../src/ipvs/reconcile.js';
import { destId, noFlags, serviceId, type Service } from '../../src/ipvs/types.js';
import { arbDest, arbService } from './arbitraries.js';

/** Tables with unique service keys and, per service, unique destinations of the service's family. */
const arbTable = (): fc.Arbitrary<Table> =>
  fc.uniqueArray(arbService(), { selector: serviceId, maxLength: 6 }).chain((svcs) =>
    fc.tuple(...svcs.map((s) => fc.uniqueArray(arbDest(s.af), { selector: destId, maxLength: 5 })))
      .map((dests) => svcs.map((service, i) => ({ service, dests: dests[i] ?? [] }))));

const arbCase = () =>
  fc.tuple(arbTable(), arbTable(), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 })).map(([desired, actual, own]) => ({
    desired, actual, owned: new Set(actual.filter((_, i) => own[i]).map((e) => serviceId(e.service))),
  }));

describe('plan (property)', () => {
  it('converges: after applying the plan every desired service and destination is exactly as desired', () => {
    fc.assert(fc.property(arbCase(), ({ desired, actual, owned }) => {
      const after = applyOps(actual, plan(desired, actual, owned)); // throws on an op the kernel would refuse
      for (const want of desired) {
        const got = after.find((e) => serviceId(e.service) === serviceId(want.service));
        expect(got).toBeDefined();
        expect(sameService(got!.service, want.service)).toBe(true);
        expect(got!.dests.map(destId).sort()).toEqual(want.dests.map(destId).sort());
        for (const d of want.dests) expect(sameDest(got!.dests.find((x) => destId(x) === destId(d))!, d)).toBe(true);
      }
      const desiredIds = new Set(desired.map((e) => serviceId(e.service)));
      for (const e of actual) {
        const id = serviceId(e.service);
        if (desiredIds.has(id)) continue;
        const got = after.find((x) => serviceId(x.service) === id);
        if (owned.has(id)) expect(got).toBeUndefined(); // ours and no longer wanted: removed
        else expect(got).toEqual(e); // not ours: untouched, destinations included
      }
    }), { numRuns: 500 });
  });

  it('is idempotent: planning again after applying gives no operations', () => {
    fc.assert(fc.property(arbCase(), ({ desired, actual, owned }) => {
      const after = applyOps(actual, plan(desired, actual, owned));
      expect(plan(desired, after, owned)).toEqual([]);
      expect(plan(desired, after, ownedAfter(desired, after, owned))).toEqual([]);
    }), { numRuns: 500 });
  });

  it('never touches a service that is neither desired nor owned, and puts every delete after every add/edit', () => {
    fc.assert(fc.property(arbCase(), ({ desired, actual, owned }) => {
      const ops = plan(desired, actual, owned);
      const allowed = new Set([...desired.map((e) => serviceId(e.service)), ...owned]);
      for (const o of ops) expect(allowed.has(serviceId(o.service))).toBe(true);
      const firstDelete = ops.findIndex((o) => o.op.startsWith('delete'));
      if (firstDelete >= 0) expect(ops.slice(firstDelete).every((o) => o.op.startsWith('delete'))).toBe(true);
    }), { numRuns: 500 });
  });
});

const svc: Service = { af: 4, protocol: 'tcp', addr: '10.0.0.1', port: 80, sched: 'wrr', flags: noFlags(), timeout: 0, netmask: 32, pe: '' };
const rs = (n: number, weight = 1) => ({ af: 4 as const, addr: `10.88.0.${n}`, port: 80, fwd: 'masq' as const, weight, uThreshold: 0, lThreshold: 0 });

describe('plan (examples)', () => {
  it('adopts a matching table at start-up without any operation (no flush, no re-add)', () => {
    const table = [{ service: svc, dests: [rs(2), rs(3)] }];
    expect(plan(table, structuredClone(table), new Set())).toEqual([]);
  });

  it('is minimal: one weight change is one SET_DEST; a new RS is added before the old one is deleted', () => {
    const actual = [{ service: svc, dests: [rs(2), rs(3)] }];
    expect(plan([{ service: svc, dests: [rs(2, 0), rs(3)] }], actual, new Set())).toEqual([
      { op: 'updateDest', service: { af: 4, protocol: 'tcp', addr: '10.0.0.1', port: 80 }, dest: rs(2, 0) },
    ]);
    expect(plan([{ service: svc, dests: [rs(2), rs(4)] }], actual, new Set()).map((o) => o.op)).toEqual(['addDest', 'deleteDest']);
    expect(plan([{ service: { ...svc, sched: 'rr' }, dests: [rs(2), rs(3)] }], actual, new Set()).map((o) => o.op)).toEqual(['updateService']);
  });

  it('treats a tunnel destination without options like the kernel default (ipip)', () => {
    const bare = { ...rs(2), fwd: 'tunnel' as const };
    const dumped = { ...bare, tunnel: { type: 'ipip' as const, port: 0, csum: 'nocsum' as const } };
    expect(plan([{ service: svc, dests: [bare] }], [{ service: svc, dests: [dumped] }], new Set())).toEqual([]);
    expect(plan([{ service: svc, dests: [{ ...bare, tunnel: { type: 'gue', port: 6080, csum: 'csum' } }] }],
      [{ service: svc, dests: [dumped] }], new Set()).map((o) => o.op)).toEqual(['updateDest']);
  });

  it('teardown deletes only owned services', () => {
    const other = { ...svc, port: 443 };
    const actual = [{ service: svc, dests: [rs(2)] }, { service: other, dests: [] }];
    expect(teardown(actual, new Set([serviceId(svc)]))).toEqual([
      { op: 'deleteService', service: { af: 4, protocol: 'tcp', addr: '10.0.0.1', port: 80 } },
    ]);
  });
});
