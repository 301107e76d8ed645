/**
 * The bundled CLI (dist/daemon/cli.bundle.js, written by `npm run build`) behaves exactly like the
 * separate dist/ modules: same stdout, stderr and exit code for -t, -d, --dump-json and -v on the
 * examples, the fixtures and a config full of mistakes. Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/daemon/lab.js';

const BIN = join(REPO_ROOT, 'bin', 'keepalived-ts');
const BUNDLE = join(REPO_ROOT, 'dist', 'daemon', 'cli.bundle.js');
const MODULES = join(REPO_ROOT, 'dist', 'daemon', 'cli.js');

const MISTAKES = `global_defs {
  router_id "unterminated
  smtp_connect_timeout banana
}
vrrp_instance VI_1 {
  state MASTER
  interface lo
  virtual_router_id 300
  priority
  virtual_ipaddress {
    10.0.0.999/24
  }
}
}
virtual_server 10.1.1.1 80 {
  lb_algo nope
  real_server 10.2.2.2 81 {
    TCP_CHECK {
      connect_timeout -1
    }
  }
`;

let dir = '';
beforeAll(() => {
  for (const p of [BUNDLE, MODULES]) if (!existsSync(p)) throw new Error(`${p} missing: run \`npm run build\``);
  dir = mkdtempSync(join(tmpdir(), `kts-bundle-${process.pid}-`));
  writeFileSync(join(dir, 'mistakes.conf'), MISTAKES);
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

function run(args: string[], bundled: boolean): { stdout: string; stderr: string; status: number | null } {
  const { KEEPALIVED_TS_NO_BUNDLE: _drop, ...env } = process.env;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8', timeout: 60_000, env: bundled ? env : { ...env, KEEPALIVED_TS_NO_BUNDLE: '1' },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const configs = (): string[] => [
  ...readdirSync(join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.conf')).map((f) => join(REPO_ROOT, 'examples', f)),
  ...readdirSync(join(REPO_ROOT, 'test', 'fixtures', 'conf')).filter((f) => f.endsWith('.conf')).map((f) => join(REPO_ROOT, 'test', 'fixtures', 'conf', f)),
];

describe('CLI bundle', () => {
  it('is current: written by the same build as dist/daemon/cli.js, importing no dist module statically', () => {
    expect(statSync(BUNDLE).mtimeMs).toBeGreaterThanOrEqual(statSync(MODULES).mtimeMs);
    const text = readFileSync(BUNDLE, 'utf8');
    expect(text).not.toMatch(/^import .* from ["']\.\.?\//m);
    expect(text).toMatch(/await import\("\.\/[a-z-]+\.js"\)/); // the daemon and other commands stay lazy and unbundled
  });

  it('gives the same output and exit code as the separate modules', () => {
    const files = [...configs(), join(dir, 'mistakes.conf'), join(dir, 'missing.conf')];
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      for (const args of [['-t', '-f', file], ['-d', '-f', file], ['--dump-json', '-f', file]]) {
        const bundled = run(args, true);
        expect(bundled, `${args.join(' ')}`).toEqual(run(args, false));
        if (args[0] === '-t' && file.endsWith('mistakes.conf')) {
          expect(bundled.status).not.toBe(0);
          expect(bundled.stderr).toContain('mistakes.conf:');
        }
      }
    }
    expect(run(['-v'], true)).toEqual(run(['-v'], false));
    expect(run(['--bogus'], true)).toEqual(run(['--bogus'], false));
  });
});
