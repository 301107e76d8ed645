/**
 * Our IPVS client against the real ip_vs module in user-mode-linux, with `ipvsadm` inside UML as
 * the independent oracle: after every step ipvsadm must show exactly the expected table, and our
 * own formatter (fed by our own dump) must print byte-identical text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runInUml, UML_RUN_DIR } from './helpers/uml.js';

interface Step { step: string; oracle: Record<string, string>; ours: Record<string, string>; [k: string]: unknown }
let steps = new Map<string, Step>();

const HEAD = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';

describe('IpvsClient in user-mode-linux', () => {
  beforeAll(async () => {
    const r = await runInUml({
      timeoutMs: 200_000,
      bundles: { steps: 'test/integration/uml/ipvs-client-steps.ts' },
      script: `node ${UML_RUN_DIR}/steps.mjs`,
    });
    if (r.code !== 0) throw new Error(`steps script failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
    steps = new Map(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Step).map((s) => [s.step, s]));
  }, 210_000);

  const step = (name: string): Step => {
    const s = steps.get(name);
    if (!s) throw new Error(`step ${name} did not run; have: ${[...steps.keys()].join(', ')}`);
    return s;
  };

  it('resolves the family and reads GET_INFO', () => {
    expect(step('info')).toMatchObject({ info: { version: 0x010201, connTabSize: 4096 } });
  });

  it('creates TCP wrr (NAT/DR/TUN ipip/TUN gue), UDP IPv6 persistent and fwmark services', () => {
    const s = step('created');
    expect(s.oracle['Ln']).toBe(`${HEAD}TCP  10.0.0.1:80 wrr
  -> 10.88.0.2:8080               Masq    3      0          0         
  -> 10.88.0.3:80                 Route   1      0          0         
  -> 10.88.0.4:80                 Tunnel  2      0          0         
  -> 10.88.0.5:80                 Tunnel  4      0          0         
UDP  [fd00::10]:53 rr persistent 300 mask 64
  -> [fd00:88::2]:53              Masq    1      0          0         
FWM  42 sh (sh-port)
  -> 10.88.0.6:0                  Route   1      0          0         
`);
    expect(s.oracle['tun']).toContain('  -> 10.88.0.5:80                 Tunnel  gue:6080:+c   4      0          0         \n');
    expect(s.oracle['thr']).toContain('  -> 10.88.0.2:8080               100        10         0          0         \n');
  });

  it('edits a destination weight in place', () => {
    expect(step('weight-edited').oracle['Ln']).toContain('  -> 10.88.0.3:80                 Route   7      0          0         \n');
  });

  it('deletes a destination and a service', () => {
    expect(step('deleted').oracle['Ln']).toBe(`${HEAD}TCP  10.0.0.1:80 wrr
  -> 10.88.0.3:80                 Route   7      0          0         
  -> 10.88.0.4:80                 Tunnel  2      0          0         
  -> 10.88.0.5:80                 Tunnel  4      0          0         
UDP  [fd00::10]:53 rr persistent 300 mask 64
  -> [fd00:88::2]:53              Masq    1      0          0         
`);
  });

  it('maps kernel errors to coded, explained errors', () => {
    expect(step('errors')['errors']).toEqual({
      duplicate: 'EEXIST: IPVS NEW_SERVICE TCP 10.0.0.1:80: service already exists',
      badSched: 'ENOENT: IPVS NEW_SERVICE TCP 10.0.0.1:81: unknown scheduler or persistence engine (no ip_vs_<name> module)',
      missingDest: 'ENOENT: IPVS DEL_DEST 10.88.0.2:8080 in TCP 10.0.0.1:80: no such destination',
      missingService: 'ESRCH: IPVS DEL_SERVICE TCP 10.0.0.1:82: no such service',
    });
  });

  it('applies a reconciler plan (add before delete) and the next plan is empty', () => {
    const s = step('reconciled');
    expect(s['ops']).toEqual(['updateDest', 'addDest', 'deleteDest', 'deleteDest', 'deleteService']);
    expect(s['again']).toBe(0);
    expect(s.oracle['Ln']).toBe(`${HEAD}TCP  10.0.0.1:80 wrr
  -> 10.88.0.3:80                 Route   9      0          0         
  -> 10.88.0.7:80                 Route   1      0          0         
`);
  });

  it('starts and stops the connection-sync daemon', () => {
    const s = step('daemon');
    expect(s['daemons']).toEqual([{ state: 'master', ifname: 'lo', syncId: 51, maxLen: expect.any(Number), mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 }]);
    expect(s['daemonText']).toBe('master sync daemon (mcast=lo, syncid=51, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n');
    expect(s['after']).toBe('');
  });

  it('sets and reads the connection timeouts (lvs_timeouts), ipvsadm agrees', () => {
    const s = step('timeouts');
    expect(s['timeouts']).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
    expect(s['text']).toBe('Timeout (tcp tcpfin udp): 900 120 300\n');
  });

  it('flushes everything', () => {
    expect(step('flushed').oracle['Ln']).toBe(HEAD);
  });

  it('our -Ln, --tun-info, --thresholds and -Sn output is byte-identical to ipvsadm at every step', () => {
    for (const name of ['created', 'weight-edited', 'deleted', 'reconciled', 'flushed']) {
      const s = step(name);
      for (const k of ['Ln', 'tun', 'thr', 'Sn']) expect(s.ours[k], `${name} ${k}`).toBe(s.oracle[k]);
    }
  });
});
