import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { preprocess, type PreprocessOptions, type PreprocessResult } from '../../src/config/preprocess.js';
import { memorySource } from '../fixtures/front-end/memory-source.js';

function run(files: Record<string, string>, opts: Partial<PreprocessOptions> = {}) {
  const source = memorySource(files);
  const r = preprocess('/etc/k/main.conf', { source, configId: 'node1', ...opts });
  return {
    texts: r.lines.map((l) => l.text.text),
    lines: r.lines,
    diags: r.diags,
    msgs: r.diags.map((d) => `${d.at.line}:${d.at.col} ${d.code} ${d.msg}`),
    files: r.files,
  };
}
const main = (text: string, extra: Record<string, string> = {}, opts: Partial<PreprocessOptions> = {}) =>
  run({ '/etc/k/main.conf': text, ...extra }, opts);

describe('comments and quotes', () => {
  it('strips ! and # comments outside double quotes and trims blanks', () => {
    const r = main('global_defs { # trailing\n  router_id a#b   ! more\n  from "x#y@z" ! c\n\n\t\n}\n');
    expect(r.texts).toEqual(['global_defs', '{', 'router_id a', 'from "x#y@z"', '}']);
    expect(r.diags).toEqual([]);
  });

  it('turns \\! and \\# outside quotes into literal characters', () => {
    expect(main('auth_pass k\\!l\\#x # c').texts).toEqual(['auth_pass k!l#x']);
    expect(main('auth_pass k@l!ve1').texts).toEqual(['auth_pass k@l']);
    expect(main('a "q\\#" b').texts).toEqual(['a "q\\#" b']); // inside quotes left alone
  });

  it('keeps a trailing backslash glued to the word before it', () => {
    expect(main('global_defs {\n  router_id \\\n     x\n}').texts).toEqual(['global_defs', '{', 'router_id\\', 'x', '}']);
  });

  it('reports an unterminated quote with the line', () => {
    const r = main('foo "bar baz');
    expect(r.msgs).toEqual(['1:1 KA_CONF_UNTERMINATED_QUOTE Unterminated quote \'foo "bar baz\'']);
    expect(r.texts).toEqual(['foo "bar baz']);
  });

  it('ignores lines of 1024 bytes or more and lines with NUL, counting lines on', () => {
    const long = `x ${'y'.repeat(1100)}`;
    const r = main(`a\n${long}\nb\0c\nd`);
    expect(r.texts).toEqual(['a', 'd']);
    expect(r.lines.map((l) => l.line)).toEqual([1, 4]);
    expect(r.diags.map((d) => [d.code, d.at.line])).toEqual([
      ['KA_CONF_LINE_TOO_LONG', 2],
      ['KA_CONF_EMBEDDED_NUL', 3],
    ]);
    expect(main(`z ${'é'.repeat(600)}`).diags[0]?.code).toBe('KA_CONF_LINE_TOO_LONG'); // bytes, not characters
    expect(main(`z ${'y'.repeat(1000)}`).diags).toEqual([]);
  });

  it('handles CRLF line ends', () => {
    expect(main('a 1\r\nb 2\r\n').texts).toEqual(['a 1', 'b 2']);
  });
});

describe('brace splitting', () => {
  it('splits at the first brace outside quotes and keeps splitting the residue', () => {
    expect(main('virtual_ipaddress { 10.0.0.1 }').texts).toEqual(['virtual_ipaddress', '{', '10.0.0.1', '}']);
    expect(main('a{b}c').texts).toEqual(['a', '{', 'b', '}', 'c']);
    expect(main('x "a{b}" {').texts).toEqual(['x "a{b}"', '{']);
    expect(main('}}').texts).toEqual(['}', '}']);
    expect(main('y "open { never closed').texts).toEqual(['y "open { never closed']);
  });

  it('maps columns of split pieces to the source line', () => {
    const r = main('  vrrp_instance VI_1 { state MASTER }');
    expect(r.lines.map((l) => [l.text.text, l.text.colAt(0)])).toEqual([
      ['vrrp_instance VI_1', 3],
      ['{', 22],
      ['state MASTER', 24],
      ['}', 37],
    ]);
  });
});

describe('conditional lines', () => {
  it('keeps @id lines for the config id and @^id lines for the others', () => {
    const text = '@node1 a\n@node2 b\n@^node1 c\n@^node2 d\n  @node1 e\n@node1\nf';
    expect(main(text).texts).toEqual(['a', 'd', 'e', 'f']);
    expect(main(text, {}, { configId: 'node2' }).texts).toEqual(['b', 'c', 'f']);
  });

  it('looks at @ again only after a substitution (keepalived 2.2.7)', () => {
    expect(main('@node1 @^node1 x').texts).toEqual(['@^node1 x']);
    expect(main('$C=@node2\n$C y').texts).toEqual([]);
    expect(main('$C=@node1\n$C y').texts).toEqual(['y']);
  });

  it('maps the remaining text to its columns', () => {
    const r = main('@node1   priority 150');
    expect(r.lines[0]!.text.colAt(0)).toBe(10);
  });
});

