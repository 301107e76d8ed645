/**
 * Word splitting for script keywords (`script`, `notify*`, `misc_path`, …), keepalived's
 * quoted-and-escaped rules: unquoted blanks separate words; `"…"` and `'…'` quote (and may be
 * glued to unquoted text: `ab"c d"e` is one word `abc de`); a backslash escapes inside and outside
 * quotes: `\a \b \E \f \n \r \t \v`, `\nnn` (1-3 octal digits), `\xXX…` (hex digits), `\cC`
 * (control character) and `\C` → `C` for anything else.
 */
import { fail, ok, type Result } from '../common/result.js';

const BLANKS = ' \t\f\n\r\v';
const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

const isHex = (c: string | undefined): boolean => c !== undefined && /[0-9a-fA-F]/.test(c);
const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';

/** Splits `raw` (the text after the keyword) into argv words, or says why it cannot. */
export function splitScriptArgs(raw: string): Result<string[]> {
  const words: string[] = [];
  let i = 0;
  const n = raw.length;
  while (i < n) {
    while (i < n && BLANKS.includes(raw[i]!)) i++;
    if (i >= n) break;
    let word = '';
    let quote: '"' | "'" | null = null;
    while (i < n) {
      const c = raw[i]!;
      if (c === '\\') {
        const e = raw[i + 1];
        if (e === undefined) return fail(`Missing escape char at end: '${raw}'`);
        if (e === 'x' && isHex(raw[i + 2])) {
          let v = 0;
          i += 2;
          while (isHex(raw[i])) v = ((v << 4) | parseInt(raw[i++]!, 16)) & 0xff;
          word += String.fromCharCode(v);
        } else if (e === 'c' && raw[i + 2] !== undefined) {
          word += String.fromCharCode(raw.charCodeAt(i + 2) & 0x1f);
          i += 3;
        } else if (isOctal(e)) {
          let v = 0;
          let digits = 0;
          i += 1;
          while (digits < 3 && isOctal(raw[i])) {
            v = v * 8 + (raw.charCodeAt(i++) - 48);
            digits++;
          }
          word += String.fromCharCode(v & 0xff);
        } else {
          word += SIMPLE_ESCAPES[e] ?? e;
          i += 2;
        }
        continue;
      }
      if (quote !== null) {
        if (c === quote) quote = null;
        else word += c;
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        i++;
        continue;
      }
      if (BLANKS.includes(c)) break;
      word += c;
      i++;
    }
    if (quote !== null) return fail(`String '${raw}': missing terminating ${quote}`);
    words.push(word);
  }
  return ok(words);
}
