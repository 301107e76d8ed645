/**
 * Conformance: our `-t` against keepalived 2.2.7's recorded `-t` output for every sample in
 * ../shared/conformance/keepalived-samples (semantics §11.2). Per sample: same exit code, and every
 * line keepalived reported with `(file: Line N)` / `(Line N)` has a diagnostic of ours on that
 * line. Differences are allowed only when deviations.md lists the sample with a reason.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dumpConfig } from '../../src/config/dump.js';
import { loadConfig } from '../../src/config/load.js';
import { configTest, hostScriptEnv } from '../../src/daemon/cli.js';
import { fsConfigSource } from '../../src/daemon/config-source.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = resolve(repoRoot, '..', 'shared', 'conformance', 'keepalived-samples');
const expectedDir = join(corpus, 'expected-config-test');

interface Case { name: string; file: string; configId: string; allConfig: boolean; expectedPath: string }

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return p === expectedDir ? [] : listFiles(p);
    return [p];
  });
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const f of listFiles(corpus)) {
    const rel = relative(corpus, f);
    if (/^README/i.test(rel)) continue;
    const base = { file: f, configId: 'vm', allConfig: false };
    if (rel === 'keepalived.conf.conditional_conf') {
      out.push({ ...base, name: rel, expectedPath: join(expectedDir, `${rel}.txt`) });
      out.push({ ...base, name: `${rel} -i high`, configId: 'high', expectedPath: join(expectedDir, `${rel}.id-high.txt`) });
      out.push({ ...base, name: `${rel} -i low`, configId: 'low', expectedPath: join(expectedDir, `${rel}.id-low.txt`) });
    } else out.push({ ...base, name: rel, expectedPath: join(expectedDir, `${rel}.txt`) });
  }
  const missing = join(corpus, 'synthetic', 'does-not-exist.conf');
  out.push({ name: 'synthetic/does-not-exist.conf', file: missing, configId: 'vm', allConfig: false, expectedPath: join(expectedDir, 'synthetic/does-not-exist.conf.txt') });
  out.push({ name: 'synthetic/does-not-exist.conf -e', file: missing, configId: 'vm', allConfig: true, expectedPath: join(expectedDir, 'synthetic/does-not-exist.conf.all-config.txt') });
  return out;
}

/** Deviations: lines "- `sample name`: reason" in deviations.md. */
function deviations(): Map<string, string> {
  const text = readFileSync(join(repoRoot, 'test', 'conformance', 'deviations.md'), 'utf8');
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const d = /^- `([^`]+)`: (.+)$/.exec(line);
    if (d) m.set(d[1]!, d[2]!);
  }
  return m;
}

function expected(path: string): { exit: number; lines: Map<number, string[]> } {
  const text = readFileSync(path, 'utf8');
  const exit = Number(/^# exit_status: (\d+)/m.exec(text)?.[1] ?? NaN);
  const lines = new Map<number, string[]>();
  for (const l of text.split('\n')) {
    const m = /^\((?:[^:()]+: )?Line (\d+)\) (.*)$/.exec(l);
    if (m) lines.set(Number(m[1]), [...(lines.get(Number(m[1])) ?? []), m[2]!]);
  }
  return { exit, lines };
}

/** Compares one sample; returns the problems found (empty = agrees). */
function compare(c: Case): string[] {
  const want = expected(c.expectedPath);
  const r = configTest({ file: c.file, configId: c.configId, allConfig: c.allConfig, knownInterfaces: ['lo', 'eth0'], scriptEnv: hostScriptEnv() });
  const problems: string[] = [];
  if (r.exitCode !== want.exit) problems.push(`exit ${r.exitCode}, keepalived ${want.exit}`);
  const ours = new Set(r.diags.filter((d) => resolve(d.at.file) === resolve(c.file)).map((d) => d.at.line));
  for (const [line, msgs] of want.lines) {
    if (!ours.has(line)) problems.push(`line ${line}: nothing of ours for "${msgs[0]}"`);
  }
  return problems;
}

describe('conformance with keepalived 2.2.7 -t', () => {
  it('runs every sample; mismatches are only the listed deviations', () => {
    if (!existsSync(corpus)) {
      throw new Error(`conformance corpus not found at ${corpus} (expected ../shared/conformance/keepalived-samples next to the repository)`);
    }
    const listed = deviations();
    let agree = 0, deviate = 0;
    const unlisted: string[] = [];
    const stale: string[] = [];
    for (const c of cases()) {
      expect(existsSync(c.expectedPath), `no recorded output for ${c.name}`).toBe(true);
      const problems = compare(c);
      if (problems.length === 0) {
        agree++;
        if (listed.has(c.name)) stale.push(c.name);
      } else if (listed.has(c.name)) deviate++;
      else unlisted.push(`${c.name}: ${problems.join('; ')}`);
    }
    console.log(`conformance: ${agree} agree, ${deviate} deviate (listed)`);
    expect(unlisted, 'samples that differ from keepalived and are not listed in deviations.md').toEqual([]);
    expect(stale, 'deviations.md lists samples that now agree').toEqual([]);
  });

  it('every sample survives --dump-conf: same model, no new diagnostics', () => {
    if (!existsSync(corpus)) throw new Error(`conformance corpus not found at ${corpus}`);
    for (const c of cases().filter((x) => existsSync(x.file))) {
      const first = loadConfig(c.file, { source: fsConfigSource(), configId: c.configId });
      const text = dumpConfig(first.config);
      const again = loadConfig('/dump.conf', { source: { readFile: () => text, glob: () => [] }, configId: c.configId });
      const seen = new Set(first.diags.map((d) => d.msg));
      expect(again.diags.filter((d) => d.code !== 'KA_CONF_NOT_SUPPORTED' && !seen.has(d.msg)).map((d) => d.msg), c.name).toEqual([]);
      expect(again.config, c.name).toEqual(first.config);
    }
  });
});
