/**
 * Regenerates the README sections between `<!-- codes:begin -->`/`<!-- codes:end -->` (every
 * `KA_*` code used in src/) and `<!-- keywords:begin -->`/`<!-- keywords:end -->` (the keyword
 * tables). Run: npx tsx scripts/gen-readme-tables.ts. test/config/readme.test.ts checks both are current.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CODE_DOCS } from '../src/config/codes.js';
import { ALL_SECTIONS } from '../src/config/keywords/index.js';
import type { KwDef } from '../src/config/keywords/spec.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every `'KA_…'` string literal in src/, with the top-level modules that use it. */
export function scanCodes(srcDir = join(REPO, 'src')): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) { if (e !== 'generated') walk(p); continue; }
      if (!p.endsWith('.ts') || p.endsWith('codes.ts')) continue;
      const mod = relative(srcDir, p).split('/')[0]!;
      for (const m of readFileSync(p, 'utf8').matchAll(/['"`](KA_[A-Z0-9_]+)['"`]/g)) {
        (out.get(m[1]!) ?? out.set(m[1]!, new Set()).get(m[1]!)!).add(mod);
      }
    }
  };
  walk(srcDir);
  return out;
}

export function renderCodes(codes: Map<string, Set<string>>): string {
  const rows = [...codes.keys()].sort().map((c) => `| \`${c}\` | ${[...codes.get(c)!].sort().join(', ')} | ${CODE_DOCS[c] ?? 'undocumented (describe it in src/config/codes.ts)'} |`);
  return ['| Code | Module | Meaning |', '|---|---|---|', ...rows].join('\n');
}

function kindText(def: KwDef<unknown>): string {
  switch (def.kind) {
    case 'uint': case 'int': return `integer ${def.min}..${def.max}${def.bare !== undefined ? ` (bare: ${def.bare})` : ''}`;
    case 'timer': return `seconds ${def.minS}..${def.maxS}`;
    case 'bool': return 'bool';
    case 'enum': return def.values.join(' \\| ');
    case 'word': return 'word';
    case 'words': return 'words';
    case 'script': return 'script';
    case 'lines': return 'value block';
    case 'block': return 'block';
    case 'skip-block': return 'block';
  }
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function renderKeywords(): string {
  const out: string[] = [
    'Generated from the keyword tables in `src/config/keywords/`. **supported**: parsed into the typed model;',
    '**recognised**: accepted with its block and reported as `KA_CONF_NOT_SUPPORTED` (no effect on the exit code).',
    '',
  ];
  for (const { path, section } of ALL_SECTIONS) {
    out.push(`### ${path}`, '', '| Keyword | Value | Default | Support | Meaning |', '|---|---|---|---|---|');
    for (const name of Object.keys(section.keywords).sort()) {
      const def = section.keywords[name] as KwDef<unknown>;
      out.push(`| \`${name}\` | ${cell(kindText(def))} | ${cell(def.dflt ?? '')} | ${def.support} | ${cell(def.doc)} |`);
    }
    for (const [alias, [to]] of Object.entries(section.aliases ?? {})) {
      out.push(`| \`${alias}\` | as \`${to}\` | | supported (deprecated) | alias of \`${to}\`, with a deprecation warning |`);
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}

export function replaceSection(text: string, name: string, body: string): string {
  const begin = `<!-- ${name}:begin -->`, end = `<!-- ${name}:end -->`;
  const a = text.indexOf(begin), b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${begin} … ${end} markers`);
  return `${text.slice(0, a + begin.length)}\n${body}\n${text.slice(b)}`;
}

export function renderReadme(readme: string): string {
  return replaceSection(replaceSection(readme, 'codes', renderCodes(scanCodes())), 'keywords', renderKeywords());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = join(REPO, 'README.md');
  writeFileSync(path, renderReadme(readFileSync(path, 'utf8')));
  console.log('README.md tables regenerated');
}
