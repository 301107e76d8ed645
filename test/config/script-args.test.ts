import { describe, expect, it } from 'vitest';
import { splitScriptArgs } from '../../src/config/script-args.js';

const words = (raw: string): string[] => {
  const r = splitScriptArgs(raw);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
};

describe('splitScriptArgs', () => {
  it('splits on unquoted blanks', () => {
    expect(words('/bin/check  a\tb')).toEqual(['/bin/check', 'a', 'b']);
    expect(words('   ')).toEqual([]);
  });

  it('groups both quote kinds and glues quoted parts to unquoted text', () => {
    expect(words(`"/usr/bin/a b" 'c d' e`)).toEqual(['/usr/bin/a b', 'c d', 'e']);
    expect(words('ab"c d"e')).toEqual(['abc de']);
    expect(words(`abcd" efg h jkl "mnop`)).toEqual(['abcd efg h jkl mnop']);
    expect(words(`abcd "efg h jkl" mnop`)).toEqual(['abcd', 'efg h jkl', 'mnop']);
    expect(words(`"it's"`)).toEqual(["it's"]);
    expect(words(`'say "hi"'`)).toEqual(['say "hi"']);
    expect(words(`"" x`)).toEqual(['', 'x']);
  });

  it('decodes the C-like escapes', () => {
    expect(words('\\a\\b\\E\\f\\n\\r\\t\\v')).toEqual(['\x07\b\x1b\f\n\r\t\v']);
    expect(words('\\101\\7x')).toEqual(['A\x07x']);
    expect(words('\\1012')).toEqual(['A2']); // at most three octal digits
    expect(words('\\x41\\x4a')).toEqual(['AJ']);
    expect(words('\\xg')).toEqual(['xg']); // \x without hex digits is just x
    expect(words('\\cA\\c[')).toEqual(['\x01\x1b']);
    expect(words('a\\ b \\\\ \\" \\\'')).toEqual(['a b', '\\', '"', "'"]);
    expect(words('"in \\"quotes\\""')).toEqual(['in "quotes"']);
  });

  it('reports an unterminated quote or a trailing backslash', () => {
    const q = splitScriptArgs(`/bin/x "abc`);
    expect(q).toEqual({ ok: false, reason: `String '/bin/x "abc': missing terminating "` });
    const s = splitScriptArgs(`/bin/x 'abc`);
    expect(s.ok).toBe(false);
    const b = splitScriptArgs('/bin/x \\');
    expect(b).toEqual({ ok: false, reason: "Missing escape char at end: '/bin/x \\'" });
  });
});
