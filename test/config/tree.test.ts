import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ConfNode, TreeOptions } from '../../src/config/ast.js';
import { ConfigErrClass } from '../../src/config/diagnostics.js';
import { buildTree, MAX_BLOCK_DEPTH } from '../../src/config/tree.js';
import { fsConfigSource } from '../../src/daemon/config-source.js';
import { memorySource } from '../fixtures/front-end/memory-source.js';

const FILE = '/k/keepalived.conf';
const tree = (text: string, extra: Record<string, string> = {}, opts: Partial<TreeOptions> = {}) =>
  buildTree(FILE, { source: memorySource({ [FILE]: text, ...extra }), configId: 'n1', ...opts });

/** keyword args… { … } as a compact string, to compare shapes. */
const shape = (nodes: ConfNode[] | null): string =>
  (nodes ?? []).map((n) => [n.keyword, ...n.args].join(' ') + (n.block ? ` {${shape(n.block)}}` : '')).join('; ');
const msgs = (text: string, extra: Record<string, string> = {}) => tree(text, extra).diags.map((d) => `${d.at.line}:${d.at.col} ${d.code} ${d.msg}`);

describe('buildTree: structure', () => {
  it('builds blocks with braces on the same line, the next line, and one-line blocks', () => {
    const r = tree('vrrp_instance VI_1\n{\n  interface eth0\n  virtual_ipaddress { 10.0.0.1 }\n  authentication {\n auth_type PASS }\n}\nglobal_defs {}');
    expect(shape(r.nodes)).toBe('vrrp_instance VI_1 {interface eth0; virtual_ipaddress {10.0.0.1}; authentication {auth_type PASS}}; global_defs {}');
    expect(r.diags).toEqual([]);
  });

  it('keeps extra words as args and quoted words whole', () => {
    const r = tree('virtual_router_id 1 priority 100\nnotify_master "/bin/x y" z');
    expect(r.nodes.map((n) => n.args)).toEqual([['1', 'priority', '100'], ['/bin/x y', 'z']]);
  });

  it('records 1-based columns for keyword, args and the block brace', () => {
    const r = tree('global_defs {\n\trouter_id   node-a  # c\n}\n  vs 10.0.0.1 80\n  {\n  }');
    const [g, vs] = r.nodes;
    expect(g!.at).toEqual({ file: FILE, line: 1, col: 1 });
    expect(g!.blockAt).toEqual({ file: FILE, line: 1, col: 13 });
    expect(g!.block![0]!.at).toEqual({ file: FILE, line: 2, col: 2 });
    expect(g!.block![0]!.argAt).toEqual([{ file: FILE, line: 2, col: 14 }]);
    expect(vs!.argAt.map((a) => a.col)).toEqual([6, 15]);
    expect(vs!.blockAt).toEqual({ file: FILE, line: 5, col: 3 });
  });

  it('gives rawArgs: the text after the keyword, de-commented and substituted, unsplit', () => {
    const r = tree('$S=/usr/bin/chk\nvrrp_script c {\n  script "$S \'a b\'" ! comment\n  "weight" -2\n}');
    const block = r.nodes[0]!.block!;
    expect(block[0]!.rawArgs).toBe(`"/usr/bin/chk 'a b'"`);
    expect(block[0]!.args).toEqual(["/usr/bin/chk 'a b'"]);
    expect(block[1]!.keyword).toBe('weight');
    expect(block[1]!.rawArgs).toBe('-2');
  });

  it('keeps locations through includes', () => {
    const r = tree('include /k/conf.d/*.conf\nlast', { '/k/conf.d/a.conf': 'global_defs {\n  router_id x\n}' });
    expect(r.files).toEqual([FILE, '/k/conf.d/a.conf']);
    expect(r.nodes[0]!.block![0]!.argAt[0]).toEqual({ file: '/k/conf.d/a.conf', line: 2, col: 13 });
    expect(r.nodes[1]!.at).toEqual({ file: FILE, line: 2, col: 1 });
  });

  it('lets a block span included files', () => {
    const r = tree('vs a {\ninclude /k/rs.conf\n}', { '/k/rs.conf': 'real_server b {\n weight 1\n}' });
    expect(shape(r.nodes)).toBe('vs a {real_server b {weight 1}}');
  });
});

