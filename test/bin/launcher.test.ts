/**
 * bin/keepalived-ts picks dist/daemon/cli.bundle.js over dist/daemon/cli.js unless the bundle is
 * missing, older than cli.js (a tsc-only rebuild left it stale) or KEEPALIVED_TS_NO_BUNDLE is set.
 * Checked on a copy of the launcher next to two stub CLIs that say which one ran. For -t, -d and
 * --dump-json (as the CLI's own parseArgs reads them) it keeps V8's young generation small and
 * exits once main() is done, even with handles still open; other commands end the normal way.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/daemon/lab.js';

let root = '';
const stub = (name: string): string => `export async function main(argv) { process.stdout.write('${name} ' + argv.join(' ')); return 3; }\n`;

function writeStubs(bundleAgeS: number | null): void {
  const daemon = join(root, 'dist', 'daemon');
  mkdirSync(daemon, { recursive: true });
  writeFileSync(join(daemon, 'cli.js'), stub('modules'));
  const now = Date.now() / 1000;
  utimesSync(join(daemon, 'cli.js'), now - 10, now - 10);
  if (bundleAgeS !== null) {
    writeFileSync(join(daemon, 'cli.bundle.js'), stub('bundle'));
    utimesSync(join(daemon, 'cli.bundle.js'), now - 10 + bundleAgeS, now - 10 + bundleAgeS);
  }
}

function run(env: Record<string, string> = {}): { out: string; status: number | null } {
  const { KEEPALIVED_TS_NO_BUNDLE: _drop, ...base } = process.env;
  const r = spawnSync(process.execPath, [join(root, 'bin', 'keepalived-ts'), '-t', '-f', 'x.conf'], { encoding: 'utf8', timeout: 20_000, env: { ...base, ...env } });
  return { out: r.stdout, status: r.status };
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), `kts-launcher-${process.pid}-`));
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(REPO_ROOT, 'bin', 'keepalived-ts'), join(root, 'bin', 'keepalived-ts'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('bin/keepalived-ts', () => {
  it('runs the bundle when it is at least as new as cli.js, passing the arguments and exit code', () => {
    writeStubs(0);
    expect(run()).toEqual({ out: 'bundle -t -f x.conf', status: 3 });
    writeStubs(5);
    expect(run()).toEqual({ out: 'bundle -t -f x.conf', status: 3 });
  });

  it('falls back to the separate modules when the bundle is stale or missing', () => {
    writeStubs(-5);
    expect(run()).toEqual({ out: 'modules -t -f x.conf', status: 3 });
    rmSync(root, { recursive: true, force: true });
    mkdirSync(join(root, 'bin'), { recursive: true });
    copyFileSync(join(REPO_ROOT, 'bin', 'keepalived-ts'), join(root, 'bin', 'keepalived-ts'));
    writeStubs(null);
    expect(run()).toEqual({ out: 'modules -t -f x.conf', status: 3 });
  });

  it('exits once main() is done for print-only modes, after the output is flushed', () => {
    // main() leaves a 4 s timer behind: only a print-only mode may cut it short.
    const cli = `export const parseArgs = (argv) => ({ ok: true, opts: { configTest: argv.includes('-t'), dumpConf: false, dumpJson: argv.includes('--dump-json') } });
export async function main(argv) { setTimeout(() => process.stdout.write(' timer'), 4000); process.stdout.write('x'.repeat(200000) + ' main'); return 5; }\n`;
    const daemon = join(root, 'dist', 'daemon');
    mkdirSync(daemon, { recursive: true });
    writeFileSync(join(daemon, 'cli.js'), cli);
    const timed = (args: string[]) => {
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [join(root, 'bin', 'keepalived-ts'), ...args], { encoding: 'utf8', timeout: 20_000, maxBuffer: 1 << 20 });
      return { tail: r.stdout.slice(-12), length: r.stdout.length, status: r.status, ms: Date.now() - t0 };
    };
    const t = timed(['-t', '-f', 'x.conf']);
    expect(t).toMatchObject({ tail: 'xxxxxxx main', length: 200005, status: 5 });
    expect(t.ms).toBeLessThan(3500);
    expect(timed(['--dump-json'])).toMatchObject({ length: 200005, status: 5 });
    const daemonMode = timed(['-f', 'x.conf']);
    expect(daemonMode).toMatchObject({ tail: 'x main timer', status: 5 });
    expect(daemonMode.ms).toBeGreaterThanOrEqual(3900);
    expect(timed(['status', '-t'])).toMatchObject({ tail: 'x main timer', status: 5 });
  }, 40_000);

  it('keeps the young generation small for print-only modes only', () => {
    // main() retains ~400k objects and reports how large V8 let the new space grow (MiB).
    const cli = `import v8 from 'node:v8';
export const parseArgs = (argv) => ({ ok: true, opts: { configTest: argv.includes('-t'), dumpConf: argv.includes('-d'), dumpJson: false } });
export async function main() { const keep = []; for (let i = 0; i < 400000; i++) keep.push({ i, s: 'x' + i });
  process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576)); return keep.length > 0 ? 0 : 1; }\n`;
    const daemon = join(root, 'dist', 'daemon');
    mkdirSync(daemon, { recursive: true });
    writeFileSync(join(daemon, 'cli.js'), cli);
    const newSpaceMiB = (args: string[]) => Number(spawnSync(process.execPath, [join(root, 'bin', 'keepalived-ts'), ...args], { encoding: 'utf8', timeout: 20_000 }).stdout);
    expect(newSpaceMiB(['-t'])).toBeLessThanOrEqual(4);
    expect(newSpaceMiB(['-d'])).toBeLessThanOrEqual(4);
    expect(newSpaceMiB(['-f', 'x.conf'])).toBeGreaterThan(8);
  });

  it('uses the separate modules when KEEPALIVED_TS_NO_BUNDLE is set', () => {
    writeStubs(5);
    expect(run({ KEEPALIVED_TS_NO_BUNDLE: '1' })).toEqual({ out: 'modules -t -f x.conf', status: 3 });
  });
});
