/** The `keepalived_ts { }` block: our extension keywords, their checks and their dump. */
import { describe, expect, it } from 'vitest';
import { dumpConfig } from '../../src/config/dump.js';
import { diagLines, loadText } from './conf-helper.js';

const VS = 'virtual_server 10.0.0.100 80 {\n  protocol TCP\n  lb_algo rr\n  lb_kind DR\n  real_server 10.0.0.11 80 {\n  }\n}\n';

describe('keepalived_ts block', () => {
  it('is absent from a plain keepalived file: defaults, and no block in the dump', () => {
    const r = loadText(VS);
    expect(r.config.extensions).toEqual({
      smtpAuth: null, smtpStartTls: 'never', smtpTlsCaFile: null, smtpTlsVerify: true,
      metrics: null, cronTimezone: null, reportMail: null, maintenanceWindows: [],
    });
    expect(dumpConfig(r.config)).not.toContain('keepalived_ts');
  });

  it('reads every keyword, with cron expressions quoted or not', () => {
    const r = loadText(`${VS}keepalived_ts {
  smtp_auth_user alerts
  smtp_auth_password_file /etc/keepalived/smtp.pass
  smtp_starttls required
  smtp_tls_ca_file /etc/ssl/relay.pem
  smtp_tls_verify off
  metrics_listen 9650
  cron_timezone Europe/Berlin
  report_mail "0  8 * * mon"
  maintenance_window nightly {
    start 0 2 * * *
    end "30 2 * * *"
    real_server 10.0.0.11 80
  }
}
`);
    expect(diagLines(r)).toEqual([]);
    expect(r.config.extensions).toEqual({
      smtpAuth: { user: 'alerts', password: null, passwordFile: '/etc/keepalived/smtp.pass' },
      smtpStartTls: 'required', smtpTlsCaFile: '/etc/ssl/relay.pem', smtpTlsVerify: false,
      metrics: { address: '127.0.0.1', port: 9650 }, cronTimezone: 'Europe/Berlin', reportMail: '0 8 * * mon',
      maintenanceWindows: [{ name: 'nightly', start: '0 2 * * *', end: '30 2 * * *', realServers: [{ address: '10.0.0.11', port: 80 }] }],
    });
    const again = loadText(dumpConfig(r.config));
    expect(diagLines(again)).toEqual([]);
    expect(again.config).toEqual(r.config);
  });

  it('reports bad values where they are written and keeps the defaults', () => {
    const r = loadText(`${VS}keepalived_ts {
  metrics_listen 1.2.3 80
  metrics_listen ::1 70000
  cron_timezone Mars/Olympus
  smtp_starttls sometimes
  report_mail 0 8 * *
  maintenance_window half {
    start 61 2 * * *
    end 0 3 * * *
  }
  maintenance_window elsewhere {
    start 0 1 * * *
    end 0 3 * * *
    real_server 10.0.0.99 80
    real_server 10.0.0.11 http
  }
  smtp_auth_user alerts
}
`);
    expect(diagLines(r)).toEqual([
      "9: metrics_listen address '1.2.3' is invalid [KA_CONF_INVALID_VALUE]",
      "10: metrics_listen port '70000' is invalid [KA_CONF_INVALID_VALUE]",
      "11: cron_timezone 'Mars/Olympus' is not a known time zone [KA_CONF_INVALID_VALUE]",
      "12: Invalid value 'sometimes' for smtp_starttls [KA_CONF_INVALID_VALUE]",
      "13: report_mail: invalid cron expression '0 8 * *' has 4 fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (second first) [KA_CONF_INVALID_VALUE]",
      "15: start: invalid cron expression minute '61': values are 0-59 [KA_CONF_INVALID_VALUE]",
      '14: maintenance_window half needs both start and end - ignoring it [KA_CONF_INVALID_VALUE]',
      "22: maintenance_window real_server port 'http' is invalid [KA_CONF_INVALID_VALUE]",
      '24: SMTP AUTH needs smtp_auth_user and smtp_auth_password or smtp_auth_password_file - mails are sent without AUTH [KA_CONF_INVALID_VALUE]',
      '21: maintenance_window elsewhere: real_server 10.0.0.99 80 is in no virtual_server [KA_CONF_INVALID_VALUE]',
    ]);
    const e = r.config.extensions;
    expect([e.metrics, e.cronTimezone, e.smtpStartTls, e.reportMail, e.smtpAuth]).toEqual([null, null, 'never', null, null]);
    expect(e.maintenanceWindows.map((w) => w.name)).toEqual(['elsewhere']);
    expect(r.exitCode).toBe(5);
  });
});
