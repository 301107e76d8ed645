import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KaError } from '../../src/common/errors.js';
import { AttrEncoder } from '../../src/net/netlink/attr.js';
import {
  decodeDaemonReply, decodeDestReply, decodeInfoReply, decodeServiceReply, decodeTimeoutsReply, setTimeoutsReq, delDaemonReq, delDestReq, delServiceReq,
  flushReq, getDestsReq, getServicesReq, newDaemonReq, newDestReq, newServiceReq, setDestReq, setServiceReq,
} from '../../src/ipvs/codec.js';
import * as K from '../../src/ipvs/constants.js';
import { noFlags, type Destination, type Service } from '../../src/ipvs/types.js';
import { arbDest, arbService } from './arbitraries.js';

const bytes = (...parts: number[][]): Uint8Array => Uint8Array.from(parts.flat());
const z = (n: number): number[] => new Array<number>(n).fill(0);

const tcpWrr: Service = {
  af: 4, protocol: 'tcp', addr: '10.0.0.1', port: 80, sched: 'wrr', flags: noFlags(), timeout: 0, netmask: 32, pe: '',
};

// IPVS_CMD_ATTR_SERVICE for TCP 10.0.0.1:80 wrr (little-endian host).
const tcpWrrService = [
  0x54, 0x00, 0x01, 0x80, //                 len 84, IPVS_CMD_ATTR_SERVICE | NLA_F_NESTED
  0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0, 0, // AF = AF_INET (u16) + pad
  0x06, 0x00, 0x02, 0x00, 0x06, 0x00, 0, 0, // PROTOCOL = IPPROTO_TCP (u16) + pad
  0x14, 0x00, 0x03, 0x00, 10, 0, 0, 1, ...z(12), // ADDR: 16-byte nf_inet_addr, IPv4 in the first 4
  0x06, 0x00, 0x04, 0x00, 0x00, 0x50, 0, 0, // PORT = 80, big-endian (!) + pad
  0x08, 0x00, 0x06, 0x00, 0x77, 0x72, 0x72, 0x00, // SCHED_NAME "wrr\0"
  0x0c, 0x00, 0x07, 0x00, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, // FLAGS {flags 0, mask ~0}
  0x08, 0x00, 0x08, 0x00, 0, 0, 0, 0, //       TIMEOUT = 0 s
  0x08, 0x00, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, // NETMASK 255.255.255.255 (network order)
];

