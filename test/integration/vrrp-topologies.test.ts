/**
 * VRRP topologies beyond multicast IPv4 (vrrp-failover.test.ts has that), between real daemons in
 * network namespaces: unicast peers (with unicast_ttl checked on the wire), IPv6 VRRPv3 (VIP moves,
 * unsolicited NA after takeover) and a vrrp_sync_group over two interfaces whose members leave
 * MASTER together when one interface fails. keepalived-ts against itself and against keepalived 2.2.7.
 *
 * Two bridges in the 'br' namespace: br0 (eth0 of d1, d2 and the observer) and br1 (eth1 of d1, d2).
 * Multicast snooping is off on both so the observer sees every multicast advert and NA.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  crash, requireDirectorPrerequisites, startDirector, vipsOn, vrrpConf, waitForVip, type Director, type VrrpConfOptions,
} from './helpers/directors.js';
import { createLab, run, sleep, until, type Capture, type Lab } from './helpers/netns.js';

const D1 = { v4: '10.97.0.11', v6: 'fd00:97::11' };
const D2 = { v4: '10.97.0.12', v6: 'fd00:97::12' };
const VIP4 = '10.97.0.200';
const VIP6 = 'fd00:97::200';
/** A second VIP on eth0 and a secondary address of d1 to advertise from. */
const VIP4_2 = '10.97.0.201';
const D1_SECONDARY = '10.97.0.21';
/** The second interface's network and VIP (sync group). */
const VIP_B = '10.96.0.200';

let lab: Lab;
let running: Director[] = [];

const start = (ns: string, kind: 'kts' | 'keepalived', conf: string) => {
  const d = startDirector(lab, ns, kind, conf);
  running.push(d);
  return d;
};

/** A veth from `ns` into the bridge `bridge` of the 'br' namespace (createLab makes only br0). */
async function plugInto(bridge: string, port: string, ns: string, ifname: string, addr: string): Promise<void> {
  const r = await run('ip', ['link', 'add', ifname, 'netns', lab.ns(ns), 'type', 'veth', 'peer', 'name', port, 'netns', lab.ns('br')], 10_000);
  if (r.code !== 0) throw new Error(`veth ${ns}:${ifname} <-> br:${port}: ${r.stderr}`);
  await lab.exec(ns, ['ip', 'addr', 'add', addr, 'dev', ifname]);
  await lab.exec(ns, ['ip', 'link', 'set', ifname, 'up']);
  await lab.exec('br', ['ip', 'link', 'set', port, 'master', bridge, 'up']);
}

beforeAll(async () => {
  requireDirectorPrerequisites(['kts', 'keepalived']);
  lab = await createLab('vrrp-topo', {
    namespaces: ['d1', 'd2', 'obs'],
    bridge: [
      { ns: 'd1', ifname: 'eth0', addrs: [`${D1.v4}/24`, `${D1.v6}/64`] },
      { ns: 'd2', ifname: 'eth0', addrs: [`${D2.v4}/24`, `${D2.v6}/64`] },
      { ns: 'obs', ifname: 'eth0', addrs: ['10.97.0.100/24', 'fd00:97::100/64'] },
    ],
  });
  await lab.exec('br', ['ip', 'link', 'add', 'br1', 'type', 'bridge']);
  for (const br of ['br0', 'br1']) await lab.exec('br', ['ip', 'link', 'set', br, 'type', 'bridge', 'mcast_snooping', '0']);
  await lab.exec('br', ['ip', 'link', 'set', 'br1', 'up']);
  await plugInto('br1', 'q0', 'd1', 'eth1', '10.96.0.11/24');
  await plugInto('br1', 'q1', 'd2', 'eth1', '10.96.0.12/24');
});

afterAll(async () => {
  await lab?.cleanup();
});

beforeEach(async () => {
  for (const d of running) d.proc.kill();
  await Promise.all(running.map((d) => d.proc.exited));
  running = [];
  // A crashed director leaves its VIPs behind; every scenario starts from a clean wire.
  for (const ns of ['d1', 'd2']) {
    for (const [vip, dev] of [[`${VIP4}/24`, 'eth0'], [`${VIP4_2}/24`, 'eth0'], [`${VIP6}/64`, 'eth0'], [`${VIP_B}/24`, 'eth1']] as const) {
      await lab.exec(ns, ['ip', 'addr', 'del', vip, 'dev', dev], { allowFail: true });
    }
    for (const dev of ['eth0', 'eth1']) await lab.exec(ns, ['ip', 'link', 'set', dev, 'up']);
  }
});

