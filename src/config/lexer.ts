/**
 * Words of one logical line, split keepalived's way (`alloc_strvec_r`): blanks separate words;
 * a word that starts with `"` runs to the next `"` (quotes dropped, no escapes); a `"` inside a
 * word ends it; single quotes are ordinary characters. Braces only reach the lexer as lines of
 * their own (the preprocessor splits them off), so `{`/`}` are tokens.
 *
 * Also the token-stream lexer the nearley grammar reads: the tree builder lexes each line, then
 * hands nearley the tokens (with `nl` ends of line) through `TokenStream`.
 */
import { createRequire } from 'node:module';
import type moo from 'moo';
import type { Lexer as NearleyLexer, LexerState, Token as NearleyToken } from 'nearley';

export type TokenType = 'ws' | 'qword' | 'badquote' | 'lbrace' | 'rbrace' | 'word';

/** A token of the grammar: a word (with its unquoted value) or structure. */
export interface ConfToken {
  type: 'word' | 'qword' | 'lbrace' | 'rbrace' | 'nl';
  /** The word without quotes. */
  value: string;
  /** nearley reports tokens by `text`; same as value. */
  text: string;
  /** Index of the logical line this token belongs to. */
  lineIdx: number;
  /** Offset of the token in the logical line's text. */
  offset: number;
}

const RULES = {
  ws: /[ \t\f\v\r\n]+/,
  qword: /"[^"]*"/,
  badquote: /"[^"]*/,
  lbrace: '{',
  rbrace: '}',
  word: /[^ \t\f\v\r\n"{}]+/,
} satisfies moo.Rules;

let mooModule: typeof moo | null = null;
/**
 * moo is loaded on first use: only lines with a `"` need it, and `-t` on a quote-free file then
 * never pays for loading it (~5 ms).
 */
function loadMoo(): typeof moo {
  return (mooModule ??= createRequire(import.meta.url)('moo') as typeof moo);
}

/** A fresh lexer (moo lexers carry state; never share one across parses). */
export function createLineLexer(): moo.Lexer {
  return loadMoo().compile({ ...RULES, ws: { match: RULES.ws, lineBreaks: true } });
}

export interface LexedLine {
  tokens: ConfToken[];
  /** Set when a `"` is never closed: keepalived drops the rest of the line. */
  unmatchedQuoteAt: number | null;
}

const isBlank = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/**
 * The same split as the moo rules for a line without `"` (most lines): blank-separated words,
 * `{`/`}` on their own. Several times faster than moo per token; test/config/lexer.test.ts checks
 * with fast-check that both agree.
 */
export function lexPlainInto(text: string, lineIdx: number, out: ConfToken[]): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === 0x7b || c === 0x7d) {
      const v = c === 0x7b ? '{' : '}';
      out.push({ type: c === 0x7b ? 'lbrace' : 'rbrace', value: v, text: v, lineIdx, offset: i });
      i++;
      continue;
    }
    const start = i;
    while (i < n && !isBlank((c = text.charCodeAt(i))) && c !== 0x7b && c !== 0x7d) i++;
    const value = text.slice(start, i);
    out.push({ type: 'word', value, text: value, lineIdx, offset: start });
  }
}

/**
 * Appends the words of `text` to `out` (reused across lines to spare allocations). Returns the
 * offset of an unmatched `"` (keepalived then drops the rest of the line), or null.
 */
export function lexLineInto(lexer: moo.Lexer, text: string, lineIdx: number, out: ConfToken[]): number | null {
  if (!text.includes('"')) {
    lexPlainInto(text, lineIdx, out);
    return null;
  }
  return lexWithMoo(lexer, text, lineIdx, out);
}

/** The moo lexer proper: handles quoted words. */
export function lexWithMoo(lexer: moo.Lexer, text: string, lineIdx: number, out: ConfToken[]): number | null {
  lexer.reset(text);
  for (let tok = lexer.next(); tok !== undefined; tok = lexer.next()) {
    switch (tok.type as TokenType) {
      case 'ws':
        break;
      case 'qword': {
        const value = tok.value.slice(1, -1);
        out.push({ type: 'qword', value, text: value, lineIdx, offset: tok.offset });
        break;
      }
      case 'badquote':
        return tok.offset;
      case 'lbrace':
        out.push({ type: 'lbrace', value: '{', text: '{', lineIdx, offset: tok.offset });
        break;
      case 'rbrace':
        out.push({ type: 'rbrace', value: '}', text: '}', lineIdx, offset: tok.offset });
        break;
      case 'word':
        out.push({ type: 'word', value: tok.value, text: tok.value, lineIdx, offset: tok.offset });
        break;
    }
  }
  return null;
}

/** Token kinds of a TokenBuffer (numbers, so a token costs no object). */
export const K_WORD = 0;
export const K_QWORD = 1;
export const K_LBRACE = 2;
export const K_RBRACE = 3;
export const K_NL = 4;
export type TokenKind = typeof K_WORD | typeof K_QWORD | typeof K_LBRACE | typeof K_RBRACE | typeof K_NL;
export const KIND_TYPES: readonly ConfToken['type'][] = ['word', 'qword', 'lbrace', 'rbrace', 'nl'];

/**
 * Tokens as parallel arrays, reused from statement to statement: the tree builder lexes ~100k
 * lines into one of these instead of allocating a ConfToken per word. `length` is the number of
 * tokens in use; the arrays keep their capacity across clear().
 */
export class TokenBuffer {
  kinds: TokenKind[] = [];
  values: string[] = [];
  /** Offset in the logical line's text. */
  offsets: number[] = [];
  /** Index of the logical line (the tree builder's numbering). */
  lines: number[] = [];
  length = 0;

