import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ago, formatStatusTable, parseStatusArgs, runStatusCommand, STATUS_HELP, table } from '../../src/daemon/status-cli.js';
import { StatusServer } from '../../src/daemon/status-server.js';
import { captureLogger } from '../fakes/logger.js';
import { capturedState, withLvs } from './fixtures-snapshot.js';

function io() {
  const o = { out: '', err: '' };
  return { o, io: { out: (t: string) => { o.out += t; }, err: (t: string) => { o.err += t; } } };
}

describe('status table', () => {
  it('VRRP instances and virtual/real servers (golden)', () => {
    const s = withLvs(capturedState());
    s.vrrp[1] = { ...s.vrrp[1]!, effectivePriority: 90 };
    expect(formatStatusTable(s)).toBe([
      'INSTANCE                 STATE   PRIORITY       MASTER                 VIPS                         TRANSITIONS  LAST CHANGE',
      'VI_1 (vrid 51 on veth0)  MASTER  150            10.97.0.1 (this node)  10.97.0.100/24, 10.97.0.101  2            5s ago',
      'VI_2 (vrid 52 on veth0)  BACKUP  90 (base 100)  10.97.0.2 (prio 200)   10.97.0.200/24               1            8s ago',
      '',
      'VIRTUAL SERVER      QUORUM    REAL SERVER           HEALTH   WEIGHT      LAST CHECK',
      'TCP 10.97.0.100:80  up (3/1)  10.97.1.1:80          up       3           ok 4s ago (TCP_CHECK)',
      '                              10.97.1.2:80          DOWN     1 (conf 2)  failed 65s ago (HTTP_GET: connection refused)',
      '                              10.97.0.9:80 (sorry)  standby  1           -',
      '',
    ].join('\n'));
  });

  it('FAULT, no master known, no transition time, no VIPs; quorum down; no checks yet; nothing configured', () => {
    const s = withLvs(capturedState());
    s.vrrp = [{ ...s.vrrp[1]!, state: 'BACKUP', faulted: true, master: null, lastTransition: null, vips: [] }];
    const vs = s.virtualServers[0]!;
    s.virtualServers = [{ ...vs, quorumUp: false, aliveWeight: 0, sorryServer: { ...vs.sorryServer!, active: true }, realServers: vs.realServers.map((r) => ({ ...r, checkers: r.checkers.map((c) => ({ ...c, lastCheck: null })) })) }];
    const t = formatStatusTable(s);
    expect(t).toContain('VI_2 (vrid 52 on veth0)  BACKUP (fault)  100       -       -     1            -\n');
    expect(t).toContain('TCP 10.97.0.100:80  DOWN (0/1)');
    expect(t).toContain('10.97.0.9:80 (sorry)  active');
    expect(t).not.toContain('ago (');
    expect(formatStatusTable({ ...s, vrrp: [], virtualServers: [] })).toBe('VRRP instances: none\n');
  });

  it('helpers: columns, relative times', () => {
    expect(table([['a', 'bb', 'c'], ['ccc', '', '']])).toBe('a    bb  c\nccc\n');
    expect([ago(0), ago(119_400), ago(120_000), ago(7_199_000), ago(7_200_000), ago(3 * 86_400_000), ago(-5)]).toEqual(['0s ago', '119s ago', '2m ago', '120m ago', '2h ago', '3d ago', '0s ago']);
  });
});

describe('keepalived-ts status', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'kts-status-cli-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the table or the JSON from the running daemon', async () => {
    const path = join(dir, 's.sock');
    const snap = withLvs(capturedState());
    const srv = await StatusServer.listen({ path, snapshot: () => snap, log: captureLogger() });
    try {
      const a = io();
      expect(await runStatusCommand(['--socket', path], a.io)).toBe(0);
      expect(a.o.out).toBe(formatStatusTable(snap));
      expect(a.o.err).toBe('');
      const b = io();
      expect(await runStatusCommand(['--json', `--socket=${path}`], b.io)).toBe(0);
      expect(JSON.parse(b.o.out)).toEqual(snap);
    } finally {
      await srv.close();
    }
  });

  it('daemon not running: a clear message and exit 3', async () => {
    const a = io();
    expect(await runStatusCommand(['--socket', join(dir, 'absent.sock')], a.io)).toBe(3);
    expect(a.o.out).toBe('');
    expect(a.o.err).toBe(`keepalived-ts status: keepalived-ts is not running (nothing answers on ${join(dir, 'absent.sock')})\n`);
  });

  it('usage', async () => {
    const a = io();
    expect(await runStatusCommand(['--bogus'], a.io)).toBe(1);
    expect(a.o.err).toBe(`keepalived-ts status: unrecognized argument '--bogus'\n${STATUS_HELP}`);
    const h = io();
    expect(await runStatusCommand(['-h'], h.io)).toBe(0);
    expect(h.o.out).toBe(STATUS_HELP);
    expect(parseStatusArgs([])).toEqual({ ok: true, args: { json: false, socket: '/run/keepalived-ts.sock', help: false } });
    expect(parseStatusArgs(['--socket'])).toEqual({ ok: false, error: "option '--socket' requires an argument" });
    expect(parseStatusArgs(['--socket='])).toEqual({ ok: false, error: 'empty socket path' });
  });
});
