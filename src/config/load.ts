/**
 * The config facade used by `-t` and by the daemon on start and reload: file → tree → typed model →
 * validation, and keepalived's `-t` exit code (semantics §11.2). Pure apart from the injected
 * ConfigSource (and ScriptEnv), so a reload can run it before touching anything.
 */
import type { ConfigSource, TreeResult } from './ast.js';
import { ConfigErrClass, type Diagnostic } from './diagnostics.js';
import { interpretTree, type ConfigLocations, type InterpretOptions, type Interpreted } from './interpret.js';
import type { Config } from './model.js';
import { buildTree } from './tree.js';
import { type ScriptEnv, validateConfig } from './validate.js';

export interface LoadOptions {
  source: ConfigSource;
  /** `-i/--config-id`; default: short host name (the caller decides). */
  configId: string;
  env?: Record<string, string | undefined>;
  /** `-e/--all-config`. */
  allConfig?: boolean;
  knownInterfaces?: readonly string[];
  scriptEnv?: ScriptEnv;
  /** Quote/escape splitting of script keywords (default: keepalived's rules); null = malformed. */
  splitScript?: (raw: string) => string[] | null;
}

export interface LoadResult {
  config: Config;
  locs: ConfigLocations;
  /** In file order (front end, keywords, completion), then validation. */
  diags: Diagnostic[];
  /** What `keepalived -t` would exit with. */
  exitCode: number;
  files: string[];
}

/**
 * keepalived's `-t` exit: a missing parameter stops keepalived at once (2); otherwise the
 * numerically largest class recorded decides: OK 0, FILE_NOT_FOUND/BAD_IF/FATAL 4, SECURITY 6, else 5.
 */
export function exitCodeFor(diags: readonly Diagnostic[]): number {
  if (diags.some((d) => d.cls === ConfigErrClass.MISSING_PARAMETER)) return 2;
  const max = diags.reduce((m, d) => Math.max(m, d.cls), ConfigErrClass.OK);
  if (max === ConfigErrClass.OK) return 0;
  if (max <= ConfigErrClass.FATAL) return 4;
  if (max === ConfigErrClass.SECURITY_ERROR) return 6;
  return 5;
}

export function loadFromTree(tree: TreeResult, opts: Omit<LoadOptions, 'source' | 'configId'> = {}): LoadResult {
  return complete(tree, interpretTree(tree.nodes, interpretOptions(opts)), opts);
}

/**
 * Top-level statements are interpreted as the tree builder completes them, so no whole tree is
 * kept: on a 98k-line config, the GC copying a retained tree costs more than building it.
 */
export function loadConfig(rootPath: string, opts: LoadOptions): LoadResult {
  let tree: TreeResult | undefined;
  const it = interpretTree((each) => {
    tree = buildTree(rootPath, {
      source: opts.source, configId: opts.configId,
      ...(opts.env ? { env: opts.env } : {}), ...(opts.allConfig ? { allConfig: true } : {}),
    }, each);
  }, interpretOptions(opts));
  return complete(tree!, it, opts);
}

const interpretOptions = (opts: Omit<LoadOptions, 'source' | 'configId'>): InterpretOptions =>
  (opts.splitScript ? { splitScript: opts.splitScript } : {});

/** Validation, and the diagnostics in file order: front end, keywords, then validation. */
function complete(tree: TreeResult, it: Interpreted, opts: Omit<LoadOptions, 'source' | 'configId'>): LoadResult {
  const checks = validateConfig(it.config, it.locs, {
    ...(opts.knownInterfaces ? { knownInterfaces: opts.knownInterfaces } : {}),
    ...(opts.scriptEnv ? { scriptEnv: opts.scriptEnv } : {}),
  });
  const diags = [...tree.diags, ...it.diags, ...checks];
  return { config: it.config, locs: it.locs, diags, exitCode: exitCodeFor(diags), files: tree.files };
}
