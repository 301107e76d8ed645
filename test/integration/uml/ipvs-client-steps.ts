/**
 * Runs inside UML (see ipvs-client.test.ts): drives the kernel through our IpvsClient step by step
 * and after each step prints one JSON line with what `ipvsadm` (the independent oracle) shows
 * and what our formatters print for our own dump of the same table.
 */
import { execFileSync } from 'node:child_process';
import { IpvsClient } from '../../../src/ipvs/client.js';
import { formatList, formatSave } from '../../../src/ipvs/format.js';
import { plan } from '../../../src/ipvs/reconcile.js';
import { noFlags, type Destination, type Service, type ServiceKey } from '../../../src/ipvs/types.js';

const ipvsadm = (...args: string[]): string => execFileSync('ipvsadm', args, { encoding: 'utf8' });
const client = await IpvsClient.dial({ timeoutMs: 5000 });

async function snapshot(step: string, extra: Record<string, unknown> = {}): Promise<void> {
  const [table, info] = await Promise.all([client.table(), client.info()]);
  console.log(JSON.stringify({
    step,
    oracle: { Ln: ipvsadm('-Ln'), tun: ipvsadm('-Ln', '--tun-info'), thr: ipvsadm('-Ln', '--thresholds'), Sn: ipvsadm('-Sn') },
    ours: {
      Ln: formatList(table, info), tun: formatList(table, info, { variant: 'tun-info' }),
      thr: formatList(table, info, { variant: 'thresholds' }), Sn: formatSave(table),
    },
    ...extra,
  }));
}

async function errorCode(p: Promise<unknown>): Promise<string> {
  try { await p; return 'no error'; } catch (e) { return `${(e as { code?: string }).code}: ${(e as Error).message}`; }
}

const base = { flags: noFlags(), timeout: 0, pe: '' };
const tcp: Service = { af: 4, protocol: 'tcp', addr: '10.0.0.1', port: 80, sched: 'wrr', netmask: 32, ...base };
const udp6: Service = {
  af: 6, protocol: 'udp', addr: 'fd00::10', port: 53, sched: 'rr', netmask: 64, ...base,
  flags: { ...noFlags(), persistent: true }, timeout: 300,
};
const fwm: Service = { af: 4, fwmark: 42, sched: 'sh', netmask: 32, ...base, flags: { ...noFlags(), sched2: true } };
const d = (addr: string, port: number, fwd: Destination['fwd'], weight: number, more: Partial<Destination> = {}): Destination =>
  ({ af: addr.includes(':') ? 6 : 4, addr, port, fwd, weight, uThreshold: 0, lThreshold: 0, ...more });
const tcpDests = [
  d('10.88.0.2', 8080, 'masq', 3, { uThreshold: 100, lThreshold: 10 }),
  d('10.88.0.3', 80, 'route', 1),
  d('10.88.0.4', 80, 'tunnel', 2),
  d('10.88.0.5', 80, 'tunnel', 4, { tunnel: { type: 'gue', port: 6080, csum: 'csum' } }),
];
const key = (s: Service): ServiceKey => (s.fwmark !== undefined ? { af: s.af, fwmark: s.fwmark } : { af: s.af, protocol: s.protocol, addr: s.addr, port: s.port });

try {
  console.log(JSON.stringify({ step: 'info', info: await client.info(), family: client.family.id }));
  await client.addService(tcp);
  for (const x of tcpDests) await client.addDest(key(tcp), x);
  await client.addService(udp6);
  await client.addDest(key(udp6), d('fd00:88::2', 53, 'masq', 1));
  await client.addService(fwm);
  await client.addDest(key(fwm), d('10.88.0.6', 0, 'route', 1));
  await snapshot('created');

  await client.updateDest(key(tcp), { ...tcpDests[1]!, weight: 7 });
  await snapshot('weight-edited');

  await client.deleteDest(key(tcp), tcpDests[0]!);
  await client.deleteService(key(fwm));
  await snapshot('deleted');

  const errors = {
    duplicate: await errorCode(client.addService(tcp)),
    badSched: await errorCode(client.addService({ ...tcp, port: 81, sched: 'nosuch' })),
    missingDest: await errorCode(client.deleteDest(key(tcp), tcpDests[0]!)),
    missingService: await errorCode(client.deleteService({ ...key(tcp), port: 82 } as ServiceKey)),
  };
  console.log(JSON.stringify({ step: 'errors', errors }));

  // Reconcile towards a desired table: TCP with two dests (one new, one re-weighted), UDP gone (owned).
  const desired = [{ service: tcp, dests: [{ ...tcpDests[1]!, weight: 9 }, d('10.88.0.7', 80, 'route', 1)] }];
  const actual = (await client.table()).map((e) => ({ service: e.service, dests: e.dests.map((x) => x.dest) }));
  const owned = new Set(['tcp|10.0.0.1|80', 'udp|fd00::10|53']);
  const ops = plan(desired, actual, owned);
  await client.apply(ops);
  const again = plan(desired, (await client.table()).map((e) => ({ service: e.service, dests: e.dests.map((x) => x.dest) })), owned);
  await snapshot('reconciled', { ops: ops.map((o) => o.op), again: again.length });

  await client.addDaemon({ state: 'master', ifname: 'lo', syncId: 51 });
  const daemons = await client.daemons();
  const daemonText = ipvsadm('-L', '--daemon');
  await client.deleteDaemon('master');
  console.log(JSON.stringify({ step: 'daemon', daemons, daemonText, after: ipvsadm('-L', '--daemon') }));

  await client.setTimeouts({ tcp: 900, tcpFin: 120, udp: 300 });
  console.log(JSON.stringify({ step: 'timeouts', timeouts: await client.timeouts(), text: ipvsadm('-L', '--timeout') }));

  await client.flush();
  await snapshot('flushed');
} finally {
  client.close();
}
