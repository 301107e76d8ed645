/**
 * Check-module behaviour that needs root: MISC_CHECK switching to script_user, and script
 * security on real files (chown). Temp files only; nothing on the network.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMiscCheck } from '../../src/check/misc.js';
import { checkScriptSecurity } from '../../src/check/script-security.js';

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
    const r = await runMiscCheck({ kind: 'MISC_CHECK', argv: [p], timeoutMs: 3000, dynamic: false, runAs: { uid: 65534, gid: 65534 } });
    expect(r).toEqual({ ok: true, reason: 'exit 0' });
    expect(readFileSync(out, 'utf8').trim()).toBe('65534 65534');
  });
});

describe('script security on real files', () => {
  it('a root script under world-writable /tmp is unsafe', async () => {
    const base = mkdtempSync(join(tmpdir(), 'kts-sec-'));
    try {
      chmodSync(base, 0o755);
      const p = join(base, 'ok.sh');
      writeFileSync(p, '#!/bin/sh\nexit 0\n');
      chmodSync(p, 0o755);
      const v = await checkScriptSecurity(p, 0);
      expect(v.secure ? '' : v.reason).toMatch(/is writable by others$/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('a root-owned 0755 tree (under /run) is accepted through a symlink; non-root owner or a 0777 dir is refused', async () => {
    const root = mkdtempSync('/run/kts-sec-');
    try {
      chmodSync(root, 0o755);
      mkdirSync(join(root, 'bin'), { mode: 0o755 });
      const p = join(root, 'bin', 'chk.sh');
      writeFileSync(p, '#!/bin/sh\n');
      chmodSync(p, 0o755);
      symlinkSync(p, join(root, 'link'));
      expect(await checkScriptSecurity(join(root, 'link'), 0)).toEqual({ secure: true, path: p });
      chownSync(p, 1000, 1000);
      expect(await checkScriptSecurity(join(root, 'link'), 0)).toEqual({
        secure: false,
        reason: `Unsafe permissions found for script '${join(root, 'link')}': ${p} is owned by uid 1000`,
      });
      chownSync(p, 0, 0);
      chmodSync(join(root, 'bin'), 0o777);
      const v = await checkScriptSecurity(p, 0);
      expect(v.secure ? '' : v.reason).toMatch(/bin is writable by others$/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
