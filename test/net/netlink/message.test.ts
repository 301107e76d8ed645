import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeError, decodeMessages, doneStatus, encodeMessage, NLM_F_ACK, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_REQUEST,
  NLMSG_DONE, NLMSG_ERROR, type NlMsg,
} from '../../../src/net/netlink/message.js';

describe('netlink message framing', () => {
  it('encodes nlmsghdr in host order with nlmsg_len excluding padding', () => {
    const got = encodeMessage({ type: 20, flags: NLM_F_REQUEST | NLM_F_ACK, seq: 0x01020304, pid: 0, payload: Uint8Array.from([1, 2, 3]) });
    expect(got).toEqual(Uint8Array.from([
      19, 0, 0, 0, //             nlmsg_len = 16 + 3
      20, 0, //                   nlmsg_type = RTM_NEWADDR
      5, 0, //                    flags = REQUEST | ACK
      4, 3, 2, 1, //              seq
      0, 0, 0, 0, //              pid (kernel)
      1, 2, 3, 0, //              payload + 1 pad byte
    ]));
  });

  it('splits a datagram with several messages', () => {
    const a: NlMsg = { type: 16, flags: 2, seq: 7, pid: 99, payload: Uint8Array.from([9, 9, 9, 9, 9]) };
    const b: NlMsg = { type: NLMSG_DONE, flags: 2, seq: 7, pid: 99, payload: Uint8Array.from([0, 0, 0, 0]) };
    const buf = new Uint8Array([...encodeMessage(a), ...encodeMessage(b)]);
    const got = decodeMessages(buf);
    expect(got).toEqual({ ok: true, value: [a, b] });
    expect(doneStatus(b)).toBe(0);
  });

  it('rejects impossible lengths with a reason', () => {
    expect(decodeMessages(Uint8Array.from([4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toMatchObject({ ok: false });
    expect(decodeMessages(Uint8Array.from([64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toMatchObject({ ok: false });
    expect(decodeMessages(Uint8Array.from([1, 2, 3]))).toMatchObject({ ok: false });
    expect(decodeMessages(new Uint8Array(0))).toEqual({ ok: true, value: [] });
  });

  it('decodes a capped NLMSG_ERROR with extended-ack message and offset (as the kernel sent for EEXIST)', () => {
    const payload = Uint8Array.from([
      0xef, 0xff, 0xff, 0xff, //           error = -17 (EEXIST)
      40, 0, 0, 0, 20, 0, 0x05, 0x06, //   original header: len 40, type 20 (RTM_NEWADDR), flags REQUEST|ACK|EXCL|CREATE
      3, 0, 0, 0, 0, 0, 0, 0, //           seq 3, pid 0
      35, 0, 1, 0, //                      TLV len 35, NLMSGERR_ATTR_MSG
      ...new TextEncoder().encode('ipv4: Address already assigned'), 0, //  30 chars + NUL
      0, //                                pad to 36
      8, 0, 2, 0, 24, 0, 0, 0, //          NLMSGERR_ATTR_OFFS = 24
    ]);
    const got = decodeError({ type: NLMSG_ERROR, flags: NLM_F_CAPPED | NLM_F_ACK_TLVS, seq: 3, pid: 77, payload });
    expect(got).toEqual({
      ok: true,
      value: {
        errno: 17,
        request: { len: 40, type: 20, flags: 0x605, seq: 3, pid: 0 },
        extackMsg: 'ipv4: Address already assigned',
        extackOffset: 24,
      },
    });
  });

  it('skips the echoed request when the error is not capped', () => {
    const orig = encodeMessage({ type: 18, flags: 5, seq: 9, pid: 0, payload: Uint8Array.from([1, 2, 3, 4, 5, 6]) });
    const tlv = Uint8Array.from([7, 0, 1, 0, 0x68, 0x69, 0, 0]); // "hi\0" + pad
    const payload = new Uint8Array([0xea, 0xff, 0xff, 0xff, ...orig, ...tlv]); // -22 EINVAL
    const got = decodeError({ type: NLMSG_ERROR, flags: NLM_F_ACK_TLVS, seq: 9, pid: 1, payload });
    expect(got.ok && got.value.errno).toBe(22);
    expect(got.ok && got.value.extackMsg).toBe('hi');
    expect(got.ok && got.value.request.seq).toBe(9);
  });

  it('a plain ACK is errno 0 and a short error payload is a reason', () => {
    const ack = new Uint8Array(20);
    expect(decodeError({ type: NLMSG_ERROR, flags: NLM_F_CAPPED, seq: 1, pid: 0, payload: ack })).toMatchObject({ ok: true, value: { errno: 0 } });
    expect(decodeError({ type: NLMSG_ERROR, flags: 0, seq: 1, pid: 0, payload: new Uint8Array(8) })).toMatchObject({ ok: false });
  });

  it('round-trips messages and never throws on random bytes', () => {
    const msg = fc.record({
      type: fc.integer({ min: 0, max: 0xffff }), flags: fc.integer({ min: 0, max: 0xffff }),
      seq: fc.nat({ max: 0xffffffff }), pid: fc.nat({ max: 0xffffffff }), payload: fc.uint8Array({ maxLength: 50 }),
    });
    fc.assert(fc.property(fc.array(msg, { minLength: 1, maxLength: 5 }), (msgs) => {
      const buf = new Uint8Array(msgs.flatMap((m) => [...encodeMessage(m)]));
      expect(decodeMessages(buf)).toEqual({ ok: true, value: msgs });
    }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 0xffff }), (buf, flags) => {
      const r = decodeMessages(buf);
      expect(typeof r.ok).toBe('boolean');
      const e = decodeError({ type: NLMSG_ERROR, flags, seq: 0, pid: 0, payload: buf });
      expect(typeof e.ok).toBe('boolean');
    }));
  });
});
