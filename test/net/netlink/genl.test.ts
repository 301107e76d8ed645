import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FakeClock } from '../../fakes/clock.js';
import { fakeGenl, nlError } from '../../fakes/netlink.js';
import { AttrEncoder } from '../../../src/net/netlink/attr.js';
import { NetlinkConn } from '../../../src/net/netlink/conn.js';
import {
  CTRL_CMD_GETFAMILY, decodeFamily, decodeGenl, dialGenl, encodeGenl, GENL_ID_CTRL, GenlClient,
} from '../../../src/net/netlink/genl.js';
import { listAttrs, NLA_F_NESTED } from '../../../src/net/netlink/attr.js';

describe('genl', () => {
  it('encodes genlmsghdr: cmd, version, reserved', () => {
    expect(encodeGenl({ cmd: 3, version: 2, attrs: Uint8Array.from([8, 0, 2, 0, 0x49, 0x50, 0x56, 0x53]) })).toEqual(Uint8Array.from([
      3, //              cmd CTRL_CMD_GETFAMILY
      2, //              version
      0, 0, //           reserved
      8, 0, 2, 0, //     CTRL_ATTR_FAMILY_NAME, len 8 …
      0x49, 0x50, 0x56, 0x53, // "IPVS" (the client sends it NUL-terminated; this is only framing)
    ]));
    expect(decodeGenl(Uint8Array.from([1, 2]))).toMatchObject({ ok: false });
  });

  it('resolves a family by name with a CTRL_CMD_GETFAMILY request to nlctrl', async () => {
    const sock = fakeGenl([{ name: 'IPVS', id: 28, version: 1, mcastGroups: { events: 5 } }]);
    const genl = new GenlClient(new NetlinkConn(sock, { clock: new FakeClock() }));
    const fam = await genl.resolveFamily('IPVS');
    expect(fam).toEqual({ id: 28, name: 'IPVS', version: 1, hdrSize: 0, maxAttr: 8, mcastGroups: { events: 5 } });
    const req = sock.requests[0]!;
    expect(req.type).toBe(GENL_ID_CTRL);
    const g = decodeGenl(req.payload);
    expect(g.ok && g.value.cmd).toBe(CTRL_CMD_GETFAMILY);
    expect(g.ok && listAttrs(g.value.attrs).attrs).toEqual([{ type: 2, value: Uint8Array.from([0x49, 0x50, 0x56, 0x53, 0]) }]);
  });

  it('explains ENOENT for IPVS as the missing ip_vs module', async () => {
    const genl = new GenlClient(new NetlinkConn(fakeGenl([]), { clock: new FakeClock() }));
    await expect(genl.resolveFamily('IPVS')).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringMatching(/ip_vs kernel module is not loaded/) });
    await expect(genl.resolveFamily('nosuch')).rejects.toMatchObject({ code: 'ENOENT', message: expect.stringMatching(/"nosuch" not found/) });
  });

  it('sends family commands with the resolved id and decodes replies; errors pass through', async () => {
    const seen: number[] = [];
    const sock = fakeGenl([{ name: 'IPVS', id: 28 }], (req) => {
      seen.push(req.familyId, req.cmd, req.version);
      return req.cmd === 1 ? [{ cmd: 1, version: 1, attrs: new AttrEncoder().u32(1, 7).encode() }] : req.cmd === 9 ? nlError(1) : nlError(3);
    });
    const genl = new GenlClient(new NetlinkConn(sock, { clock: new FakeClock() }));
    const fam = await genl.resolveFamily('IPVS');
    const out = await genl.request(fam.id, 1, fam.version, new Uint8Array(0));
    expect(out).toEqual([{ cmd: 1, version: 1, attrs: Uint8Array.from([8, 0, 1, 0, 7, 0, 0, 0]) }]);
    await expect(genl.request(fam.id, 2, 1, new Uint8Array(0))).rejects.toMatchObject({ code: 'ESRCH' });
    await expect(genl.request(fam.id, 9, 1, new Uint8Array(0))).rejects.toMatchObject({ code: 'EPERM', message: expect.stringMatching(/needs CAP_NET_ADMIN/) });
    expect(seen).toEqual([28, 1, 1, 28, 2, 1, 28, 9, 1]);
  });

  it('dialGenl accepts an injected socket', async () => {
    const genl = await dialGenl({ socket: fakeGenl([{ name: 'TASKSTATS', id: 21 }]), clock: new FakeClock() });
    expect((await genl.resolveFamily('TASKSTATS')).id).toBe(21);
    genl.close();
  });

  it('decodeFamily needs an id and never throws on random attributes', () => {
    expect(decodeFamily(new AttrEncoder().cstring(2, 'X').encode())).toMatchObject({ ok: false });
    expect(decodeFamily(new AttrEncoder().u16(1, 30).bytes(7 | NLA_F_NESTED, Uint8Array.from([1, 2])).encode())).toMatchObject({ ok: false });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
      expect(typeof decodeFamily(b).ok).toBe('boolean');
    }));
  });
});
