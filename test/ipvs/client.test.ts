import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/common/clock.js';
import { IpvsClient } from '../../src/ipvs/client.js';
import * as C from '../../src/ipvs/codec.js';
import * as K from '../../src/ipvs/constants.js';
import { noFlags, type Destination, type Service } from '../../src/ipvs/types.js';
import { NetlinkConn } from '../../src/net/netlink/conn.js';
import { GenlClient } from '../../src/net/netlink/genl.js';
import { NLM_F_DUMP } from '../../src/net/netlink/message.js';
import { fakeGenl, nlError, type GenlAnswer, type GenlRequest } from '../fakes/netlink.js';

const IPVS_ID = 0x1c;
const svc: Service = { af: 4, protocol: 'tcp', addr: '10.0.0.1', port: 80, sched: 'wrr', flags: noFlags(), timeout: 0, netmask: 32, pe: '' };
const rs: Destination = { af: 4, addr: '10.88.0.2', port: 80, fwd: 'route', weight: 2, uThreshold: 0, lThreshold: 0 };

async function clientWith(handler: (req: GenlRequest) => GenlAnswer, families = [{ name: 'IPVS', id: IPVS_ID }]) {
  const sock = fakeGenl(families, handler);
  const genl = new GenlClient(new NetlinkConn(sock, { clock: systemClock, timeoutMs: 1000 }));
  return { sock, client: await IpvsClient.open(genl) };
}

describe('IpvsClient (message-level fake)', () => {
  it('sends each command to the resolved family with version 1 and the codec attributes', async () => {
    const seen: GenlRequest[] = [];
    const { client } = await clientWith((r) => { seen.push(r); return []; });
    await client.addService(svc);
    await client.addDest(svc, rs);
    await client.deleteService(svc);
    expect(seen.map((r) => [r.familyId, r.cmd, r.version])).toEqual([
      [IPVS_ID, K.IPVS_CMD_NEW_SERVICE, 1], [IPVS_ID, K.IPVS_CMD_NEW_DEST, 1], [IPVS_ID, K.IPVS_CMD_DEL_SERVICE, 1],
    ]);
    expect(seen[0]!.attrs).toEqual(C.newServiceReq(svc).attrs);
    expect(seen[1]!.attrs).toEqual(C.newDestReq(svc, rs).attrs);
  });

  it('fails clearly when ip_vs is not loaded (no IPVS family)', async () => {
    await expect(clientWith(() => [], [])).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringMatching(/ip_vs kernel module is not loaded/) });
  });

  it('dumps the table: services, then one destination dump per service, one at a time', async () => {
    let dumpsInFlight = 0, maxInFlight = 0;
    const { client } = await clientWith((r) => {
      expect(r.flags & NLM_F_DUMP).toBe(NLM_F_DUMP);
      dumpsInFlight++; maxInFlight = Math.max(maxInFlight, dumpsInFlight);
      queueMicrotask(() => dumpsInFlight--);
      if (r.cmd === K.IPVS_CMD_GET_SERVICE) {
        return [svc, { ...svc, port: 443 }].map((s) => ({ cmd: K.IPVS_CMD_NEW_SERVICE, version: 1, attrs: C.newServiceReq(s).attrs }));
      }
      const port = C.decodeServiceReply(r.attrs);
      if (!port.ok) throw new Error(port.reason);
      return port.value.service.port === 80 ? [{ cmd: K.IPVS_CMD_NEW_DEST, version: 1, attrs: C.newDestReq(svc, rs).attrs }] : [];
    });
    const t = await client.table();
    expect(t.map((e) => [e.service.port, e.dests.map((d) => d.dest)])).toEqual([[80, [rs]], [443, []]]);
    expect(maxInFlight).toBe(1);
  });

  it('names the object and the usual meaning of an errno', async () => {
    const { client } = await clientWith((r) => (r.cmd === K.IPVS_CMD_NEW_SERVICE ? nlError(17) : nlError(3)));
    await expect(client.addService(svc)).rejects.toMatchObject({ code: 'EEXIST', errno: 17, message: 'IPVS NEW_SERVICE TCP 10.0.0.1:80: service already exists' });
    await expect(client.updateDest(svc, rs)).rejects.toMatchObject({ code: 'ESRCH', message: 'IPVS SET_DEST 10.88.0.2:80 in TCP 10.0.0.1:80: no such service' });
  });

  it('apply pipelines requests in order and stops sending after the first failure', async () => {
    const cmds: number[] = [];
    const { client } = await clientWith((r) => { cmds.push(r.cmd); return cmds.length === 3 ? nlError(22) : []; });
    const ops = [
      { op: 'addService' as const, service: svc },
      ...[2, 3, 4, 5, 6].map((n) => ({ op: 'addDest' as const, service: svc, dest: { ...rs, addr: `10.88.0.${n}` } })),
    ];
    await expect(client.apply(ops, 2)).rejects.toMatchObject({ code: 'EINVAL', message: expect.stringMatching(/NEW_DEST 10\.88\.0\.3:80 .*not unicast-routable/) });
    expect(cmds[0]).toBe(K.IPVS_CMD_NEW_SERVICE);
    expect(cmds.length).toBeLessThan(ops.length); // with a window of 2, at most one more was already in flight
  });
});
