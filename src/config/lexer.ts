/**
 * Words of one logical line, split keepalived's way (`alloc_strvec_r`): blanks separate words;
 * a word that starts with `"` runs to the next `"` (quotes dropped, no escapes); a `"` inside a
 * word ends it; single quotes are ordinary characters. Braces only reach the lexer as lines of
 * their own (the preprocessor splits them off), so `{`/`}` are tokens.
 *
 * Also the token-stream lexer the nearley grammar reads: the tree builder lexes each line, then
 * hands nearley the tokens (with `nl` ends of line) through `TokenStream`.
 */
import moo from 'moo';
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

/** A fresh lexer (moo lexers carry state; never share one across parses). */
export function createLineLexer(): moo.Lexer {
  return moo.compile({ ...RULES, ws: { match: RULES.ws, lineBreaks: true } });
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
