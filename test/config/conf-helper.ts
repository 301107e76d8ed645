/** Test helper: load keepalived.conf text from memory through the real front end and load path. */
import type { ConfigSource } from '../../src/config/ast.js';
import { formatDiagnostic } from '../../src/config/diagnostics.js';
import { loadConfig, type LoadOptions, type LoadResult } from '../../src/config/load.js';

export const MEM_ROOT = '/mem/keepalived.conf';

export function memSource(files: Record<string, string>): ConfigSource {
  return {
    readFile: (path) => files[path] ?? null,
    glob: (pattern) => (files[pattern] !== undefined ? [pattern] : []),
  };
}

export function loadText(text: string, opts: Partial<LoadOptions> = {}): LoadResult {
  return loadConfig(MEM_ROOT, { source: memSource({ [MEM_ROOT]: text }), configId: 'test', ...opts });
}

/** `line: message [CODE]` of every diagnostic that is not the recognised-keyword notice. */
export function diagLines(r: LoadResult): string[] {
  return r.diags.filter((d) => d.code !== 'KA_CONF_NOT_SUPPORTED').map((d) => `${d.at.line}: ${d.msg} [${d.code}]`);
}

export const formatted = (r: LoadResult): string[] => r.diags.map(formatDiagnostic);
