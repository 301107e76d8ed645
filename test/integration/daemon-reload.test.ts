/**
 * SIGHUP reload on the wire (issue 6): an unchanged instance keeps its state (no VIP flap, no
 * extra gratuitous ARP), a broken file is rejected with file:line:col and the running config
 * stays, a changed priority is applied.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDirectorPrerequisites, startDirector, vipsOn, vrrpConf, waitForVip, type Director } from './helpers/directors.js';
import { createLab, sleep, until, type Lab } from './helpers/netns.js';

const VIP = '10.99.0.200';
let lab: Lab;
let master: Director;

beforeAll(async () => {
  requireDirectorPrerequisites(['kts']);
  lab = await createLab('reload', {
    namespaces: ['d1', 'd2', 'obs'],
    bridge: [
      { ns: 'd1', ifname: 'eth0', addrs: ['10.99.0.11/24'] },
      { ns: 'd2', ifname: 'eth0', addrs: ['10.99.0.12/24'] },
      { ns: 'obs', ifname: 'eth0', addrs: ['10.99.0.100/24'] },
    ],
  });
  master = startDirector(lab, 'd1', 'kts', vrrpConf({ state: 'MASTER', priority: 150, vip: `${VIP}/24` }));
  startDirector(lab, 'd2', 'kts', vrrpConf({ state: 'BACKUP', priority: 100, vip: `${VIP}/24` }));
  await waitForVip(lab, 'd1', VIP, true, 15_000);
  await sleep(6_000); // past the second GARP burst (garp_master_delay 5 s)
});

afterAll(async () => {
  await lab?.cleanup();
});

const hup = (d: Director) => process.kill(d.proc.pid, 'SIGHUP');
const logAfter = (d: Director, mark: number) => d.proc.stdout().slice(mark);

describe('SIGHUP reload', () => {
  it('an unchanged instance keeps MASTER: the VIP never leaves and no gratuitous ARP is sent', async () => {
    const cap = await lab.tcpdump('obs', 'eth0', ['arp'], { timeoutMs: 20_000 });
    const mark = master.proc.stdout().length;
    hup(master);
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) {
      expect(await vipsOn(lab, 'd1')).toContain(VIP);
      await sleep(100);
    }
    expect(logAfter(master, mark)).toMatch(/Configuration reloaded/);
    expect(logAfter(master, mark)).not.toMatch(/Entering (BACKUP|MASTER) STATE/);
    expect(await cap.stop()).not.toContain(`tell ${VIP}`);
  });

  it('a file with errors is rejected with file:line:col and the running configuration stays', async () => {
    writeFileSync(master.conf, 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  priority\n}\n');
    const mark = master.proc.stdout().length;
    hup(master);
    await until(() => (/reload rejected/.test(logAfter(master, mark)) ? true : undefined), 5_000, 'the rejection');
    expect(logAfter(master, mark)).toContain(`${master.conf}:4:`);
    await sleep(1_500);
    expect(await vipsOn(lab, 'd1')).toContain(VIP);
    expect(logAfter(master, mark)).not.toMatch(/Entering (BACKUP|FAULT) STATE/);
  });

  it('a changed priority is applied: master lowered below the backup hands the VIP over', async () => {
    writeFileSync(master.conf, vrrpConf({ state: 'BACKUP', priority: 50, vip: `${VIP}/24` }));
    hup(master);
    await waitForVip(lab, 'd2', VIP, true, 8_000);
    await waitForVip(lab, 'd1', VIP, false, 3_000);
  });
});
