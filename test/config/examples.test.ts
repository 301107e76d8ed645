/**
 * Golden models for examples/*.conf and test/fixtures/conf/*.conf, and the dump round trip:
 * load(dump(cfg)) deep-equals cfg. Regenerate the JSON after an intended model change with
 * UPDATE_GOLDEN=1 npx vitest run test/config/examples.test.ts (then review the diff).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dumpConfig } from '../../src/config/dump.js';
import { loadConfig } from '../../src/config/load.js';
import { fsConfigSource } from '../../src/daemon/config-source.js';
import { diagLines, loadText } from './conf-helper.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'conf');
const confs = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.conf')).sort().map((f) => join(dir, f));

const cases = [
  ...confs(join(root, 'examples')).map((file) => ({ file, golden: join(fixtures, 'examples', `${basename(file, '.conf')}.json`) })),
  ...confs(fixtures).map((file) => ({ file, golden: join(fixtures, `${basename(file, '.conf')}.json`) })),
];

describe('golden models and dump round trip', () => {
  it('has the required examples', () => {
    const names = cases.map((c) => basename(c.file));
    for (const n of ['lvs-dr-master.conf', 'lvs-dr-backup.conf', 'lvs-nat.conf', 'vrrp-basic.conf']) expect(names).toContain(n);
  });

  for (const c of cases) {
    const name = c.file.slice(root.length + 1);
    it(`${name}: model equals its golden JSON`, () => {
      const r = loadConfig(c.file, { source: fsConfigSource(), configId: 'test' });
      const actual = { exitCode: r.exitCode, diags: diagLines(r), config: r.config };
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(c.golden, JSON.stringify(actual, null, 2) + '\n');
      expect(existsSync(c.golden), `missing ${c.golden} (run with UPDATE_GOLDEN=1)`).toBe(true);
      expect(actual).toEqual(JSON.parse(readFileSync(c.golden, 'utf8')));
      if (name.startsWith('examples/')) expect(r.exitCode, diagLines(r).join('\n')).toBe(0);
    });

    it(`${name}: load(dump(cfg)) equals cfg and the dump is clean`, () => {
      const cfg = loadConfig(c.file, { source: fsConfigSource(), configId: 'test' }).config;
      const again = loadText(dumpConfig(cfg));
      expect(diagLines(again)).toEqual([]);
      expect(again.config).toEqual(cfg);
      expect(dumpConfig(again.config)).toBe(dumpConfig(cfg));
    });
  }
});
