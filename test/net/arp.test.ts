import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildGarp, parseArpFrame, sendGarp } from '../../src/net/arp.js';
import { formatMac, parseMac, vrrpVirtualMac } from '../../src/net/frame.js';
import { CaptureFrames } from '../fakes/packet-socket.js';

const vip = Uint8Array.from([10, 88, 0, 100]);
const vmac51 = vrrpVirtualMac(51); // 00:00:5e:00:01:33

// keepalived's form: REQUEST, sender IP = target IP = VIP, target MAC broadcast.
const garpRequest = Uint8Array.from([
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // Ethernet destination: broadcast
  0x00, 0x00, 0x5e, 0x00, 0x01, 0x33, // Ethernet source: VRRP virtual MAC for VRID 51
  0x08, 0x06, //                         EtherType ARP
  0x00, 0x01, //                         HardwareType Ethernet
  0x08, 0x00, //                         ProtocolType IPv4
  6, //                                  HardwareAddrLength
  4, //                                  IPLength
  0x00, 0x01, //                         Operation REQUEST
  0x00, 0x00, 0x5e, 0x00, 0x01, 0x33, // SenderHardwareAddr
  10, 88, 0, 100, //                     SenderIP = VIP
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // TargetHardwareAddr (keepalived sends broadcast)
  10, 88, 0, 100, //                     TargetIP = VIP
]);

describe('gratuitous ARP', () => {
  it('builds the request form byte for byte', () => {
    expect(buildGarp({ ip: vip, mac: vmac51 })).toEqual({ ok: true, value: garpRequest });
  });

  it('builds the reply form with target MAC = sender MAC', () => {
    const nic = parseMac('52:54:00:12:34:56')!;
    const got = buildGarp({ ip: vip, mac: nic, op: 'reply' });
    expect(got.ok && [...got.value.subarray(20, 22)]).toEqual([0x00, 0x02]); // Operation REPLY
    expect(got.ok && formatMac(got.value.subarray(32, 38))).toBe('52:54:00:12:34:56');
    expect(got.ok && formatMac(got.value.subarray(6, 12))).toBe('52:54:00:12:34:56');
  });

  it('rejects bad inputs with a named reason', () => {
    expect(buildGarp({ ip: Uint8Array.from([1, 2, 3]), mac: vmac51 })).toEqual({ ok: false, reason: 'ip must be an IPv4 address' });
    expect(buildGarp({ ip: vip, mac: new Uint8Array(5) })).toEqual({ ok: false, reason: 'mac must be 6 bytes' });
    expect(buildGarp({ ip: vip, mac: vmac51, targetMac: new Uint8Array(2) })).toEqual({ ok: false, reason: 'targetMac must be 6 bytes' });
    expect(() => vrrpVirtualMac(0)).toThrow(RangeError);
    expect(formatMac(vrrpVirtualMac(7, 6))).toBe('00:00:5e:00:02:07');
  });

  it('parses what it builds, padded to 60 bytes as on the wire', () => {
    const padded = new Uint8Array(60);
    padded.set(garpRequest);
    expect(parseArpFrame(padded)).toEqual({ ok: true, value: {
      ethDst: Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), ethSrc: vmac51, htype: 1, op: 1, senderMac: vmac51,
      senderIp: vip, targetMac: Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), targetIp: vip, gratuitous: true,
    } });
    expect(parseArpFrame(garpRequest.subarray(0, 41))).toMatchObject({ ok: false });
  });

  it('round-trips any MAC/IP/op and the parser never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.uint8Array({ minLength: 4, maxLength: 4 }),
      fc.constantFrom('request' as const, 'reply' as const), (mac, ip, op) => {
        const f = buildGarp({ ip, mac, op });
        const p = f.ok ? parseArpFrame(f.value) : undefined;
        expect(p).toMatchObject({ ok: true, value: { senderMac: mac, senderIp: ip, targetIp: ip, op: op === 'reply' ? 2 : 1, gratuitous: true } });
      }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
      expect(typeof parseArpFrame(b).ok).toBe('boolean');
    }));
  });

  it('sends `count` copies through the frame port', () => {
    const out = new CaptureFrames();
    sendGarp(out, { ip: vip, mac: vmac51 }, 3);
    expect(out.frames).toEqual([garpRequest, garpRequest, garpRequest]);
    expect(() => sendGarp(out, { ip: vip, mac: new Uint8Array(1) })).toThrow(/mac must be 6 bytes/);
  });
});
