/**
 * keepalived's per-line clean-up (`decomment`): leading blanks go, `!`/`#` outside double quotes
 * start a comment, `\!`/`\#` outside quotes are literal, a final `\` marks a continuation (kept as
 * the last character, glued to the text before it), trailing blanks go.
 */
import { MappedText } from './mapped-text.js';

export interface Decommented {
  text: MappedText;
  /** The line ends in a `\` (only meaningful inside a multi-line `$NAME=` definition). */
  continued: boolean;
  /** Set when a double quote is left open; keepalived reports the line (after escapes). */
  unterminatedQuote: string | null;
}

const SPECIAL = /["\\!#]/;

export function decomment(raw: string): Decommented {
  let start = 0;
  while (start < raw.length && (raw[start] === ' ' || raw[start] === '\t')) start++;
  if (!SPECIAL.test(raw)) {
    // Fast path for the common line: only blanks to trim.
    let end = raw.length;
    while (end > start && (raw[end - 1] === ' ' || raw[end - 1] === '\t')) end--;
    return { text: MappedText.source(start === 0 && end === raw.length ? raw : raw.slice(start, end), start + 1), continued: false, unterminatedQuote: null };
  }
  const pieces: MappedText[] = [];
  let pieceStart = start;
  let inQuote = false;
  let commentAt = -1;
  let continued = false;
  let end = raw.length;
  let shown = '';
  for (let i = start; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x22 /* " */) {
      if (commentAt < 0) inQuote = !inQuote;
    } else if (c === 0x5c /* \ */) {
      if (i + 1 >= raw.length) {
        continued = true;
        end = i;
        break;
      }
      const n = raw[i + 1];
      if (!inQuote && (n === '#' || n === '!')) {
        if (commentAt < 0) {
          pieces.push(MappedText.source(raw.slice(pieceStart, i), pieceStart + 1));
          shown += raw.slice(pieceStart, i);
          pieceStart = i + 1;
        }
      }
      i++;
    } else if ((c === 0x21 /* ! */ || c === 0x23) /* # */ && !inQuote && commentAt < 0) {
      commentAt = i;
    }
  }
  const stop = commentAt >= 0 ? commentAt : end;
  const unterminatedQuote = inQuote ? shown + raw.slice(pieceStart, end) : null;
  pieces.push(MappedText.source(raw.slice(pieceStart, Math.max(stop, pieceStart)), pieceStart + 1));
  let text = MappedText.concat(pieces).trimEnd();
  if (continued) text = MappedText.concat([text, MappedText.at('\\', end + 1)]);
  return { text, continued, unterminatedQuote };
}