describe('parameters', () => {
  it('defines and substitutes $NAME and ${NAME}, recursively, leaving unknown names', () => {
    const r = main('$IP=10.0.0.\n$IF=eth0\n$BOTH=$IF ${IP}9\ninterface $IF\nvip ${IP}1\nx $BOTH\ny $IFx $NOPE\nz $IF,$IF) $IF');
    expect(r.texts).toEqual(['interface eth0', 'vip 10.0.0.1', 'x eth0 10.0.0.9', 'y $IFx $NOPE', 'z eth0,eth0) eth0']);
    // an unknown ${NAME} stays, so its braces then split the line (as keepalived 2.2.7 does)
    expect(main('$A=1\ny ${NOPE} z').texts).toEqual(['y $', '{', 'NOPE', '}', 'z']);
  });

  it('allows redefinition but no blank before = (then it is an ordinary line)', () => {
    expect(main('$A=1\na $A\n$A=2\na $A').texts).toEqual(['a 1', 'a 2']);
    expect(main('$B = 1\nb $B').texts).toEqual(['$B = 1', 'b $B']);
    expect(main('$C= 1\nc $C').texts).toEqual(['c 1']);
  });

  it('points substituted text at the $ that produced it', () => {
    const r = main('$V=a_long_value\nkw $V tail');
    const t = r.lines[0]!.text;
    expect(t.text).toBe('kw a_long_value tail');
    expect(t.colAt(3)).toBe(4);
    expect(t.colAt(10)).toBe(4);
    expect(t.colAt(t.text.indexOf('tail'))).toBe(7);
  });

  it('expands multi-line definitions into several lines', () => {
    const r = main('$M=line1 \\\n  line2 a \\\n  line3\nafter 1\n$M\n$IN=x \\\n\nnext');
    expect(r.texts).toEqual(['after 1', 'line1', 'line2 a', 'line3', 'next']);
    expect(r.lines.slice(1, 4).map((l) => l.line)).toEqual([5, 5, 5]);
  });

  it('expands a multi-line definition only at the end of a line', () => {
    expect(main('$M=a \\\nb\npre $M\n$M post').texts).toEqual(['pre a', 'b', '$M post']);
  });

  it('provides the built-ins', () => {
    const r = main('a ${_INSTANCE}\nb ${_PWD}\nc x${_HASH}y${_BANG}\nd ${_ENV HOME} ${_ENV NOPE}.\ne ${_RANDOM 5 5} ${_RANDOM}', {}, {
      env: { HOME: '/root' },
      random: () => 0.5,
    });
    expect(r.texts).toEqual(['a node1', 'b /etc/k', 'c x#y!', 'd /root .', 'e 5 16384']);
  });

  it('lets user definitions override built-ins and rejects params on user definitions', () => {
    expect(main('$_INSTANCE=mine\na ${_INSTANCE}\n$U=u\nb ${U 1}').texts).toEqual(['a mine', 'b $', '{', 'U 1', '}']);
  });

  it('stops runaway recursion and over-long substitutions with a diagnostic', () => {
    const loop = main('$A=$A\nk $A');
    expect(loop.diags.map((d) => d.code)).toContain('KA_CONF_PARAM_RECURSION');
    const grow = main('$B=xxxxxxxx $B\nk $B');
    expect(grow.diags.map((d) => d.code)).toContain('KA_CONF_PARAM_TOO_LONG');
    expect(grow.texts[0]!.length).toBeLessThan(1024);
  });
});

