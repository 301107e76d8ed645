import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDataFile, formatJsonDump, formatStatsFile, formatTimeval, formatVip } from '../../src/daemon/dumps.js';
import type { DaemonSnapshot } from '../../src/daemon/snapshot.js';
import { capturedState } from './fixtures-snapshot.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'dumps');
const kaData = readFileSync(join(FIX, 'keepalived-2.2.7.data.txt'), 'utf8');
const kaJson = readFileSync(join(FIX, 'keepalived-2.2.7.json'), 'utf8');

/** keepalived's "VRRP Topology" section without the lines about things we do not have (fds, read timer, notify_deleted). */
function kaTopology(): string {
  const lines = kaData.split('\n');
  const from = lines.indexOf('------< VRRP Topology >------');
  const to = lines.findIndex((l, i) => i > from && l.startsWith('------<'));
  return lines.slice(from, to).filter((l) => !/^ {3}(Read timeout|fd_in|Notify deleted) /.test(l)).join('\n') + '\n';
}

/**
 * The keys keepalived-exporter reads from keepalived.data, by its documented rules: " VRRP Instance = X"
 * starts an instance; 3-space lines are "key = value" or "key:"; 5-space lines are values of the
 * last key (the VIP list); any other line ends the instance.
 */
function exporterView(text: string) {
  const out: Record<string, { State?: string; Wantstate?: string; Interface?: string; garp?: string; vrid?: string; vips: string[] }> = {};
  let inst = '';
  let key = '';
  for (const l of text.split('\n')) {
    if (l.startsWith(' VRRP Instance') && l.includes('=')) { inst = l.split('=')[1]!.trim(); out[inst] = { vips: [] }; continue; }
    if (l.startsWith('   ') && inst) {
      const o = out[inst]!;
      if (l.startsWith('     ')) {
        if (key.startsWith('Virtual IP (')) o.vips.push(l.trim());
        continue;
      }
      const [k, v = ''] = l.includes('=') ? l.trim().split('=') : l.includes(':') ? l.trim().split(':') : [];
      if (k === undefined) continue;
      key = k.trim();
      const val = v.trim();
      if (key === 'State') o.State = val;
      if (key === 'Wantstate') o.Wantstate = val;
      if (key === 'Interface') o.Interface = val;
      if (key === 'Gratuitous ARP delay') o.garp = val;
      if (key === 'Virtual Router ID') o.vrid = val;
      continue;
    }
    if (!(l.startsWith(' VRRP Version') || l.startsWith(' VRRP Script'))) inst = '';
  }
  return out;
}

describe('SIGUSR1 keepalived.data', () => {
  it('matches keepalived 2.2.7 line for line (golden: a MASTER and a BACKUP instance)', () => {
    expect(formatDataFile(capturedState(), { timeZone: 'utc' })).toBe(kaTopology());
  });

  it('parses to the same keepalived-exporter view as keepalived\'s own file', () => {
    const ours = exporterView(formatDataFile(capturedState(), { timeZone: 'utc' }));
    expect(ours).toEqual(exporterView(kaData));
    expect(ours.VI_1).toEqual({ State: 'MASTER', Wantstate: 'MASTER', Interface: 'veth0', garp: '5', vrid: '51', vips: ['10.97.0.100/24 dev veth0 scope global set', '10.97.0.101 dev veth0 scope global set'] });
  });

  it('VRRPv3, IPv6, FAULT, unicast, preempt delay, excluded VIPs, PASS (password never printed)', () => {
    const s = capturedState();
    const v = s.vrrp[1]!;
    const v3: DaemonSnapshot = {
      ...s,
      vrrp: [
        {
          ...v, version: 3, family: 6, state: 'BACKUP', advertIntervalMs: 500, masterAdvertIntervalMs: 1500, srcIp: 'fe80::1',
          mcastGroup: null, unicastPeers: ['fe80::2'], preemptDelayMs: 2500,
          master: { address: 'fe80::2', priority: 200, self: false },
          vips: [{ address: '2001:db8::10', prefix: 64, dev: 'veth0', scope: null, label: null, brd: null }],
          excludedVips: [{ address: '2001:db8::11', prefix: 128, dev: 'eth1', scope: null, label: null, brd: null }],
        },
        { ...v, name: 'VI_F', state: 'FAULT', faulted: true, master: null, authType: 'PASS', lastTransition: null, nopreempt: true },
        { ...v, name: 'VI_S', state: 'STOP', master: null },
      ],
    };
    const text = formatDataFile(v3, { timeZone: 'utc' });
    expect(text).toContain([
      ' VRRP Instance = VI_2', '   VRRP Version = 3', '   Using Native IPv6', '   State = BACKUP', '   Master router = fe80::2',
      '   Master priority = 200', '   Master advert int = 1.50 sec', '   Flags: none',
    ].join('\n'));
    expect(text).toContain('   Advert interval = 500 milli-sec\n   Master advert interval = 1500 milli-sec\n   Accept = enabled\n   Preempt = enabled\n   Preempt delay = 2.5 secs\n');
    expect(text).toContain('   Virtual IP (1):\n     2001:db8::10/64 dev veth0\n   Virtual IP Excluded (1):\n     2001:db8::11 dev eth1\n   Unicast Peer (1):\n     fe80::2\n');
    expect(text.split(' VRRP Instance = VI_F')[0]).not.toContain('Multicast address');
    expect(text).toContain(' VRRP Instance = VI_F\n   VRRP Version = 2\n   State = FAULT\n   Flags: none');
    expect(text).toContain('   Number of interface and track script faults = 1');
    expect(text).toContain('   Preempt = disabled\n   Promote_secondaries = disabled\n   Authentication type = SIMPLE_PASSWORD\n');
    expect(text).not.toContain('Password');
    const view = exporterView(text);
    expect(Object.values(view).map((i) => i.State)).toEqual(['BACKUP', 'FAULT', 'INIT']); // STOP never reaches a parser
  });

  it('VIP lines: brd, scope, label; nothing without instances', () => {
    expect(formatVip({ address: '10.0.0.1', prefix: 24, dev: 'eth0', scope: 'link', label: 'eth0:1', brd: '10.0.0.255' }, false))
      .toBe('10.0.0.1/24 brd 10.0.0.255 dev eth0 scope link label eth0:1');
    expect(formatDataFile({ ...capturedState(), vrrp: [] })).toBe('');
  });

  it('ctime-style dates pad the day with a space', () => {
    expect(formatTimeval(Date.UTC(2026, 10, 3, 4, 5, 6, 7), 'utc')).toBe(`${Date.UTC(2026, 10, 3, 4, 5, 6) / 1000}.007000 (Tue Nov  3 04:05:06.007000 2026)`);
  });
});