  push(kind: TokenKind, value: string, lineIdx: number, offset: number): void {
    const n = this.length++;
    this.kinds[n] = kind;
    this.values[n] = value;
    this.offsets[n] = offset;
    this.lines[n] = lineIdx;
  }

  clear(): void {
    this.length = 0;
  }
}

/**
 * Interns short words (keywords and common values repeat on most lines of a large config), so
 * the tree keeps one string per distinct word instead of one per occurrence. Open addressing
 * over a hash computed while scanning; a hit costs no allocation at all.
 */
export class WordTable {
  private readonly slots: (string | undefined)[];
  private readonly mask: number;
  private free: number;

  constructor(bits = 13, private readonly maxLength = 24) {
    this.slots = new Array<string | undefined>(1 << bits).fill(undefined);
    this.mask = (1 << bits) - 1;
    this.free = 1 << (bits - 1); // stop inserting at half load
  }

  /** text.slice(start, end), shared with earlier equal words; `hash` from wordHash's recurrence. */
  get(text: string, start: number, end: number, hash: number): string {
    const len = end - start;
    if (len > this.maxLength) return text.slice(start, end);
    for (let k = 0, i = hash & this.mask; k < 8; k++, i = (i + 1) & this.mask) {
      const w = this.slots[i];
      if (w === undefined) {
        const s = text.slice(start, end);
        if (this.free > 0) {
          this.free--;
          this.slots[i] = s;
        }
        return s;
      }
      if (w.length === len && text.startsWith(w, start)) return w;
    }
    return text.slice(start, end);
  }
}

/** lexPlainInto for a TokenBuffer (words interned through `words`). */
function lexPlainToBuffer(text: string, lineIdx: number, out: TokenBuffer, words: WordTable): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === 0x7b || c === 0x7d) {
      out.push(c === 0x7b ? K_LBRACE : K_RBRACE, c === 0x7b ? '{' : '}', lineIdx, i);
      i++;
      continue;
    }
    const start = i;
    let h = 0;
    while (i < n && !isBlank((c = text.charCodeAt(i))) && c !== 0x7b && c !== 0x7d) {
      h = (Math.imul(h, 31) + c) | 0;
      i++;
    }
    out.push(K_WORD, words.get(text, start, i, h), lineIdx, start);
  }
}

const KIND_OF: Partial<Record<ConfToken['type'], TokenKind>> = { word: K_WORD, qword: K_QWORD, lbrace: K_LBRACE, rbrace: K_RBRACE };
let scratch: ConfToken[] = [];

/**
 * lexLineInto for a TokenBuffer: same words, offsets and unmatched-quote result. `lexer` is only
 * called for (and only needed by) lines with a `"`.
 */
export function lexLineToBuffer(lexer: () => moo.Lexer, text: string, lineIdx: number, out: TokenBuffer, words: WordTable): number | null {
  if (text.indexOf('"') < 0) {
    lexPlainToBuffer(text, lineIdx, out, words);
    return null;
  }
  const toks = scratch;
  scratch = [];
  toks.length = 0;
  const bad = lexWithMoo(lexer(), text, lineIdx, toks);
  for (const t of toks) out.push(KIND_OF[t.type]!, t.value, lineIdx, t.offset);
  scratch = toks;
  return bad;
}

/**
 * Offsets of the words of `text` (as lexLineInto splits it), for locations computed on demand.
 */
export function wordOffsets(lexer: () => moo.Lexer, text: string): number[] {
  const out: number[] = [];
  if (text.indexOf('"') < 0) {
    const n = text.length;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (isBlank(c)) {
        i++;
        continue;
      }
      out.push(i);
      if (c === 0x7b || c === 0x7d) {
        i++;
        continue;
      }
      while (i < n && !isBlank((c = text.charCodeAt(i))) && c !== 0x7b && c !== 0x7d) i++;
    }
    return out;
  }
  const toks: ConfToken[] = [];
  lexWithMoo(lexer(), text, 0, toks);
  for (const t of toks) out.push(t.offset);
  return out;
}

export function lexLine(lexer: moo.Lexer, text: string, lineIdx: number): LexedLine {
  const tokens: ConfToken[] = [];
  const unmatchedQuoteAt = lexLineInto(lexer, text, lineIdx, tokens);
  return { tokens, unmatchedQuoteAt };
}

const GRAMMAR_TOKENS = new Set<string>(['word', 'qword', 'lbrace', 'rbrace', 'nl']);

/**
 * What the compiled grammar names with `@lexer`: it only answers which token types exist.
 * Each parse passes its own `TokenStream` to the nearley Parser, so nothing here holds state.
 */
export const grammarTokens = Object.freeze({
  has: (type: string): boolean => GRAMMAR_TOKENS.has(type),
  reset(): void {
    throw new Error('grammarTokens is a token-type table; parse with a TokenStream');
  },
  next: (): undefined => undefined,
  save: (): LexerState => ({}),
  formatError: (_t: unknown, message?: string): string => message ?? 'syntax error',
});

/** Feeds an already-lexed token array to nearley (which calls reset(''), then next() until done). */
export class TokenStream implements NearleyLexer {
  private index = 0;
  constructor(
    private readonly tokens: readonly ConfToken[],
    private readonly from = 0,
    private readonly to = tokens.length,
  ) {
    this.index = from;
  }
  has(type: string): boolean {
    return GRAMMAR_TOKENS.has(type);
  }
  reset(): void {
    this.index = this.from;
  }
  next(): ConfToken | undefined {
    return this.index < this.to ? this.tokens[this.index++] : undefined;
  }
  save(): LexerState {
    return { index: this.index };
  }
  formatError(token: NearleyToken, message: string): string {
    const t = token as Partial<ConfToken>;
    return `${message} at token '${t.value ?? String(token)}' (line ${t.lineIdx ?? '?'})`;
  }
}
