import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runIpvsCommand, type IpvsCliIo } from '../../src/ipvs/cli.js';
import { applyOps, type IpvsOp, type Table } from '../../src/ipvs/reconcile.js';
import { zeroStats } from '../../src/ipvs/types.js';

const fixtures = join(import.meta.dirname, 'fixtures/ipvsadm');

/** An in-memory kernel behind the client methods the CLI uses (applyOps refuses what the kernel refuses). */
function memoryIo(stdin = ''): IpvsCliIo & { out: string[]; table: Table } {
  const io = {
    out: [] as string[],
    table: [] as Table,
    readStdin: () => Promise.resolve(stdin),
    write: (t: string) => { io.out.push(t); },
    client: {
      table: () => Promise.resolve(io.table.map((e) => ({
        service: e.service, stats: zeroStats(),
        dests: e.dests.map((d) => ({ dest: d, counters: { activeConns: 0, inactConns: 0, persistConns: 0, stats: zeroStats() } })),
      }))),
      info: () => Promise.resolve({ version: 0x010201, connTabSize: 4096 }),
      apply: (ops: IpvsOp[]) => { // op by op, like the kernel: earlier ops stay applied when one fails
        for (const o of ops) io.table = applyOps(io.table, [o]);
        return Promise.resolve();
      },
      flush: () => { io.table = []; return Promise.resolve(); },
    },
  };
  return io;
}

describe('keepalived-ts ipvs', () => {
  it('restore < ipvsadm -Sn output, then list and save print exactly what ipvsadm printed', async () => {
    const io = memoryIo(readFileSync(join(fixtures, 'mixed.Sn.txt'), 'utf8'));
    expect(await runIpvsCommand(['restore'], io)).toBe(0);
    expect(await runIpvsCommand(['list', '-n'], io)).toBe(0);
    expect(await runIpvsCommand(['list', '--tun-info'], io)).toBe(0);
    expect(await runIpvsCommand(['save'], io)).toBe(0);
    expect(io.out).toEqual([
      readFileSync(join(fixtures, 'mixed.Ln.txt'), 'utf8'),
      readFileSync(join(fixtures, 'mixed.tun-info.txt'), 'utf8'),
      readFileSync(join(fixtures, 'mixed.Sn.txt'), 'utf8'),
    ]);
  });

  it('restore honours -C and stops at the first refused command', async () => {
    const io = memoryIo('-A -t 10.0.0.1:80 -s rr\n-C\n-A -t 10.0.0.2:80 -s rr\n-A -t 10.0.0.2:80 -s rr\n-A -t 10.0.0.3:80\n');
    expect(await runIpvsCommand(['restore'], io)).toBe(1);
    expect(io.out.join('')).toMatch(/^restore: EEXIST/);
    expect(io.table.map((e) => e.service.addr)).toEqual(['10.0.0.2']);
  });

  it('reports parse errors with the line and usage errors with exit 2', async () => {
    const io = memoryIo('-A -t 10.0.0.1:80\nbogus\n');
    expect(await runIpvsCommand(['restore'], io)).toBe(1);
    expect(io.out).toEqual(['restore: line 2: unknown option "bogus"\n']);
    expect(io.table).toEqual([]); // nothing applied when the input does not parse
    expect(await runIpvsCommand(['list', '--bogus'], io)).toBe(2);
    expect(await runIpvsCommand([], io)).toBe(2);
    expect(io.out.at(-1)).toMatch(/^missing subcommand\nusage: keepalived-ts ipvs list/);
  });
});
