import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTree } from '../../src/config/tree.js';
import { decodeConfigBytes, fsConfigSource } from '../../src/daemon/config-source.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), `kts-cfgsrc-${process.pid}-`));
  mkdirSync(join(dir, 'conf.d/sub'), { recursive: true });
  mkdirSync(join(dir, 'conf.d/dir.conf'));
  for (const f of ['conf.d/b.conf', 'conf.d/a.conf', 'conf.d/c.txt', 'conf.d/.hidden.conf', 'conf.d/sub/x.conf', 'conf.d/1.conf']) {
    writeFileSync(join(dir, f), `# ${f}\nfrom ${f}\n`);
  }
  writeFileSync(join(dir, 'main.conf'), 'include conf.d/[ab].conf\nincludeb conf.d/{sub/x,1}.conf\nend\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fsConfigSource', () => {
  const src = fsConfigSource();

  it('reads files and returns null for missing files and directories', () => {
    expect(src.readFile(join(dir, 'conf.d/a.conf'))).toBe('# conf.d/a.conf\nfrom conf.d/a.conf\n');
    expect(src.readFile(join(dir, 'nope.conf'))).toBeNull();
    expect(src.readFile(join(dir, 'conf.d'))).toBeNull();
  });

  it('globs *, ? and [...] sorted, skipping dot files and directories', () => {
    expect(src.glob(join(dir, 'conf.d/*.conf'))).toEqual(['1.conf', 'a.conf', 'b.conf'].map((f) => join(dir, 'conf.d', f)));
    expect(src.glob(join(dir, 'conf.d/?.txt'))).toEqual([join(dir, 'conf.d/c.txt')]);
    expect(src.glob(join(dir, 'conf.d/[!a1].conf'))).toEqual([join(dir, 'conf.d/b.conf')]);
    expect(src.glob(join(dir, '*/sub/*.conf'))).toEqual([join(dir, 'conf.d/sub/x.conf')]);
    expect(src.glob(join(dir, 'conf.d/.*.conf'))).toEqual([join(dir, 'conf.d/.hidden.conf')]);
  });

  it('expands braces in alternative order and returns [] for no match', () => {
    expect(src.glob(join(dir, 'conf.d/{b,a}.conf'))).toEqual([join(dir, 'conf.d/b.conf'), join(dir, 'conf.d/a.conf')]);
    expect(src.glob(join(dir, 'conf.d/none*.conf'))).toEqual([]);
    expect(src.glob(join(dir, 'missing/x.conf'))).toEqual([]);
    expect(src.glob(join(dir, 'conf.d/a.conf'))).toEqual([join(dir, 'conf.d/a.conf')]);
  });

  it('returns [] for unreadable directories instead of throwing', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o000);
    try {
      expect(() => src.glob(join(locked, '*.conf'))).not.toThrow();
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it('drives buildTree over real files with includes relative to the including file', () => {
    const r = buildTree(join(dir, 'main.conf'), { source: src, configId: 'x' });
    expect(r.nodes.map((n) => n.args[0] ?? n.keyword)).toEqual(['conf.d/a.conf', 'conf.d/b.conf', 'conf.d/sub/x.conf', 'conf.d/1.conf', 'end']);
    expect(r.diags).toEqual([]);
    expect(r.nodes[2]!.at).toEqual({ file: join(dir, 'conf.d/sub/x.conf'), line: 2, col: 1 });
  });
});

describe('decodeConfigBytes', () => {
  const asUtf8 = (bytes: Uint8Array): [string, string] => {
    const buf = Buffer.from(bytes);
    return [decodeConfigBytes(buf), buf.toString('utf8')];
  };

  it('gives the same string as a UTF-8 decode for any bytes (ASCII fast path or not)', () => {
    // Mostly-ASCII bytes with the occasional high byte: both branches, invalid sequences included.
    const byte = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 0x7f }) }, { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) });
    fc.assert(fc.property(fc.array(byte, { maxLength: 300 }), (bytes) => {
      const [ours, utf8] = asUtf8(Uint8Array.from(bytes));
      expect(ours).toBe(utf8);
    }), { numRuns: 2000 });
  });

  it('decodes UTF-8 text (a BOM, accents, a replacement for a stray byte) like readFileSync(path, "utf8")', () => {
    for (const text of ['\uFEFFglobal_defs {\n', 'router_id caf\u00e9\n', 'plain ascii\n', '']) {
      const [ours, utf8] = asUtf8(new TextEncoder().encode(text));
      expect(ours).toBe(text);
      expect(ours).toBe(utf8);
    }
    expect(asUtf8(Uint8Array.from([0x61, 0xe9, 0x62]))[0]).toBe('a\uFFFDb');
  });
});
