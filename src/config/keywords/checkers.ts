/**
 * Health-checker blocks inside real_server (keepalived-features.md §5, semantics §8.1). Each
 * checker table = the common connection/timing keywords + its own. Timing values stay null here
 * and are resolved checker ← real_server ← virtual_server ← checker-type default at the end.
 */
import { formatIp, parseIp } from '../../common/ip.js';
import type { ConfNode } from '../ast.js';
import type { CheckerType, HttpUrl, ScriptRef } from '../model.js';
import { type BlockLocs, type KwDef, newLocs, recognised, recognisedBlock, section, type Section } from './spec.js';
import { CODES } from './walk.js';

export interface CheckerDraft {
  locs: BlockLocs;
  type: CheckerType;
  connectIp: string | null;
  connectPort: number | null;
  bindto: string | null;
  bindPort: number | null;
  bindIf: string | null;
  connectTimeoutMs: number | null;
  retry: number | null;
  delayBeforeRetryMs: number | null;
  delayLoopMs: number | null;
  warmupMs: number | null;
  alpha: boolean | null;
  logAllFailures: boolean;
  urls: HttpUrl[];
  httpProtocol: string | null;
  virtualhost: string | null;
  miscPath: ScriptRef | null;
  miscTimeoutMs: number | null;
  miscDynamic: boolean;
  /** `user` may come before or after misc_path: applied when the block ends. */
  miscUser: { user: string; group: string | null } | null;
}

export const newChecker = (type: CheckerType, at: ConfNode['at']): CheckerDraft => ({
  locs: newLocs(at), type, connectIp: null, connectPort: null, bindto: null, bindPort: null, bindIf: null,
  connectTimeoutMs: null, retry: null, delayBeforeRetryMs: null, delayLoopMs: null, warmupMs: null, alpha: null,
  logAllFailures: false, urls: [], httpProtocol: null, virtualhost: null, miscPath: null, miscTimeoutMs: null, miscDynamic: false, miscUser: null,
});

/** Checker-type defaults for retry and delay_before_retry (null = delay_loop). */
export const CHECKER_DEFAULTS: Record<CheckerType, { retry: number; delayBeforeRetryMs: number | null }> = {
  TCP_CHECK: { retry: 1, delayBeforeRetryMs: 1000 },
  HTTP_GET: { retry: 1, delayBeforeRetryMs: 3000 },
  SSL_GET: { retry: 1, delayBeforeRetryMs: 3000 },
  MISC_CHECK: { retry: 0, delayBeforeRetryMs: 1000 },
  SMTP_CHECK: { retry: 1, delayBeforeRetryMs: 1000 },
  DNS_CHECK: { retry: 3, delayBeforeRetryMs: null },
  UDP_CHECK: { retry: 1, delayBeforeRetryMs: 1000 },
  PING_CHECK: { retry: 1, delayBeforeRetryMs: 1000 },
  FILE_CHECK: { retry: 0, delayBeforeRetryMs: 1000 },
  BFD_CHECK: { retry: 0, delayBeforeRetryMs: 1000 },
};

type C = KwDef<CheckerDraft>;
const MAX_S = 2_147_483;

const ipKw = (doc: string, set: (c: CheckerDraft, a: string) => void): C => ({
  kind: 'word', support: 'supported', doc, dflt: 'real server address',
  set: (c, w, node, ctx) => {
    const ip = parseIp(w);
    if (!ip) { ctx.error(node.argAt[0] ?? node.at, CODES.invalidValue, `Invalid ${node.keyword} address ${w} - ignoring`); return; }
    set(c, formatIp(ip.bytes));
  },
});

/** Timing keywords common to every checker (ca 422-440). */
const timing: Record<string, C> = {
  retry: { kind: 'uint', support: 'supported', doc: 'extra attempts before down', dflt: 'per checker type', min: 0, max: 2_147_483_647, set: (c, n) => { c.retry = n; } },
  delay_before_retry: { kind: 'timer', support: 'supported', doc: 'gap between retries (s)', dflt: 'per checker type', minS: 0, maxS: MAX_S, set: (c, ms) => { c.delayBeforeRetryMs = ms; } },
  warmup: { kind: 'timer', support: 'supported', doc: 'random delay before the first check (s)', dflt: 'delay_loop', minS: 0, maxS: MAX_S, set: (c, ms) => { c.warmupMs = ms; } },
  delay_loop: { kind: 'timer', support: 'supported', doc: 'check interval (s)', dflt: 'from real_server', minS: 0.000001, maxS: MAX_S, set: (c, ms) => { c.delayLoopMs = ms; } },
  alpha: { kind: 'bool', support: 'supported', doc: 'start down until a check succeeds', dflt: 'from real_server', set: (c, b) => { c.alpha = b; } },
  log_all_failures: { kind: 'bool', support: 'supported', doc: 'log every failure', dflt: 'off', set: (c, b) => { c.logAllFailures = b; } },
};

/** Connection keywords (all checkers but MISC/FILE/BFD). */
const connection: Record<string, C> = {
  connect_ip: ipKw('address to connect to', (c, a) => { c.connectIp = a; }),
  connect_port: { kind: 'uint', support: 'supported', doc: 'port to connect to', dflt: 'real server port', min: 0, max: 65535, set: (c, n) => { c.connectPort = n; } },
  bindto: ipKw('source address', (c, a) => { c.bindto = a; }),
  bind_port: { kind: 'uint', support: 'supported', doc: 'source port', dflt: 'any', min: 0, max: 65535, set: (c, n) => { c.bindPort = n; } },
  bind_if: { kind: 'word', support: 'supported', doc: 'source interface (IPv6 link-local)', set: (c, w) => { c.bindIf = w; } },
  connect_timeout: { kind: 'timer', support: 'supported', doc: 'connect timeout (s)', dflt: 'from real_server (5)', minS: 0.000001, maxS: MAX_S, set: (c, ms) => { c.connectTimeoutMs = ms; } },
  fwmark: recognised('SO_MARK of probes'),
};

