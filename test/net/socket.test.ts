import { describe, expect, it } from 'vitest';
import { DatagramSocket, intBytes } from '../../src/net/socket.js';
import type { Received } from '../../src/net/native.js';
import { FakeNative } from '../fakes/native.js';

const open = (n: FakeNative) => new DatagramSocket(n.socket(16, 3, 0), n);

describe('DatagramSocket', () => {
  it('drains at most 64 datagrams per readiness callback, in order', () => {
    const n = new FakeNative();
    const s = open(n);
    const got: number[] = [];
    s.receive({ bufSize: 16 }, (r) => got.push(r.data[0]!), () => {});
    const fd = n.sockets[0]!;
    for (let i = 0; i < 100; i++) fd.inbox.push({ data: Uint8Array.from([i]), from: new Uint8Array(0), control: new Uint8Array(0) });
    fd.poller!.onReadable();
    expect(got).toHaveLength(64);
    fd.poller!.onReadable(); // level-triggered: libuv calls again while data is queued
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('reports receive errors and keeps draining; reports truncation through the datagram', () => {
    const n = new FakeNative();
    const s = open(n);
    const errors: string[] = [];
    const got: Received[] = [];
    s.receive({ bufSize: 4 }, (r) => got.push(r), (e) => errors.push((e as Error & { code: string }).code));
    const real = n.recvmsg.bind(n);
    let calls = 0;
    n.recvmsg = (fd: number, size: number) => {
      if (calls++ === 0) throw Object.assign(new Error('recvmsg: ENOBUFS'), { code: 'ENOBUFS' });
      return real(fd, size);
    };
    n.deliver(n.sockets[0]!.fd, { data: Uint8Array.from([1, 2, 3, 4, 5, 6]) });
    expect(errors).toEqual(['ENOBUFS']);
    expect(got.map((r) => [r.length, r.data.length, r.truncated])).toEqual([[6, 4, true]]);
  });

  it('a handler may close the socket mid-drain; close stops polling before closing the fd', () => {
    const n = new FakeNative();
    const s = open(n);
    const got: number[] = [];
    s.receive({ bufSize: 16 }, (r) => { got.push(r.data[0]!); s.close(); }, () => {});
    const fd = n.sockets[0]!;
    fd.inbox.push({ data: Uint8Array.from([1]), from: new Uint8Array(0), control: new Uint8Array(0) });
    fd.inbox.push({ data: Uint8Array.from([2]), from: new Uint8Array(0), control: new Uint8Array(0) });
    fd.poller!.onReadable();
    expect(got).toEqual([1]);
    expect(fd.poller!.closed).toBe(true);
    expect(fd.closed).toBe(true);
    expect(s.isClosed).toBe(true);
    s.close(); // idempotent
  });

  it('unref applies to a poller started later; options are C ints', () => {
    const n = new FakeNative();
    const s = open(n);
    s.unref();
    s.receive({ bufSize: 16 }, () => {}, () => {});
    expect(n.sockets[0]!.poller!.refd).toBe(false);
    expect(intBytes(256)).toEqual(Uint8Array.from([0, 1, 0, 0]));
    expect(intBytes(-1)).toEqual(Uint8Array.from([255, 255, 255, 255]));
  });
});