describe('~SEQ and ~LST', () => {
  it('replays the rest of the line for each value', () => {
    expect(main('~SEQ(N,2,3) a_$N').texts).toEqual(['a_2', 'a_3']);
    expect(main('~SEQ(M,3) b_$M').texts).toEqual(['b_1', 'b_2', 'b_3']);
    expect(main('~SEQ(K,1,2,7) c_$K').texts).toEqual(['c_1', 'c_3', 'c_5', 'c_7']);
    expect(main('~SEQx(X,9,3,15) d_$X').texts).toEqual(['d_9', 'd_c', 'd_f']);
    expect(main('~SEQ(N,5,-2,1) h_$N').texts).toEqual(['h_5', 'h_3', 'h_1']);
    expect(main('~SEQ(N,0x10,0x11) h_$N').texts).toEqual(['h_16', 'h_17']);
    expect(main('~LST(L,x,y,z) e_$L').texts).toEqual(['e_x', 'e_y', 'e_z']);
    expect(main('~LST({P,Q},{1,2},{3,4}) f_${P}_$Q').texts).toEqual(['f_1_2', 'f_3_4']);
  });

  it('nests, uses definitions in its parameters and splits braces of each replay', () => {
    // `$A` directly followed by `$` is not a reference; `$B` at the end of the line is
    expect(main('~SEQ(A,1,2) ~SEQ(B,1,2) n$A$B').texts).toEqual(['n$A1', 'n$A2', 'n$A1', 'n$A2']);
    expect(main('~SEQ(A,1,2) ~SEQ(B,1,2) n${A}${B}').texts).toEqual(['n11', 'n12', 'n21', 'n22']);
    expect(main('$END=3\n~SEQ(I,2,$END) v$I { }').texts).toEqual(['v2', '{', '}', 'v3', '{', '}']);
  });

  it('keeps the origin line and maps replayed text to its columns', () => {
    const r = main('x\n~SEQ(N,1,2)   ip 10.0.0.$N');
    expect(r.lines.slice(1).map((l) => [l.line, l.text.colAt(0), l.text.colAt(3)])).toEqual([
      [2, 15, 18],
      [2, 15, 18],
    ]);
  });

  it('reports invalid definitions', () => {
    expect(main('~SEQ(N,1,-1,5) x').msgs).toEqual(["1:1 KA_CONF_BAD_SEQ Invalid ~SEQ values '~SEQ(N,1,-1,5) x'"]);
    expect(main('~SEQ(N,a) x').diags[0]?.code).toBe('KA_CONF_BAD_SEQ');
    expect(main('~SEQ N,1 x').diags[0]?.code).toBe('KA_CONF_BAD_SEQ');
    expect(main('~SEQx(N,-3,1) x').diags[0]?.msg).toMatch(/only valid for positive/);
    expect(main('~LST({a,b},{1}) x').diags[0]?.code).toBe('KA_CONF_BAD_LST');
    expect(main('~SEQ(N,1,1,100000000) x').diags[0]?.code).toBe('KA_CONF_EXPANSION_LIMIT');
  });
});

describe('include', () => {
  it('includes relative to the including file, in glob order, with per-file origins', () => {
    const r = main('a\ninclude conf.d/*.conf\nb', {
      '/etc/k/conf.d/2.conf': 'two\ninclude ../sub/x.conf',
      '/etc/k/conf.d/1.conf': 'one',
      '/etc/k/sub/x.conf': 'x ${_PWD}',
    });
    expect(r.texts).toEqual(['a', 'one', 'two', 'x /etc/k/sub', 'b']);
    expect(r.lines.map((l) => `${l.file}:${l.line}`)).toEqual([
      '/etc/k/main.conf:1',
      '/etc/k/conf.d/1.conf:1',
      '/etc/k/conf.d/2.conf:1',
      '/etc/k/sub/x.conf:1',
      '/etc/k/main.conf:3',
    ]);
    expect(r.files).toEqual(['/etc/k/main.conf', '/etc/k/conf.d/1.conf', '/etc/k/conf.d/2.conf', '/etc/k/sub/x.conf']);
  });

  it('expands braces in alternative order', () => {
    const r = main('include /etc/k/{b,a}.conf', { '/etc/k/a.conf': 'A', '/etc/k/b.conf': 'B' });
    expect(r.texts).toEqual(['B', 'A']);
  });

  it('detects include after de-commenting, @id and $NAME processing, before brace splitting (2.2.7)', () => {
    const x = { '/etc/k/x.conf': 'X' };
    expect(main('  include x.conf # comment', x).texts).toEqual(['X']);
    expect(main('@node1 include x.conf\n@node2 include x.conf', x).texts).toEqual(['X']);
    expect(main('$I=include x.conf\n$I', x).texts).toEqual(['X']);
    expect(main('g { include x.conf', x).texts).toEqual(['g', '{', 'X']);
    // the rest of the line is the pattern, quotes and all
    expect(main('include x.conf extra', x).msgs).toEqual(["1:1 KA_CONF_INCLUDE_MISSING Config files missing 'x.conf extra'."]);
    expect(main('include "x.conf"', x).msgs).toEqual([`1:1 KA_CONF_INCLUDE_MISSING Config files missing '"x.conf"'.`]);
    expect(main('include\nincludex x.conf').texts).toEqual(['include', 'includex x.conf']);
  });

  it('reports missing files by variant: include/includer warn, includem/w/a fail', () => {
    const r = main('include /no/*.conf\nincluder /no2.conf\nincludem /no/*.c\nincludem /no3.conf\nincludew /no/*.c\nincludea /n.conf');
    expect(r.msgs).toEqual([
      "1:1 KA_CONF_INCLUDE_MISSING Config files missing '/no/*.conf'.",
      "2:1 KA_CONF_INCLUDE_MISSING Config files missing '/no2.conf'.",
      "3:1 KA_CONF_INCLUDE_MISSING Config files missing '/no/*.c'.",
      "4:1 KA_CONF_INCLUDE_FAILED Config files missing '/no3.conf'.",
      "5:1 KA_CONF_INCLUDE_FAILED Config files missing '/no/*.c'.",
      "6:1 KA_CONF_INCLUDE_FAILED Config files missing '/n.conf'.",
    ]);
  });

  it('checks each brace alternative with includeb', () => {
    const r = main('includeb /etc/k/{a,zz}.conf', { '/etc/k/a.conf': 'A' });
    expect(r.texts).toEqual(['A']);
    expect(r.msgs).toEqual(["1:1 KA_CONF_INCLUDE_FAILED Config files missing '/etc/k/zz.conf'."]);
  });

  it('detects include loops and self-includes without recursing forever', () => {
    const self = main('a\ninclude main.conf\nb');
    expect(self.texts).toEqual(['a', 'b']);
    expect(self.diags.map((d) => d.code)).toEqual(['KA_CONF_INCLUDE_LOOP']);
    const loop = main('include inc/a.conf\nk_main', { '/etc/k/inc/a.conf': 'k_a\ninclude sub/b.conf', '/etc/k/inc/sub/b.conf': 'k_b\ninclude ../a.conf' });
    expect(loop.texts).toEqual(['k_a', 'k_b', 'k_main']);
    expect(loop.diags).toHaveLength(1);
    expect(loop.diags[0]!.at).toEqual({ file: '/etc/k/inc/sub/b.conf', line: 2, col: 1 });
    expect(loop.diags[0]!.msg).toContain('/etc/k/inc/a.conf');
  });

  it('reports a missing main file (error only with allConfig)', () => {
    const r = run({}, {});
    expect(r.diags.map((d) => [d.code, d.sev, d.cls, d.msg])).toEqual([
      ['KA_CONF_CONFIG_MISSING', 'warning', 0, "Config files missing '/etc/k/main.conf'."],
    ]);
    const all = run({}, { allConfig: true });
    expect(all.diags.map((d) => [d.code, d.sev, d.cls])).toEqual([['KA_CONF_CONFIG_MISSING_ALL', 'error', 1]]);
  });
});

