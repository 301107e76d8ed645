import { describe, expect, it } from 'vitest';
import { FakeClock } from '../fakes/clock.js';
import { fakeNetlink, nlError, type FakeAnswer } from '../fakes/netlink.js';
import { AttrEncoder } from '../../src/net/netlink/attr.js';
import { NetlinkConn } from '../../src/net/netlink/conn.js';
import { NLM_F_CREATE, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST, NLM_F_ACK, type NlMsg } from '../../src/net/netlink/message.js';
import { Rtnl, RtnlMonitor, type RtnlEvent } from '../../src/net/rtnl.js';
import {
  concat, decodeAddr, encodeAddr, encodeIfinfo, IFA_F_NODAD, IFLA_IFNAME, IFLA_OPERSTATE, RTM_DELADDR, RTM_GETADDR,
  RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK,
} from '../../src/net/rtnl-codec.js';
import { AttrDecoder } from '../../src/net/netlink/attr.js';

const linkMsg = (index: number, name: string, oper = 6, flags = 0x11043) => ({
  type: RTM_NEWLINK,
  payload: concat(encodeIfinfo(0, index, flags), new AttrEncoder().cstring(IFLA_IFNAME, name).u8(IFLA_OPERSTATE, oper).encode()),
});
const addrMsg = (index: number, a: number[], prefix: number) => {
  const e = encodeAddr({ index, address: Uint8Array.from(a), prefix });
  if (!e.ok) throw new Error(e.reason);
  return { type: RTM_NEWADDR, payload: e.value };
};

/** A tiny kernel: a link table and an address list, answering like rtnetlink. */
function kernel(overrides: (req: NlMsg) => FakeAnswer | undefined = () => undefined) {
  const links = [linkMsg(1, 'lo', 0, 0x10049), linkMsg(2, 'eth0')];
  const addrs = [addrMsg(1, [127, 0, 0, 1], 8), addrMsg(2, [10, 0, 0, 1], 24)];
  return fakeNetlink((req) => {
    const o = overrides(req);
    if (o) return o;
    if (req.type === RTM_GETLINK && req.flags & NLM_F_DUMP) return links;
    if (req.type === RTM_GETLINK) {
      const d = new AttrDecoder(req.payload.subarray(16));
      let name = '';
      while (d.next()) if (d.type === IFLA_IFNAME) name = d.string();
      const l = links.find((m) => new TextDecoder().decode(m.payload).includes(name));
      return l ? [l] : nlError(19);
    }
    if (req.type === RTM_GETADDR) return addrs;
    return [];
  });
}

