import { describe, expect, it } from 'vitest';
import type { VsIdentity } from '../../src/notify/events.js';
import {
  checkerInvocations, MAX_LOGGED_LINES, reportedState, ScriptRunner, shellQuote, vrrpInvocations,
  type VrrpNotifyScripts,
} from '../../src/notify/scripts.js';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';
import { FakeSpawn } from '../fakes/spawn.js';

const settle = async () => { for (let i = 0; i < 10; i++) await Promise.resolve(); };

describe('vrrpInvocations', () => {
  const s: VrrpNotifyScripts = {
    master: ['/etc/ka/master.sh', 'a b'], backup: ['/etc/ka/backup.sh'], fault: ['/etc/ka/fault.sh'],
    stop: ['/etc/ka/stop.sh'], notify: ['/etc/ka/notify.sh', '--flag'],
  };
  it('runs the specific script, then the generic one with INSTANCE name state priority', () => {
    expect(vrrpInvocations({ t: 'vrrp-instance', name: 'VI_1', from: 'BACKUP', to: 'MASTER', priority: 150 }, s)).toEqual([
      ['/etc/ka/master.sh', 'a b'],
      ['/etc/ka/notify.sh', '--flag', 'INSTANCE', 'VI_1', 'MASTER', '150'],
    ]);
    expect(vrrpInvocations({ t: 'vrrp-instance', name: 'VI_1', from: 'MASTER', to: 'STOP', priority: 100 }, s)).toEqual([
      ['/etc/ka/stop.sh'], ['/etc/ka/notify.sh', '--flag', 'INSTANCE', 'VI_1', 'STOP', '100'],
    ]);
  });
  it('groups get GROUP and priority 0', () => {
    expect(vrrpInvocations({ t: 'vrrp-group', name: 'G1', from: 'MASTER', to: 'FAULT' }, s)).toEqual([
      ['/etc/ka/fault.sh'], ['/etc/ka/notify.sh', '--flag', 'GROUP', 'G1', 'FAULT', '0'],
    ]);
  });
  it('a deleted instance reports FAULT unless notify_deleted is set', () => {
    const ev = { t: 'vrrp-instance', name: 'VI_9', from: 'BACKUP', to: 'DELETED', priority: 0 } as const;
    expect(vrrpInvocations(ev, s)).toEqual([['/etc/ka/fault.sh'], ['/etc/ka/notify.sh', '--flag', 'INSTANCE', 'VI_9', 'FAULT', '0']]);
    expect(vrrpInvocations(ev, { ...s, reportDeleted: true })).toEqual([['/etc/ka/notify.sh', '--flag', 'INSTANCE', 'VI_9', 'DELETED', '0']]);
    expect(vrrpInvocations(ev, { ...s, deleted: ['/etc/ka/del.sh'] })).toEqual([
      ['/etc/ka/del.sh'], ['/etc/ka/notify.sh', '--flag', 'INSTANCE', 'VI_9', 'DELETED', '0'],
    ]);
    expect(reportedState('MASTER', {})).toBe('MASTER');
  });
  it('runs nothing when no script is configured', () => {
    expect(vrrpInvocations({ t: 'vrrp-instance', name: 'VI_1', from: 'INIT', to: 'BACKUP', priority: 100 }, {})).toEqual([]);
  });
});

describe('checkerInvocations', () => {
  const vs: VsIdentity = { kind: 'addr', ip: '10.0.0.100', port: 80, proto: 'tcp' };
  it('notify_up/notify_down and quorum_up/quorum_down get no extra arguments', () => {
    const s = { up: ['/bin/up.sh', 'x'], down: ['/bin/down.sh'] };
    expect(checkerInvocations({ t: 'rs', vs, rs: { ip: '10.0.1.1', port: 80 }, up: true, cause: 'check' }, s)).toEqual([['/bin/up.sh', 'x']]);
    expect(checkerInvocations({ t: 'quorum', vs, up: false, cause: 'change', quorum: 1, hysteresis: 0, threshold: 1, weight: 0 }, s))
      .toEqual([['/bin/down.sh']]);
    expect(checkerInvocations({ t: 'rs', vs, rs: { ip: '10.0.1.1', port: 80 }, up: true, cause: 'check' }, {})).toEqual([]);
  });
});

describe('shellQuote', () => {
  it('quotes only what needs it', () => {
    expect(shellQuote('/etc/ka/x.sh')).toBe('/etc/ka/x.sh');
    expect(shellQuote('a b')).toBe(`'a b'`);
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    expect(shellQuote('')).toBe(`''`);
  });
});

