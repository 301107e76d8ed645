import { describe, expect, it } from 'vitest';
import { serviceNotifier } from '../../src/daemon/sd-notify.js';
import { sockaddrUn } from '../../src/net/unix-dgram.js';
import { FakeNative } from '../fakes/native.js';

describe('serviceNotifier (sd_notify)', () => {
  it('sends READY, RELOADING with the monotonic time, and STOPPING to NOTIFY_SOCKET', () => {
    const native = new FakeNative();
    const n = serviceNotifier('@/org/freedesktop/systemd1/notify/1', () => native, () => 1234n);
    n.ready('1 VRRP instance(s)\n0 virtual server(s)');
    n.reloading();
    n.stopping();
    expect(native.sent.map((s) => Buffer.from(s.data).toString())).toEqual([
      `READY=1\nSTATUS=1 VRRP instance(s) 0 virtual server(s)\nMAINPID=${process.pid}\n`,
      'RELOADING=1\nMONOTONIC_USEC=1234\n',
      'STOPPING=1\n',
    ]);
    expect(native.sent.every((s) => Buffer.from(s.to!).equals(Buffer.from(sockaddrUn('@/org/freedesktop/systemd1/notify/1')!)))).toBe(true);
  });

  it('does nothing (and opens nothing) without NOTIFY_SOCKET, and never throws when systemd is gone', () => {
    const native = new FakeNative();
    const none = serviceNotifier(undefined, () => native);
    none.ready('x');
    expect(native.sockets).toEqual([]);
    const gone = serviceNotifier('/run/systemd/notify', () => native);
    native.failSends = 'ECONNREFUSED';
    expect(() => { gone.ready('x'); gone.stopping(); }).not.toThrow();
    const noAddon = serviceNotifier('/run/systemd/notify', () => { throw new Error('no addon'); });
    expect(() => noAddon.ready('x')).not.toThrow();
  });
});