const NB_GET_RETRY: [string, string] = ['retry', "nb_get_retry is deprecated - please use 'retry'"];

export const tcpCheckSection = section<CheckerDraft>('TCP_CHECK', { ...connection, ...timing },
  // Decided deviation: keepalived ignores nb_get_retry here; configs in the wild mean retry.
  { nb_get_retry: NB_GET_RETRY });

const parseStatusCodes = (words: string[]): { from: number; to: number }[] | null => {
  const out: { from: number; to: number }[] = [];
  for (const w of words) {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(w);
    if (!m) return null;
    out.push({ from: Number(m[1]), to: Number(m[2] ?? m[1]) });
  }
  return out;
};

interface UrlDraft { locs: BlockLocs; url: HttpUrl }
const urlSection = section<UrlDraft>('url', {
  path: { kind: 'word', support: 'supported', doc: 'URL path', set: (u, w) => { u.url.path = w; } },
  digest: {
    kind: 'word', support: 'supported', doc: 'MD5 of the body (32 hex digits)',
    set: (u, w, node, ctx) => {
      if (w.length !== 32) { ctx.error(node.at, CODES.invalidValue, `digest '${w}' character length should be 32 rather than ${w.length}`); return; }
      if (!/^[0-9a-fA-F]{32}$/.test(w)) { ctx.error(node.at, CODES.invalidValue, `digest '${w}' is not a valid hex string`); return; }
      u.url.digest = w.toLowerCase();
    },
  },
  status_code: {
    kind: 'words', support: 'supported', doc: 'accepted codes N or A-B', dflt: '200-299',
    set: (u, words, node, ctx) => {
      const codes = parseStatusCodes(words);
      if (!codes || codes.length === 0) { ctx.error(node.at, CODES.invalidValue, `Invalid HTTP_GET status code '${words.join(' ')}'`); return; }
      u.url.statusCodes.push(...codes);
    },
  },
  virtualhost: { kind: 'word', support: 'supported', doc: 'Host header for this URL', set: (u, w) => { u.url.virtualhost = w; } },
  regex: recognised('PCRE2 body match'),
  regex_no_match: recognised('invert regex'),
  regex_options: recognised('regex options'),
  regex_min_offset: recognised('regex start offset'),
  regex_max_offset: recognised('regex end offset'),
  regex_stack: recognised('regex stack size'),
});

const http: Record<string, C> = {
  ...connection,
  ...timing,
  url: {
    kind: 'block', support: 'supported', doc: 'URL to check { path; digest; status_code; virtualhost }', section: () => urlSection,
    open: (_c, node) => ({ locs: newLocs(node.at), url: { path: '/', digest: null, statusCodes: [], virtualhost: null } }),
    close: (c, u: UrlDraft) => { c.urls.push(u.url); },
  },
  http_protocol: { kind: 'enum', support: 'supported', doc: 'HTTP version 1.0|1.0C|1.1', dflt: '1.0', values: ['1.0', '1.0C', '1.1', '1.0c'], set: (c, v) => { c.httpProtocol = v; } },
  virtualhost: { kind: 'word', support: 'supported', doc: 'Host header', set: (c, w) => { c.virtualhost = w; } },
  fast_recovery: recognised('no delay_loop between URLs'),
};

export const httpGetSection = section<CheckerDraft>('HTTP_GET', http, { nb_get_retry: NB_GET_RETRY });
export const sslGetSection = section<CheckerDraft>('SSL_GET', {
  ...http,
  enable_sni: recognised('send SNI'),
  sni_name: recognised('SNI name'),
  tls_compliant: recognised('TLS close_notify'),
}, { nb_get_retry: NB_GET_RETRY });

export const miscCheckSection = section<CheckerDraft>('MISC_CHECK', {
  ...timing,
  // keepalived reads only the first word (the command) here; the user comes from the `user` keyword.
  misc_path: { kind: 'script', support: 'supported', doc: 'command; exit 0 = up', set: (c, s) => { c.miscPath = { ...s, user: null, group: null }; } },
  misc_timeout: { kind: 'timer', support: 'supported', doc: 'script timeout (s)', dflt: 'delay_loop', minS: 0.000001, maxS: MAX_S, set: (c, ms) => { c.miscTimeoutMs = ms; } },
  misc_dynamic: { kind: 'words', support: 'supported', doc: 'exit 2..255 sets weight = status - 2', dflt: 'off', set: (c) => { c.miscDynamic = true; } },
  user: { kind: 'words', support: 'supported', doc: 'run as USER [GROUP]', set: (c, w) => { if (w[0]) { c.miscUser = { user: w[0], group: w[1] ?? null }; } } },
});

/** Checkers recognised but not run yet: their blocks are consumed and reported. */
export const RECOGNISED_CHECKERS = ['SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK', 'BFD_CHECK'] as const;

export const SUPPORTED_CHECKERS: Record<string, Section<CheckerDraft>> = {
  TCP_CHECK: tcpCheckSection,
  HTTP_GET: httpGetSection,
  SSL_GET: sslGetSection,
  MISC_CHECK: miscCheckSection,
};

export const recognisedCheckerKw = (name: string): KwDef<unknown> => recognisedBlock(`${name} health checker`);
export { urlSection };