interface WireAdvert {
  ttl: number;
  /** IPv4 only: identification and fragmentation flags. */
  id?: number | undefined;
  flags?: string | undefined;
  src: string;
  dst: string;
  version: number;
  vrid: number;
  prio: number;
}

/**
 * VRRP adverts in tcpdump -vv text. IPv4 prints `(tos 0xc0, ttl N, …)` and, on the next line,
 * `SRC > DST: VRRPv2, Advertisement, vrid V, prio P`; IPv6 prints `hlim N` on the same line (and
 * `(ttl N), ` after `Advertisement, ` when it is not 255).
 */
function adverts(text: string): WireAdvert[] {
  const re = /(?:ttl|hlim) (\d+),(?: id (\d+), offset \d+, flags \[([^\]]*)\],)?[^\n]*?(?:\n\s+)?([0-9a-f.:]+) > ([0-9a-f.:]+): VRRPv(\d), Advertisement, (?:\(ttl \d+\), )?vrid (\d+), prio (\d+)/g;
  return [...text.matchAll(re)].map((m) => ({
    ttl: Number(m[1]), id: m[2] === undefined ? undefined : Number(m[2]), flags: m[3],
    src: m[4]!, dst: m[5]!, version: Number(m[6]), vrid: Number(m[7]), prio: Number(m[8]),
  }));
}

/** Captures VRRP on an interface for `ms` and returns the adverts seen. */
async function captureAdverts(ns: string, ifname: string, ms: number): Promise<{ adverts: WireAdvert[]; text: string }> {
  const cap: Capture = await lab.tcpdump(ns, ifname, ['proto', '112'], { timeoutMs: ms + 10_000 });
  await sleep(ms);
  const text = await cap.stop();
  return { adverts: adverts(text), text };
}

/**
 * Longer than a priority-100 backup's Master_Down_Interval (3 × 1 s + skew 0.61 s): a backup started
 * after the master holds the VIP that is still BACKUP after this has accepted the master's adverts.
 */
const OUTLAST_MASTER_DOWN = 4_000;

function stayedBackup(d: Director, ns: string, vip: string): void {
  expect(d.proc.stdout(), `${d.kind} in ${ns} must not take ${vip}`).not.toMatch(/Entering MASTER STATE/);
}

const unicast = (src: string, peer: string, ttl?: number): string =>
  `unicast_src_ip ${src}\n  unicast_peer {\n    ${peer}\n  }\n  ${ttl === undefined ? '' : `unicast_ttl ${ttl}`}`;

const linkLocal = async (ns: string, ifname = 'eth0'): Promise<string> => {
  const r = await lab.exec(ns, ['ip', '-6', '-o', 'addr', 'show', 'dev', ifname, 'scope', 'link']);
  const m = /inet6 (fe80::[0-9a-f:]+)\//.exec(r.stdout);
  if (!m) throw new Error(`${ns}:${ifname} has no IPv6 link-local address: ${r.stdout}`);
  return m[1]!;
};