describe('plain-line fast path', () => {
  // What a consumer can observe of a line: text, origin, and the column of every character.
  const observable = (r: PreprocessResult) => ({
    lines: r.lines.map((l) => [l.file, l.line, l.text.text, Array.from({ length: l.text.length + 1 }, (_, i) => l.text.colAt(i))]),
    diags: r.diags,
    files: r.files,
  });
  const both = (files: Record<string, string>) => {
    const opts = { configId: 'n1', env: { X: 'x' }, random: () => 0.5 };
    const fast = preprocess('/f/main.conf', { source: memorySource(files), ...opts });
    const general = preprocess('/f/main.conf', { source: memorySource(files), ...opts, generalPathOnly: true });
    return [observable(fast), observable(general)] as const;
  };
  const PIECES = [
    'global_defs', 'router_id r1', '  priority 100', '\tweight 1 ', 'virtual_ipaddress {', '}', '{', ' } ', 'a { b }', '$V=7', '$M=a \\', 'b',
    'weight $V', 'x ${V}', '@n1 keep me', '@^n1 drop me', '@n2', '~SEQ(N,1,3) seq $N', '~LST(L,a,b) lst $L', 'include /f/inc.conf',
    'includex y', 'included', '"quoted { brace"', 'a "b', '# comment', '! bang', 'k v # c', 'k\\#v', '\f', '\v', ' \t ', 'x'.repeat(400), '\0',
    'ünïcode wörd', '@', '~', '$', 'inc', 'include',
  ];
  const text = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 8 })), { maxLength: 30 })
    .chain((ls) => fc.constantFrom('\n', '\r\n').map((nl) => ls.join(nl)));

  it('gives the same lines, columns and diagnostics as the general path', () => {
    fc.assert(fc.property(text, text, (m, inc) => {
      const [fast, general] = both({ '/f/main.conf': m, '/f/inc.conf': inc });
      expect(fast).toEqual(general);
    }), { numRuns: 3000, seed: 99 });
  });

  it('agree on a typical config (where the fast path takes nearly every line)', () => {
    const conf = 'global_defs {\n  router_id r\n}\nvirtual_server 10.0.0.1 80 {\n  lb_algo rr\n  real_server 10.0.0.2 80 {\n    weight 2\n    TCP_CHECK {\n      connect_timeout 3\n    }\n  }\n}\n';
    const [fast, general] = both({ '/f/main.conf': conf });
    expect(fast.lines.length).toBe(16);
    expect(fast).toEqual(general);
  });
});
