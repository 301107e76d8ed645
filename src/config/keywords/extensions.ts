/**
 * The `keepalived_ts { }` block: our extensions, kept in one top-level block so that the rest of
 * the file stays keepalived's language (README "Extensions"). SMTP AUTH / STARTTLS, the metrics
 * endpoint and the calendar jobs (status report mail, maintenance windows).
 */
import { parseCron } from '../../common/cron.js';
import { formatIp, parseIp } from '../../common/ip.js';
import type { ConfNode } from '../ast.js';
import type { Extensions, MaintenanceWindow } from '../model.js';
import { type BlockLocs, type Ctx, type KwDef, listLocs, newLocs, section } from './spec.js';
import { CODES, missingParameter } from './walk.js';

export interface ExtensionsDraft extends Extensions { locs: BlockLocs; /** Per accepted window, in order. */ windowLocs: BlockLocs[] }
export interface WindowDraft { locs: BlockLocs; window: MaintenanceWindow; startSet: boolean; endSet: boolean }

export const DEFAULT_METRICS_ADDRESS = '127.0.0.1';

export const defaultExtensions = (): Extensions => ({
  smtpAuth: null, smtpStartTls: 'never', smtpTlsCaFile: null, smtpTlsVerify: true,
  metrics: null, cronTimezone: null, reportMail: null, maintenanceWindows: [],
});

/** A cron expression written as the keyword's words (quoted or not); null after reporting. */
function cronWords(words: string[], node: ConfNode, ctx: Ctx): string | null {
  if (words.length === 0) { missingParameter(node, ctx); return null; }
  const r = parseCron(words.join(' '));
  if (!r.ok) { ctx.error(node.argAt[0] ?? node.at, CODES.invalidValue, `${node.keyword}: invalid cron expression ${r.reason}`); return null; }
  return r.value.source;
}

function port(word: string | undefined): number | null {
  const n = Number(word);
  return word !== undefined && /^\d+$/.test(word) && n >= 1 && n <= 65535 ? n : null;
}

type W = KwDef<WindowDraft>;
export const maintenanceWindowSection = section<WindowDraft>('maintenance_window', {
  start: {
    kind: 'words', support: 'supported', doc: 'cron expression: drain from here', dflt: 'required',
    set: (d, w, node, ctx) => { const c = cronWords(w, node, ctx); if (c) { d.window.start = c; d.startSet = true; } },
  } satisfies W,
  end: {
    kind: 'words', support: 'supported', doc: 'cron expression: restore weights from here', dflt: 'required',
    set: (d, w, node, ctx) => { const c = cronWords(w, node, ctx); if (c) { d.window.end = c; d.endSet = true; } },
  } satisfies W,
  real_server: {
    kind: 'words', support: 'supported', doc: 'IP PORT drained (weight 0) in every virtual server; repeatable', dflt: 'none',
    set: (d, w, node, ctx, locs) => {
      if (w.length < 2) { missingParameter(node, ctx); return; }
      const ip = parseIp(w[0]!); const p = port(w[1]);
      if (!ip) { ctx.error(node.argAt[0] ?? node.at, CODES.invalidValue, `maintenance_window real_server address '${w[0]}' is invalid`); return; }
      if (p === null) { ctx.error(node.argAt[1] ?? node.at, CODES.invalidValue, `maintenance_window real_server port '${w[1]}' is invalid`); return; }
      d.window.realServers.push({ address: formatIp(ip.bytes), port: p });
      listLocs(locs, 'realServers').push(node.at);
    },
  } satisfies W,
});

type K = KwDef<ExtensionsDraft>;
const path = (doc: string, set: (e: ExtensionsDraft, p: string) => void): K =>
  ({ kind: 'word', support: 'supported', doc, dflt: 'unset', set: (e, w) => set(e, w) });
const auth = (e: ExtensionsDraft) => (e.smtpAuth ??= { user: '', password: null, passwordFile: null });