describe('buildTree: brace errors are diagnostics, and parsing goes on', () => {
  it("reports Extra '}' with keepalived's unknown-keyword line", () => {
    expect(msgs('global_defs {\n  router_id x\n}\n}\nnext')).toEqual([
      "4:1 KA_CONF_EXTRA_EOB Extra '}' found",
      "4:1 KA_CONF_UNKNOWN_KEYWORD Unknown keyword '}'",
    ]);
    expect(shape(tree('a {\n}\n}\nnext').nodes)).toBe('a {}; next');
  });

  it('reports missing closing braces once and closes the blocks', () => {
    const r = tree('global_defs {\n  router_id x\n  sub {\n');
    expect(r.diags.map((d) => [d.code, d.msg, d.at.line, d.cls])).toEqual([
      ['KA_CONF_MISSING_EOB', "There are 2 missing '}'s or extra '{'s", 1, ConfigErrClass.MISSING_EOB],
    ]);
    expect(shape(r.nodes)).toBe('global_defs {router_id x; sub {}}');
  });

  it("ignores an unexpected '{' and its matching '}', keeping the lines between", () => {
    const r = tree('a {\n}\n{\n  b 1\n}\nc');
    expect(r.diags.map((d) => `${d.at.line} ${d.msg}`)).toEqual(["3 Unexpected '{' - ignoring"]);
    expect(shape(r.nodes)).toBe('a {}; b 1; c');
    expect(tree('{ x }').diags.map((d) => d.code)).toEqual(['KA_CONF_UNEXPECTED_BOB']);
    expect(shape(tree('k {\n{\n  y\n}\n}').nodes)).toBe('k {y}');
  });

  it('attaches a { on the next line to the statement before it', () => {
    expect(shape(tree('virtual_ipaddress\n\n# comment\n{\n10.0.0.1\n}').nodes)).toBe('virtual_ipaddress {10.0.0.1}');
  });

  it('reports unmatched quotes twice like keepalived and keeps the words before', () => {
    const r = tree('foo "bar baz');
    expect(r.diags.map((d) => d.code)).toEqual(['KA_CONF_UNTERMINATED_QUOTE', 'KA_CONF_UNMATCHED_QUOTE']);
    expect(r.diags[1]!.msg).toBe(`Unmatched quote: 'foo "bar baz'`);
    expect(r.diags[1]!.at.col).toBe(5);
    expect(shape(r.nodes)).toBe('foo');
  });

  it('flattens blocks nested deeper than the limit', () => {
    const depth = MAX_BLOCK_DEPTH + 10;
    const r = tree('a {\n'.repeat(depth) + '}\n'.repeat(depth));
    expect(r.diags.filter((d) => d.code === 'KA_CONF_TOO_DEEP')).toHaveLength(10);
    let d = 0;
    for (let n: ConfNode[] | null = r.nodes; n && n.length > 0; n = n[0]!.block) d++;
    expect(d).toBe(MAX_BLOCK_DEPTH + 1);
  });

  it('handles the unknown-block cascade case with balanced braces', () => {
    const r = tree('vrrp_instance VI_1 {\n  foo_block {\n    bar 1\n  }\n  priority 120\n}');
    expect(shape(r.nodes)).toBe('vrrp_instance VI_1 {foo_block {bar 1}; priority 120}');
    expect(r.diags).toEqual([]);
  });
});

describe('buildTree: missing main file (keepalived 2.2.7)', () => {
  it('is a warning of class OK without allConfig, an error of FILE_NOT_FOUND with it', () => {
    const src = memorySource({});
    const plain = buildTree('does-not-exist.conf', { source: src, configId: 'x' });
    expect(plain.nodes).toEqual([]);
    expect(plain.diags.map((d) => [d.msg, d.cls])).toEqual([["Config files missing 'does-not-exist.conf'.", ConfigErrClass.OK]]);
    const all = buildTree('does-not-exist.conf', { source: src, configId: 'x', allConfig: true });
    expect(all.diags.map((d) => [d.sev, d.cls])).toEqual([['error', ConfigErrClass.FILE_NOT_FOUND]]);
  });
});

describe('buildTree: conformance corpus (front-end diagnostics on the same lines as keepalived)', () => {
  const corpus = '/work/shared/conformance/keepalived-samples';
  const cases = ['extra-close-brace', 'missing-close-brace', 'include-missing', 'includea-missing', 'brace-on-next-line', 'comments-and-quotes', 'one-line-blocks', 'params-and-seq'];
  it.each(cases)('%s', (name) => {
    const expectedFile = `${corpus}/expected-config-test/synthetic/${name}.conf.txt`;
    let expected: string;
    try {
      expected = readFileSync(expectedFile, 'utf8');
    } catch {
      throw new Error(`conformance corpus missing: ${expectedFile}`);
    }
    const r = buildTree(`${corpus}/synthetic/${name}.conf`, { source: fsConfigSource(), configId: 'vm' });
    const ours = new Set(r.diags.map((d) => `(Line ${d.at.line}) ${d.msg}`));
    const oursNoLine = new Set(r.diags.map((d) => d.msg));
    const front = /Extra '}'|Unknown keyword '}'|missing '}'|Config files missing|Unexpected '{'|quote/;
    const theirs = expected.split('\n').filter((l) => l.startsWith('(Line') || (!l.startsWith('(') && !l.startsWith('#') && l.trim() !== ''));
    for (const line of theirs.filter((l) => front.test(l))) {
      if (line.startsWith('(Line')) expect(ours, line).toContain(line);
      else expect(oursNoLine, line).toContain(line);
    }
    // nothing of ours that keepalived does not report
    for (const d of r.diags) expect(expected, d.msg).toContain(d.msg);
  });

  it('parses every corpus sample without internal errors', () => {
    const files = readdirSync(corpus).filter((f) => f.startsWith('keepalived.'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const r = buildTree(`${corpus}/${f}`, { source: fsConfigSource(), configId: 'vm' });
      expect(r.diags.filter((d) => d.code === 'KA_CONF_INTERNAL'), f).toEqual([]);
      expect(r.nodes.length, f).toBeGreaterThan(0);
    }
  });
});
