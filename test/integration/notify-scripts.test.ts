/**
 * Notify scripts run for real: temp shell scripts, the child_process adapter, the system clock.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/common/clock.js';
import { ScriptRunner, vrrpInvocations } from '../../src/notify/scripts.js';
import { nodeSpawn } from '../../src/notify/spawn-node.js';
import { captureLogger } from '../fakes/logger.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ka-notify-scripts-'));
  chmodSync(dir, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string, shebang = true): string {
  const p = join(dir, name);
  writeFileSync(p, (shebang ? '#!/bin/sh\n' : '') + body);
  chmodSync(p, 0o755);
  return p;
}

const baseEnv = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', FOO: 'bar', LD_LIBRARY_PATH: '/tmp/evil', IFS: 'x' };

function runner(opts: ConstructorParameters<typeof ScriptRunner>[3] = {}) {
  const log = captureLogger();
  return { log, r: new ScriptRunner(nodeSpawn(baseEnv), systemClock, log, { timeoutMs: 10_000, ...opts }) };
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

describe('notify scripts, for real', () => {
  it('the generic notify script receives keepalived arguments exactly, and its output is logged', async () => {
    const out = join(dir, 'args.txt');
    const notify = script('notify.sh', `for a in "$@"; do printf '%s\\n' "$a" >> '${out}'; done\necho "notified $4"\n`);
    const { r, log } = runner();
    const argvs = vrrpInvocations({ t: 'vrrp-instance', name: 'VI 1', from: 'BACKUP', to: 'MASTER', priority: 150 },
      { notify: [notify, '--mode', 'a b'] });
    const results = await r.runAll(argvs);
    expect(results).toEqual([{ kind: 'exit', code: 0, signal: null }]);
    expect(readFileSync(out, 'utf8').split('\n')).toEqual(['--mode', 'a b', 'INSTANCE', 'VI 1', 'MASTER', '150', '']);
    expect(log.records.some((l) => l.stream === 'stdout' && l.msg === 'notified VI 1')).toBe(true);
  });

  it('the environment drops LD_LIBRARY_PATH/IFS and keeps the rest', async () => {
    const out = join(dir, 'env.txt');
    const s = script('env.sh', `env > '${out}'\n`);
    const { r } = runner();
    await expect(r.run([s])).resolves.toMatchObject({ kind: 'exit', code: 0 });
    const env = readFileSync(out, 'utf8').split('\n');
    expect(env).toContain('FOO=bar');
    expect(env.some((l) => l.startsWith('LD_LIBRARY_PATH='))).toBe(false);
    expect(env).not.toContain('IFS=x');
  });

  it('a script without #! runs through the shell fallback', async () => {
    const out = join(dir, 'noshebang.txt');
    const s = script('noshebang', `echo "$1" > '${out}'\n`, false);
    const { r } = runner();
    await expect(r.run([s, 'GROUP'])).resolves.toMatchObject({ kind: 'exit', code: 0 });
    expect(readFileSync(out, 'utf8')).toBe('GROUP\n');
  });

  it('a missing or non-executable script is logged, not thrown', async () => {
    const { r, log } = runner();
    await expect(r.run([join(dir, 'missing.sh')])).resolves.toMatchObject({ kind: 'error', code: 'ENOENT' });
    const p = join(dir, 'noexec.sh');
    writeFileSync(p, '#!/bin/sh\nexit 0\n');
    chmodSync(p, 0o644);
    await expect(r.run([p])).resolves.toMatchObject({ kind: 'error', code: 'EACCES' });
    expect(log.records.filter((l) => l.level === 'error' && l.msg === 'notify script could not be executed')).toHaveLength(2);
  });

  it('runs as the script user when given (root only can switch; otherwise the switch fails and is logged)', async () => {
    const outDir = join(dir, 'out');
    mkdirSync(outDir);
    chmodSync(outDir, 0o777);
    const out = join(outDir, 'id.txt');
    const s = script('id.sh', `echo "$(id -u) $(id -g) $(id -G)" > '${out}'\n`);
    const { r, log } = runner({ user: { uid: 65534, gid: 65534 } });
    const res = await r.run([s]);
    if (process.getuid?.() === 0) {
      expect(res).toEqual({ kind: 'exit', code: 0, signal: null });
      expect(readFileSync(out, 'utf8')).toBe('65534 65534 65534\n'); // supplementary groups dropped
    } else {
      expect(res).toMatchObject({ kind: 'error', code: 'EPERM' });
      expect(log.records.some((l) => l.level === 'error')).toBe(true);
    }
  });

  it('a hung script is killed at the timeout together with the processes it started', async () => {
    const pidFile = join(dir, 'child.pid');
    const s = script('hang.sh', `sleep 30 &\necho $! > '${pidFile}'\nwait\n`);
    const { r } = runner({ timeoutMs: 500, killGraceMs: 500 });
    const t0 = Date.now();
    await expect(r.run([s])).resolves.toEqual({ kind: 'timeout' });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(existsSync(pidFile)).toBe(true);
    const childPid = Number(readFileSync(pidFile, 'utf8').trim());
    const end = Date.now() + 3000;
    while (alive(childPid) && Date.now() < end) await new Promise((res) => setTimeout(res, 50));
    expect(alive(childPid)).toBe(false);
  });

  it('a script that leaves a background program running is done when it exits; the program is not killed', async () => {
    const pidFile = join(dir, 'bg.pid');
    const s = script('bg.sh', `sleep 30 &\necho $! > '${pidFile}'\necho started\nexit 0\n`);
    const { r, log } = runner({ timeoutMs: 3000 });
    const t0 = Date.now();
    await expect(r.run([s])).resolves.toEqual({ kind: 'exit', code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(2000);
    const bgPid = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      await new Promise((res) => setTimeout(res, 3500)); // past the timeout: nothing may kill it
      expect(alive(bgPid)).toBe(true);
      expect(log.records.some((l) => l.msg === 'started')).toBe(true);
    } finally {
      try { process.kill(bgPid, 'SIGKILL'); } catch { /* gone */ }
    }
  });
});
