/** loadConfig: front end + keywords + validation, and keepalived's -t exit code (semantics §11.2). */
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigSource } from '../../src/config/ast.js';
import { ConfigErrClass, type Diagnostic } from '../../src/config/diagnostics.js';
import { exitCodeFor, loadConfig, loadFromTree, type LoadOptions } from '../../src/config/load.js';
import { buildTree } from '../../src/config/tree.js';
import { fsConfigSource } from '../../src/daemon/config-source.js';
import { REPO_ROOT } from '../../src/daemon/lab.js';
import { generateConfig } from '../../bench/parse.js';
import { loadText, memSource } from './conf-helper.js';

const diag = (cls: ConfigErrClass): Diagnostic => ({ sev: 'warning', code: 'X', at: { file: 'f', line: 1, col: 1 }, msg: '', cls });

describe('exitCodeFor', () => {
  it('maps the largest class like keepalived: 0, 4, 5, 6; a missing parameter is always 2', () => {
    expect(exitCodeFor([])).toBe(0);
    expect(exitCodeFor([diag(ConfigErrClass.OK)])).toBe(0);
    expect(exitCodeFor([diag(ConfigErrClass.FILE_NOT_FOUND)])).toBe(4);
    expect(exitCodeFor([diag(ConfigErrClass.BAD_IF)])).toBe(4);
    expect(exitCodeFor([diag(ConfigErrClass.BAD_IF), diag(ConfigErrClass.WARNING)])).toBe(5);
    expect(exitCodeFor([diag(ConfigErrClass.UNKNOWN_KEYWORD)])).toBe(5);
    expect(exitCodeFor([diag(ConfigErrClass.DEPRECATED)])).toBe(5);
    expect(exitCodeFor([diag(ConfigErrClass.SECURITY_ERROR), diag(ConfigErrClass.WARNING)])).toBe(6);
    expect(exitCodeFor([diag(ConfigErrClass.SECURITY_ERROR), diag(ConfigErrClass.MISSING_PARAMETER)])).toBe(2);
  });
});

describe('loadConfig', () => {
  it('keeps front-end diagnostics and their classes (extra brace → 5)', () => {
    const r = loadText('global_defs {\n  router_id a\n}\n}\n');
    expect(r.diags.some((d) => d.at.line === 4)).toBe(true);
    expect(r.exitCode).toBe(5);
    expect(r.config.globalDefs.routerId).toBe('a');
  });

  it('follows includes and reports positions in the included file', () => {
    const files = {
      '/etc/ka/keepalived.conf': 'include conf.d/vi.conf\n',
      '/etc/ka/conf.d/vi.conf': 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n  priority 300\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n',
    };
    const r = loadConfig('/etc/ka/keepalived.conf', { source: memSource(files), configId: 'x' });
    expect(r.diags.map((d) => `${d.at.file}:${d.at.line}: ${d.msg}`)).toContain("/etc/ka/conf.d/vi.conf:4: number '300' outside range [1, 255]");
    expect(r.files).toEqual(['/etc/ka/keepalived.conf', '/etc/ka/conf.d/vi.conf']);
  });

  it('a missing main file: exit 0, or 4 with allConfig (-e)', () => {
    const opts = { source: memSource({}), configId: 'x' };
    expect(loadConfig('/nope.conf', opts).exitCode).toBe(0);
    expect(loadConfig('/nope.conf', { ...opts, allConfig: true }).exitCode).toBe(4);
  });

  it('conditional lines follow the config id', () => {
    const text = 'global_defs {\n@a router_id alpha\n@^a router_id other\n}\n';
    expect(loadText(text, { configId: 'a' }).config.globalDefs.routerId).toBe('alpha');
    expect(loadText(text, { configId: 'b' }).config.globalDefs.routerId).toBe('other');
  });

  it('is deterministic and pure: the same text gives the same result', () => {
    const text = 'vrrp_instance V {\n  interface eth0\n  virtual_router_id 9\n  virtual_ipaddress {\n    10.1.1.1/24 dev eth0\n  }\n}\n';
    expect(loadText(text)).toEqual(loadText(text));
  });
});

/** loadConfig interprets statements as they stream; the result must be the whole-tree one. */
describe('loadConfig streaming', () => {
  const wholeTree = (path: string, opts: LoadOptions) => loadFromTree(buildTree(path, opts), opts);
  const files = (dir: string): string[] => (!existsSync(dir) ? [] : readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : [p];
  }));

  it('equals loading the whole tree on the samples, examples, fixtures and the bench config', () => {
    const fsSource = fsConfigSource();
    const onDisk = [
      ...files(resolve(REPO_ROOT, '..', 'shared', 'conformance', 'keepalived-samples')).filter((f) => !f.includes('expected-config-test')),
      ...files(join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.conf')),
      ...files(join(REPO_ROOT, 'test', 'fixtures')).filter((f) => f.endsWith('.conf')),
    ];
    expect(onDisk.length).toBeGreaterThan(5);
    for (const file of onDisk) {
      for (const configId of ['vm', 'high']) {
        const opts: LoadOptions = { source: fsSource, configId, env: { HOME: '/root' }, knownInterfaces: ['lo', 'eth0'] };
        expect(loadConfig(file, opts), file).toEqual(wholeTree(file, opts));
      }
    }
    const bench: ConfigSource = memSource({ '/b.conf': generateConfig(30, 4, 6) });
    const r = loadConfig('/b.conf', { source: bench, configId: 'x' });
    expect(r.config.virtualServers).toHaveLength(30);
    expect(r).toEqual(wholeTree('/b.conf', { source: bench, configId: 'x' }));
  });

  it('equals loading the whole tree on random configs (bad lines, braces, includes, empty files)', () => {
    const lines = [
      'global_defs {', 'router_id "a b"', '}', '{', '}', 'vrrp_instance VI {', 'interface eth0', 'virtual_router_id 300', 'priority',
      'virtual_ipaddress {', '10.0.0.1/24', 'virtual_server 10.0.0.1 80 {', 'real_server 10.0.0.2 80 {', 'TCP_CHECK {', 'connect_timeout x',
      'lb_algo rr', 'bogus_keyword 1', 'include /i.conf', 'vrrp_script s {', 'script "/bin/true"', '"unterminated', '$V=1', 'weight $V', '@vm router_id z',
    ];
    const text = fc.array(fc.oneof(fc.constantFrom(...lines), fc.string({ maxLength: 6 })), { maxLength: 40 }).map((ls) => ls.join('\n'));
    fc.assert(fc.property(text, text, (main, inc) => {
      const opts: LoadOptions = { source: memSource({ '/m.conf': main, '/i.conf': inc }), configId: 'vm' };
      expect(loadConfig('/m.conf', opts)).toEqual(wholeTree('/m.conf', opts));
    }), { numRuns: 400, seed: 2026 });
  });
});
