/**
 * `keepalived-ts status` and the SIGUSR1/SIGUSR2 dumps tell the truth about running directors
 * (issue 6): a master and a backup in namespaces, asked over their Unix sockets.
 */
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDirectorPrerequisites, startDirector, vrrpConf, waitForVip, type Director } from './helpers/directors.js';
import { createLab, REPO_ROOT, until, type Lab } from './helpers/netns.js';

const VIP = '10.99.0.200';
let lab: Lab;
let master: Director;
let backup: Director;
const status = async (d: Director, json: boolean) =>
  (await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'bin', 'keepalived-ts'), 'status', ...(json ? ['--json'] : []), '--socket', d.statusSocket])).stdout;

beforeAll(async () => {
  requireDirectorPrerequisites(['kts']);
  lab = await createLab('status', {
    namespaces: ['d1', 'd2'],
    bridge: [{ ns: 'd1', ifname: 'eth0', addrs: ['10.99.0.11/24'] }, { ns: 'd2', ifname: 'eth0', addrs: ['10.99.0.12/24'] }],
  });
  master = startDirector(lab, 'd1', 'kts', vrrpConf({ state: 'MASTER', priority: 150, vip: `${VIP}/24` }));
  backup = startDirector(lab, 'd2', 'kts', vrrpConf({ state: 'BACKUP', priority: 100, vip: `${VIP}/24` }));
  await waitForVip(lab, 'd1', VIP, true, 15_000);
  await until(() => ((backup.proc.stdout().split('\n').filter((l) => /Entering/.test(l)).at(-1) ?? '').includes('Entering BACKUP STATE') ? true : undefined), 10_000, 'd2 BACKUP');
});

afterAll(async () => {
  await lab?.cleanup();
});

describe('status and dumps of running directors', () => {
  it('status --json shows each director its state, priority, master and VIPs; the socket is 0600', async () => {
    expect(statSync(master.statusSocket).mode & 0o777).toBe(0o600);
    const m = JSON.parse(await status(master, true)) as { vrrp: { name: string; state: string; effectivePriority: number; master: { address: string } | null; vips: { address: string }[] }[] };
    expect(m.vrrp[0]).toMatchObject({ name: 'VI_1', state: 'MASTER', effectivePriority: 150, master: { address: '10.99.0.11' } });
    expect(m.vrrp[0]!.vips.map((v) => v.address)).toEqual([VIP]);
    const b = JSON.parse(await status(backup, true)) as typeof m;
    expect(b.vrrp[0]).toMatchObject({ name: 'VI_1', state: 'BACKUP', effectivePriority: 100, master: { address: '10.99.0.11' } });
    const table = await status(master, false);
    expect(table).toMatch(/VI_1 \(vrid 51 on eth0\)\s+MASTER\s+150\s+10\.99\.0\.11 \(this node\)\s+10\.99\.0\.200\/24/);
  });

  it('SIGUSR1 writes keepalived.data and SIGUSR2 keepalived.stats in keepalived\'s formats', async () => {
    process.kill(master.proc.pid, 'SIGUSR1');
    process.kill(master.proc.pid, 'SIGUSR2');
    const data = join(master.dumpDir, 'keepalived.data');
    const stats = join(master.dumpDir, 'keepalived.stats');
    await until(() => { try { return readFileSync(data, 'utf8') && readFileSync(stats, 'utf8') ? true : undefined; } catch { return undefined; } }, 5_000, 'the dump files');
    expect(readFileSync(data, 'utf8')).toMatch(/^ VRRP Instance = VI_1$/m);
    expect(readFileSync(data, 'utf8')).toMatch(/^ {3}State = MASTER$/m);
    const st = readFileSync(stats, 'utf8');
    expect(st).toMatch(/^VRRP Instance: VI_1$/m);
    expect(Number(/^ {4}Sent: (\d+)$/m.exec(st)?.[1])).toBeGreaterThan(0);
    expect(master.proc.child.exitCode).toBeNull(); // still running (Node's SIGUSR1 inspector did not take it)
  });
});
