import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FakeClock } from '../../fakes/clock.js';
import { fakeNetlink, nlError } from '../../fakes/netlink.js';
import { NetlinkConn } from '../../../src/net/netlink/conn.js';
import { NetlinkError } from '../../../src/net/netlink/errors.js';
import {
  encodeMessage, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_DUMP_INTR, NLM_F_EXCL, NLM_F_MULTI, NLM_F_REQUEST,
  NLMSG_DONE, type NlMsg,
} from '../../../src/net/netlink/message.js';

const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
const RTM_NEWADDR = 20;
const bytes = (...b: number[]) => Uint8Array.from(b);

describe('NetlinkConn', () => {
  it('sends a non-dump request with REQUEST|ACK and resolves on the ACK with the replies before it', async () => {
    const sock = fakeNetlink(() => [{ type: RTM_NEWLINK, payload: bytes(1, 2, 3, 4) }]);
    const conn = new NetlinkConn(sock, { clock: new FakeClock() });
    const replies = await conn.request(RTM_GETLINK, 0, bytes(9, 9, 9, 9));
    expect(replies.map((r) => [r.type, [...r.payload]])).toEqual([[RTM_NEWLINK, [1, 2, 3, 4]]]);
    expect(sock.requests[0]!.flags).toBe(NLM_F_REQUEST | NLM_F_ACK);
    expect(sock.requests[0]!.seq).not.toBe(0);
    expect(conn.pendingCount).toBe(0);
  });

  it('collects a multipart dump until NLMSG_DONE and asks for no ACK', async () => {
    const sock = fakeNetlink(() => [1, 2, 3].map((i) => ({ type: RTM_NEWLINK, payload: bytes(i, 0, 0, 0) })));
    const conn = new NetlinkConn(sock, { clock: new FakeClock() });
    const replies = await conn.request(RTM_GETLINK, NLM_F_DUMP, new Uint8Array(16));
    expect(replies.map((r) => r.payload[0])).toEqual([1, 2, 3]);
    expect(replies.every((r) => r.flags & NLM_F_MULTI)).toBe(true);
    expect(sock.requests[0]!.flags).toBe(NLM_F_REQUEST | NLM_F_DUMP);
  });

  it('rejects with the errno name, number and extended-ack text', async () => {
    const sock = fakeNetlink(() => nlError(17, 'ipv4: Address already assigned'));
    const conn = new NetlinkConn(sock, { clock: new FakeClock() });
    const err = await conn.request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, new Uint8Array(8)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetlinkError);
    expect(err).toMatchObject({ code: 'EEXIST', errno: 17, extack: 'ipv4: Address already assigned' });
    expect((err as Error).message).toMatch(/EEXIST: ipv4: Address already assigned/);
  });

  it('times out through the injected clock and ignores the late answer', async () => {
    const clock = new FakeClock();
    let held: NlMsg | undefined;
    const notes: NlMsg[] = [];
    const sock = fakeNetlink((req) => { held = req; return 'silent'; });
    const conn = new NetlinkConn(sock, { clock, timeoutMs: 250, onNotification: (m) => notes.push(m) });
    const p = conn.request(RTM_GETLINK, 0, new Uint8Array(16));
    clock.advance(249);
    expect(conn.pendingCount).toBe(1);
    clock.advance(1);
    await expect(p).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    // A reply to the expired seq is not a notification either.
    sock.deliverRaw(encodeMessage({ type: NLMSG_DONE, flags: 0, seq: held!.seq, pid: 0, payload: new Uint8Array(4) }));
    expect(notes).toEqual([]);
    expect(clock.pending()).toBe(0);
  });

  it('matches interleaved replies by sequence number', async () => {
    const queued: NlMsg[] = [];
    const sock = fakeNetlink((req) => { queued.push(req); return 'silent'; });
    const conn = new NetlinkConn(sock, { clock: new FakeClock() });
    const a = conn.request(RTM_GETLINK, 0, bytes(0xa, 0, 0, 0));
    const b = conn.request(RTM_GETLINK, 0, bytes(0xb, 0, 0, 0));
    const [qa, qb] = queued;
    const reply = (q: NlMsg, tag: number) => encodeMessage({ type: RTM_NEWLINK, flags: 0, seq: q.seq, pid: 1, payload: bytes(tag, 0, 0, 0) });
    const ack = (q: NlMsg) => encodeMessage({ type: 2, flags: 0x100, seq: q.seq, pid: 1, payload: new Uint8Array(20) });
    sock.deliverRaw(new Uint8Array([...reply(qb!, 0xb), ...ack(qb!)]));
    sock.deliverRaw(new Uint8Array([...reply(qa!, 0xa), ...ack(qa!)]));
    expect((await a)[0]!.payload[0]).toBe(0xa);
    expect((await b)[0]!.payload[0]).toBe(0xb);
  });

  it('delivers seq-0 messages to the notification handler', () => {
    const notes: NlMsg[] = [];
    const sock = fakeNetlink(() => []);
    new NetlinkConn(sock, { clock: new FakeClock(), onNotification: (m) => notes.push(m) });
    sock.notify({ type: RTM_NEWLINK, payload: bytes(5, 0, 0, 0) });
    expect(notes.map((n) => [n.type, n.payload[0]])).toEqual([[RTM_NEWLINK, 5]]);
  });

  it('fails pending requests on a socket overrun and reports it', async () => {
    const errors: Error[] = [];
    const sock = fakeNetlink(() => 'silent');
    const conn = new NetlinkConn(sock, { clock: new FakeClock(), onSocketError: (e) => errors.push(e) });
    const p = conn.request(RTM_GETLINK, NLM_F_DUMP, new Uint8Array(16));
    sock.overrun();
    await expect(p).rejects.toMatchObject({ code: 'ENOBUFS' });
    expect(errors.map((e) => (e as Error & { code: string }).code)).toEqual(['ENOBUFS']);
  });

  it('reports an interrupted dump and a dump that ends with an error', async () => {
    const intr = fakeNetlink(() => [{ type: RTM_NEWLINK, flags: NLM_F_DUMP_INTR, payload: new Uint8Array(4) }]);
    await expect(new NetlinkConn(intr, { clock: new FakeClock() }).request(RTM_GETLINK, NLM_F_DUMP, new Uint8Array(16)))
      .rejects.toMatchObject({ code: 'EINTR' });
    const queued: NlMsg[] = [];
    const sock = fakeNetlink((r) => { queued.push(r); return 'silent'; });
    const conn = new NetlinkConn(sock, { clock: new FakeClock() });
    const p = conn.request(RTM_GETLINK, NLM_F_DUMP, new Uint8Array(16));
    const done = encodeMessage({ type: NLMSG_DONE, flags: NLM_F_MULTI, seq: queued[0]!.seq, pid: 0, payload: bytes(0xea, 0xff, 0xff, 0xff) });
    sock.deliverRaw(done);
    await expect(p).rejects.toMatchObject({ code: 'EINVAL', errno: 22 });
  });

  it('drops malformed datagrams without failing and rejects everything on close', async () => {
    const sock = fakeNetlink(() => 'silent');
    const conn = new NetlinkConn(sock, { clock: new FakeClock() });
    const p = conn.request(RTM_GETLINK, 0, new Uint8Array(16));
    sock.deliverRaw(bytes(1, 2, 3));
    expect(conn.pendingCount).toBe(1);
    conn.close();
    await expect(p).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(sock.closed).toBe(true);
    await expect(conn.request(RTM_GETLINK, 0, new Uint8Array(16))).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('turns a synchronous send failure into a rejection', async () => {
    const sock = fakeNetlink(() => []);
    sock.send = () => { throw Object.assign(new Error('sendto: Operation not permitted'), { code: 'EPERM' }); };
    const conn = new NetlinkConn(sock, { clock: new FakeClock() });
    await expect(conn.request(RTM_NEWADDR, 0, new Uint8Array(8))).rejects.toMatchObject({ code: 'EPERM' });
    expect(conn.pendingCount).toBe(0);
  });

  it('survives arbitrary datagrams and arbitrary replies to a pending request (fuzz)', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 60 }), async (junk, type, flags, payload) => {
        const queued: NlMsg[] = [];
        const sock = fakeNetlink((r) => { queued.push(r); return 'silent'; });
        const clock = new FakeClock();
        const conn = new NetlinkConn(sock, { clock, timeoutMs: 100, onNotification: () => {} });
        const p = conn.request(RTM_GETLINK, 0, new Uint8Array(16)).then(() => 'resolved', (e: unknown) => (e instanceof Error ? 'rejected' : 'odd'));
        sock.deliverRaw(junk);
        sock.deliverRaw(encodeMessage({ type, flags, seq: queued[0]!.seq, pid: 0, payload }));
        clock.advance(100);
        expect(['resolved', 'rejected']).toContain(await p);
        expect(conn.pendingCount).toBe(0);
      }), { numRuns: 300 });
  });

  it('traces the wire on request', async () => {
    const trace: string[] = [];
    const sock = fakeNetlink(() => [{ type: RTM_NEWLINK, payload: new Uint8Array(4) }]);
    const conn = new NetlinkConn(sock, { clock: new FakeClock(), onWire: (dir, m) => trace.push(`${dir} type=${m.type} flags=${m.flags}`) });
    await conn.request(RTM_GETLINK, 0, new Uint8Array(16));
    expect(trace).toEqual(['tx type=18 flags=5', 'rx type=16 flags=0', 'rx type=2 flags=256']);
  });
});
