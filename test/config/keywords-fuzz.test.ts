/**
 * Robustness of the keyword layer: random trees built from real keywords (any block, any depth,
 * odd values, huge numbers, missing blocks) never make interpret/validate/dump throw, every
 * diagnostic has a location, and the dump of whatever was accepted loads back to the same model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfNode } from '../../src/config/ast.js';
import { dumpConfig } from '../../src/config/dump.js';
import { interpretTree } from '../../src/config/interpret.js';
import { ALL_SECTIONS } from '../../src/config/keywords/index.js';
import { validateConfig } from '../../src/config/validate.js';
import { loadText } from './conf-helper.js';

const keywords = [...new Set(ALL_SECTIONS.flatMap(({ section }) => Object.keys(section.keywords)))];
const word = fc.oneof(
  fc.constantFrom('0', '1', '255', '256', '-1', '1.5', '99999999999999999999', 'true', 'TRUE', 'off', 'MASTER', 'master', 'NAT', 'TCP', 'rr',
    '10.0.0.1', '10.0.0.1/24', 'fe80::1', '::', 'eth0', 'dev', 'weight', 'reverse', '/bin/true', "'", '\\', 'x'.repeat(200)),
  // Words the front end can produce: a double quote always delimits, and lines stay under 1024 bytes.
  fc.string({ minLength: 1, maxLength: 12 }).filter((w) => !w.includes('"')),
);

let line = 0;
const at = () => ({ file: '/fuzz.conf', line: ++line, col: 1 });
const node: fc.Memo<ConfNode> = fc.memo((depth) => fc.record({
  keyword: fc.oneof(fc.constantFrom(...keywords), word),
  args: fc.array(word, { maxLength: 4 }),
  block: depth <= 1 ? fc.constant(null) : fc.option(fc.array(node(depth - 1), { maxLength: 5 }), { nil: null }),
}).map((n): ConfNode => ({ ...n, argAt: n.args.map(at), rawArgs: n.args.join(' '), at: at() })));

describe('keyword layer fuzz', () => {
  it('never throws; every diagnostic has a location; accepted values survive dump/load', () => {
    fc.assert(fc.property(fc.array(node(5), { maxLength: 8 }), (nodes) => {
      const it1 = interpretTree(nodes);
      const diags = [...it1.diags, ...validateConfig(it1.config, it1.locs, { knownInterfaces: ['eth0'] })];
      for (const d of diags) {
        expect(d.at.file).toBe('/fuzz.conf');
        expect(d.at.line).toBeGreaterThan(0);
        expect(d.code).toMatch(/^KA_[A-Z0-9_]+$/);
      }
      const text = dumpConfig(it1.config);
      expect(loadText(text).config).toEqual(it1.config);
    }), { numRuns: 1500 });
  });
});
