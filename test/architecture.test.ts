import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

// Enforces the import direction of the architecture guide by reading the sources:
// daemon → vrrp | ipvs | check | notify → config (types) / net → common.
const root = join(import.meta.dirname, '..');
const src = join(root, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'generated' ? [] : files(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

interface Import { from: string; spec: string; typeOnly: boolean }
function imports(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(re)) {
    out.push({ from: file, spec: m[3] ?? m[4] ?? m[5] ?? '', typeOnly: Boolean(m[2]) });
  }
  return out;
}

const moduleOf = (p: string) => relative(src, p).split(sep)[0]!;
const resolveModule = (from: string, spec: string) => (spec.startsWith('.') ? moduleOf(join(from, '..', spec)) : null);

const allowed: Record<string, string[]> = {
  common: [],
  config: ['common'],
  net: ['common'],
  vrrp: ['common', 'net'],
  ipvs: ['common', 'net'],
  check: ['common', 'net'],
  notify: ['common'],
  daemon: ['common', 'config', 'net', 'vrrp', 'ipvs', 'check', 'notify'],
};
const domain = ['vrrp', 'ipvs', 'check', 'notify'];

// Pure cores: no I/O modules, no addon.
const pureFiles = [
  /^config\/(?!.*source)/, /^common\/(?!clock)/, /^vrrp\/(packet|checksum|timers|fsm|track|sync-group|garp-schedule)\.ts$/,
  /^net\/netlink\/(message|attr)\.ts$/, /^net\/(frame|arp|ndisc|inet|rtnl-codec)\.ts$/, /^ipvs\/(codec|reconcile|format|constants|types)\.ts$/, /^check\/(policy|realserver|virtualserver)\.ts$/,
  /^notify\/format\.ts$/,
];
const ioModules = /^node:(fs|net|dgram|child_process|http|https|tls)(\/|$)|^(fs|net|dgram|child_process)$/;

describe('architecture', () => {
  const all = files(src);

  it('imports point down the layers; domain modules never import each other', () => {
    const bad: string[] = [];
    for (const f of all) {
      const mod = moduleOf(f);
      for (const imp of imports(f)) {
        const target = resolveModule(f, imp.spec);
        if (!target || target === mod) continue;
        // Domain modules may use the config model's types (keepalived runs vrrp and check apart).
        if (domain.includes(mod) && target === 'config' && imp.typeOnly) continue;
        if (!(allowed[mod] ?? []).includes(target)) bad.push(`${relative(root, f)} imports ${imp.spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('pure cores import no I/O module and not the native addon', () => {
    const bad: string[] = [];
    for (const f of all) {
      const rel = relative(src, f).split(sep).join('/');
      if (!pureFiles.some((re) => re.test(rel))) continue;
      for (const imp of imports(f)) {
        if (ioModules.test(imp.spec) || /net\/native(\.js)?$/.test(imp.spec)) bad.push(`${rel} imports ${imp.spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('only src/net/native.ts loads the .node addon', () => {
    const loaders = all.filter((f) => /\.node['"]|ka_net/.test(readFileSync(f, 'utf8')));
    expect(loaders.map((f) => relative(root, f))).toEqual(loaders.length ? ['src/net/native.ts'] : []);
  });
});
