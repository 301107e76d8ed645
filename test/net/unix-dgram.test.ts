import { describe, expect, it } from 'vitest';
import { AF_UNIX, SOCK_DGRAM, sockaddrUn, UnixDatagramSender } from '../../src/net/unix-dgram.js';
import { FakeNative } from '../fakes/native.js';

describe('sockaddrUn', () => {
  it('a path: family, the path and its NUL', () => {
    expect([...sockaddrUn('/dev/log')!]).toEqual([
      1, 0, // sun_family AF_UNIX (host order, little-endian)
      ...Buffer.from('/dev/log'), 0, // sun_path, NUL-terminated
    ]);
  });

  it("an abstract name ('@x', as NOTIFY_SOCKET writes it): a leading zero, exact length, no NUL", () => {
    expect([...sockaddrUn('@sd/notify')!]).toEqual([1, 0, 0, ...Buffer.from('sd/notify')]);
  });

  it('refuses an empty name and one longer than sun_path (108 bytes)', () => {
    expect(sockaddrUn('')).toBeNull();
    expect(sockaddrUn('@')).toBeNull();
    expect(sockaddrUn(`/${'a'.repeat(106)}`)).not.toBeNull(); // 107 + NUL = 108
    expect(sockaddrUn(`/${'a'.repeat(107)}`)).toBeNull();
    expect(sockaddrUn(`@${'a'.repeat(107)}`)).not.toBeNull();
    expect(sockaddrUn(`@${'a'.repeat(108)}`)).toBeNull();
  });
});

describe('UnixDatagramSender', () => {
  it('opens one AF_UNIX datagram socket on first send and reuses it', () => {
    const native = new FakeNative();
    const s = new UnixDatagramSender(native);
    const to = sockaddrUn('/run/x')!;
    expect(s.send(to, new Uint8Array([1]))).toBe('sent');
    expect(s.send(to, new Uint8Array([2]))).toBe('sent');
    expect(native.sockets.map((x) => [x.domain, x.type])).toEqual([[AF_UNIX, SOCK_DGRAM]]);
    expect(native.sent.map((x) => [...x.data])).toEqual([[1], [2]]);
    expect(native.sent[0]!.to).toEqual(to);
    s.close();
    expect(native.sockets[0]!.closed).toBe(true);
  });

  it('tells a missing listener, a full queue and other errors apart, never throwing', () => {
    const native = new FakeNative();
    const s = new UnixDatagramSender(native);
    const to = sockaddrUn('/run/x')!;
    native.failSends = 'ENOENT';
    expect(s.send(to, new Uint8Array(1))).toBe('no-listener');
    native.failSends = 'ECONNREFUSED';
    expect(s.send(to, new Uint8Array(1))).toBe('no-listener');
    native.failSends = 'EAGAIN';
    expect(s.send(to, new Uint8Array(1))).toBe('queue-full');
    native.failSends = 'EPROTOTYPE';
    expect(s.send(to, new Uint8Array(1))).toEqual({ error: 'EPROTOTYPE' });
    native.failSends = undefined;
    native.failSocket = 'EMFILE';
    const fresh = new UnixDatagramSender(native);
    expect(fresh.send(to, new Uint8Array(1))).toEqual({ error: 'EMFILE' });
    expect(fresh.send(to, new Uint8Array(1))).toBe('sent');
  });
});
