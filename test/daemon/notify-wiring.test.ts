import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/common/clock.js';
import { silentLogger } from '../../src/common/log.js';
import { vsIdentity } from '../../src/daemon/lvs-mapping.js';
import { wireNotify } from '../../src/daemon/notify-wiring.js';
import { loadText } from '../config/conf-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'kts-notify-wiring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function eventually(read: () => string, want: string): Promise<void> {
  for (let i = 0; i < 100 && !read().includes(want); i++) await new Promise((r) => setTimeout(r, 50));
  expect(read()).toContain(want);
}

describe('notify wiring of checker events', () => {
  it('runs a real server\'s notify_up/notify_down and a virtual server\'s quorum_down with their arguments', async () => {
    const log = join(dir, 'calls');
    writeFileSync(log, '');
    const script = join(dir, 'record.sh');
    writeFileSync(script, `#!/bin/sh\necho "$@" >> ${log}\n`, { mode: 0o755 });
    const cfg = loadText(`virtual_server 10.0.0.1 80 {
  lb_algo rr
  lb_kind NAT
  protocol TCP
  quorum_down "${script} quorum-down"
  real_server 10.0.0.2 80 {
    notify_up "${script} rs-up"
    notify_down "${script} rs-down"
  }
}
`).config;
    const w = wireNotify(cfg, { clock: systemClock, log: silentLogger });
    const vs = vsIdentity(cfg.virtualServers[0]!);
    const read = () => readFileSync(log, 'utf8');
    await w.handle({ t: 'rs', vs, rs: { ip: '10.0.0.2', port: 80 }, up: false, cause: 'check' });
    await eventually(read, 'rs-down');
    await w.handle({ t: 'rs', vs, rs: { ip: '10.0.0.2', port: 80 }, up: true, cause: 'check' });
    await eventually(read, 'rs-up');
    await w.handle({ t: 'quorum', vs, up: false, cause: 'change', quorum: 1, hysteresis: 0, threshold: 1, weight: 0 });
    await eventually(read, 'quorum-down');
    expect(read().trim().split('\n')).toEqual(['rs-down', 'rs-up', 'quorum-down']);
  });
});