describe('service encoding (golden bytes)', () => {
  it('NEW_SERVICE for TCP wrr sends every attribute the kernel requires', () => {
    const r = newServiceReq(tcpWrr);
    expect(r.cmd).toBe(K.IPVS_CMD_NEW_SERVICE);
    expect(r.dump).toBe(false);
    expect(r.attrs).toEqual(bytes(tcpWrrService));
  });

  it('SET_SERVICE carries the same full service', () => {
    expect(setServiceReq(tcpWrr)).toEqual({ cmd: K.IPVS_CMD_SET_SERVICE, attrs: bytes(tcpWrrService), dump: false });
  });

  it('IPv6 persistent UDP: prefix-length netmask in host order, PERSISTENT flag, timeout', () => {
    const s: Service = {
      af: 6, protocol: 'udp', addr: 'fd00::10', port: 53, sched: 'rr', flags: { ...noFlags(), persistent: true },
      timeout: 300, netmask: 64, pe: '',
    };
    expect(newServiceReq(s).attrs).toEqual(bytes(
      [0x54, 0x00, 0x01, 0x80], //                  SERVICE nest, 84 bytes
      [0x06, 0x00, 0x01, 0x00, 0x0a, 0x00, 0, 0], // AF = AF_INET6 (10)
      [0x06, 0x00, 0x02, 0x00, 0x11, 0x00, 0, 0], // PROTOCOL = IPPROTO_UDP (17)
      [0x14, 0x00, 0x03, 0x00, 0xfd, 0x00, ...z(13), 0x10], // ADDR fd00::10
      [0x06, 0x00, 0x04, 0x00, 0x00, 0x35, 0, 0], // PORT 53 BE
      [0x07, 0x00, 0x06, 0x00, 0x72, 0x72, 0x00, 0], // SCHED_NAME "rr\0" + pad (nla_len 7)
      [0x0c, 0x00, 0x07, 0x00, 0x01, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], // FLAGS PERSISTENT, mask ~0
      [0x08, 0x00, 0x08, 0x00, 0x2c, 0x01, 0, 0], // TIMEOUT 300 s
      [0x08, 0x00, 0x09, 0x00, 0x40, 0, 0, 0], //   NETMASK = prefix length 64 (not a mask)
    ));
  });

  it('fwmark sh service with sh-fallback,sh-port and a persistence engine and a /24 IPv4 mask', () => {
    const s: Service = {
      af: 4, fwmark: 42, sched: 'sh', flags: { ...noFlags(), persistent: true, sched1: true, sched2: true },
      timeout: 60, netmask: 24, pe: 'sip',
    };
    expect(newServiceReq(s).attrs).toEqual(bytes(
      [0x40, 0x00, 0x01, 0x80], //                 SERVICE nest, 64 bytes
      [0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0, 0], // AF_INET
      [0x08, 0x00, 0x05, 0x00, 0x2a, 0, 0, 0], //  FWMARK 42 (u32): replaces PROTOCOL/ADDR/PORT
      [0x07, 0x00, 0x06, 0x00, 0x73, 0x68, 0x00, 0], // SCHED_NAME "sh\0"
      [0x08, 0x00, 0x0b, 0x00, 0x73, 0x69, 0x70, 0x00], // PE_NAME "sip\0"
      [0x0c, 0x00, 0x07, 0x00, 0x19, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], // FLAGS PERSISTENT|SCHED1|SCHED2
      [0x08, 0x00, 0x08, 0x00, 0x3c, 0, 0, 0], //  TIMEOUT 60
      [0x08, 0x00, 0x09, 0x00, 0xff, 0xff, 0xff, 0x00], // NETMASK 255.255.255.0
    ));
  });

  it('SCTP one-packet service: protocol 132 and ONEPACKET', () => {
    const s: Service = { ...tcpWrr, protocol: 'sctp', flags: { ...noFlags(), onePacket: true, sched3: true } };
    const a = newServiceReq(s).attrs;
    expect(Array.from(a.subarray(12, 20))).toEqual([0x06, 0x00, 0x02, 0x00, 0x84, 0x00, 0, 0]); // IPPROTO_SCTP
    expect(Array.from(a.subarray(56, 68))).toEqual([0x0c, 0x00, 0x07, 0x00, 0x24, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  });

  it('DEL_SERVICE and the GET_DEST dump carry only the key', () => {
    const key = bytes(
      [0x30, 0x00, 0x01, 0x80], //                  SERVICE nest, 48 bytes
      [0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0, 0], // AF
      [0x06, 0x00, 0x02, 0x00, 0x06, 0x00, 0, 0], // PROTOCOL
      [0x14, 0x00, 0x03, 0x00, 10, 0, 0, 1, ...z(12)], // ADDR
      [0x06, 0x00, 0x04, 0x00, 0x00, 0x50, 0, 0], // PORT
    );
    expect(delServiceReq(tcpWrr)).toEqual({ cmd: K.IPVS_CMD_DEL_SERVICE, attrs: key, dump: false });
    expect(getDestsReq(tcpWrr)).toEqual({ cmd: K.IPVS_CMD_GET_DEST, attrs: key, dump: true });
    expect(getServicesReq()).toEqual({ cmd: K.IPVS_CMD_GET_SERVICE, attrs: new Uint8Array(0), dump: true });
    expect(flushReq()).toEqual({ cmd: K.IPVS_CMD_FLUSH, attrs: new Uint8Array(0), dump: false });
  });

  it('rejects values the kernel would refuse, with coded errors', () => {
    expect(() => newServiceReq({ ...tcpWrr, addr: 'fd00::1' })).toThrow(KaError);
    expect(() => newServiceReq({ ...tcpWrr, netmask: 33 })).toThrow(/netmask/);
    expect(() => newServiceReq({ ...tcpWrr, af: 6, addr: 'fd00::1', netmask: 0 })).toThrow(/netmask/);
    expect(() => newServiceReq({ ...tcpWrr, sched: 'a-very-long-name' })).toThrow(/scheduler/);
  });
});

const natDest: Destination = { af: 4, addr: '10.88.0.2', port: 8080, fwd: 'masq', weight: 3, uThreshold: 100, lThreshold: 10 };
const destKey = [
  0x14, 0x00, 0x01, 0x00, 10, 88, 0, 2, ...z(12), // DEST ADDR 10.88.0.2
  0x06, 0x00, 0x02, 0x00, 0x1f, 0x90, 0, 0, //       DEST PORT 8080 BE
  0x06, 0x00, 0x0b, 0x00, 0x02, 0x00, 0, 0, //       ADDR_FAMILY AF_INET
];

describe('destination encoding (golden bytes)', () => {
  it('NEW_DEST: service key nest, then the full destination nest', () => {
    const r = newDestReq(tcpWrr, natDest);
    expect(r.cmd).toBe(K.IPVS_CMD_NEW_DEST);
    expect(r.attrs).toEqual(bytes(
      [0x30, 0x00, 0x01, 0x80, ...tcpWrrService.slice(4, 48)], // SERVICE key only (AF, PROTOCOL, ADDR, PORT)
      [0x48, 0x00, 0x02, 0x80], //                  IPVS_CMD_ATTR_DEST | NLA_F_NESTED, 72 bytes
      destKey,
      [0x08, 0x00, 0x03, 0x00, 0, 0, 0, 0], //      FWD_METHOD = MASQ (0)
      [0x08, 0x00, 0x04, 0x00, 3, 0, 0, 0], //      WEIGHT 3
      [0x08, 0x00, 0x05, 0x00, 100, 0, 0, 0], //    U_THRESH 100
      [0x08, 0x00, 0x06, 0x00, 10, 0, 0, 0], //     L_THRESH 10
    ));
    expect(setDestReq(tcpWrr, natDest)).toEqual({ ...r, cmd: K.IPVS_CMD_SET_DEST });
  });

  it('DEL_DEST sends only ADDR, PORT and ADDR_FAMILY', () => {
    expect(Array.from(delDestReq(tcpWrr, natDest).attrs.subarray(48))).toEqual([0x28, 0x00, 0x02, 0x80, ...destKey]);
  });

  it('forwarding methods and tunnel options', () => {
    const fwdOf = (d: Destination) => Array.from(newDestReq(tcpWrr, d).attrs.subarray(48 + 4 + 36, 48 + 4 + 44));
    expect(fwdOf({ ...natDest, fwd: 'local' })).toEqual([0x08, 0x00, 0x03, 0x00, 1, 0, 0, 0]);
    expect(fwdOf({ ...natDest, fwd: 'tunnel' })).toEqual([0x08, 0x00, 0x03, 0x00, 2, 0, 0, 0]);
    expect(fwdOf({ ...natDest, fwd: 'route' })).toEqual([0x08, 0x00, 0x03, 0x00, 3, 0, 0, 0]);
    const gue = newDestReq(tcpWrr, { ...natDest, fwd: 'tunnel', tunnel: { type: 'gue', port: 6080, csum: 'csum' } }).attrs;
    expect(Array.from(gue.subarray(gue.length - 24))).toEqual([
      0x05, 0x00, 0x0d, 0x00, 1, 0, 0, 0, //        TUN_TYPE = GUE (u8) + pad
      0x06, 0x00, 0x0e, 0x00, 0x17, 0xc0, 0, 0, //  TUN_PORT 6080 BE
      0x06, 0x00, 0x0f, 0x00, 1, 0, 0, 0, //        TUN_FLAGS = CSUM
    ]);
    // Tunnel options on a non-tunnel destination are not sent.
    expect(newDestReq(tcpWrr, { ...natDest, tunnel: { type: 'gre', port: 0, csum: 'remcsum' } }).attrs.length).toBe(48 + 72);
  });

  it('IPv6 destination address and family', () => {
    const a = newDestReq(tcpWrr, { ...natDest, af: 6, addr: 'fd00:88::2', fwd: 'tunnel' }).attrs.subarray(52);
    expect(Array.from(a.subarray(0, 20))).toEqual([0x14, 0, 1, 0, 0xfd, 0, 0, 0x88, ...z(11), 2]);
    expect(Array.from(a.subarray(28, 36))).toEqual([0x06, 0x00, 0x0b, 0x00, 0x0a, 0x00, 0, 0]);
  });

  it('weight outside 0..INT32_MAX is refused', () => {
    expect(() => newDestReq(tcpWrr, { ...natDest, weight: -1 })).toThrow(/weight/);
    expect(() => newDestReq(tcpWrr, { ...natDest, weight: 2 ** 31 })).toThrow(/weight/);
  });
});

describe('connection timeouts (lvs_timeouts)', () => {
  it('SET_CONFIG carries three top-level u32 attributes; GET_CONFIG replies decode', () => {
    const r = setTimeoutsReq({ tcp: 900, tcpFin: 120, udp: 300 });
    expect(r.cmd).toBe(K.IPVS_CMD_SET_CONFIG);
    expect(r.attrs).toEqual(bytes(
      [0x08, 0x00, 0x04, 0x00, 0x84, 0x03, 0, 0], // IPVS_CMD_ATTR_TIMEOUT_TCP 900
      [0x08, 0x00, 0x05, 0x00, 0x78, 0x00, 0, 0], // IPVS_CMD_ATTR_TIMEOUT_TCP_FIN 120
      [0x08, 0x00, 0x06, 0x00, 0x2c, 0x01, 0, 0], // IPVS_CMD_ATTR_TIMEOUT_UDP 300
    ));
    expect(decodeTimeoutsReply(r.attrs)).toEqual({ ok: true, value: { tcp: 900, tcpFin: 120, udp: 300 } });
  });
});

describe('sync daemon encoding', () => {
  it('NEW_DAEMON: STATE, MCAST_IFN, SYNC_ID and the optional tuning', () => {
    const r = newDaemonReq({ state: 'master', ifname: 'eth0', syncId: 51, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 });
    expect(r.cmd).toBe(K.IPVS_CMD_NEW_DAEMON);
    expect(r.attrs).toEqual(bytes(
      [0x38, 0x00, 0x03, 0x80], //                      IPVS_CMD_ATTR_DAEMON | NESTED, 56 bytes
      [0x08, 0x00, 0x01, 0x00, 1, 0, 0, 0], //           STATE = MASTER
      [0x09, 0x00, 0x02, 0x00, 0x65, 0x74, 0x68, 0x30, 0x00, 0, 0, 0], // MCAST_IFN "eth0\0"
      [0x08, 0x00, 0x03, 0x00, 51, 0, 0, 0], //          SYNC_ID 51
      [0x08, 0x00, 0x05, 0x00, 224, 0, 0, 81], //        MCAST_GROUP 224.0.0.81 (network order)
      [0x06, 0x00, 0x07, 0x00, 0x90, 0x22, 0, 0], //     MCAST_PORT 8848 (host order)
      [0x05, 0x00, 0x08, 0x00, 1, 0, 0, 0], //           MCAST_TTL 1
    ));
    expect(decodeDaemonReply(r.attrs)).toEqual({
      ok: true, value: { state: 'master', ifname: 'eth0', syncId: 51, mcastGroup: '224.0.0.81', mcastPort: 8848, mcastTtl: 1 },
    });
  });

  it('DEL_DAEMON names only the state', () => {
    expect(delDaemonReq('backup').attrs).toEqual(bytes([0x0c, 0x00, 0x03, 0x80, 0x08, 0x00, 0x01, 0x00, 2, 0, 0, 0]));
  });
});

describe('decoding', () => {
  it('a full service request decodes back to the same service (the dump uses the same nest)', () => {
    fc.assert(fc.property(arbService(), (s) => {
      const d = decodeServiceReply(newServiceReq(s).attrs);
      expect(d).toEqual({ ok: true, value: { service: s, stats: expect.anything() } });
    }), { numRuns: 300 });
  });

  it('a full destination request decodes back to the same destination', () => {
    fc.assert(fc.property(arbService(), arbDest(), (s, d) => {
      const r = decodeDestReply(newDestReq(s, d).attrs, s.af);
      expect(r.ok && r.value.dest).toEqual(d);
    }), { numRuns: 300 });
  });

  it('reads STATS64 counters and the connection counts from a dump reply', () => {
    const reply = new AttrEncoder().nested(K.IPVS_CMD_ATTR_DEST, (d) => {
      d.bytes(K.IPVS_DEST_ATTR_ADDR, Uint8Array.from([10, 88, 0, 2, ...z(12)]));
      d.u16be(K.IPVS_DEST_ATTR_PORT, 80);
      d.u32(K.IPVS_DEST_ATTR_FWD_METHOD, K.IP_VS_CONN_F_DROUTE | 0x100); // upper conn flags are ignored
      d.u32(K.IPVS_DEST_ATTR_WEIGHT, 7);
      d.u32(K.IPVS_DEST_ATTR_ACTIVE_CONNS, 5);
      d.u32(K.IPVS_DEST_ATTR_INACT_CONNS, 6);
      d.u32(K.IPVS_DEST_ATTR_PERSIST_CONNS, 2);
      d.nested(K.IPVS_DEST_ATTR_STATS, (s) => { s.u32(K.IPVS_STATS_ATTR_CONNS, 1); s.u64(K.IPVS_STATS_ATTR_INBYTES, 9n); });
      d.nested(K.IPVS_DEST_ATTR_STATS64, (s) => {
        s.u64(K.IPVS_STATS_ATTR_CONNS, 2n ** 40n); s.u64(K.IPVS_STATS_ATTR_OUTBPS, 12345n); s.u64(K.IPVS_STATS_ATTR_PAD, 0n);
      });
    }).encode();
    const r = decodeDestReply(reply, 4);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.dest).toEqual({ af: 4, addr: '10.88.0.2', port: 80, fwd: 'route', weight: 7, uThreshold: 0, lThreshold: 0 });
    expect(r.value.counters).toMatchObject({ activeConns: 5, inactConns: 6, persistConns: 2 });
    expect(r.value.counters.stats).toMatchObject({ conns: 2n ** 40n, outBps: 12345n, inBytes: 0n }); // STATS64 wins
  });

  it('returns reasons instead of throwing on malformed replies', () => {
    expect(decodeServiceReply(new Uint8Array(0))).toEqual({ ok: false, reason: 'reply has no attribute 1' });
    expect(decodeServiceReply(Uint8Array.from([8, 0, 1, 0x80, 6, 0, 1]))).toMatchObject({ ok: false });
    const noAf = new AttrEncoder().nested(K.IPVS_CMD_ATTR_SERVICE, (s) => s.u32(K.IPVS_SVC_ATTR_FWMARK, 1)).encode();
    expect(decodeServiceReply(noAf)).toEqual({ ok: false, reason: 'service with unknown address family -1' });
    const badMask = new AttrEncoder().nested(K.IPVS_CMD_ATTR_SERVICE, (s) => {
      s.u16(K.IPVS_SVC_ATTR_AF, K.AF_INET); s.u32(K.IPVS_SVC_ATTR_FWMARK, 1); s.u32be(K.IPVS_SVC_ATTR_NETMASK, 0xff00ff00);
    }).encode();
    expect(decodeServiceReply(badMask)).toEqual({ ok: false, reason: 'service netmask 0xff00ff00 is not a prefix' });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      expect(() => { decodeServiceReply(b); decodeDestReply(b, 4); decodeInfoReply(b); decodeDaemonReply(b); }).not.toThrow();
    }));
  });

  it('GET_INFO reply', () => {
    const a = new AttrEncoder().u32(K.IPVS_INFO_ATTR_VERSION, 0x010201).u32(K.IPVS_INFO_ATTR_CONN_TAB_SIZE, 4096).encode();
    expect(decodeInfoReply(a)).toEqual({ ok: true, value: { version: 0x010201, connTabSize: 4096 } });
  });
});
