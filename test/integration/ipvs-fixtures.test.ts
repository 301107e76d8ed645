/**
 * Re-captures the ipvsadm output fixtures in UML and checks the stored files are exactly what the
 * real ipvsadm prints for their `.cmds` (so the format tests in test/ipvs/format.test.ts compare
 * against real output, not against our memory of it). KTS_UPDATE_FIXTURES=1 rewrites the files.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runInUml } from './helpers/uml.js';

const dir = join(REPO_ROOT, 'test/ipvs/fixtures/ipvsadm');
/** Output variant → ipvsadm arguments that produce it. */
export const VARIANTS: Record<string, string> = {
  Ln: '-Ln',
  stats: '-Ln --stats',
  rate: '-Ln --rate',
  'exact-stats': '-Ln --stats --exact',
  thresholds: '-Ln --thresholds',
  'persistent-conn': '-Ln --persistent-conn',
  'tun-info': '-Ln --tun-info',
  Sn: '-Sn',
};

describe('ipvsadm fixtures are real ipvsadm output', () => {
  const tables = readdirSync(dir).filter((f) => f.endsWith('.cmds')).map((f) => f.slice(0, -5)).sort();
  it.each(tables)('%s', async (table) => {
    const cmds = readFileSync(join(dir, `${table}.cmds`), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const script = [
      'set -e',
      ...cmds.map((c) => `ipvsadm ${c}`),
      ...Object.entries(VARIANTS).map(([name, args]) => `echo "==${name}"; ipvsadm ${args}`),
    ].join('\n');
    const r = await runInUml({ timeoutMs: 110_000, script });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const parts = r.stdout.split(/^==([\w-]+)\n/m).slice(1);
    const captured: Record<string, string> = {};
    for (let i = 0; i < parts.length; i += 2) captured[parts[i]!] = parts[i + 1]!;
    expect(Object.keys(captured)).toEqual(Object.keys(VARIANTS));
    for (const [name, text] of Object.entries(captured)) {
      const file = join(dir, `${table}.${name}.txt`);
      if (process.env['KTS_UPDATE_FIXTURES'] === '1') writeFileSync(file, text);
      expect(existsSync(file), `${file} missing (run with KTS_UPDATE_FIXTURES=1)`).toBe(true);
      expect(readFileSync(file, 'utf8'), `${table}.${name}`).toBe(text);
    }
  }, 120_000);
});
