import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLab, type Lab } from './helpers/netns.js';

// Our rtnetlink code, run inside a namespace, against the real kernel; `ip` is the oracle.
let lab: Lab;

beforeAll(async () => {
  lab = await createLab('rtnl', {
    namespaces: ['a', 'b'],
    links: [{ a: { ns: 'a', ifname: 'eth0', addrs: ['10.88.0.1/24'] }, b: { ns: 'b', ifname: 'eth0', addrs: ['10.88.0.2/24'] } }],
  });
});
afterAll(async () => lab?.cleanup());

const ipAddrs = async (): Promise<{ local: string; prefixlen: number; label?: string; tentative?: boolean; scope: string }[]> => {
  const r = await lab.exec('a', ['ip', '-j', 'addr', 'show', 'dev', 'eth0']);
  const j = JSON.parse(r.stdout) as { addr_info: { local: string; prefixlen: number; label?: string; tentative?: boolean; scope: string }[] }[];
  return j[0]!.addr_info;
};

describe('rtnetlink against the kernel', () => {
  it('lists links and adds/removes IPv4 and IPv6 addresses that `ip addr` sees', async () => {
    const add = await lab.runTs('a', `
      import { dialRtnl } from '@repo/src/net/rtnl.ts';
      import { parseIp, formatIp } from '@repo/src/common/ip.ts';
      import { IFA_F_NODAD } from '@repo/src/net/rtnl-codec.ts';
      const r = await dialRtnl({ timeoutMs: 3000 });
      const eth0 = await r.getLink('eth0');
      const links = await r.listLinks();
      await r.addAddr({ index: eth0.index, address: parseIp('10.88.0.100').bytes, prefix: 32, label: 'eth0:vip' });
      await r.addAddr({ index: eth0.index, address: parseIp('fd00:88::100').bytes, prefix: 64, flags: IFA_F_NODAD });
      let dup;
      try { await r.addAddr({ index: eth0.index, address: parseIp('10.88.0.100').bytes, prefix: 32 }); } catch (e) { dup = { code: e.code, extack: e.extack, message: e.message }; }
      const mine = (await r.listAddrs()).filter((a) => a.index === eth0.index).map((a) => formatIp(a.address) + '/' + a.prefix);
      console.log(JSON.stringify({ eth0: { ...eth0, mac: Buffer.from(eth0.mac).toString('hex') }, names: links.map((l) => l.name), dup, mine }));
      r.close();
    `);
    const out = JSON.parse(add.stdout) as { eth0: { index: number; mtu: number; operstate: string; kind: string; mac: string }; names: string[]; dup: { code: string; extack: string; message: string }; mine: string[] };
    expect(out.eth0).toMatchObject({ index: await lab.ifindex('a', 'eth0'), mtu: 1500, operstate: 'UP', kind: 'veth' });
    expect(out.eth0.mac.replace(/(..)(?!$)/g, '$1:')).toBe(await lab.mac('a', 'eth0'));
    expect(out.names.sort()).toEqual(['eth0', 'lo']);
    expect(out.dup).toEqual({ code: 'EEXIST', extack: 'ipv4: Address already assigned', message: 'add 10.88.0.100/32 on ifindex 2: EEXIST: ipv4: Address already assigned' });
    expect(out.mine).toEqual(expect.arrayContaining(['10.88.0.1/24', '10.88.0.100/32', 'fd00:88::100/64']));

    const seen = await ipAddrs();
    expect(seen).toEqual(expect.arrayContaining([
      expect.objectContaining({ local: '10.88.0.100', prefixlen: 32, label: 'eth0:vip' }),
      expect.objectContaining({ local: 'fd00:88::100', prefixlen: 64, scope: 'global' }),
    ]));
    expect(seen.find((a) => a.local === 'fd00:88::100')?.tentative).toBeUndefined(); // NODAD: usable at once

    const del = await lab.runTs('a', `
      import { dialRtnl } from '@repo/src/net/rtnl.ts';
      import { parseIp } from '@repo/src/common/ip.ts';
      const r = await dialRtnl({ timeoutMs: 3000 });
      const eth0 = await r.getLink('eth0');
      await r.delAddr({ index: eth0.index, address: parseIp('10.88.0.100').bytes, prefix: 32 });
      await r.delAddr({ index: eth0.index, address: parseIp('fd00:88::100').bytes, prefix: 64 });
      let missing;
      try { await r.delAddr({ index: eth0.index, address: parseIp('10.88.0.100').bytes, prefix: 32 }); } catch (e) { missing = e.code; }
      console.log(JSON.stringify({ missing }));
      r.close();
    `);
    expect(JSON.parse(del.stdout)).toEqual({ missing: 'EADDRNOTAVAIL' });
    const after = (await ipAddrs()).map((a) => a.local);
    expect(after).not.toContain('10.88.0.100');
    expect(after).not.toContain('fd00:88::100');
    expect(after).toContain('10.88.0.1');
  });

  it('delivers link-down and address events to the monitor', async () => {
    const mon = lab.spawnTs('a', `
      import { openRtnlMonitor } from '@repo/src/net/rtnl.ts';
      import { formatIp } from '@repo/src/common/ip.ts';
      const m = await openRtnlMonitor({ onEvent: (e) => {
        if (e.t === 'resync') console.log(JSON.stringify({ t: 'resync', links: e.links.map((l) => l.name) }));
        else if (e.t === 'link') console.log(JSON.stringify({ t: 'link', op: e.op, name: e.link.name, up: (e.link.flags & 1) === 1, carrier: (e.link.flags & 0x10000) !== 0, oper: e.link.operstate }));
        else console.log(JSON.stringify({ t: 'addr', op: e.op, addr: formatIp(e.addr.address) + '/' + e.addr.prefix }));
      } });
      setTimeout(() => { m.close(); }, 20000);
    `);
    await mon.waitFor(/"t":"resync"/, 15_000);
    await lab.exec('a', ['ip', 'link', 'set', 'eth0', 'down']);
    const down = JSON.parse(await mon.waitFor(/"t":"link".*"up":false/, 5000)) as Record<string, unknown>;
    expect(down).toMatchObject({ t: 'link', op: 'new', name: 'eth0', up: false, oper: 'DOWN' });
    await lab.exec('a', ['ip', 'link', 'set', 'eth0', 'up']);
    await lab.exec('a', ['ip', 'addr', 'add', '10.88.0.77/32', 'dev', 'eth0']);
    expect(JSON.parse(await mon.waitFor(/10\.88\.0\.77/, 5000))).toEqual({ t: 'addr', op: 'new', addr: '10.88.0.77/32' });
    await lab.exec('a', ['ip', 'addr', 'del', '10.88.0.77/32', 'dev', 'eth0']);
    expect(JSON.parse(await mon.waitFor(/"op":"del".*10\.88\.0\.77/, 5000))).toEqual({ t: 'addr', op: 'del', addr: '10.88.0.77/32' });
    await mon.waitFor(/"up":true,"carrier":true,"oper":"UP"/, 5000);
    // The peer going down shows up here as loss of carrier: still administratively up, operstate DOWN.
    await lab.exec('b', ['ip', 'link', 'set', 'eth0', 'down']);
    expect(JSON.parse(await mon.waitFor(/"up":true,"carrier":false/, 5000))).toMatchObject({ t: 'link', name: 'eth0', oper: 'DOWN' });
    mon.kill();
  });

  it('recovers from a receive-queue overrun (ENOBUFS) by re-dumping', async () => {
    // A tiny receive buffer and a blocked event loop while 300 addresses appear: the kernel drops
    // notifications and reports ENOBUFS; the monitor must then emit a fresh snapshot with all of them.
    const mon = lab.spawnTs('a', `
      import { openRtnlMonitor } from '@repo/src/net/rtnl.ts';
      let events = 0;
      const m = await openRtnlMonitor({ rcvbuf: 4096, onEvent: (e) => {
        if (e.t === 'resync') console.log(JSON.stringify({ t: 'resync', addrs: e.addrs.filter((a) => a.address[0] === 10 && a.address[1] === 99).length, events }));
        else events++;
      } });
      console.log('blocking');
      const until = Date.now() + 3000;
      while (Date.now() < until);
      console.log('unblocked');
      setTimeout(() => m.close(), 15000);
    `);
    await mon.waitFor(/^blocking/, 15_000);
    const batch = Array.from({ length: 300 }, (_, i) => `addr add 10.99.${i >> 8}.${i & 255}/32 dev eth0`).join('\n');
    writeFileSync(join(lab.dir, 'batch'), batch);
    await lab.exec('a', ['ip', '-batch', join(lab.dir, 'batch')]);
    await mon.waitFor(/"addrs":300/, 10_000);
    const snaps = mon.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { addrs: number; events: number });
    expect(snaps[0]).toMatchObject({ addrs: 0 });
    expect(snaps.at(-1)).toMatchObject({ addrs: 300 });
    expect(snaps.at(-1)!.events).toBeLessThan(300); // events really were lost: the snapshot is what recovered them
    mon.kill();
  });
});
