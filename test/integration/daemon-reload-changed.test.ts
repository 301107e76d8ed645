/**
 * SIGHUP with a changed VRRP instance, on the wire (semantics §2.11): keepalived keeps a matched
 * instance running (reload_master), so a MASTER whose priority, advert_int or VIPs changed keeps
 * its VIP, sends no priority-0 advert and the backup never takes over; a priority below the
 * backup's lets the backup preempt as on the wire; an instance removed by the reload still
 * releases with priority 0; a sync group with the same members continues too. VRRPv3, so the
 * backup learns a changed advert_int instead of dropping the adverts (v2 requires equal intervals
 * on both sides). The tests run in order on one lab: each starts from the state the last one left.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDirectorPrerequisites, startDirector, vipsOn, vrrpConf, waitForVip, type Director, type VrrpConfOptions } from './helpers/directors.js';
import { createLab, sleep, until, type Capture, type Lab } from './helpers/netns.js';

const VIP = '10.99.0.200';
const VIP2 = '10.99.0.201';
const D1 = '10.99.0.11';
let lab: Lab;
let master: Director;
let backup: Director;

const conf = (o: Partial<VrrpConfOptions> & Pick<VrrpConfOptions, 'priority'>) =>
  vrrpConf({ state: 'BACKUP', version: 3, vip: `${VIP}/24`, ...o });

beforeAll(async () => {
  requireDirectorPrerequisites(['kts']);
  lab = await createLab('reloadchg', {
    namespaces: ['d1', 'd2', 'obs'],
    bridge: [
      { ns: 'd1', ifname: 'eth0', addrs: ['10.99.0.11/24'] },
      { ns: 'd2', ifname: 'eth0', addrs: ['10.99.0.12/24'] },
      { ns: 'obs', ifname: 'eth0', addrs: ['10.99.0.100/24'] },
    ],
  });
  master = startDirector(lab, 'd1', 'kts', conf({ state: 'MASTER', priority: 150 }));
  await waitForVip(lab, 'd1', VIP, true, 15_000);
  backup = startDirector(lab, 'd2', 'kts', conf({ priority: 100 }));
  await backup.proc.waitFor(/Entering BACKUP STATE/, 10_000);
  await sleep(6_000); // past the second GARP burst (garp_master_delay 5 s)
}, 60_000);

afterAll(async () => {
  await lab?.cleanup();
});

const logAfter = (d: Director, mark: number) => d.proc.stdout().slice(mark);

/** Adverts for VRID 51 in a capture: sender, priority, interval (cs). */
function adverts(text: string): { src: string; prio: number; intvlCs: number }[] {
  return [...text.matchAll(/(\d+\.\d+\.\d+\.\d+) > 224\.0\.0\.18: VRRPv3, Advertisement, vrid 51, prio (\d+), intvl (\d+)cs/g)]
    .map((m) => ({ src: m[1]!, prio: Number(m[2]), intvlCs: Number(m[3]) }));
}

/**
 * Rewrites d1's file, sends SIGHUP while capturing adverts and ARP, and polls both namespaces
 * every 100 ms for `watchMs`: the VIP must never leave d1 nor appear on d2.
 */
async function reloadMasterWatching(next: string, watchMs: number): Promise<{ wire: string; arp: string; log: string }> {
  const vrrpCap: Capture = await lab.tcpdump('obs', 'eth0', ['proto', '112'], { timeoutMs: watchMs + 15_000 });
  const arpCap: Capture = await lab.tcpdump('obs', 'eth0', ['arp'], { timeoutMs: watchMs + 15_000 });
  const mark = master.proc.stdout().length;
  const backupMark = backup.proc.stdout().length;
  writeFileSync(master.conf, next);
  process.kill(master.proc.pid, 'SIGHUP');
  const deadline = Date.now() + watchMs;
  while (Date.now() < deadline) {
    expect(await vipsOn(lab, 'd1')).toContain(VIP);
    expect(await vipsOn(lab, 'd2')).not.toContain(VIP);
    await sleep(100);
  }
  expect(logAfter(master, mark)).toMatch(/Configuration reloaded/);
  expect(logAfter(master, mark)).not.toMatch(/Entering (BACKUP|MASTER|FAULT) STATE/);
  expect(logAfter(backup, backupMark)).not.toMatch(/Entering MASTER STATE/);
  return { wire: await vrrpCap.stop(), arp: await arpCap.stop(), log: logAfter(master, mark) };
}

