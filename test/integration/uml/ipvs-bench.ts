/**
 * Runs inside UML for bench/ipvs.ts: programs the same rules with `ipvsadm-restore` and with our
 * client (pipelined, and one request at a time), checks the resulting table size, and prints
 * one JSON line of timings (ms, median of the runs).
 */
import { execFileSync } from 'node:child_process';
import { IpvsClient } from '../../../src/ipvs/client.js';
import { formatSave } from '../../../src/ipvs/format.js';
import { plan, type Table } from '../../../src/ipvs/reconcile.js';
import { noFlags, zeroStats } from '../../../src/ipvs/types.js';

const RUNS = Number(process.argv[2] ?? 3);
const scenarios = [{ name: '1x1000', services: 1, dests: 1000 }, { name: '100x10', services: 100, dests: 10 }];

function table(services: number, dests: number): Table {
  return Array.from({ length: services }, (_, s) => ({
    service: { af: 4 as const, protocol: 'tcp' as const, addr: `10.0.${Math.floor(s / 250)}.${(s % 250) + 1}`, port: 80, sched: 'wrr', flags: noFlags(), timeout: 0, netmask: 32, pe: '' },
    dests: Array.from({ length: dests }, (_, d) => ({
      af: 4 as const, addr: `10.89.${Math.floor(d / 250)}.${(d % 250) + 2}`, port: 8080, fwd: 'masq' as const, weight: 1 + (d % 5), uThreshold: 0, lThreshold: 0,
    })),
  }));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ipvsadmLines = (): number => execFileSync('ipvsadm', ['-Sn'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;

const t0 = performance.now();
const client = await IpvsClient.dial({ timeoutMs: 30_000 });
const dialMs = performance.now() - t0;
const results: Record<string, unknown> = { dialMs: Math.round(dialMs) };
try {
  for (const sc of scenarios) {
    const t = table(sc.services, sc.dests);
    const rules = formatSave(t.map((e) => ({ service: e.service, stats: zeroStats(), dests: e.dests.map((d) => ({ dest: d, counters: { activeConns: 0, inactConns: 0, persistConns: 0, stats: zeroStats() } })) })));
    const expectedLines = sc.services * (1 + sc.dests);
    const ops = plan(t, [], new Set());
    const times: Record<string, number[]> = { ipvsadmRestore: [], oursPipelined: [], oursSequential: [] };
    for (let run = 0; run < RUNS; run++) {
      let a = performance.now();
      execFileSync('ipvsadm-restore', { input: rules });
      times['ipvsadmRestore']!.push(performance.now() - a);
      if (ipvsadmLines() !== expectedLines) throw new Error(`ipvsadm-restore: table has ${ipvsadmLines()} rules, want ${expectedLines}`);
      execFileSync('ipvsadm', ['-C']);

      for (const [name, window] of [['oursPipelined', 64], ['oursSequential', 1]] as const) {
        a = performance.now();
        await client.apply(ops, window);
        times[name]!.push(performance.now() - a);
        if (ipvsadmLines() !== expectedLines) throw new Error(`${name}: table has ${ipvsadmLines()} rules, want ${expectedLines}`);
        await client.flush();
      }
    }
    results[sc.name] = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
  }
  console.log(JSON.stringify(results));
} finally {
  client.close();
}
