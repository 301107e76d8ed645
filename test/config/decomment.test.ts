import { describe, expect, it } from 'vitest';
import { decomment } from '../../src/config/decomment.js';

const d = (raw: string) => {
  const r = decomment(raw);
  return { text: r.text.text, first: r.text.length ? r.text.colAt(0) : null, continued: r.continued, quote: r.unterminatedQuote };
};

describe('decomment', () => {
  it('trims blanks and maps the first column', () => {
    expect(d('\t  router_id x  ')).toEqual({ text: 'router_id x', first: 4, continued: false, quote: null });
  });

  it('cuts at the first ! or # outside double quotes', () => {
    expect(d('a "b # c" d # e').text).toBe('a "b # c" d');
    expect(d('# whole line').text).toBe('');
    expect(d('x!y').text).toBe('x');
  });

  it('unescapes \\! and \\# outside quotes only, and keeps other escapes', () => {
    const r = decomment('p a\\!b\\#c \\x "\\#"');
    expect(r.text.text).toBe('p a!b#c \\x "\\#"');
    expect(r.text.colAt(r.text.text.indexOf('b'))).toBe(r.text.text.indexOf('b') + 2);
  });

  it('does not let an escaped quote open a string', () => {
    expect(d('a \\" # c').text).toBe('a \\"');
  });

  it('marks a final backslash as continuation, even after a comment', () => {
    expect(d('$X=a b   \\')).toMatchObject({ text: '$X=a b\\', continued: true });
    expect(d('$X=a # note \\')).toMatchObject({ text: '$X=a\\', continued: true });
  });

  it('reports an open quote with the escaped text', () => {
    expect(d('k "a\\#b # c').quote).toBe('k "a\\#b # c');
    expect(d('k a\\#b "x').quote).toBe('k a#b "x');
  });
});
