import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MappedText } from '../../src/config/mapped-text.js';

/** Reference model: one column per character. */
const cols = (m: MappedText): number[] => [...m.text].map((_, i) => m.colAt(i));

describe('MappedText', () => {
  it('maps source text linearly from its first column', () => {
    const m = MappedText.source('abc', 5);
    expect(cols(m)).toEqual([5, 6, 7]);
    expect(cols(m.slice(1))).toEqual([6, 7]);
  });

  it('maps every character of a substitution to one column', () => {
    const m = MappedText.source('x $V y', 1).replace(2, 4, 'long');
    expect(m.text).toBe('x long y');
    expect(cols(m)).toEqual([1, 2, 3, 3, 3, 3, 5, 6]);
    expect(cols(m.slice(4, 7))).toEqual([3, 3, 5]);
  });

  it('concatenates and trims while keeping columns', () => {
    const m = MappedText.concat([MappedText.source('  ab', 1), MappedText.source('cd  ', 10)]);
    expect(cols(m.trimStart().trimEnd())).toEqual([3, 4, 10, 11]);
    expect(MappedText.concat([]).text).toBe('');
  });

  it('slices agree with a per-character model after random edits', () => {
    const edit = fc.record({ start: fc.nat(20), len: fc.nat(5), insert: fc.string({ maxLength: 6 }) });
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), fc.array(edit, { maxLength: 4 }), fc.nat(40), fc.nat(40), (src, edits, a, b) => {
        let m = MappedText.source(src, 1);
        let model = [...src].map((_, i) => i + 1);
        for (const e of edits) {
          const s = Math.min(e.start, m.length);
          const end = Math.min(s + e.len, m.length);
          const col = m.length === 0 ? 1 : m.colAt(s);
          m = m.replace(s, end, e.insert);
          model = [...model.slice(0, s), ...[...e.insert].map(() => col), ...model.slice(end)];
        }
        expect(m.text.length).toBe(model.length);
        expect(cols(m)).toEqual(model);
        const lo = Math.min(a, b, m.length);
        const hi = Math.min(Math.max(a, b), m.length);
        expect(cols(m.slice(lo, hi))).toEqual(model.slice(lo, hi));
      }),
      { numRuns: 1000, seed: 3 },
    );
  });
});
