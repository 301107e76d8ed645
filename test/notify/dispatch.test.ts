import { describe, expect, it } from 'vitest';
import type { HaEvent, VsIdentity } from '../../src/notify/events.js';
import { NotifyDispatcher } from '../../src/notify/dispatch.js';
import { ScriptRunner } from '../../src/notify/scripts.js';
import { FakeClock } from '../fakes/clock.js';
import { captureLogger } from '../fakes/logger.js';
import { FakeSpawn } from '../fakes/spawn.js';

const settle = async () => { for (let i = 0; i < 10; i++) await Promise.resolve(); };
const vs: VsIdentity = { kind: 'addr', ip: '10.0.0.100', port: 80, proto: 'tcp' };

function setup() {
  const clock = new FakeClock();
  const sp = new FakeSpawn();
  const log = captureLogger();
  const order: string[] = [];
  sp.onSpawn = (p) => order.push(`script ${p.req.argv.join(' ')}`);
  const d = new NotifyDispatcher({
    log,
    scripts: {
      runner: new ScriptRunner(sp, clock, log),
      targets: {
        vrrpScripts: (kind, name) => (kind === 'instance' && name === 'VI_1'
          ? { master: ['/m.sh'], stop: ['/stop.sh'], notify: ['/n.sh'] } : undefined),
        checkerScripts: (ev) => (ev.t === 'rs' ? { up: ['/up.sh'], down: ['/down.sh'] } : { down: ['/qdown.sh'] }),
      },
    },
    fifo: { write: (l) => order.push(`fifo ${l.trimEnd()}`) },
    mail: { handle: (ev: HaEvent) => { order.push(`mail ${ev.t}`); return true; } },
  });
  return { clock, sp, d, order, log };
}

describe('NotifyDispatcher', () => {
  it('runs scripts, then the FIFO line, then the mail, without waiting for the scripts', async () => {
    const { d, order, sp } = setup();
    await d.handle({ t: 'vrrp-instance', name: 'VI_1', from: 'BACKUP', to: 'MASTER', priority: 150 });
    expect(order).toEqual(['script /m.sh', 'script /n.sh INSTANCE VI_1 MASTER 150', 'fifo INSTANCE "VI_1" MASTER 150', 'mail vrrp-instance']);
    expect(sp.procs.every((p) => p.signals.length === 0)).toBe(true); // still running, not awaited
  });

  it('writes the reported state (DELETED reads FAULT without notify_deleted) to the FIFO', async () => {
    const { d, order } = setup();
    await d.handle({ t: 'vrrp-instance', name: 'VI_2', from: 'BACKUP', to: 'DELETED', priority: 0 });
    expect(order).toEqual(['fifo INSTANCE "VI_2" FAULT 0', 'mail vrrp-instance']);
  });

  it('real server and quorum events run notify_up/down and quorum scripts', async () => {
    const { d, order } = setup();
    await d.handle({ t: 'rs', vs, rs: { ip: '10.0.1.10', port: 80 }, up: false, cause: 'check', checker: 'TCP_CHECK' });
    await d.handle({ t: 'quorum', vs, up: false, cause: 'change', quorum: 1, hysteresis: 0, threshold: 1, weight: 0 });
    await d.handle({ t: 'daemon', phase: 'start' });
    expect(order).toEqual([
      'script /down.sh', 'fifo RS [10.0.1.10]:tcp:80 [10.0.0.100]:tcp:80 DOWN', 'mail rs',
      'script /qdown.sh', 'fifo VS [10.0.0.100]:tcp:80 DOWN', 'mail quorum', 'mail daemon',
    ]);
  });

  it('at STOP waits for the scripts, each bounded to 1 s', async () => {
    const { d, sp, clock } = setup();
    sp.dieOnSignal = new Set(['SIGTERM']);
    let done = false;
    void d.handle({ t: 'vrrp-instance', name: 'VI_1', from: 'MASTER', to: 'STOP', priority: 100 }).then(() => { done = true; });
    await settle();
    expect(done).toBe(false);
    sp.procs[0]!.exit({ kind: 'exit', code: 0, signal: null });
    await settle();
    expect(done).toBe(false); // the generic script still runs
    clock.advance(1000); await settle();
    expect(sp.procs[1]!.signals).toEqual(['SIGTERM']);
    expect(done).toBe(true);
  });

  it('a failing FIFO or mail does not stop the other notifiers', async () => {
    const log = captureLogger();
    const d = new NotifyDispatcher({
      log, fifo: { write: () => { throw new Error('EPIPE'); } }, mail: { handle: () => { throw new Error('bug'); } },
    });
    await expect(d.handle({ t: 'vrrp-group', name: 'G', from: 'INIT', to: 'BACKUP' })).resolves.toBeUndefined();
    expect(log.records.map((r) => r.msg)).toEqual(['notify FIFO write failed', 'SMTP alert could not be queued']);
  });
});
