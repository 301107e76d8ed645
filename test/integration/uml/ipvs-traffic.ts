/**
 * Runs inside UML (see ipvs-traffic.test.ts): real connections through an IPVS NAT service to a
 * local TCP echo server, then our dump + formatter next to ipvsadm, so counters and connection
 * columns are compared with non-zero values.
 */
import { execFileSync } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { IpvsClient } from '../../../src/ipvs/client.js';
import { formatList, type ListOptions } from '../../../src/ipvs/format.js';
import { noFlags } from '../../../src/ipvs/types.js';

const CONNS = Number(process.argv[2] ?? 20);
const server = createServer((s) => s.pipe(s)).listen(8080, '10.88.0.1');
await new Promise((r) => server.once('listening', r));
const client = await IpvsClient.dial({ timeoutMs: 5000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function echoOnce(): Promise<string> {
  return new Promise((resolve, reject) => {
    const s: Socket = connect({ host: '10.0.0.1', port: 80 });
    const timer = setTimeout(() => { s.destroy(); reject(new Error('echo through IPVS timed out')); }, 5000);
    s.once('connect', () => s.write('ping'));
    s.once('data', (d) => { clearTimeout(timer); s.end(); resolve(d.toString()); });
    s.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

try {
  const svc = { af: 4 as const, protocol: 'tcp' as const, addr: '10.0.0.1', port: 80, sched: 'rr', flags: noFlags(), timeout: 0, netmask: 32, pe: '' };
  await client.addService(svc);
  await client.addDest(svc, { af: 4, addr: '10.88.0.1', port: 8080, fwd: 'masq', weight: 1, uThreshold: 0, lThreshold: 0 });
  const replies: string[] = [];
  for (let i = 0; i < CONNS; i++) replies.push(await echoOnce());
  await sleep(500); // let the last FIN/ACKs pass so totals stop moving
  // Kernel 6.x folds per-CPU counters into the totals with its estimator (every 2 s); under load
  // the first dump can come before that. Wait (bounded) until ipvsadm itself shows every connection.
  for (let i = 0; i < 40; i++) {
    const svcLine = execFileSync('ipvsadm', ['-Ln', '--stats', '--exact'], { encoding: 'utf8' }).split('\n')[3] ?? '';
    if (Number(svcLine.trim().split(/\s+/)[2]) >= CONNS) break;
    await sleep(250);
  }

  const variants: Record<string, [string[], ListOptions]> = {
    Ln: [['-Ln'], {}], stats: [['-Ln', '--stats'], { variant: 'stats' }], exact: [['-Ln', '--stats', '--exact'], { variant: 'stats', exact: true }],
    rate: [['-Ln', '--rate'], { variant: 'rate' }],
  };
  const out: Record<string, { oracle: string; ours: string; tries: number }> = {};
  for (const [name, [args, opts]] of Object.entries(variants)) {
    // Rates are re-estimated every 2 s: retry until a dump of ours brackets ipvsadm's view.
    for (let tries = 1; ; tries++) {
      const before = formatList(await client.table(), await client.info(), opts);
      const oracle = execFileSync('ipvsadm', args, { encoding: 'utf8' });
      const after = formatList(await client.table(), await client.info(), opts);
      if (before === oracle || after === oracle || tries === 5) { out[name] = { oracle, ours: oracle === after ? after : before, tries }; break; }
      await sleep(300);
    }
  }
  console.log(JSON.stringify({ replies, out }));
} finally {
  client.close();
  server.close();
}