describe('unicast peers (IPv4)', () => {
  it('keepalived-ts pair: adverts go only to the peer with the configured unicast_ttl; a SIGKILLed master fails over', async () => {
    const conf = (o: Pick<VrrpConfOptions, 'state' | 'priority'>, self: string, peer: string, ttl: number) =>
      vrrpConf({ ...o, vip: `${VIP4}/24`, auth: 'uni', extra: unicast(self, peer, ttl) });
    const m = start('d1', 'kts', conf({ state: 'MASTER', priority: 150 }, D1.v4, D2.v4, 7));
    await waitForVip(lab, 'd1', VIP4, true, 10_000);
    const b = start('d2', 'kts', conf({ state: 'BACKUP', priority: 100 }, D2.v4, D1.v4, 9));
    await b.proc.waitFor(/Entering BACKUP STATE/, 5_000);

    const fromMaster = await captureAdverts('d2', 'eth0', OUTLAST_MASTER_DOWN);
    expect(fromMaster.adverts.length, fromMaster.text).toBeGreaterThanOrEqual(3);
    for (const a of fromMaster.adverts) expect(a).toMatchObject({ src: D1.v4, dst: D2.v4, ttl: 7, vrid: 51, prio: 150, flags: 'none' });
    expect(fromMaster.text).not.toContain('224.0.0.18');
    // keepalived's IPv4 header: an ID counter per instance, one step per advert, no DF.
    const ids = fromMaster.adverts.map((a) => a.id!);
    expect(ids.slice(1).map((id, i) => (id - ids[i]! + 0x10000) % 0x10000), fromMaster.text).toEqual(ids.slice(1).map(() => 1));
    stayedBackup(b, 'd2', VIP4); // the backup hears the unicast adverts
    expect(await vipsOn(lab, 'd2')).not.toContain(VIP4);

    crash(m);
    await waitForVip(lab, 'd2', VIP4, true, 6_000);
    const fromNewMaster = await captureAdverts('d1', 'eth0', 2_500);
    expect(fromNewMaster.adverts.length, fromNewMaster.text).toBeGreaterThanOrEqual(2);
    for (const a of fromNewMaster.adverts) expect(a).toMatchObject({ src: D2.v4, dst: D1.v4, ttl: 9, prio: 100 });
  });

  it('without unicast_ttl, unicast adverts carry TTL 255', async () => {
    start('d1', 'kts', vrrpConf({ state: 'MASTER', priority: 150, vip: `${VIP4}/24`, extra: unicast(D1.v4, D2.v4) }));
    await waitForVip(lab, 'd1', VIP4, true, 10_000);
    const seen = await captureAdverts('d2', 'eth0', 1_500);
    expect(seen.adverts.length, seen.text).toBeGreaterThanOrEqual(1);
    for (const a of seen.adverts) expect(a).toMatchObject({ src: D1.v4, dst: D2.v4, ttl: 255 });
  });

  it('keepalived 2.2.7 MASTER + keepalived-ts BACKUP (VRRPv2, PASS): the backup follows keepalived\'s unicast adverts and takes over on SIGKILL', async () => {
    const o = { vip: `${VIP4}/24`, auth: 'pw', version: 2 as const };
    const ka = start('d1', 'keepalived', vrrpConf({ ...o, state: 'MASTER', priority: 150, extra: unicast(D1.v4, D2.v4, 20) }));
    await waitForVip(lab, 'd1', VIP4, true, 10_000);
    const kts = start('d2', 'kts', vrrpConf({ ...o, state: 'BACKUP', priority: 100, extra: unicast(D2.v4, D1.v4, 30) }));
    await kts.proc.waitFor(/Entering BACKUP STATE/, 5_000);
    const fromKa = await captureAdverts('d2', 'eth0', OUTLAST_MASTER_DOWN);
    expect(fromKa.adverts.length, fromKa.text).toBeGreaterThanOrEqual(3);
    for (const a of fromKa.adverts) expect(a).toMatchObject({ src: D1.v4, dst: D2.v4, ttl: 20, version: 2 });
    stayedBackup(kts, 'd2', VIP4);
    expect(await vipsOn(lab, 'd2')).not.toContain(VIP4);

    crash(ka);
    await waitForVip(lab, 'd2', VIP4, true, 6_000);
    const fromKts = await captureAdverts('d1', 'eth0', 1_500);
    expect(fromKts.adverts.length, fromKts.text).toBeGreaterThanOrEqual(1);
    for (const a of fromKts.adverts) expect(a).toMatchObject({ src: D2.v4, dst: D1.v4, ttl: 30, version: 2 });
  });

  it('keepalived-ts MASTER + keepalived 2.2.7 BACKUP (VRRPv3, whose checksum covers the unicast destination): keepalived stays BACKUP, then takes over on SIGKILL', async () => {
    const o = { vip: `${VIP4}/24`, version: 3 as const };
    const kts = start('d1', 'kts', vrrpConf({ ...o, state: 'MASTER', priority: 150, extra: unicast(D1.v4, D2.v4, 40) }));
    await waitForVip(lab, 'd1', VIP4, true, 10_000);
    const ka = start('d2', 'keepalived', vrrpConf({ ...o, state: 'BACKUP', priority: 100, extra: unicast(D2.v4, D1.v4) }));
    await ka.proc.waitFor(/Entering BACKUP STATE/, 5_000);
    const fromKts = await captureAdverts('d2', 'eth0', OUTLAST_MASTER_DOWN);
    expect(fromKts.adverts.length, fromKts.text).toBeGreaterThanOrEqual(3);
    for (const a of fromKts.adverts) expect(a).toMatchObject({ src: D1.v4, dst: D2.v4, ttl: 40, version: 3 });
    stayedBackup(ka, 'd2', VIP4);
    expect(await vipsOn(lab, 'd2')).not.toContain(VIP4);

    crash(kts);
    await waitForVip(lab, 'd2', VIP4, true, 6_000);
  });
});