describe('ScriptRunner', () => {
  function setup(opts: ConstructorParameters<typeof ScriptRunner>[3] = {}) {
    const clock = new FakeClock();
    const sp = new FakeSpawn();
    const log = captureLogger();
    return { clock, sp, log, runner: new ScriptRunner(sp, clock, log, opts) };
  }

  it('runs argv as given with the script user, logs output lines, reports the exit', async () => {
    const { sp, log, runner } = setup({ user: { uid: 990, gid: 991 } });
    const p = runner.run(['/etc/ka/notify.sh', 'INSTANCE', 'VI_1', 'MASTER', '150']);
    expect(sp.procs[0]!.req).toEqual({ argv: ['/etc/ka/notify.sh', 'INSTANCE', 'VI_1', 'MASTER', '150'], uid: 990, gid: 991 });
    sp.procs[0]!.print('hello');
    sp.procs[0]!.print('oops', 'stderr');
    sp.procs[0]!.exit({ kind: 'exit', code: 0, signal: null });
    await expect(p).resolves.toEqual({ kind: 'exit', code: 0, signal: null });
    expect(log.records.filter((r) => r.stream).map((r) => [r.stream, r.msg, r.script]))
      .toEqual([['stdout', 'hello', '/etc/ka/notify.sh INSTANCE VI_1 MASTER 150'], ['stderr', 'oops', '/etc/ka/notify.sh INSTANCE VI_1 MASTER 150']]);
  });

  it('logs a non-zero exit as a failure without throwing', async () => {
    const { sp, log, runner } = setup();
    const p = runner.run(['/bin/false']);
    sp.procs[0]!.exit({ kind: 'exit', code: 3, signal: null });
    await expect(p).resolves.toEqual({ kind: 'exit', code: 3, signal: null });
    expect(log.records.some((r) => r.level === 'warn' && r.msg === 'notify script failed' && r.code === 3)).toBe(true);
  });

  it('a script that cannot be executed is logged, never thrown', async () => {
    const { sp, log, runner } = setup();
    sp.onSpawn = (p) => p.exit({ kind: 'error', code: 'ENOENT', message: 'spawn /nope ENOENT' });
    await expect(runner.run(['/nope'])).resolves.toMatchObject({ kind: 'error', code: 'ENOENT' });
    expect(log.records.some((r) => r.level === 'error' && r.code === 'ENOENT')).toBe(true);
    await expect(runner.run([])).resolves.toMatchObject({ kind: 'error', code: 'EINVAL' });
    const throwing = new ScriptRunner({ spawn: () => { throw new Error('adapter bug'); } }, new FakeClock(), log);
    await expect(throwing.run(['/x'])).resolves.toEqual({ kind: 'error', message: 'adapter bug' });
  });

  it('falls back to /bin/sh for a file without #! (ENOEXEC), as keepalived does', async () => {
    const { sp, runner } = setup();
    sp.onSpawn = (p) => {
      if (p.req.argv[0] === '/etc/ka/noshebang') p.exit({ kind: 'error', code: 'ENOEXEC', message: 'Exec format error' });
      else p.exit({ kind: 'exit', code: 0, signal: null });
    };
    await expect(runner.run(['/etc/ka/noshebang', 'GROUP', 'my group'])).resolves.toEqual({ kind: 'exit', code: 0, signal: null });
    expect(sp.argvs()).toEqual([['/etc/ka/noshebang', 'GROUP', 'my group'], ['/bin/sh', '-c', `/etc/ka/noshebang GROUP 'my group'`]]);
  });

  it('kills the process group after the timeout, SIGKILL after the grace period', async () => {
    const { clock, sp, runner, log } = setup({ timeoutMs: 5000, killGraceMs: 1000 });
    sp.dieOnSignal = new Set(); // ignores SIGTERM
    let out: unknown;
    void runner.run(['/etc/ka/hang.sh']).then((o) => { out = o; });
    clock.advance(4999); await settle();
    expect(sp.procs[0]!.signals).toEqual([]);
    clock.advance(1); await settle();
    expect(sp.procs[0]!.signals).toEqual(['SIGTERM']);
    clock.advance(999); await settle();
    expect(out).toBeUndefined();
    clock.advance(1); await settle();
    expect(sp.procs[0]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(out).toEqual({ kind: 'timeout' });
    expect(clock.pending()).toBe(0);
    expect(log.records.some((r) => r.msg === 'notify script timed out, sending SIGTERM')).toBe(true);
  });

  it('per-run timeout (STOP scripts get 1 s) and no leftover timers after a normal exit', async () => {
    const { clock, sp, runner } = setup();
    const p = runner.run(['/etc/ka/stop.sh'], { timeoutMs: 1000 });
    clock.advance(1000); await settle();
    await expect(p).resolves.toEqual({ kind: 'timeout' });
    expect(sp.procs[0]!.signals).toEqual(['SIGTERM']);
    const q = runner.run(['/bin/true']);
    sp.procs[1]!.exit({ kind: 'exit', code: 0, signal: null });
    await q;
    expect(clock.pending()).toBe(0);
  });

  it('caps logged output lines', async () => {
    const { sp, log, runner } = setup();
    const p = runner.run(['/bin/chatty']);
    for (let i = 0; i < MAX_LOGGED_LINES + 7; i++) sp.procs[0]!.print(`line ${i}`);
    sp.procs[0]!.exit({ kind: 'exit', code: 0, signal: null });
    await p;
    expect(log.records.filter((r) => r.stream)).toHaveLength(MAX_LOGGED_LINES);
    expect(log.records.some((r) => r.suppressed === 7)).toBe(true);
  });

  it('runAll starts every script without waiting for the previous one', async () => {
    const { sp, runner } = setup();
    const all = runner.runAll([['/a'], ['/b']]);
    await settle();
    expect(sp.argvs()).toEqual([['/a'], ['/b']]);
    sp.procs[1]!.exit({ kind: 'exit', code: 0, signal: null });
    sp.procs[0]!.exit({ kind: 'exit', code: 1, signal: null });
    await expect(all).resolves.toEqual([{ kind: 'exit', code: 1, signal: null }, { kind: 'exit', code: 0, signal: null }]);
  });
});
