import { describe, expect, it } from 'vitest';
import { createRootLogger } from '../../src/daemon/logger.js';
import { parseFacility } from '../../src/daemon/syslog-facility.js';
import { identOf, syslogLine, syslogSink } from '../../src/daemon/syslog.js';
import { sockaddrUn } from '../../src/net/unix-dgram.js';
import { FakeNative } from '../fakes/native.js';

describe('parseFacility (keepalived -S)', () => {
  it('0-7 and local0-7 are LOG_LOCALn, user and daemon their own; anything else is refused', () => {
    expect(['0', '7', 'local0', 'local7', 'user', 'daemon'].map(parseFacility)).toEqual([16, 23, 16, 23, 1, 3]);
    expect(['8', 'local8', 'kern', '', 'LOCAL0', ' 1'].map(parseFacility)).toEqual([null, null, null, null, null, null]);
  });
});

describe('syslogLine', () => {
  const at = new Date(2026, 11, 8, 1, 2, 3); // local time, as syslog(3) stamps it
  it("is glibc's /dev/log datagram: <facility*8+severity>Mmm dd hh:mm:ss IDENT[pid]: message", () => {
    expect(syslogLine({ level: 30, mod: 'vrrp', msg: '(VI_1) Entering MASTER STATE' }, 3, at, 42))
      .toBe('<30>Dec  8 01:02:03 Keepalived_vrrp[42]: (VI_1) Entering MASTER STATE');
    expect(syslogLine({ level: 40, mod: 'lvs', msg: 'TCP connection to [10.0.0.1]:tcp:80 failed.' }, 16, new Date(2026, 0, 21, 13, 4, 5), 7))
      .toBe('<132>Jan 21 13:04:05 Keepalived_healthcheckers[7]: TCP connection to [10.0.0.1]:tcp:80 failed.');
  });

  it('maps pino levels to syslog severities and keeps the error and fields on one line', () => {
    const pri = (level: number) => Number(/^<(\d+)>/.exec(syslogLine({ level, msg: 'x' }, 0, at, 1))![1]);
    expect([10, 20, 30, 40, 50, 60].map(pri)).toEqual([7, 7, 6, 4, 3, 2]);
    expect(syslogLine({ level: 50, msg: 'reload failed\nsecond line', err: { message: 'boom' }, kept: ['VI_1'] }, 3, at, 1))
      .toBe('<27>Dec  8 01:02:03 Keepalived[1]: reload failed second line (boom) kept=["VI_1"]');
  });

  it("names keepalived's processes: VRRP, checkers, the parent for the rest", () => {
    expect([{ mod: 'vrrp' }, { mod: 'lvs' }, { mod: 'smtp' }, {}].map(identOf)).toEqual(['Keepalived_vrrp', 'Keepalived_healthcheckers', 'Keepalived', 'Keepalived']);
  });
});

describe('syslogSink', () => {
  const now = () => new Date(2026, 11, 8, 1, 2, 3);
  it('sends every record of the root logger to the syslog socket, and the console line stays', () => {
    const native = new FakeNative();
    const lines: string[] = [];
    const log = createRootLogger({ text: true, write: (l) => lines.push(l), sinks: [syslogSink({ facility: 16, path: '/tmp/x/log', native, now, pid: 9 })] });
    log.child({ mod: 'vrrp' }).info('(VI_1) Entering BACKUP STATE');
    log.warn('plain');
    expect(native.sent.map((s) => Buffer.from(s.data).toString())).toEqual([
      '<134>Dec  8 01:02:03 Keepalived_vrrp[9]: (VI_1) Entering BACKUP STATE',
      '<132>Dec  8 01:02:03 Keepalived[9]: plain',
    ]);
    expect(native.sent[0]!.to).toEqual(sockaddrUn('/tmp/x/log'));
    expect(lines).toHaveLength(2);
  });

  it('drops records silently while nothing listens, and reports another failure once', () => {
    const native = new FakeNative();
    const trouble: string[] = [];
    const sink = syslogSink({ facility: 3, native, now, pid: 1, onTrouble: (w) => trouble.push(w) });
    native.failSends = 'ENOENT';
    sink('{"level":30,"msg":"a"}');
    native.failSends = 'EAGAIN';
    sink('{"level":30,"msg":"b"}');
    expect(trouble).toEqual([]);
    native.failSends = 'EPROTOTYPE';
    sink('{"level":30,"msg":"c"}');
    sink('{"level":30,"msg":"d"}');
    expect(trouble).toEqual(['syslog /dev/log: EPROTOTYPE']);
    native.failSends = undefined;
    sink('{"level":30,"msg":"e"}');
    sink('not json');
    expect(native.sent.map((s) => Buffer.from(s.data).toString())).toEqual(['<30>Dec  8 01:02:03 Keepalived[1]: e']);
  });
});
