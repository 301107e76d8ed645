/**
 * The formats against real ipvsadm 1.31 output captured in UML (test/ipvs/fixtures/ipvsadm: each
 * `<table>.cmds` holds the ipvsadm commands, `<table>.<variant>.txt` what ipvsadm printed; the
 * integration test ipvs-fixtures.test.ts re-captures them). The table is rebuilt from the .cmds
 * through our restore parser, so parser and formatter are both checked against ipvsadm.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatList, formatSave, parseRestore, restoreOp, sortTable, type ListVariant } from '../../src/ipvs/format.js';
import { applyOps, type IpvsOp, type Table } from '../../src/ipvs/reconcile.js';
import { zeroStats, type IpvsInfo, type ServiceEntry } from '../../src/ipvs/types.js';

const dir = join(import.meta.dirname, 'fixtures/ipvsadm');
const info: IpvsInfo = { version: 0x010201, connTabSize: 4096 };
const read = (f: string): string => readFileSync(join(dir, f), 'utf8');

function tableFrom(text: string): Table {
  const cmds = parseRestore(text);
  if (!cmds.ok) throw new Error(`line ${cmds.reason.line}: ${cmds.reason.msg}`);
  const ops = cmds.value.map(restoreOp).filter((o): o is IpvsOp => o !== 'flush');
  return applyOps([], ops);
}

/** Kernel dump order is hash order; ipvsadm sorts. Give the formatter a shuffled table to prove it sorts too. */
const withCounters = (t: Table): ServiceEntry[] =>
  [...t].reverse().map((e) => ({
    service: e.service, stats: zeroStats(),
    dests: [...e.dests].reverse().map((d) => ({ dest: d, counters: { activeConns: 0, inactConns: 0, persistConns: 0, stats: zeroStats() } })),
  }));

const variants: Record<string, { variant: ListVariant; exact?: boolean }> = {
  Ln: { variant: 'default' }, stats: { variant: 'stats' }, rate: { variant: 'rate' }, 'exact-stats': { variant: 'stats', exact: true },
  thresholds: { variant: 'thresholds' }, 'persistent-conn': { variant: 'persistent-conn' }, 'tun-info': { variant: 'tun-info' },
};

const tables = readdirSync(dir).filter((f) => f.endsWith('.cmds')).map((f) => f.slice(0, -5));

describe.each(tables)('table %s', (name) => {
  const table = withCounters(tableFrom(read(`${name}.cmds`)));
  it.each(Object.keys(variants))('ipvsadm -Ln variant %s is byte-identical', (v) => {
    expect(formatList(table, info, variants[v])).toBe(read(`${name}.${v}.txt`));
  });
  it('ipvsadm -Sn is byte-identical', () => {
    expect(formatSave(table)).toBe(read(`${name}.Sn.txt`));
  });
  it('restoring the saved rules rebuilds the same table (save → restore → save)', () => {
    const again = withCounters(tableFrom(read(`${name}.Sn.txt`)));
    expect(formatSave(again)).toBe(read(`${name}.Sn.txt`));
  });
});

describe('formatList details', () => {
  const one = (n: bigint): ServiceEntry[] => [{
    service: { af: 4, protocol: 'tcp', addr: '10.0.0.1', port: 80, sched: 'rr', flags: { persistent: false, onePacket: false, sched1: false, sched2: false, sched3: false }, timeout: 0, netmask: 32, pe: '' },
    stats: { ...zeroStats(), conns: n, inBytes: n * 1000n }, dests: [],
  }];
  it('large counters get units unless --exact', () => {
    const line = (n: bigint, exact = false) => formatList(one(n), info, { variant: 'stats', exact }).split('\n')[3];
    // Not yet checked against ipvsadm with real traffic (UML fixtures have zero counters): thresholds as in
    // ipvsadm's print_largenum (9 digits plain, then K/M/G/T in an 8-wide column).
    expect(line(99_999_999n)).toBe('TCP  10.0.0.1:80                  99999999        0        0   99999M        0');
    expect(line(123_456_789n, true)).toBe('TCP  10.0.0.1:80                  123456789        0        0 123456789000        0');
    expect(line(5_000_000_000n)).toBe('TCP  10.0.0.1:80                     5000M        0        0    5000G        0');
  });
});

describe('parseRestore', () => {
  it('applies ipvsadm defaults: DR, weight 1, wlc, -p = 360 s, real-server port = service port', () => {
    const r = parseRestore('-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 10.88.0.2\n-A -u [FD00::1]:53 -p\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value[0]).toMatchObject({ op: 'addService', service: { sched: 'wlc', flags: { persistent: false } } });
    expect(r.value[1]).toMatchObject({ op: 'addDest', dest: { addr: '10.88.0.2', port: 80, fwd: 'route', weight: 1 } });
    expect(r.value[2]).toMatchObject({ op: 'addService', service: { af: 6, addr: 'fd00::1', timeout: 360, netmask: 128 } });
  });
  it('gives non-NAT real servers of address services the service port, as ipvsadm does (checked in UML)', () => {
    const r = parseRestore('-a -t 10.0.0.1:80 -r 127.0.0.1:8081 -i\n-a -t 10.0.0.1:80 -r 10.88.0.1:8080 -m\n-a -f 4 -r 10.88.0.2:99 -g');
    expect(r.ok && r.value.map((c) => (c.op === 'addDest' ? c.dest.port : -1))).toEqual([80, 8080, 99]);
  });

  it('reports the line of a bad command', () => {
    expect(parseRestore('-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r host.example:80\n')).toEqual({
      ok: false, reason: { line: 2, msg: 'bad address "host.example:80" (numeric addresses only)' },
    });
    expect(parseRestore('-A -t 10.0.0.1:80 --bogus')).toMatchObject({ ok: false, reason: { line: 1, msg: 'unknown option "--bogus"' } });
    expect(parseRestore('-t 10.0.0.1:80')).toMatchObject({ ok: false, reason: { msg: /no command/ } });
    expect(parseRestore('-a -t 10.0.0.1:80')).toMatchObject({ ok: false, reason: { msg: 'no real server (-r)' } });
  });
  it('never throws on arbitrary input (returns a line and a reason instead)', () => {
    const words = fc.constantFrom('-A', '-a', '-E', '-e', '-D', '-d', '-C', '-t', '-u', '-f', '-6', '-s', '-p', '-M', '-r', '-m', '-g', '-i',
      '-w', '-x', '-y', '-b', '-o', '--pe', '--tun-type', '--tun-port', '--tun-csum', '10.0.0.1:80', '[fd00::1]:53', '0', '65536', 'gue', 'sh-port', '');
    fc.assert(fc.property(fc.array(fc.array(fc.oneof(words, fc.string()), { maxLength: 8 }), { maxLength: 5 }), (lines) => {
      const text = lines.map((l) => l.join(' ')).join('\n');
      expect(() => parseRestore(text)).not.toThrow();
    }), { numRuns: 1000 });
  });

  it('sorts like ipvsadm, including its wrap-around address comparison', () => {
    const t = withCounters(tableFrom('-A -t 10.0.0.1:80\n-A -t 200.0.0.1:80\n-A -t 10.0.0.1:22\n-A -f 1\n-A -u 10.0.0.1:80'));
    expect(sortTable(t).map((e) => `${e.service.protocol ?? 'fwm'} ${e.service.addr ?? ''}:${e.service.port ?? ''}`))
      .toEqual(['tcp 200.0.0.1:80', 'tcp 10.0.0.1:22', 'tcp 10.0.0.1:80', 'udp 10.0.0.1:80', 'fwm :']);
  });
});
