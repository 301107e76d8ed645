/**
 * The IPVS reconciler (pure): desired table (config minus failed real servers) vs the kernel's
 * actual table → the minimal list of operations. Rules:
 * - a desired service that already exists is adopted as is (no flush, no re-add: traffic keeps
 *   flowing); only its differing attributes and destinations are changed;
 * - services that are not desired are deleted only if we own them (created or adopted earlier);
 *   anything else in the kernel (another tool's services) is never touched;
 * - adds and edits come before deletes, so a replaced real server is in before the old one leaves.
 * `applyOps` simulates the kernel for tests and dry runs.
 */
import { destId, serviceId, serviceKeyOf, type Destination, type Service, type ServiceKey, type TunnelOptions } from './types.js';

export type IpvsOp =
  | { op: 'addService'; service: Service }
  | { op: 'updateService'; service: Service }
  | { op: 'deleteService'; service: ServiceKey }
  | { op: 'addDest'; service: ServiceKey; dest: Destination }
  | { op: 'updateDest'; service: ServiceKey; dest: Destination }
  | { op: 'deleteDest'; service: ServiceKey; dest: Destination };

/** A service with its destinations, without counters (desired state, or a dump stripped of stats). */
export interface TableEntry { service: Service; dests: Destination[] }
export type Table = TableEntry[];

const defaultTunnel: TunnelOptions = { type: 'ipip', port: 0, csum: 'nocsum' };

/** The tunnel options the kernel will hold (ipip ignores port and checksum; non-tunnel has none). */
function effectiveTunnel(d: Destination): TunnelOptions | undefined {
  if (d.fwd !== 'tunnel') return undefined;
  const t = d.tunnel ?? defaultTunnel;
  return t.type === 'ipip' ? defaultTunnel : t;
}

export function sameDest(a: Destination, b: Destination): boolean {
  const ta = effectiveTunnel(a), tb = effectiveTunnel(b);
  return a.fwd === b.fwd && a.weight === b.weight && a.uThreshold === b.uThreshold && a.lThreshold === b.lThreshold
    && ta?.type === tb?.type && ta?.port === tb?.port && ta?.csum === tb?.csum;
}

export function sameService(a: Service, b: Service): boolean {
  return a.sched === b.sched && a.timeout === b.timeout && a.netmask === b.netmask && a.pe === b.pe
    && a.flags.persistent === b.flags.persistent && a.flags.onePacket === b.flags.onePacket
    && a.flags.sched1 === b.flags.sched1 && a.flags.sched2 === b.flags.sched2 && a.flags.sched3 === b.flags.sched3;
}

/** First occurrence wins for duplicate services and destinations (keepalived drops the second). */
function index(table: Table): Map<string, { service: Service; dests: Map<string, Destination> }> {
  const out = new Map<string, { service: Service; dests: Map<string, Destination> }>();
  for (const e of table) {
    const id = serviceId(e.service);
    if (out.has(id)) continue;
    const dests = new Map<string, Destination>();
    for (const d of e.dests) if (!dests.has(destId(d))) dests.set(destId(d), d);
    out.set(id, { service: e.service, dests });
  }
  return out;
}

/**
 * Operations that make `actual` match `desired`. `owned` holds serviceId()s of services this
 * process created or adopted before; only those may be deleted when no longer desired.
 */
export function plan(desired: Table, actual: Table, owned: ReadonlySet<string>): IpvsOp[] {
  const want = index(desired);
  const have = index(actual);
  const adds: IpvsOp[] = [];
  const deletes: IpvsOp[] = [];
  for (const [id, w] of want) {
    const key = serviceKeyOf(w.service);
    const h = have.get(id);
    if (!h) {
      adds.push({ op: 'addService', service: w.service });
      for (const d of w.dests.values()) adds.push({ op: 'addDest', service: key, dest: d });
      continue;
    }
    if (!sameService(w.service, h.service)) adds.push({ op: 'updateService', service: w.service });
    for (const [did, d] of w.dests) {
      const cur = h.dests.get(did);
      if (!cur) adds.push({ op: 'addDest', service: key, dest: d });
      else if (!sameDest(d, cur)) adds.push({ op: 'updateDest', service: key, dest: d });
    }
    for (const [did, cur] of h.dests) if (!w.dests.has(did)) deletes.push({ op: 'deleteDest', service: key, dest: cur });
  }
  for (const [id, h] of have) {
    if (!want.has(id) && owned.has(id)) deletes.push({ op: 'deleteService', service: serviceKeyOf(h.service) });
  }
  return [...adds, ...deletes];
}

/** What we own after applying a plan for `desired`: everything desired (created or adopted) plus what we still hold. */
export function ownedAfter(desired: Table, actualAfter: Table, owned: ReadonlySet<string>): Set<string> {
  const present = new Set(actualAfter.map((e) => serviceId(e.service)));
  const out = new Set<string>();
  for (const id of owned) if (present.has(id)) out.add(id);
  for (const e of desired) out.add(serviceId(e.service));
  return out;
}

/** The operations that remove everything we own (shutdown without --dont-release-ipvs). */
export function teardown(actual: Table, owned: ReadonlySet<string>): IpvsOp[] {
  return actual.filter((e) => owned.has(serviceId(e.service))).map((e) => ({ op: 'deleteService', service: serviceKeyOf(e.service) }));
}

/** Applies operations to a table the way the kernel would; throws on what the kernel refuses (EEXIST, ESRCH, ENOENT). */
export function applyOps(table: Table, ops: IpvsOp[]): Table {
  const t = table.map((e) => ({ service: e.service, dests: [...e.dests] }));
  const find = (k: ServiceKey): TableEntry => {
    const e = t.find((x) => serviceId(x.service) === serviceId(k));
    if (!e) throw Object.assign(new Error(`ESRCH: no service ${serviceId(k)}`), { code: 'ESRCH' });
    return e;
  };
  for (const o of ops) {
    switch (o.op) {
      case 'addService':
        if (t.some((x) => serviceId(x.service) === serviceId(o.service))) throw Object.assign(new Error(`EEXIST: ${serviceId(o.service)}`), { code: 'EEXIST' });
        t.push({ service: o.service, dests: [] });
        break;
      case 'updateService': find(o.service).service = o.service; break;
      case 'deleteService': t.splice(t.indexOf(find(o.service)), 1); break;
      case 'addDest': {
        const e = find(o.service);
        if (e.dests.some((d) => destId(d) === destId(o.dest))) throw Object.assign(new Error(`EEXIST: dest ${destId(o.dest)}`), { code: 'EEXIST' });
        e.dests.push(o.dest);
        break;
      }
      case 'updateDest':
      case 'deleteDest': {
        const e = find(o.service);
        const i = e.dests.findIndex((d) => destId(d) === destId(o.dest));
        if (i < 0) throw Object.assign(new Error(`ENOENT: dest ${destId(o.dest)}`), { code: 'ENOENT' });
        if (o.op === 'updateDest') e.dests[i] = o.dest;
        else e.dests.splice(i, 1);
        break;
      }
    }
  }
  return t;
}
