import fc from 'fast-check';
import nearley from 'nearley';
import { describe, expect, it } from 'vitest';
import compiled from '../../src/config/generated/grammar.js';
import { createLineLexer, grammarTokens, lexLine, lexPlainInto, lexWithMoo, TokenStream, type ConfToken } from '../../src/config/lexer.js';

const lex = (text: string) => lexLine(createLineLexer(), text, 0);
const values = (text: string) => lex(text).tokens.map((t) => `${t.type}:${t.value}@${t.offset}`);

describe('lexLine (keepalived word splitting)', () => {
  it('splits on blanks and records offsets', () => {
    expect(values('state \tMASTER\f x')).toEqual(['word:state@0', 'word:MASTER@7', 'word:x@15']);
  });

  it('takes a word starting with " up to the next " and drops the quotes', () => {
    expect(values('notify "/bin/a b" c')).toEqual(['word:notify@0', 'qword:/bin/a b@7', 'word:c@18']);
    expect(values('x ""')).toEqual(['word:x@0', 'qword:@2']);
  });

  it('ends a word at a " in its middle, which starts a new quoted word', () => {
    expect(values('ab"c d"e')).toEqual(['word:ab@0', 'qword:c d@2', 'word:e@7']);
  });

  it('treats single quotes and backslashes as ordinary characters', () => {
    expect(values("'a b' c\\d")).toEqual(["word:'a@0", "word:b'@3", 'word:c\\d@6']);
  });

  it('drops the rest of the line at an unmatched quote', () => {
    const r = lex('qq "x" y"z w');
    expect(r.tokens.map((t) => t.value)).toEqual(['qq', 'x', 'y']);
    expect(r.unmatchedQuoteAt).toBe(8);
  });

  it('lexes braces as their own tokens', () => {
    expect(lex('{').tokens.map((t) => t.type)).toEqual(['lbrace']);
    expect(lex('}').tokens.map((t) => t.type)).toEqual(['rbrace']);
  });

  it('splits quote-free lines on the fast path exactly as the moo rules do', () => {
    const lexer = createLineLexer();
    const chars = fc.constantFrom('a', 'b', '1', '.', '/', ' ', '\t', '\f', '\v', '\r', '{', '}', "'", '\\', '$', 'é', '-');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }).map((cs) => cs.join('')), (text) => {
        const fast: ConfToken[] = [];
        const slow: ConfToken[] = [];
        lexPlainInto(text, 3, fast);
        expect(lexWithMoo(lexer, text, 3, slow)).toBeNull();
        expect(fast).toEqual(slow);
      }),
      { numRuns: 2000, seed: 11 },
    );
  });

  it('creates independent lexers', () => {
    const a = createLineLexer();
    const b = createLineLexer();
    a.reset('one two');
    b.reset('three');
    expect(a.next()?.value).toBe('one');
    expect(b.next()?.value).toBe('three');
  });
});

describe('grammar', () => {
  const tok = (type: ConfToken['type'], value: string = type, offset = 0): ConfToken => ({ type, value, text: value, lineIdx: 0, offset });
  const parse = (tokens: ConfToken[]) => {
    const p = new nearley.Parser(nearley.Grammar.fromCompiled(compiled), { lexer: new TokenStream(tokens) });
    p.feed('');
    return p.results as unknown[];
  };

  it('parses WORD arg* nl with an optional block, unambiguously', () => {
    const nl = tok('nl', '\n');
    const results = parse([tok('word', 'a'), tok('qword', 'b c'), nl, tok('lbrace'), nl, tok('word', 'x'), nl, tok('rbrace'), nl, tok('word', 'z'), nl]);
    expect(results).toHaveLength(1);
    expect(JSON.stringify(results[0])).toContain('"b c"');
  });

  it('rejects a block without a statement before it', () => {
    expect(() => parse([tok('lbrace'), tok('nl', '\n')])).toThrow();
  });

  it('exposes only a token-type table to the compiled grammar', () => {
    expect(grammarTokens.has('word')).toBe(true);
    expect(grammarTokens.has('ws')).toBe(false);
    expect(() => grammarTokens.reset()).toThrow();
  });
});
