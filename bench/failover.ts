/**
 * bench/failover: time from SIGKILL of the master to the backup's first gratuitous ARP, measured
 * on the wire (tcpdump -tt in an observer namespace), for a keepalived pair and a keepalived-ts
 * pair in the same lab and run, with advert_int 1 (VRRPv2) and 0.1 (VRRPv3). Also the time from
 * the master's last advert on the wire to that GARP (the protocol's Master_Down_Interval, free of
 * the kill's phase), and the idle CPU and RSS of one daemon running 50 instances.
 *
 *   npx tsx bench/failover.ts [runs=5]      (root; builds namespaces, removes them at the end)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createLab, sleep, type Lab } from '../src/daemon/lab.js';
import { crash, requireDirectorPrerequisites, startDirector, vrrpConf, waitForVip, type Director } from '../test/integration/helpers/directors.js';

const RUNS = Number(process.argv[2] ?? 5);
const VIP = '10.99.0.200';
type Kind = 'keepalived' | 'kts';
interface Case { version: 2 | 3; advertInt: number }
const CASES: Case[] = [{ version: 2, advertInt: 1 }, { version: 3, advertInt: 0.1 }];

/** RFC Master_Down_Interval in ms for the backup (priority 100). */
const mdi = (c: Case) => (3 * c.advertInt + ((256 - 100) / 256) * (c.version === 3 ? c.advertInt : 1)) * 1000;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s.at(-1)! };
};
const fmt = (x: { min: number; median: number; max: number }) => `min ${x.min.toFixed(1)}  median ${x.median.toFixed(1)}  max ${x.max.toFixed(1)} ms`;

async function clearVip(lab: Lab): Promise<void> {
  for (const ns of ['d1', 'd2']) await lab.exec(ns, ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth0'], { allowFail: true });
}

async function oneRun(lab: Lab, kind: Kind, c: Case): Promise<{ killToGarp: number; advertToGarp: number }> {
  await clearVip(lab);
  const conf = (state: 'MASTER' | 'BACKUP', priority: number) => vrrpConf({ state, priority, vip: `${VIP}/24`, version: c.version, advertInt: c.advertInt });
  const m = startDirector(lab, 'd1', kind, conf('MASTER', 150));
  const b = startDirector(lab, 'd2', kind, conf('BACKUP', 100));
  const all: Director[] = [m, b];
  try {
    await waitForVip(lab, 'd1', VIP, true, 15_000);
    await b.proc.waitFor(/Entering BACKUP STATE/, 10_000);
    await sleep(1_500);
    const d1mac = await lab.mac('d1', 'eth0');
    const d2mac = await lab.mac('d2', 'eth0');
    const cap = await lab.tcpdump('obs', 'eth0', ['arp', 'or', 'proto', '112'], { timeoutMs: 30_000, extra: ['-tt'] });
    // At least one advert of the master on the capture, then a kill at a random phase of the cycle.
    await sleep((1 + Math.random()) * c.advertInt * 1000);
    const killedAt = Date.now();
    crash(m);
    await waitForVip(lab, 'd2', VIP, true, 10_000);
    await sleep(300);
    const lines = (await cap.stop()).split('\n');
    const ts = (l: string) => Number(l.split(' ')[0]) * 1000;
    const garp = lines.find((l) => l.includes(`${d2mac} > ff:ff:ff:ff:ff:ff`) && l.includes(`tell ${VIP}`));
    const lastAdvert = lines.filter((l) => l.includes(`${d1mac} > 01:00:5e:00:00:12`)).at(-1);
    if (!garp || !lastAdvert) throw new Error(`${kind}: no GARP from ${d2mac} or advert from ${d1mac} captured:\n${lines.slice(-12).join('\n')}`);
    return { killToGarp: ts(garp) - killedAt, advertToGarp: ts(garp) - ts(lastAdvert) };
  } finally {
    for (const d of all) d.proc.kill();
    await Promise.all(all.map((d) => d.proc.exited));
  }
}

/** CPU ms and RSS (KiB) summed over a process group, from /proc (keepalived runs as several processes). */
function groupUsage(pgid: number): { cpuMs: number; rssKiB: number } {
  let cpuMs = 0, rssKiB = 0;
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] = state, f[2] = pgrp
      if (Number(f[2]) !== pgid) continue;
      cpuMs += ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, 100 ticks/s
      rssKiB += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch { /* exited meanwhile */ }
  }
  return { cpuMs, rssKiB };
}

