/**
 * VRRP failover on the wire: directors in network namespaces on one bridge, an observer namespace
 * capturing VRRP and ARP. keepalived-ts against itself and against real keepalived (issue 4).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  crash, requireDirectorPrerequisites, startDirector, stopGracefully, vipsOn, vrrpConf, waitForVip, type Director,
} from './helpers/directors.js';
import { createLab, sleep, type Lab } from './helpers/netns.js';

const VIP = '10.99.0.200';
const VIP_CIDR = `${VIP}/24`;
let lab: Lab;
let running: Director[] = [];

const start = (ns: string, kind: 'kts' | 'keepalived', conf: string) => {
  const d = startDirector(lab, ns, kind, conf);
  running.push(d);
  return d;
};

beforeAll(async () => {
  requireDirectorPrerequisites(['kts', 'keepalived']);
  lab = await createLab('vrrp', {
    namespaces: ['d1', 'd2', 'obs'],
    bridge: [
      { ns: 'd1', ifname: 'eth0', addrs: ['10.99.0.11/24'] },
      { ns: 'd2', ifname: 'eth0', addrs: ['10.99.0.12/24'] },
      { ns: 'obs', ifname: 'eth0', addrs: ['10.99.0.100/24'] },
    ],
  });
});

afterAll(async () => {
  await lab?.cleanup();
});

beforeEach(async () => {
  for (const d of running) d.proc.kill();
  await Promise.all(running.map((d) => d.proc.exited));
  running = [];
  // A crashed director leaves its VIP behind; start every scenario from a clean wire.
  for (const ns of ['d1', 'd2']) {
    await lab.exec(ns, ['ip', 'addr', 'del', VIP_CIDR, 'dev', 'eth0'], { allowFail: true });
    await lab.exec(ns, ['ip', 'link', 'set', 'eth0', 'up']);
  }
  for (const p of ['p0', 'p1']) await lab.exec('br', ['ip', 'link', 'set', p, 'master', 'br0', 'up']);
});

const macOf = (ns: string) => lab.mac(ns, 'eth0');

describe('keepalived-ts pair', () => {
  it('SIGKILLed master: the backup takes the VIP and announces it with a gratuitous ARP; the master preempts back on restart', async () => {
    const masterConf = vrrpConf({ state: 'MASTER', priority: 150, auth: 'secret1', vip: VIP_CIDR });
    const m = start('d1', 'kts', masterConf);
    const b = start('d2', 'kts', vrrpConf({ state: 'BACKUP', priority: 100, auth: 'secret1', vip: VIP_CIDR }));
    await waitForVip(lab, 'd1', VIP, true, 10_000);
    await b.proc.waitFor(/Entering BACKUP STATE/, 5_000);
    expect(await vipsOn(lab, 'd2')).not.toContain(VIP);

    const cap = await lab.tcpdump('obs', 'eth0', ['arp', 'and', 'host', VIP], { timeoutMs: 20_000 });
    crash(m);
    await waitForVip(lab, 'd2', VIP, true, 6_000);
    await sleep(300);
    const arp = await cap.stop();
    expect(arp).toContain(`${await macOf('d2')} > ff:ff:ff:ff:ff:ff`);
    expect(arp).toMatch(new RegExp(`Request who-has ${VIP.replaceAll('.', '\\.')} .*tell ${VIP.replaceAll('.', '\\.')}`));

    // The restarted master waits a full Master_Down_Interval (its peer's adverts are lower), then preempts.
    const again = start('d1', 'kts', masterConf);
    await again.proc.waitFor(/Entering MASTER STATE/, 15_000);
    await waitForVip(lab, 'd2', VIP, false, 3_000);
    expect(await vipsOn(lab, 'd1')).toContain(VIP);
  });

  it('nopreempt: a higher-priority director that comes back does not take the VIP', async () => {
    const low = start('d2', 'kts', vrrpConf({ state: 'BACKUP', priority: 100, vip: VIP_CIDR, nopreempt: true }));
    await waitForVip(lab, 'd2', VIP, true, 10_000);
    await low.proc.waitFor(/Entering MASTER STATE/, 1_000);
    const high = start('d1', 'kts', vrrpConf({ state: 'BACKUP', priority: 150, vip: VIP_CIDR, nopreempt: true }));
    await high.proc.waitFor(/Entering BACKUP STATE/, 5_000);
    await sleep(5_000); // more than its Master_Down_Interval (3 s + skew)
    expect(await vipsOn(lab, 'd2')).toContain(VIP);
    expect(await vipsOn(lab, 'd1')).not.toContain(VIP);
  });

  it('SIGTERM: the master sends priority 0 and the backup takes over within about the skew time', async () => {
    const m = start('d1', 'kts', vrrpConf({ state: 'MASTER', priority: 150, vip: VIP_CIDR }));
    const b = start('d2', 'kts', vrrpConf({ state: 'BACKUP', priority: 100, vip: VIP_CIDR }));
    await waitForVip(lab, 'd1', VIP, true, 10_000);
    await b.proc.waitFor(/Entering BACKUP STATE/, 5_000);
    await sleep(1_200);
    const cap = await lab.tcpdump('obs', 'eth0', ['proto', '112'], { timeoutMs: 20_000 });
    const t0 = Date.now();
    await stopGracefully(m);
    await waitForVip(lab, 'd2', VIP, true, 3_000);
    const takeoverMs = Date.now() - t0;
    expect(await vipsOn(lab, 'd1')).not.toContain(VIP);
    const wire = await cap.stop();
    expect(wire).toMatch(/10\.99\.0\.11 > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 51, prio 0/);
    // Skew_Time for priority 100 is (256-100)/256 s ≈ 0.61 s; allow for process and poll latency.
    expect(takeoverMs).toBeLessThan(1_500);
  });

  it('link down on the master: FAULT, VIP released, the backup takes over', async () => {
    const m = start('d1', 'kts', vrrpConf({ state: 'MASTER', priority: 150, vip: VIP_CIDR }));
    start('d2', 'kts', vrrpConf({ state: 'BACKUP', priority: 100, vip: VIP_CIDR }));
    await waitForVip(lab, 'd1', VIP, true, 10_000);
    await lab.exec('d1', ['ip', 'link', 'set', 'eth0', 'down']);
    await m.proc.waitFor(/Entering FAULT STATE/, 3_000);
    await waitForVip(lab, 'd2', VIP, true, 6_000);
  });

  it('track_script: a failing check lowers the master below the backup, which takes over; recovery gives it back', async () => {
    const flag = join(lab.dir, 'healthy');
    const check = join(lab.dir, 'check.sh');
    writeFileSync(flag, '');
    writeFileSync(check, `#!/bin/sh\ntest -e ${flag}\n`, { mode: 0o755 });
    const script = `vrrp_script chk_flag {\n  script "${check}"\n  interval 1\n  weight -60\n  fall 1\n  rise 1\n}\n`;
    const m = start('d1', 'kts', script + vrrpConf({ state: 'MASTER', priority: 150, vip: VIP_CIDR, extra: 'track_script {\n    chk_flag\n  }' }));
    start('d2', 'kts', vrrpConf({ state: 'BACKUP', priority: 100, vip: VIP_CIDR }));
    await waitForVip(lab, 'd1', VIP, true, 10_000);
    rmSync(flag);
    await m.proc.waitFor(/VRRP_Script\(chk_flag\) failed/, 5_000);
    await waitForVip(lab, 'd2', VIP, true, 6_000); // d1 now advertises 90 < 100: d2 preempts
    await waitForVip(lab, 'd1', VIP, false, 3_000);
    writeFileSync(flag, '');
    await waitForVip(lab, 'd1', VIP, true, 8_000);
  });

  it('partition and heal: after the bridge port comes back exactly one master holds the VIP and re-announces it', async () => {
    // Whether the winner hears the loser's advert before the loser yields is a race; keepalived's
    // vrrp_higher_prio_send_advert makes the yielding master send one last advert, so the winner
    // always re-asserts with a GARP (the point of this test).
    const heal = 'vrrp_higher_prio_send_advert';
    start('d1', 'kts', vrrpConf({ state: 'MASTER', priority: 150, vip: VIP_CIDR, global: heal }));
    start('d2', 'kts', vrrpConf({ state: 'BACKUP', priority: 100, vip: VIP_CIDR, global: heal }));
    await waitForVip(lab, 'd1', VIP, true, 10_000);
    await sleep(5_500); // past d1's second GARP burst (garp_master_delay), so a GARP below comes from the heal
    // Detach d1's port from the bridge: d1 keeps carrier (no FAULT) but hears nothing.
    await lab.exec('br', ['ip', 'link', 'set', 'p0', 'nomaster']);
    await waitForVip(lab, 'd2', VIP, true, 6_000);
    expect(await vipsOn(lab, 'd1')).toContain(VIP); // split brain while partitioned
    const cap = await lab.tcpdump('obs', 'eth0', ['arp', 'and', 'host', VIP], { timeoutMs: 20_000 });
    await lab.exec('br', ['ip', 'link', 'set', 'p0', 'master', 'br0']);
    await waitForVip(lab, 'd2', VIP, false, 6_000);
    await sleep(500);
    expect(await vipsOn(lab, 'd1')).toContain(VIP);
    expect(await cap.stop()).toContain(`${await macOf('d1')} > ff:ff:ff:ff:ff:ff`);
  });
});

describe('interoperation with keepalived 2.2.7', () => {
  for (const v of [{ version: 2 as const, auth: 'pw' }, { version: 3 as const }]) {
    it(`VRRPv${v.version}: keepalived MASTER + keepalived-ts BACKUP, failover both ways`, async () => {
      const ka = start('d1', 'keepalived', vrrpConf({ state: 'MASTER', priority: 150, vip: VIP_CIDR, ...v }));
      const kts = start('d2', 'kts', vrrpConf({ state: 'BACKUP', priority: 100, vip: VIP_CIDR, ...v }));
      await waitForVip(lab, 'd1', VIP, true, 10_000);
      await kts.proc.waitFor(/Entering BACKUP STATE/, 5_000);
      await sleep(2_500); // keepalived-ts keeps accepting keepalived's adverts: no takeover
      expect(await vipsOn(lab, 'd2')).not.toContain(VIP);
      crash(ka);
      await waitForVip(lab, 'd2', VIP, true, 6_000);
      const ka2 = start('d1', 'keepalived', vrrpConf({ state: 'MASTER', priority: 150, vip: VIP_CIDR, ...v }));
      await ka2.proc.waitFor(/Entering MASTER STATE/, 15_000);
      await waitForVip(lab, 'd2', VIP, false, 3_000);
    });

    it(`VRRPv${v.version}: keepalived-ts MASTER + keepalived BACKUP, failover both ways`, async () => {
      const kts = start('d1', 'kts', vrrpConf({ state: 'MASTER', priority: 150, vip: VIP_CIDR, ...v }));
      const ka = start('d2', 'keepalived', vrrpConf({ state: 'BACKUP', priority: 100, vip: VIP_CIDR, ...v }));
      await waitForVip(lab, 'd1', VIP, true, 10_000);
      await ka.proc.waitFor(/Entering BACKUP STATE/, 5_000);
      await sleep(2_500);
      expect(await vipsOn(lab, 'd2')).not.toContain(VIP);
      crash(kts);
      await waitForVip(lab, 'd2', VIP, true, 6_000);
      const kts2 = start('d1', 'kts', vrrpConf({ state: 'MASTER', priority: 150, vip: VIP_CIDR, ...v }));
      await kts2.proc.waitFor(/Entering MASTER STATE/, 15_000);
      await waitForVip(lab, 'd2', VIP, false, 3_000);
    });
  }
});
