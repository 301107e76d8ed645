import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { interpretExit, runMiscCheck } from '../../src/check/misc.js';
import type { MiscProbeSpec } from '../../src/check/types.js';

const dir = mkdtempSync(join(tmpdir(), 'kts-misc-'));
const script = (name: string, body: string): string => {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
};
const spec = (argv: string[], extra: Partial<MiscProbeSpec> = {}): MiscProbeSpec => ({
  kind: 'MISC_CHECK',
  argv,
  timeoutMs: 3000,
  dynamic: false,
  ...extra,
});
/** What the daemon would hand in: enough PATH for the scripts' own commands. */
const opts = { env: { PATH: '/usr/bin:/bin' } };
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('interpretExit', () => {
  it('maps exit statuses like keepalived check_misc.c', () => {
    expect(interpretExit(0, null, false)).toEqual({ ok: true, reason: 'exit 0' });
    expect(interpretExit(0, null, true)).toEqual({ ok: true, reason: 'exit 0', weight: 'configured' });
    expect(interpretExit(1, null, true)).toEqual({ ok: false, reason: 'exit 1' });
    expect(interpretExit(7, null, false)).toEqual({ ok: false, reason: 'exit 7' });
    expect(interpretExit(7, null, true)).toEqual({ ok: true, reason: 'exit 7', weight: 5 });
    expect(interpretExit(2, null, true)).toEqual({ ok: true, reason: 'exit 2', weight: 0 });
    expect(interpretExit(255, null, true)).toEqual({ ok: true, reason: 'exit 255', weight: 253 });
    expect(interpretExit(null, 'SIGKILL', true)).toEqual({ ok: false, reason: 'killed by SIGKILL' });
  });
});

describe('MISC_CHECK probe (temp scripts)', () => {
  it('exit 0 is up, exit 1 is down, argv is passed unchanged', async () => {
    const out = join(dir, 'args.txt');
    const p = script('args.sh', `printf '%s|' "$@" > ${out}; exit 0`);
    expect(await runMiscCheck(spec([p, 'a b', '--x=1', '']), undefined, opts)).toEqual({ ok: true, reason: 'exit 0' });
    expect(readFileSync(out, 'utf8')).toBe('a b|--x=1||');
    expect(await runMiscCheck(spec([script('down.sh', 'exit 1')]), undefined, opts)).toEqual({ ok: false, reason: 'exit 1' });
  });

  it('misc_dynamic: exit 2..255 is up with weight = status - 2; without it, down', async () => {
    const p = script('dyn.sh', 'exit 12');
    expect(await runMiscCheck(spec([p], { dynamic: true }), undefined, opts)).toEqual({ ok: true, reason: 'exit 12', weight: 10 });
    expect(await runMiscCheck(spec([p]), undefined, opts)).toEqual({ ok: false, reason: 'exit 12' });
  });

  it('misc_timeout kills the whole process group', async () => {
    const pids = join(dir, 'pids.txt');
    const p = script('hang.sh', `sleep 30 & echo "$$ $!" > ${pids}; wait`);
    const t0 = performance.now();
    const r = await runMiscCheck(spec([p], { timeoutMs: 400 }), undefined, { ...opts, killGraceMs: 200 });
    expect(r).toEqual({ ok: false, reason: 'timeout' });
    expect(performance.now() - t0).toBeLessThan(2000);
    const [shPid, sleepPid] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    const deadline = Date.now() + 3000;
    while ((alive(shPid!) || alive(sleepPid!)) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(alive(shPid!), 'script still running').toBe(false);
    expect(alive(sleepPid!), 'script child still running').toBe(false);
  });

  it('a missing script is a failure with the errno, not an exception', async () => {
    expect(await runMiscCheck(spec([join(dir, 'nope.sh')]), undefined, opts)).toEqual({ ok: false, reason: 'ENOENT' });
    expect(await runMiscCheck(spec([]), undefined, opts)).toEqual({ ok: false, reason: 'empty misc_path' });
  });

  it('the script sees the given environment only, without LD_PRELOAD / LD_LIBRARY_PATH / IFS', async () => {
    vi.stubEnv('KTS_AMBIENT', 'leaked'); // in this process's environment, not in the one handed in
    try {
      const out = join(dir, 'env.txt');
      const p = script('env.sh', `echo "[\${LD_PRELOAD-unset}][\${LD_LIBRARY_PATH-unset}][\${KEEP}][\${KTS_AMBIENT-unset}]" > ${out}`);
      const env = { PATH: '/usr/bin:/bin', LD_PRELOAD: '/x.so', LD_LIBRARY_PATH: '/x', KEEP: 'yes' };
      expect((await runMiscCheck(spec([p]), undefined, { env })).ok).toBe(true);
      expect(readFileSync(out, 'utf8').trim()).toBe('[unset][unset][yes][unset]');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('abort stops the script', async () => {
    const ac = new AbortController();
    const marker = join(dir, 'late.txt');
    const p = script('slow.sh', `sleep 1; touch ${marker}`);
    const pending = runMiscCheck(spec([p]), ac.signal, { ...opts, killGraceMs: 100 });
    setTimeout(() => ac.abort(), 100);
    expect(await pending).toEqual({ ok: false, reason: 'aborted' });
    await new Promise((res) => setTimeout(res, 1300));
    expect(existsSync(marker)).toBe(false);
  });
});
