import { describe, expect, it } from 'vitest';
import { componentMatcher, expandBraces, hasWildcard, MAX_BRACE_EXPANSIONS, patternComponents } from '../../src/config/glob.js';

describe('expandBraces', () => {
  it('expands groups in order, nested and empty alternatives included', () => {
    expect(expandBraces('/etc/{a,b}.conf')).toEqual(['/etc/a.conf', '/etc/b.conf']);
    expect(expandBraces('{foo/{,cat,dog},bar}')).toEqual(['foo/', 'foo/cat', 'foo/dog', 'bar']);
    expect(expandBraces('{a,b}{1,2}')).toEqual(['a1', 'a2', 'b1', 'b2']);
  });

  it('leaves lone, empty and escaped braces literal', () => {
    expect(expandBraces('a{b')).toEqual(['a{b']);
    expect(expandBraces('a{}b')).toEqual(['a{}b']);
    expect(expandBraces('a\\{b,c}')).toEqual(['a\\{b,c}']);
    expect(expandBraces('x}y')).toEqual(['x}y']);
  });

  it('bounds the number of expansions', () => {
    const bomb = '{a,b}'.repeat(20);
    expect(expandBraces(bomb).length).toBeLessThanOrEqual(MAX_BRACE_EXPANSIONS);
  });
});

describe('componentMatcher', () => {
  it('matches *, ? and classes', () => {
    const m = componentMatcher('*.conf');
    expect(['a.conf', 'b.conf.bak', 'conf', '.hidden.conf'].filter(m)).toEqual(['a.conf']);
    expect(['ab', 'abc', 'a'].filter(componentMatcher('a?'))).toEqual(['ab']);
    expect(['a1', 'b1', 'c1', 'z1'].filter(componentMatcher('[a-c]1'))).toEqual(['a1', 'b1', 'c1']);
    expect(['a1', 'b1', 'z1'].filter(componentMatcher('[!a]1'))).toEqual(['b1', 'z1']);
    expect(['a1', 'b1', 'z1'].filter(componentMatcher('[^ab]1'))).toEqual(['z1']);
    expect([']x', 'ax'].filter(componentMatcher('[]]x'))).toEqual([']x']);
  });

  it('treats regex metacharacters and an unclosed [ literally', () => {
    expect(componentMatcher('a.b*')('axb')).toBe(false);
    expect(componentMatcher('a.b*')('a.bc')).toBe(true);
    expect(componentMatcher('(x)+*')('(x)+y')).toBe(true);
    expect(componentMatcher('[ab*')('[abq')).toBe(true);
    expect(componentMatcher('.*')('.hidden')).toBe(true);
  });

  it('knows wildcards and path components', () => {
    expect(hasWildcard('/etc/x.conf')).toBe(false);
    expect(hasWildcard('/etc/*.conf')).toBe(true);
    expect(hasWildcard('a\\*')).toBe(false);
    expect(patternComponents('/etc//keepalived/./*.conf')).toEqual({ absolute: true, parts: ['etc', 'keepalived', '*.conf'] });
    expect(patternComponents('conf.d/x')).toEqual({ absolute: false, parts: ['conf.d', 'x'] });
  });
});