describe('instances sharing an interface', () => {
  it('a unicast instance from a secondary address next to a multicast one: each advertises from its own source and the multicast one hears the group', async () => {
    const peer = start('d2', 'kts', vrrpConf({ state: 'MASTER', priority: 200, vrid: 52, vip: `${VIP4}/24` }));
    await waitForVip(lab, 'd2', VIP4, true, 10_000);
    await lab.exec('d1', ['ip', 'addr', 'add', `${D1_SECONDARY}/24`, 'dev', 'eth0']);
    try {
      // The unicast instance comes first: it opens the interface's sockets.
      const d1 = start('d1', 'kts', `global_defs {
  router_id shared
}
vrrp_instance VI_U {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  ${unicast(D1_SECONDARY, D2.v4)}
  virtual_ipaddress {
    ${VIP4_2}/24
  }
}
vrrp_instance VI_M {
  state BACKUP
  interface eth0
  virtual_router_id 52
  priority 100
  advert_int 1
  virtual_ipaddress {
    ${VIP4}/24
  }
}
`);
      await d1.proc.waitFor(/\(VI_U\) Entering MASTER STATE/, 8_000); // nobody else runs VRID 51
      await sleep(OUTLAST_MASTER_DOWN);
      expect(d1.proc.stdout()).not.toMatch(/\(VI_M\) Entering MASTER STATE/); // it hears d2 on 224.0.0.18
      expect(await vipsOn(lab, 'd1')).not.toContain(VIP4);

      crash(peer);
      await d1.proc.waitFor(/\(VI_M\) Entering MASTER STATE/, 6_000);
      const seen = await captureAdverts('d2', 'eth0', 2_500);
      const of = (vrid: number) => seen.adverts.filter((a) => a.vrid === vrid);
      expect(of(51).length, seen.text).toBeGreaterThanOrEqual(2);
      expect(of(52).length, seen.text).toBeGreaterThanOrEqual(2);
      for (const a of of(51)) expect(a).toMatchObject({ src: D1_SECONDARY, dst: D2.v4 });
      for (const a of of(52)) expect(a).toMatchObject({ src: D1.v4, dst: '224.0.0.18', ttl: 255 });
    } finally {
      await lab.exec('d1', ['ip', 'addr', 'del', `${D1_SECONDARY}/24`, 'dev', 'eth0'], { allowFail: true });
    }
  });
});

