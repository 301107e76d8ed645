/**
 * Real traffic through IPVS in UML: a local client connects 20 times to a NAT virtual service
 * whose real server is a local echo server. Our formatter, fed by our own dump, must print the
 * non-zero counters and connection columns exactly as ipvsadm does.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runInUml, UML_RUN_DIR } from './helpers/uml.js';

interface Result { replies: string[]; out: Record<string, { oracle: string; ours: string; tries: number }> }
let res: Result;

describe('IPVS counters with real connections (UML)', () => {
  beforeAll(async () => {
    const r = await runInUml({
      timeoutMs: 150_000,
      // The VIP is local so the client's packets route; IPVS takes them at LOCAL_OUT.
      loAddresses: ['10.88.0.1/24', '10.0.0.1/32'],
      bundles: { traffic: 'test/integration/uml/ipvs-traffic.ts' },
      script: `node ${UML_RUN_DIR}/traffic.mjs 20`,
    });
    if (r.code !== 0) throw new Error(`traffic script failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
    res = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Result;
  }, 160_000);

  it('forwards every connection to the real server', () => {
    expect(res.replies).toEqual(new Array<string>(20).fill('ping'));
  });

  it('ipvsadm counts 20 connections with non-zero packet and byte totals', () => {
    const svcLine = res.out['exact']!.oracle.split('\n')[3]!;
    const [conns, inPkts, outPkts, inBytes, outBytes] = svcLine.trim().split(/\s+/).slice(2).map(Number);
    expect(conns).toBe(20);
    for (const n of [inPkts, outPkts, inBytes, outBytes]) expect(n).toBeGreaterThan(0);
    const rsLine = res.out['Ln']!.oracle.split('\n')[4]!;
    const [active, inactive] = rsLine.trim().split(/\s+/).slice(4).map(Number);
    expect(active! + inactive!).toBe(20);
  });

  it('our -Ln, --stats, --stats --exact and --rate output equals ipvsadm byte for byte', () => {
    for (const [name, v] of Object.entries(res.out)) expect(v.ours, `${name} (after ${v.tries} tries)`).toBe(v.oracle);
  });
});
