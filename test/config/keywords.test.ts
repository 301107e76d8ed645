/**
 * The keyword layer: tables, leniency and keepalived's messages (texts verified against
 * keepalived 2.2.7 `-t` on this machine where noted in semantics §1).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigErrClass } from '../../src/config/diagnostics.js';
import { ALL_SECTIONS } from '../../src/config/keywords/index.js';
import { diagLines, loadText } from './conf-helper.js';

const vi1 = (body: string): string => `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 1\n${body}\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n`;
const vs = (body: string, rs = '  real_server 10.0.1.1 80 {\n    TCP_CHECK {\n    }\n  }'): string =>
  `virtual_server 10.0.0.1 80 {\n  lb_algo rr\n  lb_kind NAT\n  protocol TCP\n${body}\n${rs}\n}\n`;

describe('keyword tables', () => {
  it('every keyword has a kind, a support level and a description', () => {
    for (const { path, section } of ALL_SECTIONS) {
      for (const [name, def] of Object.entries(section.keywords)) {
        expect(['supported', 'recognised'], `${path} ${name}`).toContain(def.support);
        expect(def.doc.length, `${path} ${name} doc`).toBeGreaterThan(2);
      }
    }
  });

  it('recognises every keyword named in keepalived-features.md §2-§5', () => {
    const doc = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'design', 'keepalived-features.md');
    if (!existsSync(doc)) throw new Error(`features inventory not found at ${doc} (../shared/design next to the repository)`);
    const known = new Set(ALL_SECTIONS.flatMap(({ section }) => [...Object.keys(section.keywords), ...Object.keys(section.aliases ?? {})]));
    const missing = new Set<string>();
    for (const part of readFileSync(doc, 'utf8').split(/\n## /).filter((s) => /^[2345]\./.test(s))) {
      for (const line of part.split('\n').filter((l) => l.startsWith('| `'))) {
        for (const m of line.split('|')[1]!.matchAll(/`([^`]+)`/g)) {
          const w = m[1]!.split(/[\s{]/)[0]!;
          // `SCRIPT` is the doc's placeholder in `notify_* SCRIPT [user]`, not a keyword.
          if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(w) && w !== 'SCRIPT' && !known.has(w)) missing.add(w);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });
});

describe('leniency', () => {
  it('unknown keyword: warning, parsing continues', () => {
    const r = loadText(vi1('  foo_bar 1\n  priority 120'));
    expect(diagLines(r)).toEqual(["4: Unknown keyword 'foo_bar' [KA_CONF_UNKNOWN_KEYWORD]"]);
    expect(r.config.vrrpInstances[0]!.priority).toBe(120);
    expect(r.exitCode).toBe(5);
  });

  it('unknown keyword with a block: the whole block is skipped with one warning', () => {
    const r = loadText(vi1('  foo_block {\n    bar 1\n    priority 7\n  }\n  priority 120'));
    expect(diagLines(r)).toEqual(["4: Unknown keyword 'foo_block' (its block is skipped) [KA_CONF_UNKNOWN_KEYWORD]"]);
    expect(r.config.vrrpInstances[0]!.priority).toBe(120);
    expect(r.config.vrrpInstances[0]!.virtualIpaddresses).toHaveLength(1);
  });

  it('recognised keyword: its own notice, class OK, block consumed, exit 0', () => {
    const r = loadText(vi1('  use_vmac vrrp.1\n  auth_hmac {\n    key 1 secret\n  }'));
    expect(r.diags.map((d) => [d.code, d.cls])).toEqual([['KA_CONF_NOT_SUPPORTED', ConfigErrClass.OK], ['KA_CONF_NOT_SUPPORTED', ConfigErrClass.OK]]);
    expect(r.diags[0]!.msg).toBe("keyword 'use_vmac' in vrrp_instance is recognised but not supported - ignoring");
    expect(r.exitCode).toBe(0);
  });

  it('bad numbers: keepalived\'s two messages and the default', () => {
    const r = loadText('vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 300\n  priority abc\n  advert_int 0\n  virtual_ipaddress {\n    10.0.0.1\n  }\n}\n');
    expect(diagLines(r)).toEqual([
      "3: number '300' outside range [1, 255] [KA_CONF_RANGE]",
      "3: (VI_1): VRID '300' not valid - must be between 1 & 255 [KA_CONF_INVALID_VALUE]",
      "4: invalid number 'abc' [KA_CONF_INVALID_NUMBER]",
      '4: (VI_1) Priority not valid! must be between 1 & 255. Using default 100 [KA_CONF_INVALID_VALUE]',
      "5: number '0' outside range [0.010000, 255.000000] [KA_CONF_RANGE]",
      '5: (VI_1) Advert interval (0) not valid! Must be > 0 - ignoring [KA_CONF_INVALID_VALUE]',
      '1: (VI_1) the virtual router id must be set [KA_CONF_NO_VRID]',
    ]);
    const v = r.config.vrrpInstances[0]!;
    expect([v.virtualRouterId, v.priority, v.advertIntMs]).toEqual([null, 100, 1000]);
    expect(r.exitCode).toBe(5);
  });

  it('missing parameter: keepalived\'s text and exit 2', () => {
    const r = loadText(vi1('  priority'));
    expect(diagLines(r)).toEqual(['4: *** Configuration line starting `priority` is missing a parameter after keyword `priority` at word position 2 [KA_CONF_MISSING_PARAMETER]']);
    expect(r.exitCode).toBe(2);
  });

  it('enums are case-sensitive; booleans only lower-case', () => {
    const r = loadText(`global_defs {\n  smtp_alert TRUE\n}\n${vi1('  state master')}`);
    expect(diagLines(r)).toEqual([
      "2: Invalid value 'TRUE' for global smtp_alert specified [KA_CONF_INVALID_VALUE]",
      "7: (VI_1) unknown state 'master', defaulting to BACKUP [KA_CONF_INVALID_VALUE]",
    ]);
    expect(r.config.globalDefs.smtpAlert).toBeNull();
    expect(r.config.vrrpInstances[0]!.state).toBe('BACKUP');
  });

  it('a block keyword without its block: MISSING_BOB', () => {
    const r = loadText(vi1('  track_interface'));
    expect(r.diags.map((d) => [d.at.line, d.code, d.cls])).toContainEqual([4, 'KA_CONF_MISSING_BOB', ConfigErrClass.MISSING_BOB]);
  });

  it('extra words after a value are ignored', () => {
    const r = loadText(vi1('  priority 120 nonsense words'));
    expect(diagLines(r)).toEqual([]);
    expect(r.config.vrrpInstances[0]!.priority).toBe(120);
  });
});

describe('vrrp_instance', () => {
  it('VIP lines: prefix, dev, label, brd, scope, no_track; invalid address skipped', () => {
    const r = loadText(vi1('  virtual_ipaddress_excluded {\n    192.0.2.1/24 brd 192.0.2.255 dev eth0 scope link label eth0:1 no_track\n    10.0.0.300\n  }'));
    expect(r.config.vrrpInstances[0]!.virtualIpaddressesExcluded).toEqual([
      { address: '192.0.2.1', prefix: 24, dev: 'eth0', label: 'eth0:1', brd: '192.0.2.255', scope: 'link', noTrack: true },
    ]);
    expect(diagLines(r)).toEqual(['6: VRRP parsed invalid IP 10.0.0.300. skipping IP... [KA_CONF_INVALID_VALUE]']);
  });

  it('tracked interface and script weights: range [-253, 253] with keepalived\'s messages', () => {
    const r = loadText(`vrrp_script s1 {\n  script /bin/true\n}\n${vi1('  track_interface {\n    lo weight 300\n    eth1 weight -20 reverse\n  }\n  track_script {\n    s1 weight 300\n  }')}`);
    expect(diagLines(r)).toEqual([
      "8: number '300' outside range [-254, 254] [KA_CONF_RANGE]",
      '8: (VI_1) weight 300 for lo must be between [-253..253] inclusive. Ignoring... [KA_CONF_RANGE]',
      "12: number '300' outside range [-254, 254] [KA_CONF_RANGE]",
      '12: (VI_1) track script s1: weight must be between [-253..253] inclusive, ignoring... [KA_CONF_RANGE]',
    ]);
    expect(r.config.vrrpInstances[0]!.trackInterfaces).toEqual([{ name: 'lo', weight: 0, reverse: false }, { name: 'eth1', weight: -20, reverse: true }]);
    expect(r.config.vrrpInstances[0]!.trackScripts).toEqual([{ name: 's1', weight: null, reverse: null }]);
  });

  it('authentication: auth_pass truncated to 8 with a warning', () => {
    const r = loadText(vi1('  authentication {\n    auth_type PASS\n    auth_pass 0123456789\n  }'));
    expect(r.config.vrrpInstances[0]!.authentication).toEqual({ type: 'PASS', pass: '01234567' });
    expect(diagLines(r)).toEqual(['6: Truncating auth_pass to 8 characters [KA_CONF_INVALID_VALUE]']);
  });

  it('notify scripts keep the command and the optional user/group', () => {
    const r = loadText(vi1('  notify_master "/usr/bin/logger -t ka master" root wheel'));
    expect(r.config.vrrpInstances[0]!.notify.master).toEqual({ cmd: '/usr/bin/logger -t ka master', argv: ['/usr/bin/logger', '-t', 'ka', 'master'], user: 'root', group: 'wheel' });
  });
});

describe('vrrp_script', () => {
  it('interval and timeout are whole seconds (keepalived 2.2.7 rejects 1.5)', () => {
    const r = loadText('vrrp_script s {\n  script /bin/true\n  interval 1.5\n  timeout 0\n  weight -5 reverse\n  user nobody\n}\n');
    expect(diagLines(r)).toEqual([
      "3: invalid number '1.5' [KA_CONF_INVALID_NUMBER]",
      "3: (s): vrrp script interval '1.5' must be between 1 and 4294 - ignoring [KA_CONF_INVALID_VALUE]",
      '4: (s): vrrp script timeout must be greater than 0, setting to 1 [KA_CONF_RANGE]',
    ]);
    const s = r.config.vrrpScripts[0]!;
    expect([s.intervalMs, s.timeoutMs, s.weight, s.weightReverse, s.script?.user]).toEqual([1000, 1000, -5, true, 'nobody']);
  });

  it('timeout defaults to the interval', () => {
    expect(loadText('vrrp_script s {\n  script /bin/true\n  interval 7\n}\n').config.vrrpScripts[0]!.timeoutMs).toBe(7000);
  });
});

describe('virtual_server and checkers', () => {
  it('nb_get_retry in TCP_CHECK is retry, with a deprecation warning (decided deviation)', () => {
    const r = loadText(vs('', '  real_server 10.0.1.1 80 {\n    TCP_CHECK {\n      nb_get_retry 3\n    }\n  }'));
    expect(diagLines(r)).toEqual(["8: nb_get_retry is deprecated - please use 'retry' [KA_CONF_DEPRECATED]"]);
    expect(r.config.virtualServers[0]!.realServers[0]!.checkers[0]!.retry).toBe(3);
    expect(r.exitCode).toBe(5);
  });

  it('protocol is case-insensitive; lb_algo/lb_kind are not', () => {
    const r = loadText('virtual_server 10.0.0.1 80 {\n  protocol tcp\n  lb_algo RR\n  lb_kind dr\n  real_server 10.0.1.1 80 {\n  }\n}\n');
    expect(diagLines(r)).toEqual([
      "3: Invalid lvs_scheduler 'RR' - ignoring [KA_CONF_INVALID_VALUE]",
      '4: PARSER : unknown [dr] routing method for virtual server. [KA_CONF_INVALID_VALUE]',
      "1: Virtual server [10.0.0.1]:tcp:80: no forwarding method set, setting default NAT [KA_CONF_VS_DEFAULT]",
      "1: Virtual server [10.0.0.1]:tcp:80: no scheduler set, setting default 'wlc' [KA_CONF_VS_DEFAULT]",
    ]);
    const v = r.config.virtualServers[0]!;
    expect([v.protocol, v.lbAlgo, v.lbKind]).toEqual(['TCP', 'wlc', 'NAT']);
  });

  it('persistence_timeout without a value is 360 s; 0 is out of range', () => {
    expect(loadText(vs('  persistence_timeout')).config.virtualServers[0]!.persistenceTimeoutS).toBe(360);
    const r = loadText(vs('  persistence_timeout 0'));
    expect(diagLines(r)).toEqual(["5: number '0' outside range [1, 2678400] [KA_CONF_RANGE]", '5: persistence_timeout invalid [KA_CONF_INVALID_VALUE]']);
  });

  it('checker timing is inherited checker ← real_server ← virtual_server ← type default', () => {
    const r = loadText(vs('  delay_loop 6\n  connect_timeout 4\n  retry 2', '  real_server 10.0.1.1 80 {\n    delay_before_retry 7\n    TCP_CHECK {\n      connect_timeout 1.5\n    }\n    HTTP_GET {\n      url {\n        path /\n        status_code 200-204 301\n      }\n      retry 0\n    }\n    MISC_CHECK {\n      misc_path /bin/true\n    }\n  }'));
    expect(diagLines(r)).toEqual([]);
    const [tcp, http, misc] = r.config.virtualServers[0]!.realServers[0]!.checkers;
    expect([tcp!.connectTimeoutMs, tcp!.retry, tcp!.delayBeforeRetryMs, tcp!.delayLoopMs, tcp!.warmupMs]).toEqual([1500, 2, 7000, 6000, 6000]);
    expect([http!.connectTimeoutMs, http!.retry, http!.urls[0]!.statusCodes]).toEqual([4000, 0, [{ from: 200, to: 204 }, { from: 301, to: 301 }]]);
    expect([misc!.miscTimeoutMs, misc!.retry]).toEqual([6000, 2]);
  });

  it('checker-type defaults when nothing is inherited', () => {
    const r = loadText(vs('', '  real_server 10.0.1.1 80 {\n    TCP_CHECK {\n    }\n    HTTP_GET {\n    }\n    MISC_CHECK {\n      misc_path /bin/true\n    }\n  }'));
    const [tcp, http, misc] = r.config.virtualServers[0]!.realServers[0]!.checkers;
    expect([tcp!.retry, tcp!.delayBeforeRetryMs, tcp!.connectTimeoutMs, tcp!.delayLoopMs]).toEqual([1, 1000, 5000, 60000]);
    expect([http!.retry, http!.delayBeforeRetryMs]).toEqual([1, 3000]);
    expect(misc!.retry).toBe(0);
  });

  it('digest must be 32 hex characters', () => {
    const r = loadText(vs('', '  real_server 10.0.1.1 80 {\n    HTTP_GET {\n      url {\n        path /\n        digest <md5-of-the-page>\n      }\n    }\n  }'));
    expect(diagLines(r)).toEqual(["10: digest '<md5-of-the-page>' character length should be 32 rather than 17 [KA_CONF_INVALID_VALUE]"]);
  });

  it('real server port: NAT keeps its own, DR resets to the VS port with a warning', () => {
    const nat = loadText(vs('', '  real_server 10.0.1.1 8080 {\n  }'));
    expect(nat.config.virtualServers[0]!.realServers[0]!.port).toBe(8080);
    const dr = loadText(vs('  lb_kind DR', '  real_server 10.0.1.1 8080 {\n  }'));
    expect(dr.config.virtualServers[0]!.realServers[0]!.port).toBe(80);
    expect(diagLines(dr)).toContain("6: WARNING - virtual server [10.0.0.1]:tcp:80 and real server [10.0.1.1]:8080 ports don't match - resetting [KA_CONF_INVALID_VALUE]");
  });

  it('virtual_server_group entries: single address, range, prefix, fwmark', () => {
    const r = loadText('virtual_server_group G {\n  10.0.0.1 80\n  10.0.0.2-9 81\n  10.1.0.0/29\n  fwmark 5 inet6\n  bogus 1\n}\n');
    expect(r.config.virtualServerGroups).toEqual([{ name: 'G', entries: [
      { kind: 'ip', range: '10.0.0.1', port: 80 }, { kind: 'ip', range: '10.0.0.2-9', port: 81 },
      { kind: 'ip', range: '10.1.0.0/29', port: 0 }, { kind: 'fwmark', fwmark: 5, family: 'inet6' },
    ] }]);
    expect(diagLines(r)).toEqual(['6: Invalid virtual_server_group IP address/range bogus - skipping [KA_CONF_INVALID_VALUE]']);
  });
});