describe('SIGHUP with a changed instance', () => {
  it('priority 150 -> 140 and a second VIP: the first VIP stays, the new one is added and announced, adverts carry 140, never priority 0', async () => {
    const r = await reloadMasterWatching(conf({ state: 'MASTER', priority: 140, vip: `${VIP}/24\n    ${VIP2}/24` }), 4_000);
    expect(await vipsOn(lab, 'd1')).toContain(VIP2);
    expect(await vipsOn(lab, 'd2')).not.toContain(VIP2);
    const fromD1 = adverts(r.wire).filter((a) => a.src === D1).map((a) => a.prio);
    expect(fromD1).not.toContain(0);
    // Some 150s before the HUP, then only 140s (advert_int 1 s over about 4 s).
    const first140 = fromD1.indexOf(140);
    expect(first140).toBeGreaterThanOrEqual(0);
    expect(fromD1.slice(first140).every((p) => p === 140)).toBe(true);
    expect(fromD1.slice(first140).length).toBeGreaterThanOrEqual(3);
    expect(adverts(r.wire).filter((a) => a.src !== D1)).toEqual([]); // the backup stayed silent
    expect(r.arp).toContain(`tell ${VIP2}`); // the added VIP is announced
  });

  it('advert_int 1 s -> 2 s (and a VIP prefix changed): adverts go out every 2 s with intvl 200cs, the backup follows and stays BACKUP', async () => {
    // Re-adding VIP2 as /32 deletes the /24 first: our own deletion must not read as "VIP deleted externally".
    const r = await reloadMasterWatching(conf({ state: 'MASTER', priority: 140, advertInt: 2, vip: `${VIP}/24\n    ${VIP2}/32` }), 9_000);
    const addrs = (await lab.exec('d1', ['ip', '-o', 'addr', 'show', 'dev', 'eth0'])).stdout;
    expect(addrs).toContain(`${VIP2}/32`);
    expect(addrs).not.toContain(`${VIP2}/24`);
    const fromD1 = adverts(r.wire).filter((a) => a.src === D1);
    expect(fromD1.map((a) => a.prio)).not.toContain(0);
    const after = fromD1.slice(fromD1.findIndex((a) => a.intvlCs === 200));
    expect(after.length).toBeGreaterThanOrEqual(4);
    expect(after.length).toBeLessThanOrEqual(6); // about 9 s at 2 s, not at 1 s
    expect(after.every((a) => a.intvlCs === 200 && a.prio === 140)).toBe(true);
    expect(r.arp).not.toContain(`tell ${VIP}`); // nothing added: no gratuitous ARP
  });

  it('a priority below the backup: the backup takes over by preemption, without a priority-0 advert', async () => {
    const cap = await lab.tcpdump('obs', 'eth0', ['proto', '112'], { timeoutMs: 30_000 });
    const mark = master.proc.stdout().length;
    writeFileSync(master.conf, conf({ state: 'MASTER', priority: 90, advertInt: 2, vip: `${VIP}/24\n    ${VIP2}/32` }));
    process.kill(master.proc.pid, 'SIGHUP');
    await waitForVip(lab, 'd2', VIP, true, 12_000);
    await waitForVip(lab, 'd1', VIP, false, 5_000);
    await sleep(1_000);
    const wire = await cap.stop();
    const fromD1 = adverts(wire).filter((a) => a.src === D1).map((a) => a.prio);
    expect(fromD1).toContain(90);
    expect(fromD1).not.toContain(0);
    expect(adverts(wire).some((a) => a.src === '10.99.0.12' && a.prio === 100)).toBe(true);
    expect(logAfter(master, mark)).toMatch(/Entering BACKUP STATE/);
    expect(await vipsOn(lab, 'd1')).not.toContain(VIP2);
  });

  it('a reload that removes the instance still releases it with priority 0 (here: the new master d2)', async () => {
    const cap = await lab.tcpdump('obs', 'eth0', ['proto', '112'], { timeoutMs: 30_000 });
    writeFileSync(backup.conf, conf({ priority: 100, vrid: 52, vip: '10.99.0.220/24' }));
    process.kill(backup.proc.pid, 'SIGHUP');
    await waitForVip(lab, 'd1', VIP, true, 8_000);
    await until(async () => (!(await vipsOn(lab, 'd2')).includes(VIP) ? true : undefined), 5_000, `${VIP} to leave d2`);
    const wire = await cap.stop();
    expect(adverts(wire).some((a) => a.src === '10.99.0.12' && a.prio === 0)).toBe(true);
  });

  it('a sync group whose members changed priority continues: both VIPs stay, no priority 0, no group re-sync', async () => {
    const VIP3 = '10.99.0.203';
    const group = (state: 'MASTER' | 'BACKUP', priority: number, vi2Vips: string) => `global_defs {
  router_id lab
  vrrp_version 3
}
vrrp_sync_group G1 {
  group {
    VI_1
    VI_2
  }
}
vrrp_instance VI_1 {
  state ${state}
  interface eth0
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  virtual_ipaddress {
    ${VIP}/24
  }
}
vrrp_instance VI_2 {
  state ${state}
  interface eth0
  virtual_router_id 53
  priority ${priority}
  advert_int 1
  virtual_ipaddress {
    ${vi2Vips}
  }
}
`;
    // Set-up: both directors now run the group (a member that was not grouped before restarts).
    writeFileSync(backup.conf, group('BACKUP', 100, `${VIP3}/24`));
    process.kill(backup.proc.pid, 'SIGHUP');
    writeFileSync(master.conf, group('MASTER', 150, `${VIP3}/24`));
    process.kill(master.proc.pid, 'SIGHUP');
    await waitForVip(lab, 'd1', VIP3, true, 15_000);
    await waitForVip(lab, 'd2', VIP, false, 5_000);
    await sleep(6_000);

    const cap = await lab.tcpdump('obs', 'eth0', ['proto', '112'], { timeoutMs: 20_000 });
    const mark = master.proc.stdout().length;
    writeFileSync(master.conf, group('MASTER', 140, `${VIP3}/24\n    ${VIP2}/24`));
    process.kill(master.proc.pid, 'SIGHUP');
    const deadline = Date.now() + 4_000;
    while (Date.now() < deadline) {
      const d1 = await vipsOn(lab, 'd1');
      expect(d1).toContain(VIP);
      expect(d1).toContain(VIP3);
      expect(await vipsOn(lab, 'd2')).not.toContain(VIP3);
      await sleep(100);
    }
    expect(await vipsOn(lab, 'd1')).toContain(VIP2);
    const wire = await cap.stop();
    const log = logAfter(master, mark);
    expect(log).toMatch(/Configuration reloaded/);
    expect(log).not.toMatch(/Entering (BACKUP|MASTER|FAULT) STATE|Syncing instances/);
    const vrid53 = [...wire.matchAll(/10\.99\.0\.11 > 224\.0\.0\.18: VRRPv3, Advertisement, vrid 53, prio (\d+)/g)].map((m) => Number(m[1]));
    expect(vrid53).not.toContain(0);
    expect(vrid53.at(-1)).toBe(140);
    expect(adverts(wire).filter((a) => a.src === D1).map((a) => a.prio)).not.toContain(0);
  });

  it('after the reloads, an `ip addr del` of a VIP by someone else still reads as VIP deleted externally', async () => {
    // The reload's own deletion of an old prefix is told apart by prefix; a real external delete matches.
    const mark = master.proc.stdout().length;
    await lab.exec('d1', ['ip', 'addr', 'del', `${VIP}/24`, 'dev', 'eth0']);
    // The two lines are separate writes and may reach our pipe in separate reads: wait for both.
    const inOrder = /\(VI_1\) VIP deleted externally - going to BACKUP[\s\S]*\(VI_1\) Entering BACKUP STATE/;
    await until(() => (inOrder.test(logAfter(master, mark)) ? true : undefined), 5_000, 'VI_1 to log the external delete, then BACKUP');
  });
});
