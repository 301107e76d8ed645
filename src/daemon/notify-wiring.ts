/**
 * Builds the notify dispatcher from the config: notify scripts of instances / sync groups / real
 * servers, and SMTP alert mails through a retrying queue. The config model has already resolved
 * each object's smtp_alert (with our decided default: VRRP mails on when mail is configured).
 */
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import type { Clock } from '../common/clock.js';
import type { Logger } from '../common/log.js';
import type { Config, NotifyScripts, ScriptRef } from '../config/model.js';
import type { HaEvent, QuorumEvent, RealServerEvent } from '../notify/events.js';
import { vsIdentity } from './lvs-mapping.js';
import { NotifyDispatcher } from '../notify/dispatch.js';
import type { AlertContent } from '../notify/format.js';
import { MailQueue } from '../notify/mail-queue.js';
import { AlertNotifier } from '../notify/notifier.js';
import { ScriptRunner, type VrrpNotifyScripts } from '../notify/scripts.js';
import { mailEnabled, withKeepalivedDefaults, type MailSettings } from '../notify/settings.js';
import { createSmtpMailer } from '../notify/smtp-nodemailer.js';
import { nodeSpawn } from '../notify/spawn-node.js';
import type { ScriptEnv } from '../common/script-security.js';
import { gatedSpawn } from './script-gate.js';

function vrrpScripts(n: NotifyScripts): VrrpNotifyScripts {
  const pick = (s: ScriptRef | null) => (s ? s.argv : undefined);
  const entries = Object.entries({
    master: pick(n.master), backup: pick(n.backup), fault: pick(n.fault), stop: pick(n.stop), deleted: pick(n.deleted), notify: pick(n.any),
  }).filter(([, v]) => v !== undefined);
  return { ...Object.fromEntries(entries), ...(n.deleted ? { reportDeleted: true } : {}) };
}

/** Reads a small secret or certificate file; null (after logging) when it cannot be read. */
export type ReadSecret = (path: string, what: string) => string | null;

export const readSecretFile = (log: Logger): ReadSecret => (path, what) => {
  try { return readFileSync(path, 'utf8'); } catch (err) {
    log.error({ err }, `cannot read ${what} ${path} (${err instanceof Error ? err.message : String(err)})`);
    return null;
  }
};

/**
 * global_defs mail settings plus our keepalived_ts extensions (SMTP AUTH, STARTTLS). Files are
 * read here, at start and at every reload; an unreadable password file sends without AUTH
 * (the relay then refuses or accepts, and that is logged), never stops alerting.
 */
export function mailSettingsOf(cfg: Config, readSecret: ReadSecret): MailSettings {
  const g = cfg.globalDefs;
  const x = cfg.extensions;
  const host = hostname();
  const pass = x.smtpAuth ? (x.smtpAuth.passwordFile !== null
    ? readSecret(x.smtpAuth.passwordFile, 'smtp_auth_password_file')?.replace(/\r?\n$/, '') ?? null
    : x.smtpAuth.password) : null;
  const ca = x.smtpTlsCaFile !== null ? readSecret(x.smtpTlsCaFile, 'smtp_tls_ca_file') : null;
  return withKeepalivedDefaults({
    to: g.notificationEmail,
    ...(g.notificationEmailFrom ? { from: g.notificationEmailFrom } : {}),
    ...(g.smtpServer ? { server: g.smtpServer.host, port: g.smtpServer.port } : {}),
    ...(g.smtpHeloName ? { helo: g.smtpHeloName } : {}),
    connectTimeoutMs: g.smtpConnectTimeoutMs,
    ...(g.routerId ? { routerId: g.routerId } : {}),
    ...(x.smtpAuth && pass !== null ? { auth: { user: x.smtpAuth.user, pass } } : {}),
    starttls: x.smtpStartTls,
    tls: { rejectUnauthorized: x.smtpTlsVerify, ...(ca !== null ? { ca } : {}) },
  }, { hostname: host, user: userInfo().username });
}

export interface NotifyWiring {
  dispatcher: NotifyDispatcher;
  /** Also runs vrrp_script checks (same spawn rules: no shell, scrubbed environment). */
  runner: ScriptRunner;
  queue: MailQueue | null;
  /** The resolved mail settings (router_id for subjects). */
  settings: MailSettings;
  handle(ev: HaEvent): Promise<void>;
  /** Queues a mail of ours (the status report) to notification_email; false when mail is off. */
  sendMail(c: AlertContent): boolean;
}

/** The configured virtual / real server an event speaks of (identities as lvs-mapping builds them). */
function serversOf(cfg: Config, ev: RealServerEvent | QuorumEvent) {
  const vs = cfg.virtualServers.find((v) => JSON.stringify(vsIdentity(v)) === JSON.stringify(ev.vs));
  const rs = ev.t === 'rs' ? vs?.realServers.find((r) => r.address === ev.rs.ip && r.port === ev.rs.port) : undefined;
  return { vs, rs };
}

export function wireNotify(cfg: Config, d: { clock: Clock; log: Logger; /** Host facts for script security; absent = scripts start unchecked (tests). */ scriptEnv?: ScriptEnv }): NotifyWiring {
  const log = d.log.child({ mod: 'notify' });
  const settings = mailSettingsOf(cfg, readSecretFile(log));
  const queue = mailEnabled(settings) ? new MailQueue(createSmtpMailer(settings, log), d.clock, log) : null;
  const alertEnabled = (ev: HaEvent): boolean => {
    switch (ev.t) {
      case 'vrrp-instance': return cfg.vrrpInstances.find((i) => i.name === ev.name)?.smtpAlert ?? false;
      case 'vrrp-group': return cfg.syncGroups.find((g) => g.name === ev.name)?.smtpAlert ?? false;
      case 'rs': return serversOf(cfg, ev).rs?.smtpAlert ?? false;
      case 'quorum': return serversOf(cfg, ev).vs?.smtpAlert ?? false;
      case 'daemon': return false;
    }
  };
  const mail = queue ? new AlertNotifier({ settings, alertEnabled, queue, log, filters: { noEmailFaults: cfg.globalDefs.noEmailFaults } }) : undefined;
  const spawn = nodeSpawn(process.env);
  const runner = new ScriptRunner(d.scriptEnv ? gatedSpawn(spawn, cfg, d.scriptEnv, log) : spawn, d.clock, log);
  const dispatcher = new NotifyDispatcher({
    log,
    ...(mail ? { mail } : {}),
    scripts: {
      runner,
      targets: {
        vrrpScripts: (kind, name) => {
          const owner = kind === 'instance' ? cfg.vrrpInstances.find((i) => i.name === name) : cfg.syncGroups.find((g) => g.name === name);
          return owner ? vrrpScripts(owner.notify) : undefined;
        },
        checkerScripts: (ev) => {
          const { vs, rs } = serversOf(cfg, ev);
          const up = ev.t === 'rs' ? rs?.notifyUp : vs?.quorumUp;
          const down = ev.t === 'rs' ? rs?.notifyDown : vs?.quorumDown;
          return { ...(up ? { up: up.argv } : {}), ...(down ? { down: down.argv } : {}) };
        },
      },
    },
  });
  return { dispatcher, runner, queue, settings, handle: (ev) => dispatcher.handle(ev), sendMail: (c) => mail?.send(c) ?? false };
}
