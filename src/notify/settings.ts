/**
 * The small settings notify/ needs. daemon/ maps the config model (global_defs) onto these, so
 * notify/ does not depend on config/model.ts.
 */

/** STARTTLS policy (our extension; keepalived speaks plain SMTP only). */
export type StartTlsMode = 'never' | 'opportunistic' | 'required';

export interface MailSettings {
  /** notification_email_from (default in keepalived: `<running user>@<host>`). */
  from: string;
  /** notification_email; no mail is sent when empty. */
  to: string[];
  /** smtp_server host (IP or DNS name); no mail is sent when unset. */
  server?: string;
  /** smtp_server port, default 25. */
  port?: number;
  /** smtp_helo_name, default: local host name (keepalived). */
  helo?: string;
  /** smtp_connect_timeout in ms (keepalived: 30 s, used for connect and each reply). */
  connectTimeoutMs?: number;
  /** global_defs router_id: the `[router_id]` subject prefix (default: host name). */
  routerId: string;
  /** SMTP AUTH (our extension). */
  auth?: { user: string; pass: string };
  /** 'never' by default: keepalived-identical plain SMTP, so a relay with a self-signed cert keeps working. */
  starttls?: StartTlsMode;
  /** TLS verification for STARTTLS: extra trusted CA (PEM) and whether to verify at all (default true). */
  tls?: { ca?: string; rejectUnauthorized?: boolean; servername?: string };
}

export const DEFAULT_SMTP_PORT = 25;
export const DEFAULT_SMTP_CONNECT_TIMEOUT_MS = 30_000;

/**
 * Fills what keepalived derives when global_defs leaves it out: router_id and smtp_helo_name
 * default to the host name, notification_email_from to `<running user>@<host name>` (the code's
 * behaviour; its man page says keepalived@host).
 */
export function withKeepalivedDefaults(
  s: Partial<MailSettings> & Pick<MailSettings, 'to'>,
  host: { hostname: string; user: string },
): MailSettings {
  return {
    ...s,
    to: s.to,
    from: s.from ?? `${host.user}@${host.hostname}`,
    routerId: s.routerId ?? host.hostname,
    helo: s.helo ?? host.hostname,
    port: s.port ?? DEFAULT_SMTP_PORT,
    connectTimeoutMs: s.connectTimeoutMs ?? DEFAULT_SMTP_CONNECT_TIMEOUT_MS,
  };
}

/** keepalived sends a mail only if notification_email is non-empty and smtp_server is set. */
export function mailEnabled(s: Pick<MailSettings, 'to' | 'server'>): boolean {
  return s.to.length > 0 && s.server !== undefined && s.server !== '';
}

/** The global `smtp_alert*` switches; undefined = not written in the config. */
export interface SmtpAlertGlobals {
  smtpAlert?: boolean;
  smtpAlertVrrp?: boolean;
  smtpAlertChecker?: boolean;
}

/** global_defs switches that filter mails. */
export interface MailFilters {
  /** no_email_faults: no mail for FAULT transitions. */
  noEmailFaults?: boolean;
  /** no_checker_emails: real-server mails only when the server's alive state changes. */
  noCheckerEmails?: boolean;
}
