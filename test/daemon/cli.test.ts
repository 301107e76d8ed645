/** CLI: option parsing and the -t / --dump-conf / --dump-json paths on real temp files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, main, parseArgs } from '../../src/daemon/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kts-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** Runs main() capturing stdout/stderr. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { err += String(s); return true; });
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, out, err };
}

describe('parseArgs', () => {
  it('defaults and keepalived spellings', () => {
    const d = parseArgs([]);
    expect(d.ok && d.opts.file).toBe(DEFAULT_CONFIG);
    expect(d.ok && [d.opts.pidFile, d.opts.vrrpPidFile, d.opts.checkersPidFile]).toEqual(['/run/keepalived.pid', '/run/vrrp.pid', '/run/checkers.pid']);
    expect(d.ok && [d.opts.vrrpOnly, d.opts.checkOnly, d.opts.syslog, d.opts.logFacility, d.opts.syslogSocket]).toEqual([false, false, true, 3, null]);
    const p = parseArgs(['-t', '-f', '/x.conf', '-i', 'high', '-e', '--dump-json', '-n', '-S', '7', '--log-file=/tmp/l', '-P', '-B', '-g', '/tmp/g']);
    expect(p).toMatchObject({ ok: true, opts: { configTest: true, file: '/x.conf', configId: 'high', allConfig: true, dumpConf: false, dumpJson: true,
      help: false, version: false, vrrpOnly: true, checkOnly: false, logFacility: 23, ignored: ['-n', '--log-file', '-B', '-g'] } });
    const long = parseArgs(['--config-test', '--use-file=/y.conf', '--config-id', 'low', '--dump-conf']);
    expect(long.ok && [long.opts.configTest, long.opts.file, long.opts.configId, long.opts.dumpConf]).toEqual([true, '/y.conf', 'low', true]);
  });

  it('daemon flags: subsystems, syslog, pid files', () => {
    expect(parseArgs(['-V', '--dont-release-ipvs'])).toMatchObject({ ok: true, opts: { dontReleaseVrrp: true, dontReleaseIpvs: true, ignored: [] } });
    expect(parseArgs([])).toMatchObject({ ok: true, opts: { dontReleaseVrrp: false, dontReleaseIpvs: false, ignoreSigint: false } });
    const p = parseArgs(['--ignore-sigint', '-C', '--vrrp', '-G', '--log-facility=local2', '-p', '/t/k.pid', '--vrrp_pid=/t/v.pid', '-c', '/t/c.pid', '--syslog-socket', '/t/log']);
    expect(p).toMatchObject({ ok: true, opts: { ignoreSigint: true, checkOnly: true, vrrpOnly: true, syslog: false, logFacility: 18,
      pidFile: '/t/k.pid', vrrpPidFile: '/t/v.pid', checkersPidFile: '/t/c.pid', syslogSocket: '/t/log', ignored: [] } });
    expect(parseArgs(['-S', 'kern'])).toEqual({ ok: false, error: "option '-S' wants 0-7, local0-local7, user or daemon, not 'kern'" });
    expect(parseArgs(['-r'])).toEqual({ ok: false, error: "option '-r' requires an argument" });
  });

  it('rejects unknown options and missing values', () => {
    expect(parseArgs(['--bogus'])).toEqual({ ok: false, error: "unrecognized option '--bogus'" });
    expect(parseArgs(['-f'])).toEqual({ ok: false, error: "option '-f' requires an argument" });
    expect(parseArgs(['constructor', 'x'])).toEqual({ ok: false, error: "unrecognized option 'constructor'" });
  });
});

describe('main', () => {
  it('--signum prints the signal keepalived-exporter should send, as keepalived does', async () => {
    expect(await run(['--signum=DATA'])).toMatchObject({ code: 0, out: '10\n' });
    expect(await run(['--signum', 'STATS'])).toMatchObject({ code: 0, out: '12\n' });
    expect(await run(['--signum=RELOAD'])).toMatchObject({ code: 0, out: '1\n' });
    expect((await run(['--signum=BOGUS'])).code).toBe(1);
  });

  it('-h prints the help, -v the version', async () => {
    const h = await run(['-h']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('--config-test');
    const v = await run(['-v']);
    expect(v.out).toMatch(/^keepalived-ts v\d+\.\d+\.\d+/);
  });

  it('-t on a clean file exits 0 and prints nothing but notices', async () => {
    const f = write('ok.conf', 'global_defs {\n  router_id t\n}\n');
    const r = await run(['-t', '-f', f]);
    expect(r).toEqual({ code: 0, out: '', err: '' });
  });

  it('-t prints file:line:col: severity: message [CODE] and keepalived\'s exit code', async () => {
    const f = write('bad.conf', 'global_defs {\n  router_id t\n  foo_bar 1\n}\n');
    const r = await run(['-t', '-f', f]);
    expect(r.code).toBe(5);
    expect(r.err).toBe(`${f}:3:3: warning: Unknown keyword 'foo_bar' [KA_CONF_UNKNOWN_KEYWORD]\n`);
  });

  it('-t with a missing parameter exits 2', async () => {
    const f = write('mp.conf', 'global_defs {\n  router_id\n}\n');
    expect((await run(['--config-test', `--use-file=${f}`])).code).toBe(2);
  });

  it('-t on a missing file: 0, with -e: 4', async () => {
    const f = join(dir, 'absent.conf');
    expect((await run(['-t', '-f', f])).code).toBe(0);
    expect((await run(['-t', '-e', '-f', f])).code).toBe(4);
  });

  it('--dump-json prints the model; --dump-conf prints loadable text', async () => {
    const f = write('dump.conf', 'vrrp_instance VI_1 {\n  interface eth9\n  virtual_router_id 3\n  virtual_ipaddress {\n    10.9.9.9\n  }\n}\n');
    const j = await run(['--dump-json', '-f', f]);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.out).vrrpInstances[0]).toMatchObject({ name: 'VI_1', virtualRouterId: 3, interface: 'eth9' });
    const c = await run(['--dump-conf', '-f', f]);
    const again = write('again.conf', c.out);
    const j2 = await run(['--dump-json', '-f', again]);
    expect(JSON.parse(j2.out)).toEqual(JSON.parse(j.out));
  });

  it('an unknown option prints the help and exits 1', async () => {
    const r = await run(['--nope']);
    expect(r.code).toBe(1);
    expect(r.err).toContain("unrecognized option '--nope'");
  });
});