describe('IPv6 VRRPv3', () => {
  const v6conf = (o: Pick<VrrpConfOptions, 'state' | 'priority'> & { extra?: string }) => vrrpConf({ ...o, vip: `${VIP6}/64` });

  /** Starts capturing the next unsolicited NA (ICMPv6 type 136, Solicited flag clear) that `ns` sends; resolve it with `await na.done`. */
  async function nextNaFrom(ns: string): Promise<Capture> {
    const mac = await lab.mac(ns, 'eth0');
    return lab.tcpdump('obs', 'eth0', ['ether', 'src', mac, 'and', 'icmp6', 'and', 'ip6[40] == 136', 'and', '(ip6[44] & 0x40) == 0'], { count: 1, timeoutMs: 10_000 });
  }

  it('keepalived-ts pair: adverts from the link-local address to ff02::12 with hop limit 255; the VIP moves on SIGKILL and is announced with an unsolicited NA', async () => {
    const m = start('d1', 'kts', v6conf({ state: 'MASTER', priority: 150 }));
    await waitForVip(lab, 'd1', VIP6, true, 10_000);
    const b = start('d2', 'kts', v6conf({ state: 'BACKUP', priority: 100 }));
    await b.proc.waitFor(/Entering BACKUP STATE/, 5_000);
    const seen = await captureAdverts('obs', 'eth0', OUTLAST_MASTER_DOWN);
    expect(seen.adverts.length, seen.text).toBeGreaterThanOrEqual(3);
    const ll = await linkLocal('d1');
    for (const a of seen.adverts) expect(a).toMatchObject({ src: ll, dst: 'ff02::12', ttl: 255, version: 3, prio: 150 });
    stayedBackup(b, 'd2', VIP6);
    expect(await vipsOn(lab, 'd2')).not.toContain(VIP6);

    const na = await nextNaFrom('d2');
    crash(m);
    await waitForVip(lab, 'd2', VIP6, true, 6_000);
    expect(await na.done).toMatch(new RegExp(`neighbor advertisement, length \\d+, tgt is ${VIP6}[\\s\\S]*Flags \\[override\\]`));
  });

  it('unicast over IPv6: adverts go to the peer with unicast_ttl as hop limit', async () => {
    const m = start('d1', 'kts', v6conf({ state: 'MASTER', priority: 150, extra: unicast(D1.v6, D2.v6, 5) }));
    await waitForVip(lab, 'd1', VIP6, true, 10_000);
    const b = start('d2', 'kts', v6conf({ state: 'BACKUP', priority: 100, extra: unicast(D2.v6, D1.v6, 6) }));
    await b.proc.waitFor(/Entering BACKUP STATE/, 5_000);
    const seen = await captureAdverts('d2', 'eth0', OUTLAST_MASTER_DOWN);
    expect(seen.adverts.length, seen.text).toBeGreaterThanOrEqual(3);
    for (const a of seen.adverts) expect(a).toMatchObject({ src: D1.v6, dst: D2.v6, ttl: 5, version: 3 });
    expect(seen.text).not.toContain('ff02::12');
    stayedBackup(b, 'd2', VIP6);
    expect(await vipsOn(lab, 'd2')).not.toContain(VIP6);

    crash(m);
    await waitForVip(lab, 'd2', VIP6, true, 6_000);
    const fromNewMaster = await captureAdverts('d1', 'eth0', 1_500);
    expect(fromNewMaster.adverts.length, fromNewMaster.text).toBeGreaterThanOrEqual(1);
    for (const a of fromNewMaster.adverts) expect(a).toMatchObject({ src: D2.v6, dst: D1.v6, ttl: 6 });
  });

  it('keepalived 2.2.7 MASTER + keepalived-ts BACKUP: the backup follows, takes over on SIGKILL with an NA, and yields when keepalived returns', async () => {
    const ka = start('d1', 'keepalived', v6conf({ state: 'MASTER', priority: 150 }));
    await waitForVip(lab, 'd1', VIP6, true, 10_000);
    const kts = start('d2', 'kts', v6conf({ state: 'BACKUP', priority: 100 }));
    await kts.proc.waitFor(/Entering BACKUP STATE/, 5_000);
    await sleep(OUTLAST_MASTER_DOWN); // keepalived-ts accepts keepalived's adverts
    stayedBackup(kts, 'd2', VIP6);
    expect(await vipsOn(lab, 'd2')).not.toContain(VIP6);

    const na = await nextNaFrom('d2');
    crash(ka);
    await waitForVip(lab, 'd2', VIP6, true, 6_000);
    expect(await na.done).toMatch(new RegExp(`neighbor advertisement, length \\d+, tgt is ${VIP6}`));

    const ka2 = start('d1', 'keepalived', v6conf({ state: 'MASTER', priority: 150 }));
    await ka2.proc.waitFor(/Entering MASTER STATE/, 15_000);
    await waitForVip(lab, 'd2', VIP6, false, 3_000);
  });

  it('keepalived-ts MASTER + keepalived 2.2.7 BACKUP: keepalived stays BACKUP, then takes over on SIGKILL', async () => {
    const kts = start('d1', 'kts', v6conf({ state: 'MASTER', priority: 150 }));
    await waitForVip(lab, 'd1', VIP6, true, 10_000);
    const ka = start('d2', 'keepalived', v6conf({ state: 'BACKUP', priority: 100 }));
    await ka.proc.waitFor(/Entering BACKUP STATE/, 5_000);
    await sleep(OUTLAST_MASTER_DOWN);
    stayedBackup(ka, 'd2', VIP6);
    expect(await vipsOn(lab, 'd2')).not.toContain(VIP6);

    const na = await nextNaFrom('d2'); // now keepalived's NA
    crash(kts);
    await waitForVip(lab, 'd2', VIP6, true, 6_000);
    expect(await na.done).toMatch(new RegExp(`neighbor advertisement, length \\d+, tgt is ${VIP6}`));
  });
});

