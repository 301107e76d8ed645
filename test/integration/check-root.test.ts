/**
 * Check-module behaviour that needs root: MISC_CHECK switching to script_user. Temp files only;
 * nothing on the network. (Script security on real files: script-security.test.ts.)
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMiscCheck } from '../../src/check/misc.js';

beforeAll(() => {
  expect(process.getuid?.(), 'check-root tests must run as root (uid switch, chown)').toBe(0);
});

describe('MISC_CHECK as script_user', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-miscroot-'));
  chmodSync(dir, 0o777); // the script writes here as another user
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the script with the given uid/gid', async () => {
    const out = join(dir, 'id.txt');
    const p = join(dir, 'id.sh');
    writeFileSync(p, `#!/bin/sh\necho "$(id -u) $(id -g)" > ${out}\n`);
    chmodSync(p, 0o755);
    const r = await runMiscCheck({ kind: 'MISC_CHECK', argv: [p], timeoutMs: 3000, dynamic: false, runAs: { uid: 65534, gid: 65534 } }, undefined, { env: { PATH: '/usr/bin:/bin' } });
    expect(r).toEqual({ ok: true, reason: 'exit 0' });
    expect(readFileSync(out, 'utf8').trim()).toBe('65534 65534');
  });
});