describe('Rtnl', () => {
  it('lists links with name, flags and operstate, and gets one by name', async () => {
    const sock = kernel();
    const rtnl = new Rtnl(new NetlinkConn(sock, { clock: new FakeClock() }));
    const links = await rtnl.listLinks();
    expect(links.map((l) => [l.index, l.name, l.operstate])).toEqual([[1, 'lo', 'UNKNOWN'], [2, 'eth0', 'UP']]);
    expect(sock.requests[0]!.flags).toBe(NLM_F_REQUEST | NLM_F_DUMP);
    expect((await rtnl.getLink('eth0'))?.index).toBe(2);
    expect(await rtnl.getLink('nosuch0')).toBeUndefined();
  });

  it('lists addresses of one family with an AF-filtered dump', async () => {
    const sock = kernel();
    const rtnl = new Rtnl(new NetlinkConn(sock, { clock: new FakeClock() }));
    const addrs = await rtnl.listAddrs(4);
    expect(addrs.map((a) => [a.index, [...a.address], a.prefix])).toEqual([[1, [127, 0, 0, 1], 8], [2, [10, 0, 0, 1], 24]]);
    expect(sock.requests[0]!.payload[0]).toBe(2);
  });

  it('adds with CREATE|EXCL (or REPLACE) and ACK, and deletes with the same key', async () => {
    const sock = kernel();
    const rtnl = new Rtnl(new NetlinkConn(sock, { clock: new FakeClock() }));
    const vip = { index: 2, address: Uint8Array.from([0xfd, ...new Array<number>(14).fill(0), 1]), prefix: 64, flags: IFA_F_NODAD };
    await rtnl.addAddr(vip);
    await rtnl.addAddr(vip, { replace: true });
    await rtnl.delAddr(vip);
    const [add, rep, del] = sock.requests;
    expect(add!.type).toBe(RTM_NEWADDR);
    expect(add!.flags).toBe(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    expect(rep!.flags).toBe(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE);
    expect(del!.type).toBe(RTM_DELADDR);
    expect(decodeAddr(add!.payload)).toMatchObject({ ok: true, value: { family: 6, prefix: 64, flags: IFA_F_NODAD, index: 2 } });
  });

  it('names the operation in errors and the capability for EPERM', async () => {
    const sock = kernel((req) => req.type === RTM_NEWADDR ? nlError(17, 'ipv4: Address already assigned') : req.type === RTM_DELADDR ? nlError(1) : undefined);
    const rtnl = new Rtnl(new NetlinkConn(sock, { clock: new FakeClock() }));
    const spec = { index: 2, address: Uint8Array.from([10, 0, 0, 9]), prefix: 32 };
    await expect(rtnl.addAddr(spec)).rejects.toMatchObject({ code: 'EEXIST', message: 'add 10.0.0.9/32 on ifindex 2: EEXIST: ipv4: Address already assigned' });
    await expect(rtnl.delAddr(spec)).rejects.toMatchObject({ code: 'EPERM', message: expect.stringMatching(/CAP_NET_ADMIN/) });
    await expect(rtnl.addAddr({ ...spec, prefix: 40 })).rejects.toMatchObject({ code: 'EINVAL' });
  });

  it('retries a dump interrupted by a concurrent change', async () => {
    let n = 0;
    const sock = kernel((req) => req.type === RTM_GETLINK && n++ === 0 ? [{ ...linkMsg(2, 'eth0'), flags: NLM_F_DUMP_INTR }] : undefined);
    const rtnl = new Rtnl(new NetlinkConn(sock, { clock: new FakeClock() }));
    expect((await rtnl.listLinks()).length).toBe(2);
    expect(n).toBe(2);
  });
});

describe('RtnlMonitor', () => {
  const flush = () => new Promise((r) => setImmediate(r));

  it('emits a snapshot at start, then link and address events from seq-0 notifications', async () => {
    const sock = kernel();
    const events: RtnlEvent[] = [];
    const mon = new RtnlMonitor(sock, { clock: new FakeClock(), onEvent: (e) => events.push(e) });
    await mon.start();
    sock.notify(linkMsg(2, 'eth0', 2, 0x1002)); // DOWN
    sock.notify({ type: RTM_DELADDR, payload: addrMsg(2, [10, 0, 0, 1], 24).payload });
    sock.notify({ type: 99, payload: new Uint8Array(4) }); // not ours: ignored
    expect(events.map((e) => e.t === 'resync' ? `resync ${e.links.length} ${e.addrs.length}`
      : e.t === 'link' ? `${e.op} link ${e.link.name} ${e.link.operstate}` : `${e.op} addr ${e.addr.address.join('.')}`))
      .toEqual(['resync 2 2', 'new link eth0 DOWN', 'del addr 10.0.0.1']);
    mon.close();
    expect(sock.closed).toBe(true);
  });

  it('re-dumps after an ENOBUFS overrun, redoing a failed dump at once', async () => {
    let failDumps = 0;
    const sock = kernel((req) => (req.type === RTM_GETLINK && failDumps-- > 0 ? nlError(16) : undefined));
    const events: RtnlEvent[] = [];
    const mon = new RtnlMonitor(sock, { clock: new FakeClock(), onEvent: (e) => events.push(e) });
    await mon.start();
    failDumps = 2;
    sock.overrun();
    await flush();
    expect(events.filter((e) => e.t === 'resync')).toHaveLength(2);
    expect(sock.requests.filter((r) => r.type === RTM_GETLINK)).toHaveLength(4); // start + 2 failures + success
    mon.close();
  });

  it('falls back to a timed retry when re-dumps keep failing, and stops on close', async () => {
    const clock = new FakeClock();
    let failDumps = 0;
    const sock = kernel((req) => (req.type === RTM_GETLINK && failDumps-- > 0 ? nlError(16) : undefined));
    const events: RtnlEvent[] = [];
    const mon = new RtnlMonitor(sock, { clock, retryMs: 500, onEvent: (e) => events.push(e) });
    await mon.start();
    failDumps = 5;
    sock.overrun();
    for (let i = 0; i < 6; i++) await flush();
    expect(events.filter((e) => e.t === 'resync')).toHaveLength(1);
    expect(clock.pending()).toBe(1);
    clock.advance(500);
    for (let i = 0; i < 3; i++) await flush();
    expect(events.filter((e) => e.t === 'resync')).toHaveLength(2);
    failDumps = 5;
    sock.overrun();
    for (let i = 0; i < 6; i++) await flush();
    mon.close();
    expect(clock.pending()).toBe(0);
  });
});