describe('vrrp_sync_group over two interfaces', () => {
  const groupConf = (state: 'MASTER' | 'BACKUP', priority: number) => `global_defs {
  router_id sync-${state.toLowerCase()}
}
vrrp_sync_group G1 {
  group {
    VI_A
    VI_B
  }
}
vrrp_instance VI_A {
  state ${state}
  interface eth0
  virtual_router_id 61
  priority ${priority}
  advert_int 1
  virtual_ipaddress {
    ${VIP4}/24
  }
}
vrrp_instance VI_B {
  state ${state}
  interface eth1
  virtual_router_id 62
  priority ${priority}
  advert_int 1
  virtual_ipaddress {
    ${VIP_B}/24
  }
}
`;
  const holds = async (ns: string) => [...await vipsOn(lab, ns, 'eth0'), ...await vipsOn(lab, ns, 'eth1')].filter((a) => a === VIP4 || a === VIP_B).sort() as string[];
  const waitHeld = (ns: string, vip: string, present: boolean, timeoutMs: number) =>
    until(async () => ((await holds(ns)).includes(vip) === present ? true : undefined), timeoutMs, `${vip} ${present ? 'to appear on' : 'to leave'} ${ns}`);

  for (const peerKind of ['kts', 'keepalived'] as const) {
    it(`eth1 down on the master: both members leave MASTER together and the ${peerKind === 'kts' ? 'keepalived-ts' : 'keepalived 2.2.7'} peer takes both over`, async () => {
      const m = start('d1', 'kts', groupConf('MASTER', 150));
      await waitHeld('d1', VIP4, true, 10_000);
      await waitHeld('d1', VIP_B, true, 3_000);
      const b = start('d2', peerKind, groupConf('BACKUP', 100));
      await b.proc.waitFor(/VI_B.*Entering BACKUP STATE|Entering BACKUP STATE.*VI_B/, 5_000);
      expect(await holds('d1')).toEqual([VIP_B, VIP4].sort());
      expect(await holds('d2')).toEqual([]);

      await lab.exec('d1', ['ip', 'link', 'set', 'eth1', 'down']);
      const faultA = await m.proc.waitFor(/\(VI_A\) Entering FAULT STATE/, 3_000);
      const faultB = await m.proc.waitFor(/\(VI_B\) Entering FAULT STATE/, 3_000);
      // Together: the group moves VI_A in the same turn as VI_B's own fault (log lines carry ISO times).
      const at = (line: string) => Date.parse(/^\S+/.exec(line)![0]);
      expect(Math.abs(at(faultA) - at(faultB)), `${faultB}\n${faultA}`).toBeLessThan(100);
      // VI_A's own link is fine: only the group took it out of MASTER, and its VIP went with it.
      await waitHeld('d1', VIP4, false, 3_000);
      await waitHeld('d2', VIP4, true, 6_000);
      await waitHeld('d2', VIP_B, true, 6_000);
      expect(await holds('d1')).toEqual([]);

      // Link back: the group leaves FAULT and the higher-priority director preempts both again.
      await lab.exec('d1', ['ip', 'link', 'set', 'eth1', 'up']);
      await waitHeld('d1', VIP4, true, 10_000);
      await waitHeld('d1', VIP_B, true, 3_000);
      await waitHeld('d2', VIP4, false, 3_000);
      await waitHeld('d2', VIP_B, false, 3_000);
    });
  }
});