describe('SIGUSR2 keepalived.stats', () => {
  it('keepalived\'s layout per instance (golden)', () => {
    const text = formatStatsFile(capturedState());
    const ka = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'packets', 'keepalived-2.2.7.stats.txt'), 'utf8');
    // Same labels and indentation as keepalived's own file; the numbers are this snapshot's.
    const shape = (t: string) => t.split('\n').filter((l) => l && !l.startsWith('VRRP Instance')).map((l) => l.replace(/\d+$/, 'N'));
    expect(shape(text).slice(0, shape(ka).length)).toEqual(shape(ka));
    expect(text).toBe([
      'VRRP Instance: VI_1', '  Advertisements:', '    Received: 0', '    Sent: 2', '  Became master: 1', '  Released master: 0',
      '  Packet Errors:', '    Length: 0', '    TTL: 0', '    Invalid Type: 0', '    Advertisement Interval: 0', '    Address List: 0',
      '  Authentication Errors:', '    Invalid Type: 0', '    Type Mismatch: 0', '    Failure: 0', '  Priority Zero:', '    Received: 0', '    Sent: 0',
      'VRRP Instance: VI_2', '  Advertisements:', '    Received: 3', '    Sent: 0', '  Became master: 0', '  Released master: 0',
      '  Packet Errors:', '    Length: 0', '    TTL: 0', '    Invalid Type: 0', '    Advertisement Interval: 0', '    Address List: 0',
      '  Authentication Errors:', '    Invalid Type: 0', '    Type Mismatch: 0', '    Failure: 0', '  Priority Zero:', '    Received: 0', '    Sent: 0',
      '',
    ].join('\n'));
  });
});

describe('JSON dump (keepalived.json v1)', () => {
  it('is byte-identical to keepalived 2.2.7\'s for the same state (golden)', () => {
    expect(formatJsonDump(capturedState())).toBe(kaJson);
  });

  it('is valid JSON with data/stats per instance; empty lists left out; numbers in keepalived formats', () => {
    const s = capturedState();
    const one = { ...s, vrrp: [{ ...s.vrrp[1]!, vips: [], advertIntervalMs: 500, preemptDelayMs: 2500, lastTransition: null }] };
    const parsed = JSON.parse(formatJsonDump(one)) as Array<{ data: Record<string, unknown>; stats: Record<string, unknown> }>;
    expect(parsed).toHaveLength(1);
    expect(parsed[0]!.data).not.toHaveProperty('vips');
    expect(parsed[0]!.data).toMatchObject({ iname: 'VI_2', state: 1, wantstate: 1, adver_int: 0.5, preempt_delay: 2, master_priority: 200, last_transition: 0 });
    expect(formatJsonDump(one)).toContain('"last_transition":0.000000,');
    expect(parsed[0]!.stats).toEqual({
      advert_rcvd: 3, advert_sent: 0, become_master: 0, release_master: 0, packet_len_err: 0, advert_interval_err: 0, ip_ttl_err: 0,
      invalid_type_rcvd: 0, addr_list_err: 0, invalid_authtype: 0, authtype_mismatch: 0, auth_failure: 0, pri_zero_rcvd: 0, pri_zero_sent: 0,
    });
    expect(formatJsonDump({ ...s, vrrp: [] })).toBe('[]');
  });
});