async function idle50(lab: Lab, kind: Kind): Promise<{ cpuMs: number; rssKiB: number; seconds: number }> {
  await clearVip(lab);
  let conf = 'global_defs {\n  router_id idle\n}\n';
  for (let i = 1; i <= 50; i++) {
    conf += `vrrp_instance VI_${i} {\n  state BACKUP\n  interface eth0\n  virtual_router_id ${i}\n  priority 100\n  advert_int 1\n  virtual_ipaddress {\n    10.99.1.${i}/32\n  }\n}\n`;
  }
  const d = startDirector(lab, 'd1', kind, conf);
  try {
    await sleep(8_000); // all 50 become MASTER (nobody else speaks) and settle
    const a = groupUsage(d.proc.pid);
    const seconds = 10;
    await sleep(seconds * 1000);
    const b = groupUsage(d.proc.pid);
    return { cpuMs: b.cpuMs - a.cpuMs, rssKiB: b.rssKiB, seconds };
  } finally {
    d.proc.kill();
    await d.proc.exited;
  }
}

async function main(): Promise<void> {
  requireDirectorPrerequisites(['kts', 'keepalived']);
  const lab = await createLab('bench', {
    namespaces: ['d1', 'd2', 'obs'],
    bridge: [
      { ns: 'd1', ifname: 'eth0', addrs: ['10.99.0.11/24'] },
      { ns: 'd2', ifname: 'eth0', addrs: ['10.99.0.12/24'] },
      { ns: 'obs', ifname: 'eth0', addrs: ['10.99.0.100/24'] },
    ],
  });
  try {
    console.log(`failover: SIGKILL of the master -> first GARP of the backup, on the wire; ${RUNS} runs each`);
    for (const c of CASES) {
      const res: Record<Kind, { k: number[]; a: number[] }> = { keepalived: { k: [], a: [] }, kts: { k: [], a: [] } };
      for (let r = 0; r < RUNS; r++) {
        for (const kind of ['keepalived', 'kts'] as Kind[]) {
          const x = await oneRun(lab, kind, c);
          res[kind].k.push(x.killToGarp);
          res[kind].a.push(x.advertToGarp);
        }
      }
      console.log(`\nVRRPv${c.version}, advert_int ${c.advertInt} s (Master_Down_Interval for priority 100: ${mdi(c).toFixed(1)} ms)`);
      for (const kind of ['keepalived', 'kts'] as Kind[]) {
        console.log(`  ${kind.padEnd(10)} kill->GARP   ${fmt(stats(res[kind].k))}`);
        console.log(`  ${''.padEnd(10)} advert->GARP ${fmt(stats(res[kind].a))}  (median - MDI: ${(stats(res[kind].a).median - mdi(c)).toFixed(1)} ms)`);
      }
      console.log(`  ratio keepalived-ts/keepalived (median kill->GARP): ${(stats(res.kts.k).median / stats(res.keepalived.k).median).toFixed(3)}`);
    }
    console.log('\nidle daemon with 50 VRRP instances (all MASTER, advert_int 1), over 10 s:');
    for (const kind of ['keepalived', 'kts'] as Kind[]) {
      const u = await idle50(lab, kind);
      console.log(`  ${kind.padEnd(10)} CPU ${(u.cpuMs / u.seconds / 10).toFixed(2)} % of a core (${u.cpuMs} ms in ${u.seconds} s), RSS ${(u.rssKiB / 1024).toFixed(1)} MiB`);
    }
  } finally {
    await lab.cleanup();
  }
}

await main();
