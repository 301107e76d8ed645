/** Canonical dump: exact text for a small config, quoting, and load(dump(cfg)) == cfg for generated configs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dumpConfig } from '../../src/config/dump.js';
import { diagLines, loadText } from './conf-helper.js';

describe('dumpConfig', () => {
  it('writes a VRRP instance with every value explicit', () => {
    const cfg = loadText('vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 51\n  advert_int 2\n  virtual_ipaddress {\n    10.0.0.1/24 dev eth0 label eth0:1\n  }\n  notify_master "/bin/echo hi there" root\n}\n').config;
    const text = dumpConfig(cfg);
    const inst = text.slice(text.indexOf('vrrp_instance'));
    expect(inst).toBe([
      'vrrp_instance VI_1 {', '    state BACKUP', '    interface eth0', '    virtual_router_id 51', '    priority 100', '    advert_int 2',
      '    version 2', '    virtual_ipaddress {', '        10.0.0.1/24 dev eth0 label eth0:1', '    }', '    strict_mode false',
      '    skip_check_adv_addr false', '    garp_master_delay 5', '    garp_master_repeat 5', '    garp_master_refresh 0',
      '    garp_master_refresh_repeat 1', '    garp_lower_prio_delay 5', '    garp_lower_prio_repeat 5', '    down_timer_adverts 3',
      '    notify_master "/bin/echo hi there" root', '    smtp_alert true', '}', '',
    ].join('\n'));
  });

  it('quotes words with blanks or comment characters', () => {
    const cfg = loadText('global_defs {\n  notification_email {\n    "Ops <ops@example.com>"\n  }\n  router_id "a!b"\n}\n').config;
    expect(cfg.globalDefs.routerId).toBe('a!b');
    const text = dumpConfig(cfg);
    expect(text).toContain('"Ops <ops@example.com>"');
    expect(loadText(text).config).toEqual(cfg);
  });

  it('quotes words the front end would read as something else (fuzz finds: blanks in smtp_server, @ $ ~ starts, a trailing backslash)', () => {
    const cfg = loadText('global_defs {\n  smtp_server "mail relay" 2525\n}\nkeepalived_ts {\n  smtp_tls_ca_file ca\\ x\n}\n' +
      'vrrp_instance VI_1 {\n  interface eth0\n  track_script {\n    "@$"\n    "$X"\n    "~SEQ"\n    include\n  }\n}\n').config;
    expect([cfg.globalDefs.smtpServer?.host, cfg.extensions.smtpTlsCaFile]).toEqual(['mail relay', 'ca\\']);
    expect(cfg.vrrpInstances[0]!.trackScripts.map((t) => t.name)).toEqual(['@$', '$X', '~SEQ', 'include']);
    expect(loadText(dumpConfig(cfg)).config).toEqual(cfg);
  });

  it('fractional timers print in seconds with up to 6 decimals', () => {
    const cfg = loadText('virtual_server 10.0.0.1 80 {\n  protocol TCP\n  lb_algo rr\n  lb_kind NAT\n  delay_loop 0.000250\n  connect_timeout 1.5\n  real_server 10.0.0.2 80 {\n  }\n}\n').config;
    expect(cfg.virtualServers[0]!.delayLoopMs).toBe(0.25);
    const text = dumpConfig(cfg);
    expect(text).toContain('delay_loop 0.00025');
    expect(text).toContain('connect_timeout 1.5');
  });

  it('property: for generated configs, loading the dump gives the same model and no new diagnostics', () => {
    const ip4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })).map((o) => o.join('.'));
    const instance = fc.record({
      state: fc.constantFrom('', 'MASTER', 'BACKUP'), prio: fc.option(fc.integer({ min: 1, max: 255 })), advert: fc.integer({ min: 1, max: 10 }),
      vips: fc.array(fc.tuple(ip4, fc.integer({ min: 8, max: 32 }), fc.boolean()), { minLength: 1, maxLength: 3 }),
      nopreempt: fc.boolean(), pass: fc.option(fc.stringMatching(/^[a-z0-9]{1,8}$/)), version: fc.constantFrom('', '2', '3'),
    });
    const checker = fc.record({
      type: fc.constantFrom('TCP_CHECK', 'HTTP_GET', 'MISC_CHECK'), retry: fc.option(fc.integer({ min: 0, max: 5 })),
      timeout: fc.option(fc.integer({ min: 1, max: 3000 }).map((ms) => (ms / 1000).toString())), port: fc.option(fc.integer({ min: 1, max: 65535 })),
    });
    const vs = fc.record({
      vip: ip4, port: fc.integer({ min: 1, max: 65535 }), algo: fc.constantFrom('rr', 'wrr', 'wlc', 'sh'), kind: fc.constantFrom('NAT', 'DR', 'TUN'),
      proto: fc.constantFrom('TCP', 'udp', 'SCTP'), delay: fc.integer({ min: 1, max: 120 }), persistence: fc.option(fc.integer({ min: 1, max: 3600 })),
      rs: fc.array(fc.record({ ip: ip4, port: fc.option(fc.integer({ min: 1, max: 65535 })), weight: fc.integer({ min: 0, max: 100 }), checkers: fc.array(checker, { maxLength: 2 }) }), { minLength: 1, maxLength: 3 }),
    });
    const conf = fc.record({ instances: fc.array(instance, { maxLength: 3 }), servers: fc.array(vs, { maxLength: 3 }) }).map(({ instances, servers }) => {
      const parts: string[] = [];
      instances.forEach((i, n) => {
        parts.push(`vrrp_instance VI_${n} {`, '  interface eth0', `  virtual_router_id ${n + 1}`, `  advert_int ${i.advert}`);
        if (i.state) parts.push(`  state ${i.state}`);
        if (i.prio !== null) parts.push(`  priority ${i.prio}`);
        if (i.version) parts.push(`  version ${i.version}`);
        if (i.nopreempt) parts.push('  nopreempt');
        if (i.pass !== null) parts.push('  authentication {', '    auth_type PASS', `    auth_pass ${i.pass}`, '  }');
        parts.push('  virtual_ipaddress {', ...i.vips.map(([a, p, dev]) => `    ${a}/${p}${dev ? ' dev eth0' : ''}`), '  }', '}');
      });
      for (const v of servers) {
        parts.push(`virtual_server ${v.vip} ${v.port} {`, `  lb_algo ${v.algo}`, `  lb_kind ${v.kind}`, `  protocol ${v.proto}`, `  delay_loop ${v.delay}`);
        if (v.persistence !== null) parts.push(`  persistence_timeout ${v.persistence}`);
        for (const r of v.rs) {
          parts.push(`  real_server ${r.ip}${r.port !== null ? ` ${r.port}` : ''} {`, `    weight ${r.weight}`);
          for (const c of r.checkers) {
            parts.push(`    ${c.type} {`);
            if (c.type === 'MISC_CHECK') parts.push('      misc_path "/bin/true x"');
            else {
              if (c.timeout !== null) parts.push(`      connect_timeout ${c.timeout}`);
              if (c.port !== null) parts.push(`      connect_port ${c.port}`);
            }
            if (c.retry !== null) parts.push(`      retry ${c.retry}`);
            parts.push('    }');
          }
          parts.push('  }');
        }
        parts.push('}');
      }
      return parts.join('\n') + '\n';
    });
    fc.assert(fc.property(conf, (text) => {
      const original = loadText(text);
      const again = loadText(dumpConfig(original.config));
      // Values keepalived rewrites are dumped rewritten, so only conditions that persist (all
      // real servers at weight 0 → quorum warning) may be reported again.
      const msgs = (r: typeof original): string[] => diagLines(r).map((l) => l.replace(/^\d+: /, ''));
      for (const m of msgs(again)) expect(msgs(original)).toContain(m);
      expect(again.config).toEqual(original.config);
    }), { numRuns: 150 });
  });
});

describe('dumpConfig script quoting', () => {
  it('script commands with quotes and backslashes survive the round trip', () => {
    const cfg = loadText(`vrrp_script s {\n  script "/bin/sh -c 'printf \\"%s\\\\n\\" ok'"\n}\n`).config;
    expect(cfg.vrrpScripts[0]!.script!.cmd).toBe(`/bin/sh -c 'printf "%s\\n" ok'`);
    expect(loadText(dumpConfig(cfg)).config).toEqual(cfg);
  });
});

describe('dumpConfig whole-line scripts', () => {
  it.each([
    ['script /bin/sh -c "exit 0"', ['/bin/sh', '-c', 'exit 0']],
    [`script "/bin/sh -c 'exit 0'"`, ['/bin/sh', '-c', 'exit 0']],
    ['script /usr/bin/pgrep -x nginx', ['/usr/bin/pgrep', '-x', 'nginx']],
  ])('%s keeps argv %j through dump and load', (line, argv) => {
    const cfg = loadText(`vrrp_script s {\n  ${line}\n  user nobody\n}\n`).config;
    expect(cfg.vrrpScripts[0]!.script!.argv).toEqual(argv);
    expect(cfg.vrrpScripts[0]!.script!.user).toBe('nobody');
    expect(loadText(dumpConfig(cfg)).config).toEqual(cfg);
  });
});