export const extensionsSection = section<ExtensionsDraft>('keepalived_ts', {
  smtp_auth_user: path('SMTP AUTH user name for alert mails', (e, w) => { auth(e).user = w; }),
  smtp_auth_password: path('SMTP AUTH password (prefer smtp_auth_password_file)', (e, w) => { auth(e).password = w; }),
  smtp_auth_password_file: path('file holding the SMTP AUTH password (read at start and reload)', (e, w) => { auth(e).passwordFile = w; }),
  smtp_starttls: {
    kind: 'enum', support: 'supported', doc: 'STARTTLS never|opportunistic|required', dflt: 'never',
    values: ['never', 'opportunistic', 'required'], set: (e, v) => { e.smtpStartTls = v as Extensions['smtpStartTls']; },
  },
  smtp_tls_ca_file: path('extra trusted CA (PEM) for STARTTLS', (e, w) => { e.smtpTlsCaFile = w; }),
  smtp_tls_verify: { kind: 'bool', support: 'supported', doc: 'verify the relay certificate', dflt: 'on', set: (e, b) => { e.smtpTlsVerify = b; } },
  metrics_listen: {
    kind: 'words', support: 'supported', doc: `Prometheus endpoint [ADDRESS] PORT (ADDRESS default ${DEFAULT_METRICS_ADDRESS})`, dflt: 'off',
    set: (e, w, node, ctx) => {
      if (w.length === 0) { missingParameter(node, ctx); return; }
      const [addrWord, portWord] = w.length >= 2 ? [w[0]!, w[1]] : [DEFAULT_METRICS_ADDRESS, w[0]];
      const ip = parseIp(addrWord); const p = port(portWord);
      if (!ip) { ctx.error(node.argAt[0] ?? node.at, CODES.invalidValue, `metrics_listen address '${addrWord}' is invalid`); return; }
      if (p === null) { ctx.error(node.argAt[w.length >= 2 ? 1 : 0] ?? node.at, CODES.invalidValue, `metrics_listen port '${portWord}' is invalid`); return; }
      e.metrics = { address: formatIp(ip.bytes), port: p };
    },
  },
  cron_timezone: {
    kind: 'word', support: 'supported', doc: 'IANA time zone of the cron expressions', dflt: 'host local time',
    set: (e, w, node, ctx) => {
      try { new Intl.DateTimeFormat('en-US', { timeZone: w }); } catch {
        ctx.error(node.argAt[0] ?? node.at, CODES.invalidValue, `cron_timezone '${w}' is not a known time zone`); return;
      }
      e.cronTimezone = w;
    },
  },
  report_mail: {
    kind: 'words', support: 'supported', doc: 'cron expression: mail a status report (failovers, flapping real servers)', dflt: 'off',
    set: (e, w, node, ctx) => { const c = cronWords(w, node, ctx); if (c) e.reportMail = c; },
  },
  maintenance_window: {
    kind: 'block', support: 'supported', doc: 'NAME { start CRON; end CRON; real_server IP PORT … }', section: () => maintenanceWindowSection,
    open: (_e, node, ctx): WindowDraft | null => {
      const name = node.args[0];
      if (!name) { missingParameter(node, ctx); return null; }
      return { locs: newLocs(node.at), window: { name, start: '', end: '', realServers: [] }, startSet: false, endSet: false };
    },
    close: (e, d: WindowDraft, node, ctx) => {
      if (!d.startSet || !d.endSet) {
        ctx.error(node.at, CODES.invalidValue, `maintenance_window ${d.window.name} needs both start and end - ignoring it`);
        return;
      }
      if (d.window.realServers.length === 0) ctx.warn(node.at, CODES.invalidValue, `maintenance_window ${d.window.name} has no real_server`);
      e.maintenanceWindows.push(d.window);
      e.windowLocs.push(d.locs);
    },
  },
});

/** After the whole file: an auth user without a password, or a window naming no configured real server. */
export function checkExtensions(e: ExtensionsDraft, realServers: ReadonlySet<string>, ctx: Ctx): void {
  const a = e.smtpAuth;
  if (a && (a.user === '' || (a.password === null && a.passwordFile === null))) {
    ctx.error(e.locs.kw.smtp_auth_user ?? e.locs.kw.smtp_auth_password ?? e.locs.kw.smtp_auth_password_file ?? e.locs.at, CODES.invalidValue,
      'SMTP AUTH needs smtp_auth_user and smtp_auth_password or smtp_auth_password_file - mails are sent without AUTH');
    e.smtpAuth = null;
  }
  e.maintenanceWindows.forEach((w, i) => w.realServers.forEach((rs, j) => {
    if (realServers.has(`${rs.address}:${rs.port}`)) return;
    const at = e.windowLocs[i]?.lists.realServers?.[j] ?? e.locs.at;
    ctx.warn(at, CODES.invalidValue, `maintenance_window ${w.name}: real_server ${rs.address} ${rs.port} is in no virtual_server`);
  }));
}
